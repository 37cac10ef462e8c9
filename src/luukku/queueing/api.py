"""HTTP API routes of the queueing capability: tickets, check-in, queue state and desk actions.

Bad input is answered with 4xx and a body naming the field, in the shape of
Django Ninja's validation errors (``{"detail": [{"loc": [...], "msg": ...}]}``).
Desk actions need a signed-in official with an open desk session (session auth).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Field, Header, Path, Query, Router, Schema, Status
from ninja.security import django_auth

from luukku.access.policy import AccessDenied, access_ticket, profile_of
from luukku.booking.api import ApiError, ContactIn
from luukku.booking.services import Customer
from luukku.queueing import selectors
from luukku.queueing.models import Ticket
from luukku.queueing.services import (
    QueueError,
    booking_check_in,
    desk_session_pause,
    desk_session_resume,
    desk_session_start,
    follow_up_needs,
    needs_from,
    session_scope,
    ticket_call,
    ticket_call_next,
    ticket_finish,
    ticket_follow_up,
    ticket_follow_up_times,
    ticket_no_show,
    ticket_park,
    ticket_recall,
    ticket_start,
    ticket_transfer,
)
from luukku.queueing.services.kiosk import kiosk_ticket_take
from luukku.registry.models import Service, Site, Space, StaffProfile

router = Router(tags=["queueing"])


def _err(exc: QueueError, where: str = "body") -> ApiError:
    if exc.field == "idempotency_key":
        return ApiError(exc.status, ["header", "Idempotency-Key"], exc.message)
    return ApiError(exc.status, [where, exc.field], exc.message)


#: A ticket id in the path: a positive 64-bit integer (what both databases store).
TicketId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The ticket's id")]


class TicketIn(Schema):
    site: str = Field(description="Site slug, e.g. pori", max_length=60)
    service: str = Field(
        description='Service code, or "advice" to ask the info desk', max_length=60
    )
    group_size: int = Field(1, description="Persons served together (1–12)")
    needs_accessible: bool = Field(False, description="Needs a step-free, wheelchair space")
    interpreter_language: str = Field("", description="ISO 639-1 code, if needed", max_length=8)


class CheckInIn(Schema):
    site: str = Field(max_length=60)
    code: str = Field(
        description="Booking code, or the URL from the confirmation's QR code", max_length=200
    )


class EstimateOut(Schema):
    minutes: int | None
    low: int | None
    high: int | None
    basis: str = Field(
        description="observed, fallback (typical service time), rostered or no_servers"
    )


class OtherTicketOut(Schema):
    token: str
    number: str
    service: str | None
    due_at: datetime | None


class TicketOut(Schema):
    token: str
    number: str
    site: str
    service: str | None
    kind: str
    state: str
    queued_at: datetime
    estimate: EstimateOut | None = None
    late: bool = False
    space_label: str | None = None
    others: list[OtherTicketOut] = Field(
        default=[], description="A chain visit's later tickets of the day, checked in with it"
    )


def _estimate_out(ticket: Ticket) -> EstimateOut | None:
    if ticket.state != "waiting":
        return None
    est = selectors.ticket_estimate(ticket)
    if not est.known:
        return EstimateOut(minutes=None, low=None, high=None, basis=est.basis)
    return EstimateOut(minutes=est.minutes, low=est.low, high=est.high, basis=est.basis)


def _ticket_out(ticket: Ticket, *, late: bool = False, estimate: bool = True) -> TicketOut:
    return TicketOut(
        token=ticket.token,
        number=ticket.number,
        site=ticket.site.slug,
        service=ticket.service.code if ticket.service else None,
        kind=ticket.kind,
        state=ticket.state,
        queued_at=ticket.queued_at,
        estimate=_estimate_out(ticket) if estimate else None,
        late=late,
        space_label=ticket.space.customer_label if ticket.space_id else None,
    )


def _site(slug: str, where: str = "body") -> Site:
    site = Site.objects.filter(slug=slug).first()
    if site is None:
        raise ApiError(404, [where, "site"], "No service point with this slug.")
    return site


@router.post(
    "/tickets",
    response={201: TicketOut},
    summary="Take a queue number",
    description=(
        "A walk-in number, only while the point is open (its hours, exceptions and"
        " holidays; the bus while it stands at a stop): otherwise 409 with loc"
        " [body, site] and a message that says when (and for the bus where) it opens next."
    ),
)
def create_ticket(
    request: HttpRequest,
    payload: TicketIn,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        description="A fresh random key per number taken (e.g. a UUID); a retry with the same "
        "key and request returns the ticket the first request made, not a second number",
    ),
):
    site = _site(payload.site)
    service = None
    if payload.service != "advice":
        service = Service.objects.select_related("agency").filter(code=payload.service).first()
        if service is None:
            raise ApiError(404, ["body", "service"], "No service with this code.")
    try:
        ticket = kiosk_ticket_take(
            site=site,
            service=service,
            language=get_language() or "fi",
            idempotency_key=idempotency_key or "",
            needs=needs_from(payload.dict()),
        )
    except QueueError as exc:
        raise _err(exc) from None
    return Status(201, _ticket_out(ticket))


@router.post("/check-in", response={201: TicketOut}, summary="Check a booking in")
def check_in(request: HttpRequest, payload: CheckInIn):
    site = _site(payload.site)
    try:
        result = booking_check_in(site=site, code=payload.code, language=get_language() or "fi")
    except QueueError as exc:
        raise _err(exc) from None
    out = _ticket_out(result.ticket, late=result.late)
    out.others = [OtherTicketOut.model_validate(_other(t)) for t in result.others]
    return Status(201, out)


def _other(t: Ticket) -> dict:
    return {"token": t.token, "number": t.number, "due_at": t.due_at,
            "service": t.service.code if t.service else None}  # fmt: skip


@router.get("/tickets/{token}", response=TicketOut, summary="A ticket's state and estimate")
def get_ticket(request: HttpRequest, token: str):
    ticket = selectors.ticket_get_by_token(token)
    if ticket is None:
        raise ApiError(404, ["path", "token"], "No such ticket.")
    return _ticket_out(ticket)


class QueueRow(Schema):
    letter: str
    agency: str | None
    waiting: int
    estimate_minutes: int | None


class CallOut(Schema):
    id: int
    number: str
    label: str
    recall: bool
    time: str


class SiteQueueOut(Schema):
    site: str
    queues: list[QueueRow]
    calls: list[CallOut]


@router.get(
    "/sites/{slug}", response=SiteQueueOut, summary="Queue state at a site (what a display shows)"
)
def site_queue(request: HttpRequest, slug: str):
    site = _site(slug, "path")
    lang = get_language() or "fi"
    return SiteQueueOut(
        site=site.slug,
        queues=[
            QueueRow(
                letter=row["queue"].letter,
                agency=row["queue"].agency.code if row["queue"].agency else None,
                waiting=row["waiting"],
                estimate_minutes=row["estimate"].minutes
                if row["estimate"] and row["estimate"].known
                else None,
            )
            for row in selectors.queue_overview(site)
        ],
        calls=[CallOut(**selectors.call_dict(c, lang)) for c in selectors.last_calls(site)],
    )


# -- desk ----------------------------------------------------------------------


class SessionIn(Schema):
    services: list[Annotated[str, Field(max_length=60)]] = Field(
        description="Service codes the official serves now", max_length=100
    )
    remote: bool = False
    site: str | None = Field(
        None, description="Site slug for on-site service (default: home site)", max_length=60
    )
    advice: bool = False
    space: int | None = Field(
        None,
        ge=1,
        le=2**63 - 1,
        description="Id of the booth the official takes for the session (on site only): "
        "call-next gives it while it is free",
    )


class SessionOut(Schema):
    site: str | None
    remote: bool
    services: list[str]
    advice: bool
    space: int | None = Field(None, description="The official's booth, if they took one")
    on_break: bool = False


class DeskCallOut(Schema):
    result: str = Field(description="called, empty or no_space")
    ticket: TicketOut | None = None
    first_in_line: str | None = Field(
        None, description="With no_space: the number that stays first"
    )
    video_url: str | None = None


class ParkIn(Schema):
    minutes: int = 10


class TransferIn(Schema):
    service: str = Field(max_length=60)


class FollowUpIn(ContactIn):
    """The time the customer chose (one of ``follow-up/times``), and their contact details.

    The name, phone (E.164) and e-mail as in booking; the interpreter's language and the
    accessibility need are those of the customer's booking unless given here.
    """

    service: str = Field(
        description="Code of the bookable service of the next visit", max_length=60
    )
    site: str = Field(description="Slug of the chosen time's service point", max_length=60)
    start: datetime = Field(description="The chosen time's start, with its UTC offset")
    channel: str = Field(
        description="The chosen time's channel: in_person or remote", max_length=20
    )
    interpreter_language: str | None = Field(None, max_length=8)
    needs_accessible: bool | None = None


class FollowUpTimeOut(Schema):
    site: str
    site_name: str
    start: datetime
    end: datetime
    channel: str


class FollowUpOut(Schema):
    code: str
    service: str
    site: str
    start: datetime
    channel: str


def _official(request: HttpRequest) -> StaffProfile:
    profile = profile_of(request.user)  # read once per request (the rules read it first)
    if profile is None:
        raise ApiError(403, ["auth"], "Only staff can use the desk.")
    return profile


def _scope(official: StaffProfile):
    session = selectors.desk_session_get(official)
    if session is None:
        raise ApiError(409, ["session"], "Start a desk session first (POST /desk/session).")
    return session_scope(session)


def _my_ticket(request: HttpRequest, ticket_id: TicketId) -> Ticket:
    """The ticket if the user may act on it; a missing and a foreign ticket answer alike."""
    try:
        return access_ticket(request.user, ticket_id)
    except AccessDenied:
        raise ApiError(404, ["path", "ticket_id"], "No such ticket.") from None


@router.post("/desk/session", response={201: SessionOut}, auth=django_auth, summary="Start serving")
def start_session(request: HttpRequest, payload: SessionIn):
    official = _official(request)
    services = list(Service.objects.filter(code__in=payload.services))
    if len(services) != len(set(payload.services)):
        raise ApiError(400, ["body", "services"], "Unknown service code.")
    site = _site(payload.site) if payload.site else None
    space = None
    if payload.space is not None:
        space = Space.objects.filter(pk=payload.space).first()
        if space is None:
            raise ApiError(400, ["body", "space"], "No space with this id.")
    try:
        s = desk_session_start(
            official=official,
            services=services,
            remote=payload.remote,
            site=site,
            advice=payload.advice,
            space=space,
        )
    except QueueError as exc:
        raise _err(exc) from None
    return Status(201, _session_out(s))


def _session_out(s) -> SessionOut:
    return SessionOut(
        site=s.site.slug if s.site else None,
        remote=s.remote,
        services=[x.code for x in s.services.all()],
        advice=s.advice,
        space=s.space_id,
        on_break=s.paused_at is not None,
    )


@router.post(
    "/desk/session/pause",
    response=SessionOut,
    auth=django_auth,
    summary="Go on a break: nobody is called to you until you resume",
)
def pause_session(request: HttpRequest):
    try:
        return _session_out(desk_session_pause(official=_official(request)))
    except QueueError as exc:
        raise _err(exc, "desk") from None


@router.post("/desk/session/resume", response=SessionOut, auth=django_auth, summary="End the break")
def resume_session(request: HttpRequest):
    try:
        return _session_out(desk_session_resume(official=_official(request)))
    except QueueError as exc:
        raise _err(exc, "desk") from None


def _call_out(result) -> DeskCallOut:
    if result.ticket is None:
        return DeskCallOut(
            result=result.reason,
            first_in_line=result.first_in_line.number if result.first_in_line else None,
        )
    t = result.ticket
    return DeskCallOut(
        result="called",
        ticket=_ticket_out(t, estimate=False),
        video_url=t.video_url if t.remote else None,
    )


@router.post(
    "/desk/call-next", response=DeskCallOut, auth=django_auth, summary="Call the next customer"
)
def call_next(request: HttpRequest):
    official = _official(request)
    try:
        return _call_out(ticket_call_next(official=official, scope=_scope(official)))
    except QueueError as exc:
        raise _err(exc, "desk") from None


@router.post(
    "/desk/tickets/{ticket_id}/call",
    response=DeskCallOut,
    auth=django_auth,
    summary="Call this customer",
)
def call_one(request: HttpRequest, ticket_id: TicketId):
    official = _official(request)
    _my_ticket(request, ticket_id)
    try:
        return _call_out(
            ticket_call(ticket_id=ticket_id, official=official, scope=_scope(official))
        )
    except QueueError as exc:
        raise _err(exc, "path") from None


def _act(request: HttpRequest, ticket_id: TicketId, fn, **kwargs) -> TicketOut:
    official = _official(request)
    ticket = _my_ticket(request, ticket_id)
    try:
        done = fn(ticket=ticket, official=official, **kwargs)
    except QueueError as exc:
        raise _err(exc, "path" if exc.field == "ticket" else "body") from None
    done.refresh_from_db()
    return _ticket_out(done, estimate=False)


@router.post(
    "/desk/tickets/{ticket_id}/recall", response=TicketOut, auth=django_auth, summary="Recall"
)
def recall(request: HttpRequest, ticket_id: TicketId):
    return _act(request, ticket_id, ticket_recall)


@router.post(
    "/desk/tickets/{ticket_id}/no-show", response=TicketOut, auth=django_auth, summary="No-show"
)
def no_show(request: HttpRequest, ticket_id: TicketId):
    return _act(request, ticket_id, ticket_no_show)


@router.post(
    "/desk/tickets/{ticket_id}/park",
    response=TicketOut,
    auth=django_auth,
    summary="Park for a while",
)
def park(request: HttpRequest, ticket_id: TicketId, payload: ParkIn):
    return _act(request, ticket_id, ticket_park, minutes=payload.minutes)


@router.post(
    "/desk/tickets/{ticket_id}/transfer",
    response=TicketOut,
    auth=django_auth,
    summary="Pass on to another service's queue, keeping the customer's place",
)
def transfer(request: HttpRequest, ticket_id: TicketId, payload: TransferIn):
    return _act(request, ticket_id, ticket_transfer, service_code=payload.service)


@router.post(
    "/desk/tickets/{ticket_id}/start", response=TicketOut, auth=django_auth, summary="Start service"
)
def start(request: HttpRequest, ticket_id: TicketId):
    return _act(request, ticket_id, ticket_start)


@router.post(
    "/desk/tickets/{ticket_id}/finish",
    response=TicketOut,
    auth=django_auth,
    summary="Finish service",
)
def finish(request: HttpRequest, ticket_id: TicketId):
    return _act(request, ticket_id, ticket_finish)


@router.get(
    "/desk/tickets/{ticket_id}/follow-up/times",
    response=list[FollowUpTimeOut],
    auth=django_auth,
    summary="The next suitable times of the customer's follow-up visit, at any point",
)
def follow_up_times(
    request: HttpRequest,
    ticket_id: TicketId,
    service: Annotated[str, Query(max_length=60)],
    after_days: Annotated[int, Query(ge=0, le=365)] = 1,
    channel: Annotated[str, Query(max_length=20)] = "",
    interpreter_language: Annotated[str | None, Query(max_length=8)] = None,
    needs_accessible: bool | None = None,
):
    official = _official(request)
    ticket = _my_ticket(request, ticket_id)
    try:
        slots = ticket_follow_up_times(
            ticket=ticket,
            official=official,
            service_code=service,
            needs=follow_up_needs(
                ticket,
                interpreter_language=interpreter_language,
                needs_accessible=needs_accessible,
            ),
            after_days=after_days,
            channel=channel,
        )
    except QueueError as exc:
        raise _err(exc, "path" if exc.field == "ticket" else "query") from None
    sites = Site.objects.in_bulk({s.site_id for s in slots})
    return [
        FollowUpTimeOut(
            site=sites[s.site_id].slug,
            site_name=sites[s.site_id].name,
            start=s.start,
            end=s.end,
            channel=s.channel,
        )
        for s in slots
    ]


@router.post(
    "/desk/tickets/{ticket_id}/follow-up",
    response={201: FollowUpOut},
    auth=django_auth,
    summary="Book the customer's next visit at the time they chose",
)
def follow_up(request: HttpRequest, ticket_id: TicketId, payload: FollowUpIn):
    official = _official(request)
    ticket = _my_ticket(request, ticket_id)
    site = _site(payload.site)
    try:
        booking = ticket_follow_up(
            ticket=ticket,
            official=official,
            service_code=payload.service,
            customer=Customer(
                name=payload.name,
                phone=payload.phone,
                email=payload.email,
                language=ticket.language,
            ),
            site=site,
            start=payload.start,
            channel=payload.channel,
            needs=follow_up_needs(
                ticket,
                interpreter_language=payload.interpreter_language,
                needs_accessible=payload.needs_accessible,
            ),
        )
    except QueueError as exc:
        raise _err(exc, "path" if exc.field == "ticket" else "body") from None
    return Status(
        201,
        FollowUpOut(
            code=booking.code,
            service=booking.service.code,
            site=booking.site.slug,
            start=booking.start,
            channel=booking.channel,
        ),
    )
