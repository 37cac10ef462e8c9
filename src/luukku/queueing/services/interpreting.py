"""Arranging an interpreter for a walk-in at the desk, when the official does not speak
the customer's language: the interpreter's time is held like a booking's (one
reservation on their resource), so nobody books them for the same minutes."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luukku.booking.overlap import ResourceTaken, hold_release, resources_hold
from luukku.queueing.models import HOLDING_STATES, Ticket
from luukku.queueing.services.common import QueueError, own_ticket
from luukku.registry.models import Interpreter, StaffProfile

#: The shortest hold: a service with no usual length still needs the interpreter a while.
MIN_MINUTES = 15


def _usable(interpreter: Interpreter | None, ticket: Ticket) -> bool:
    if interpreter is None or ticket.interpreter_language not in interpreter.languages:
        return False
    if interpreter.mode == Interpreter.Mode.ON_SITE:
        return interpreter.sites.filter(pk=ticket.site_id).exists()
    return True


def ticket_arrange_interpreter(
    *, ticket: Ticket, official: StaffProfile, interpreter_id, now: datetime | None = None
) -> Ticket:
    """Hold ``interpreter_id``'s time from now for the service's usual length."""
    now = now or timezone.now()
    with transaction.atomic():
        t = own_ticket(ticket, official, HOLDING_STATES)
        interpreter = Interpreter.objects.filter(pk=_id(interpreter_id)).first()
        if not _usable(interpreter, t):
            raise QueueError(
                "interpreter", _("Choose an interpreter of the customer's language."), 400
            )
        ticket_release_interpreter(t, now)
        minutes = max(t.service.default_duration if t.service else 0, MIN_MINUTES)
        try:
            (hold,) = resources_hold(
                resource_ids=[interpreter.resource_id],
                start=now,
                end=now + timedelta(minutes=minutes),
            )
        except ResourceTaken:
            raise QueueError(
                "interpreter",
                _("%(name)s is busy now: choose another, or use the agency's interpreting service.")
                % {"name": interpreter.name},
                409,
            ) from None
        t.interpreter, t.interpreter_hold = interpreter, hold
        t.save(update_fields=["interpreter", "interpreter_hold"])
    return t


def ticket_release_interpreter(t: Ticket, now: datetime) -> None:
    """Free the arranged interpreter from ``now`` (the caller saves the ticket's fields)."""
    if t.interpreter_hold_id is None:
        return
    hold_release(t.interpreter_hold_id, now)
    t.interpreter, t.interpreter_hold = None, None


def _id(raw) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None
