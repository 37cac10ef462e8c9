"""A day's space use per point and space type, read from bookings and tickets.

A space is held by its bookings' reservations (a cancelled booking's are deleted; a
missed one's are left out: the room stood empty) and by the customers served in it,
from the call to the end of the service or the no-show; a passed-on customer's
earlier services from their hand-over rows, which keep the space and call time that
passing on clears from the ticket. The arithmetic is the core's
(:func:`luukku.core.monitoring.utilisation.day_use`).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from luukku.booking.models import BookingState, Reservation
from luukku.core.monitoring.utilisation import SpaceUse, day_use
from luukku.core.scheduling.intervals import Span
from luukku.monitoring.models import DailySpaceUse
from luukku.queueing.models import Handover, Ticket
from luukku.registry.models import SERVICE_SPACE_TYPES, Site, Space
from luukku.registry.selectors import site_opening_intervals

#: A reservation or a service is shorter than this; it bounds the look-back of a day.
LONGEST = timedelta(days=1)


def _epoch(at: datetime) -> int:
    return int(at.timestamp())


def _held(start: datetime, end: datetime) -> dict[int, list[Span]]:
    """Per space id, the spans it was held that touch [start, end)."""
    held: dict[int, list[Span]] = defaultdict(list)
    by_resource = dict(Space.objects.values_list("resource_id", "pk"))
    reservations = Reservation.objects.filter(
        resource_id__in=Space.objects.values("resource_id"),
        start__gte=start - LONGEST,
        start__lt=end,
        end__gt=start,
    ).exclude(booking__state__in=[BookingState.NO_SHOW, BookingState.CANCELLED])
    for resource_id, a, b in reservations.values_list("resource_id", "start", "end").iterator(
        chunk_size=5000
    ):
        held[by_resource[resource_id]].append((_epoch(a), _epoch(b)))
    served = Ticket.objects.filter(
        space__isnull=False,
        queued_at__gte=start - LONGEST,
        queued_at__lt=end,
        called_at__lt=end,
        service_ended_at__gt=start,
    )
    for space_id, a, b in served.values_list("space_id", "called_at", "service_ended_at").iterator(
        chunk_size=5000
    ):
        held[space_id].append((_epoch(a), _epoch(b)))
    earlier = Handover.objects.filter(
        served_in__isnull=False,
        served_from__isnull=False,
        served_from__gte=start - LONGEST,
        served_from__lt=end,
        handed_at__gt=start,
    )
    for space_id, a, b in earlier.values_list("served_in_id", "served_from", "handed_at"):
        held[space_id].append((_epoch(a), _epoch(b)))
    return held


def space_use_rows(day: date, start: datetime, end: datetime) -> list[DailySpaceUse]:
    """The day's rows: every point's service spaces (and any other space held that day)."""
    held = _held(start, end)
    per_site: dict[int, dict[int, str]] = defaultdict(dict)
    for pk, site_id, kind, active in Space.objects.values_list(
        "pk", "site_id", "space_type", "active"
    ):
        if (active and kind in SERVICE_SPACE_TYPES) or pk in held:
            per_site[site_id][pk] = kind
    rows = []
    for site in Site.objects.filter(pk__in=per_site).order_by("pk"):
        opening = [(_epoch(a), _epoch(b)) for a, b, _stop in site_opening_intervals(site, day, day)]
        found = day_use(per_site[site.pk], held, (_epoch(start), _epoch(end)), opening)
        rows += [
            space_use_row(day, site.pk, kind, u)
            for kind, u in sorted(found.items())
            if u.open_s or u.used_s
        ]
    return rows


def space_use_row(day: date, site_id: int, space_type: str, u: SpaceUse) -> DailySpaceUse:
    """One daily row of one space type's figures (also the demo history's)."""
    return DailySpaceUse(
        day=day,
        site_id=site_id,
        space_type=space_type,
        spaces=u.spaces,
        open_s=u.open_s,
        capacity_s=u.capacity_s,
        used_s=u.used_s,
        used_open_s=u.used_open_s,
    )
