"""The refusal every queueing service raises, and the lock an official's action takes."""

from __future__ import annotations

from collections.abc import Collection

from django.utils.translation import gettext as _

from luukku.queueing.events import display_changed
from luukku.queueing.models import Ticket
from luukku.registry.models import StaffProfile


class QueueError(Exception):
    """A refused queue action: the field at fault, a message for people, an HTTP status."""

    def __init__(self, field: str, message: str, status: int = 409):
        super().__init__(message)
        self.field, self.message, self.status = field, message, status


def own_ticket(ticket: Ticket, official: StaffProfile, states: Collection[str]) -> Ticket:
    """Lock and return ``ticket`` if this official holds it in one of ``states``."""
    locked = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("service__agency", "booking")
        .get(pk=ticket.pk)
    )
    if locked.called_by_id != official.pk:
        raise QueueError(
            "ticket", _("This customer is not yours: another official called them."), 403
        )
    if locked.state not in states:
        raise QueueError(
            "ticket",
            _("Not possible: the ticket is %(state)s.") % {"state": locked.get_state_display()},
        )
    # Every action here changes what the site's displays show (sent after the commit).
    display_changed(locked.site_id)
    return locked
