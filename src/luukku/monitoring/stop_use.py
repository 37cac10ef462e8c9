"""A day's use of each bus stop, read from tickets and bookings (``DailyStopUse``).

For every bus route (an XS point) the day's stops come from its opening intervals
(the stops valid that day, holidays and closures left out); each ticket and booking
of the day belongs to the stop active at its local time (the core's ``stop_at``).
Counts and seconds only: the rows hold no personal data.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from luukku.booking.models import Booking, BookingState
from luukku.core.monitoring.bus import stop_at
from luukku.monitoring.models import DailyStopUse
from luukku.queueing.models import Kind, Ticket, TicketState
from luukku.registry.models import SERVICE_SPACE_TYPES, Site, Size
from luukku.registry.selectors import site_opening_intervals

_COUNTS = ("bookings", "walk_ins", "served", "turned_away", "service_s", "booked_s")


def service_spaces(site: Site) -> int:
    """How many customers the bus serves at once: its active service spaces (at least one)."""
    kinds = site.spaces.filter(active=True).values_list("space_type", flat=True)
    return max(1, sum(1 for kind in kinds if kind in SERVICE_SPACE_TYPES))


def _seconds(later: datetime | None, earlier: datetime | None) -> int:
    return max(0, round((later - earlier).total_seconds())) if later and earlier else 0


def _site_rows(site: Site, day: date, start: datetime, end: datetime) -> list[DailyStopUse]:
    spans = [
        (a.timestamp(), b.timestamp(), stop.pk)
        for a, b, stop in site_opening_intervals(site, day, day)
        if stop is not None
    ]
    if not spans:
        return []
    open_s = {stop: round(b - a) for a, b, stop in spans}
    acc: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(_COUNTS, 0))
    tickets = Ticket.objects.filter(site=site, queued_at__gte=start, queued_at__lt=end)
    for kind, state, queued, called, started, ended in tickets.values_list(
        "kind", "state", "queued_at", "called_at", "service_started_at", "service_ended_at"
    ).iterator(chunk_size=2000):
        f = acc[stop_at(queued.timestamp(), spans)]
        if kind == Kind.WALK_IN:
            f["walk_ins"] += 1
            if called is None and state != TicketState.DONE:
                f["turned_away"] += 1  # still waiting when the day ended: the bus had left
        if state == TicketState.DONE:
            f["served"] += 1
        f["service_s"] += _seconds(ended, started)
    bookings = Booking.objects.filter(site=site, start__gte=start, start__lt=end).exclude(
        state=BookingState.CANCELLED
    )
    for a, b in bookings.values_list("start", "end").iterator(chunk_size=2000):
        f = acc[stop_at(a.timestamp(), spans)]
        f["bookings"] += 1
        f["booked_s"] += _seconds(b, a)
    spaces = service_spaces(site)
    return [
        DailyStopUse(
            day=day, site=site, stop_id=stop, open_s=open_s[stop], spaces=spaces, **acc[stop]
        )
        for stop in sorted(open_s)
    ]


def stop_use_rows(day: date, start: datetime, end: datetime) -> list[DailyStopUse]:
    """The day's rows: one per stop every bus route stood at (idle stops too)."""
    rows = []
    for site in Site.objects.filter(size=Size.XS).order_by("pk"):
        rows += _site_rows(site, day, start, end)
    return rows
