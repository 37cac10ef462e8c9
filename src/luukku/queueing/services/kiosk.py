"""Taking a walk-in number at the kiosk (page and API alike): only while the point is open."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import get_language

from luukku.queueing.models import Ticket
from luukku.queueing.opening import KioskHours, kiosk_hours
from luukku.queueing.services.common import QueueError
from luukku.queueing.services.tickets import ticket_create
from luukku.registry.models import Service, Site


class KioskClosed(QueueError):
    """No walk-in number while the point is closed: the 409 says when (and where) it opens."""

    def __init__(self, hours: KioskHours, language: str):
        super().__init__("site", hours.closed_message(language), 409)
        self.hours = hours


def kiosk_ticket_take(
    *,
    site: Site,
    service: Service | None,
    language: str = "fi",
    now: datetime | None = None,
    **options,
) -> Ticket:
    """Give a walk-in number if the point is open at ``now``; ``options`` go to ``ticket_create``.

    A closed point refuses with ``KioskClosed`` before anything is written, so a number is
    never given that nobody will call today.
    """
    hours = kiosk_hours(site, at=now)
    if not hours.is_open:
        raise KioskClosed(hours, get_language() or language)
    return ticket_create(site=site, service=service, language=language, now=now, **options)
