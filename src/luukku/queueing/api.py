"""HTTP API routes of the queueing capability: tickets, check-in and queue state.

Bad input is answered with 4xx and a body naming the field, in the shape of
Django Ninja's validation errors (``{"detail": [{"loc": [...], "msg": ...}]}``).
The official's desk actions are in :mod:`luukku.queueing.desk_api`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Field, Header, Path, Router, Schema, Status

from luukku.booking.api import ApiError
from luukku.queueing import selectors
from luukku.queueing.models import Ticket
from luukku.queueing.services import (
    QueueError,
    booking_check_in,
    needs_from,
)
from luukku.queueing.services.kiosk import kiosk_ticket_take
from luukku.registry.models import Service, Site

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
    then: list[Annotated[str, Field(max_length=60)]] = Field(
        default=[],
        max_length=4,
        description="Codes of later walk-in services on the same number, in order: when one "
        "is finished the customer is passed on to the next, keeping their place in line",
    )


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
    then: list[str] = Field(
        default=[], description="Codes of the later services still to come on this number"
    )


def _estimate_out(ticket: Ticket) -> EstimateOut | None:
    if ticket.state != "waiting":
        return None
    est = selectors.ticket_estimate(ticket)
    if not est.known:
        return EstimateOut(minutes=None, low=None, high=None, basis=est.basis)
    return EstimateOut(minutes=est.minutes, low=est.low, high=est.high, basis=est.basis)


def _ticket_out(
    ticket: Ticket, *, late: bool = False, estimate: bool = True, then: list[str] | None = None
) -> TicketOut:
    """The ticket's answer; ``then``: its later services when the caller knows them."""
    if then is None:
        then = [step.service.code for step in ticket.steps.select_related("service")]
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
        then=then,
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
    then = list(Service.objects.select_related("agency").filter(code__in=payload.then))
    then.sort(key=lambda s: payload.then.index(s.code))
    if len(then) != len(set(payload.then)):
        raise ApiError(404, ["body", "then"], "No service with this code.")
    try:
        ticket = kiosk_ticket_take(
            site=site,
            service=service,
            language=get_language() or "fi",
            idempotency_key=idempotency_key or "",
            needs=needs_from(payload.dict()),
            then=then,
        )
    except QueueError as exc:
        raise _err(exc) from None
    return Status(201, _ticket_out(ticket, then=[s.code for s in then]))


@router.post("/check-in", response={201: TicketOut}, summary="Check a booking in")
def check_in(request: HttpRequest, payload: CheckInIn):
    site = _site(payload.site)
    try:
        result = booking_check_in(site=site, code=payload.code, language=get_language() or "fi")
    except QueueError as exc:
        raise _err(exc) from None
    out = _ticket_out(result.ticket, late=result.late, then=[])
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
