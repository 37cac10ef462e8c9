"""Reads for staff: an official's bookings, with the customer's name and needs.

Every read here goes through the access policy (``bookings_visible_q`` and
``access_booking``), and the caller records the read in the audit log (the views and
the API do it with :func:`luukku.audit.services.access_record`).
"""

from __future__ import annotations

from datetime import date, timedelta

from luukku.access.policy import access_booking, bookings_visible_q
from luukku.booking.models import Booking
from luukku.booking.selectors import day_bounds

#: Most bookings one list shows (a week of one agency at a large point fits).
LIST_LIMIT = 300
#: Longest period one list covers, in days.
MAX_DAYS = 31

_RELATED = ("service__agency", "site", "space", "visit", "interpreter", "bus_stop")


def staff_booking_list(user, *, first_day: date, days: int = 7) -> list[Booking]:
    """The user's bookings (their agency, their sites) from ``first_day`` on, by start."""
    start, _ = day_bounds(first_day)
    _, end = day_bounds(first_day + timedelta(days=max(days, 1) - 1))
    return list(
        Booking.objects.filter(bookings_visible_q(user, details=True), start__gte=start)
        .filter(start__lt=end)
        .select_related(*_RELATED)
        .order_by("start", "position", "pk")[:LIST_LIMIT]
    )


def staff_booking_get(user, code: str) -> Booking:
    """One booking by its code, if the user may see its customer (else AccessDenied)."""
    return access_booking(user, code, details=True)


def needs_of(booking: Booking) -> list[str]:
    """Codes of what the customer needs: interpreter (a language), wheelchair, a group."""
    visit = booking.visit
    needs = []
    if visit.interpreter_language:
        needs.append(f"interpreter:{visit.interpreter_language}")
    if visit.needs_accessible:
        needs.append("wheelchair")
    if visit.group_size > 1:
        needs.append(f"group:{visit.group_size}")
    return needs
