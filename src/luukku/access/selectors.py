"""Reads for the staff start pages; what a role may see is decided in ``policy``."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from luukku.access.policy import bookings_visible_q, scope_of
from luukku.queueing.localtime import HELSINKI
from luukku.registry.models import Site


def host_day(user, *, now: datetime | None = None) -> list[dict]:
    """Per site the host works at: its queues and the day's bookings, without personal data."""
    from luukku.booking.models import Booking
    from luukku.queueing.selectors import queue_overview

    now = now or timezone.now()
    scope = scope_of(user)
    if scope is None:
        return []
    day = timezone.localtime(now, HELSINKI).date()
    start = datetime.combine(day, time.min, HELSINKI)
    bookings = (
        Booking.objects.filter(bookings_visible_q(user, details=False))
        .filter(start__gte=start, start__lt=start + timedelta(days=1))
        .select_related("service__agency")
        .only("start", "end", "state", "channel", "site_id", "service__name", "service__agency")
        .order_by("start")
    )
    by_site: dict[int, list] = {}
    for b in bookings:
        by_site.setdefault(b.site_id, []).append(b)
    return [
        {
            "site": site,
            "queues": queue_overview(site, now=now),
            "bookings": by_site.get(site.pk, []),
        }
        for site in Site.objects.filter(pk__in=sorted(scope.sites)).order_by("name")
    ]
