"""HTTP API of the official's desk: session, calling and what is done with the customer.

Mounted at ``/queueing/desk``; signed-in officials with an open desk session (session
auth). Errors in the shape of :mod:`luukku.queueing.api`'s.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from luukku.access.policy import AccessDenied, access_ticket, profile_of
from luukku.booking.api import ApiError, ContactIn
from luukku.booking.services import Customer
from luukku.queueing import selectors
from luukku.queueing.api import TicketId, TicketOut, _err, _site, _ticket_out
from luukku.queueing.models import Ticket
from luukku.queueing.services import (
    QueueError,
    desk_session_pause,
    desk_session_resume,
    desk_session_start,
    follow_up_needs,
    session_scope,
    ticket_arrange_interpreter,
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
from luukku.registry.models import Service, Site, Space, StaffProfile

router = Router(tags=["queueing"])


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


@router.post("/session", response={201: SessionOut}, auth=django_auth, summary="Start serving")
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
    "/session/pause",
    response=SessionOut,
    auth=django_auth,
    summary="Go on a break: nobody is called to you until you resume",
)
def pause_session(request: HttpRequest):
    try:
        return _session_out(desk_session_pause(official=_official(request)))
    except QueueError as exc:
        raise _err(exc, "desk") from None


@router.post("/session/resume", response=SessionOut, auth=django_auth, summary="End the break")
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


@router.post("/call-next", response=DeskCallOut, auth=django_auth, summary="Call the next customer")
def call_next(request: HttpRequest):
    official = _official(request)
    try:
        return _call_out(ticket_call_next(official=official, scope=_scope(official)))
    except QueueError as exc:
        raise _err(exc, "desk") from None


@router.post(
    "/tickets/{ticket_id}/call",
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


@router.post("/tickets/{ticket_id}/recall", response=TicketOut, auth=django_auth, summary="Recall")
def recall(request: HttpRequest, ticket_id: TicketId):
    return _act(request, ticket_id, ticket_recall)


@router.post(
    "/tickets/{ticket_id}/no-show", response=TicketOut, auth=django_auth, summary="No-show"
)
def no_show(request: HttpRequest, ticket_id: TicketId):
    return _act(request, ticket_id, ticket_no_show)


@router.post(
    "/tickets/{ticket_id}/park",
    response=TicketOut,
    auth=django_auth,
    summary="Park for a while",
)
def park(request: HttpRequest, ticket_id: TicketId, payload: ParkIn):
    return _act(request, ticket_id, ticket_park, minutes=payload.minutes)


class InterpreterIn(Schema):
    interpreter: int


@router.post(
    "/tickets/{ticket_id}/interpreter",
    response=TicketOut,
    auth=django_auth,
    summary="Arrange an interpreter now (their time is held for the service's usual length)",
)
def interpreter(request: HttpRequest, ticket_id: TicketId, payload: InterpreterIn):
    return _act(request, ticket_id, ticket_arrange_interpreter, interpreter_id=payload.interpreter)


@router.post(
    "/tickets/{ticket_id}/transfer",
    response=TicketOut,
    auth=django_auth,
    summary="Pass on to another service's queue, keeping the customer's place",
)
def transfer(request: HttpRequest, ticket_id: TicketId, payload: TransferIn):
    return _act(request, ticket_id, ticket_transfer, service_code=payload.service)


@router.post(
    "/tickets/{ticket_id}/start", response=TicketOut, auth=django_auth, summary="Start service"
)
def start(request: HttpRequest, ticket_id: TicketId):
    return _act(request, ticket_id, ticket_start)


@router.post(
    "/tickets/{ticket_id}/finish",
    response=TicketOut,
    auth=django_auth,
    summary="Finish service",
)
def finish(request: HttpRequest, ticket_id: TicketId):
    return _act(request, ticket_id, ticket_finish)


@router.get(
    "/tickets/{ticket_id}/follow-up/times",
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
    "/tickets/{ticket_id}/follow-up",
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
