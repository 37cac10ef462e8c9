"""HTTP API for officials: their customers' bookings, contact on demand, check-in, cancel.

The same selectors and services as the staff pages (``staff_views``), the same
audit events. Session authentication (``django_auth``): 401 when not signed in; a
role without access gets 403 from the rule table; a booking outside one's agency
or sites answers 404, the same as one that does not exist.
"""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.security import django_auth

from luukku.access.policy import AccessDenied
from luukku.audit.models import AccessAction
from luukku.audit.services import access_record, actor_of
from luukku.booking.api import ApiError, ErrorOut
from luukku.booking.models import Booking
from luukku.booking.selectors import HELSINKI
from luukku.booking.services import BookingError
from luukku.booking.staff_selectors import MAX_DAYS, needs_of, staff_booking_get, staff_booking_list
from luukku.booking.staff_services import (
    REASON_MAX,
    booking_cancel_for_customer,
    booking_check_in_for_customer,
)
from luukku.queueing.services import QueueError, parse_booking_code

router = Router(tags=["staff"], auth=django_auth)

#: The refusals every operation may answer: bad input (400, 422), not signed in (401),
#: a role without access (403), a booking outside one's scope or none (404).
_REFUSALS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}

#: A booking code as the path takes it (parse_booking_code then normalises it).
CODE_PATH = r"^[A-Za-z0-9-]{1,20}$"


class StaffBookingOut(Schema):
    code: str
    service: str
    service_name: str
    agency: str
    site: str
    site_name: str
    channel: str
    start: datetime
    end: datetime
    local_time: str = Field(description="Start in Europe/Helsinki, e.g. 2026-11-30 09:15")
    space: str | None = None
    state: str
    name: str = Field(description="The customer's name (personal data: the read is audited)")
    language: str
    needs: list[str] = Field(
        description="interpreter:<language>, wheelchair, group:<size>; empty for none"
    )
    cancel_reason: str = ""


class ContactOut(Schema):
    code: str
    phone: str
    email: str


class CheckInOut(Schema):
    code: str
    number: str = Field(description="The queue number the customer was given")
    late: bool
    already: bool


class CancelIn(Schema):
    reason: str = Field(min_length=1, max_length=REASON_MAX, description="Why it is cancelled")


class ListQuery(Schema):
    from_date: date | None = Field(
        None, alias="from", description="First day (local), default today"
    )
    days: int = Field(7, ge=1, le=MAX_DAYS, description="How many days from the first")


def _out(b: Booking) -> StaffBookingOut:
    return StaffBookingOut(
        code=b.code,
        service=b.service.code,
        service_name=b.service.name,
        agency=b.service.agency.code,
        site=b.site.slug,
        site_name=b.site.name,
        channel=b.channel,
        start=b.start,
        end=b.end,
        local_time=timezone.localtime(b.start, HELSINKI).strftime("%Y-%m-%d %H:%M"),
        space=b.space.customer_label if b.space_id else None,
        state=b.state,
        name=b.visit.name,
        language=b.visit.language,
        needs=needs_of(b),
        cancel_reason=b.cancel_reason,
    )


def _booking(request: HttpRequest, code: str) -> Booking:
    try:
        return staff_booking_get(request.user, parse_booking_code(code))
    except (AccessDenied, QueueError):
        raise ApiError(404, ["path", "code"], _("None of your bookings has this code.")) from None


@router.get(
    "/bookings",
    response={200: list[StaffBookingOut], **_REFUSALS},
    summary="My customers' bookings",
)
def list_bookings(request: HttpRequest, query: Query[ListQuery]):
    first = query.from_date or timezone.localtime(timezone.now(), HELSINKI).date()
    today = timezone.localtime(timezone.now(), HELSINKI).date()
    if first < today:
        raise ApiError(422, ["query", "from"], _("The list starts today or later."))
    if (first - today).days > 366:
        raise ApiError(422, ["query", "from"], _("At most a year ahead."))
    bookings = staff_booking_list(request.user, first_day=first, days=query.days)
    access_record(actor=actor_of(request), action=AccessAction.LIST, bookings=bookings)
    return [_out(b) for b in bookings]


@router.get(
    "/bookings/{code}",
    response={200: StaffBookingOut, **_REFUSALS},
    summary="One booking, by its code",
)
def get_booking(request: HttpRequest, code: str = Path(..., pattern=CODE_PATH)):
    booking = _booking(request, code)
    access_record(actor=actor_of(request), action=AccessAction.OPEN, bookings=[booking])
    return _out(booking)


@router.get(
    "/bookings/{code}/contact",
    response={200: ContactOut, **_REFUSALS},
    summary="The customer's phone and e-mail (the read is audited)",
)
def get_contact(request: HttpRequest, code: str = Path(..., pattern=CODE_PATH)):
    booking = _booking(request, code)
    access_record(actor=actor_of(request), action=AccessAction.CONTACT, bookings=[booking])
    return ContactOut(code=booking.code, phone=booking.visit.phone, email=booking.visit.email)


@router.post(
    "/bookings/{code}/check-in",
    response={201: CheckInOut, 409: ErrorOut, **_REFUSALS},
    summary="Check the customer in, as the kiosk would",
)
def check_in(request: HttpRequest, code: str = Path(..., pattern=CODE_PATH)):
    booking = _booking(request, code)
    try:
        result = booking_check_in_for_customer(actor=actor_of(request), booking=booking)
    except QueueError as exc:
        raise ApiError(exc.status, ["path", "code"], exc.message) from None
    return Status(
        201,
        CheckInOut(
            code=booking.code,
            number=result.ticket.number,
            late=result.late,
            already=result.already,
        ),
    )


@router.post(
    "/bookings/{code}/cancel",
    response={200: StaffBookingOut, 409: ErrorOut, **_REFUSALS},
    summary="Cancel for the customer, with a reason; the customer is told",
)
def cancel(request: HttpRequest, payload: CancelIn, code: str = Path(..., pattern=CODE_PATH)):
    booking = _booking(request, code)
    try:
        done = booking_cancel_for_customer(
            actor=actor_of(request), booking=booking, reason=payload.reason
        )
    except BookingError as exc:
        where = ["body", "reason"] if exc.field == "reason" else ["path", "code"]
        raise ApiError(409 if exc.field == "code" else 422, where, exc.message) from None
    return _out(done)
