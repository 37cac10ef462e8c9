"""Pages for officials: their customers' bookings, a booking, contact on demand, check-in, cancel.

Thin: parse, ask the policy through the staff selectors and services, record the
read in the audit log, render. Who may open these pages at all is the rule table's
business (``luukku.access.rules``); which bookings is the policy's.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from luukku.access.policy import AccessDenied
from luukku.audit.models import AccessAction
from luukku.audit.services import access_record, actor_of
from luukku.booking.models import Booking, BookingState
from luukku.booking.selectors import HELSINKI
from luukku.booking.services import BookingError
from luukku.booking.staff_selectors import (
    LIST_LIMIT,
    MAX_DAYS,
    needs_of,
    staff_booking_get,
    staff_booking_list,
)
from luukku.booking.staff_services import (
    REASON_MAX,
    booking_cancel_for_customer,
    booking_check_in_for_customer,
)
from luukku.queueing.services import QueueError, parse_booking_code


def _today() -> date:
    return timezone.localtime(timezone.now(), HELSINKI).date()


def _days(raw: str | None) -> int:
    try:
        return min(max(int(raw or 7), 1), MAX_DAYS)
    except ValueError:
        return 7


def _booking(request: HttpRequest, code: str) -> Booking:
    try:
        return staff_booking_get(request.user, code)
    except AccessDenied:
        raise Http404("booking") from None


def _row(booking: Booking) -> dict:
    return {"booking": booking, "needs": needs_of(booking)}


@require_GET
def booking_list(request: HttpRequest) -> HttpResponse:
    """Today's and the coming days' bookings; a code typed in the search opens that booking."""
    code = request.GET.get("code", "").strip()
    if code:
        try:
            found = staff_booking_get(request.user, parse_booking_code(code))
        except (AccessDenied, QueueError):
            found = None
        if found is not None:
            return redirect("staff:booking", code=found.code)
        messages.error(request, _("None of your bookings has this code."))
    days = _days(request.GET.get("days"))
    bookings = staff_booking_list(request.user, first_day=_today(), days=days)
    access_record(actor=actor_of(request), action=AccessAction.LIST, bookings=bookings)
    return render(
        request,
        "booking/staff/list.html",
        {
            "rows": [_row(b) for b in bookings],
            "days": days,
            "day_choices": (1, 7, 14, MAX_DAYS),
            "full": len(bookings) >= LIST_LIMIT,
            "code": code[:40],
        },
    )


def _detail(
    request: HttpRequest, booking: Booking, *, contact: bool = False, status: int = 200, **extra
) -> HttpResponse:
    action = AccessAction.CONTACT if contact else AccessAction.OPEN
    access_record(actor=actor_of(request), action=action, bookings=[booking])
    now = timezone.now()
    return render(
        request,
        "booking/staff/detail.html",
        {
            **_row(booking),
            "contact": contact,
            "can_check_in": booking.state == BookingState.BOOKED,
            "can_cancel": booking.state == BookingState.BOOKED and booking.start > now,
            "reason_max": REASON_MAX,
            **extra,
        },
        status=status,
    )


@require_GET
def booking_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _detail(request, _booking(request, code))


@require_POST
def booking_contact(request: HttpRequest, code: str) -> HttpResponse:
    """Show the customer's phone and e-mail: asked for, and recorded as such."""
    return _detail(request, _booking(request, code), contact=True)


@require_POST
def booking_check_in(request: HttpRequest, code: str) -> HttpResponse:
    booking = _booking(request, code)
    try:
        result = booking_check_in_for_customer(actor=actor_of(request), booking=booking)
    except QueueError as exc:
        booking.refresh_from_db()
        return _detail(request, booking, status=exc.status, error=exc.message)
    if result.already:
        messages.info(
            request, _("Already checked in: number %(number)s.") % {"number": result.ticket.number}
        )
    elif result.late:
        messages.info(
            request,
            _("Too late for the booked time: %(number)s joins the walk-in queue.")
            % {"number": result.ticket.number},
        )
    else:
        messages.success(
            request,
            _("Checked in: the customer's number is %(number)s.")
            % {"number": result.ticket.number},
        )
    return redirect("staff:booking", code=booking.code)


@require_POST
def booking_cancel(request: HttpRequest, code: str) -> HttpResponse:
    booking = _booking(request, code)
    reason = request.POST.get("reason", "")
    try:
        booking_cancel_for_customer(actor=actor_of(request), booking=booking, reason=reason)
    except BookingError as exc:
        booking.refresh_from_db()
        return _detail(request, booking, status=400, error=exc.message, reason=reason[:REASON_MAX])
    messages.success(request, _("The booking is cancelled; the customer is told."))
    return redirect("staff:booking", code=booking.code)
