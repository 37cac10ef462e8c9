"""Reads of visit plans for other pages: the hand-over note of the customer at a desk."""

from __future__ import annotations

from django.db.models import Q

from luukku.access.policy import StaffScope, note_readable_in
from luukku.advice.models import HandoverNote


def _notes():
    return HandoverNote.objects.select_related("plan__site", "consent_asked_by").prefetch_related(
        "agencies", "plan__items__service__agency"
    )


def note_get(pk) -> HandoverNote | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return _notes().filter(pk=pk).first()


def note_for_ticket(scope: StaffScope, ticket) -> HandoverNote | None:
    """The note travelling with this customer's visit, if one in ``scope`` may read it.

    The customer's number (a plan's ticket, passed on from agency to agency) or their
    booking (a plan's later visit, checked in) leads to the plan.
    """
    where = Q(plan__ticket_id=ticket.pk)
    if ticket.booking_id:
        where |= Q(plan__visit__bookings__pk=ticket.booking_id)
    note = _notes().filter(where).first()
    return note if note is not None and note_readable_in(scope, note) else None
