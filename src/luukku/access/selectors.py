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


def site_statistics(site: Site, *, days: int = 30, now: datetime | None = None) -> dict:
    """Counts and waits at ``site`` over the last ``days`` days, per agency: no personal data.

    Waits are read as (queued, called) pairs and averaged here, one text for both databases.
    """
    from django.db.models import Count, Q

    from luukku.booking.models import Booking, BookingState
    from luukku.queueing.models import Ticket, TicketState

    now = now or timezone.now()
    since = now - timedelta(days=days)
    tickets = Ticket.objects.filter(site=site, queued_at__gte=since, queued_at__lt=now)
    rows: dict[str, dict] = {}

    def row(code: str | None) -> dict:
        key = code or "—"
        return rows.setdefault(
            key,
            {"agency": key, "tickets": 0, "served": 0, "no_show": 0, "waits": [], "bookings": 0},
        )

    for code, n, served, no_show in (
        tickets.values("service__agency__code")
        .annotate(
            n=Count("id"),
            served=Count("id", filter=Q(state=TicketState.DONE)),
            no_show=Count("id", filter=Q(state=TicketState.NO_SHOW)),
        )
        .values_list("service__agency__code", "n", "served", "no_show")
    ):
        r = row(code)
        r["tickets"], r["served"], r["no_show"] = n, served, no_show
    for code, queued, called in tickets.filter(called_at__isnull=False).values_list(
        "service__agency__code", "queued_at", "called_at"
    ):
        row(code)["waits"].append((called - queued).total_seconds() / 60)
    bookings = Booking.objects.filter(site=site, start__gte=since, start__lt=now)
    for code, n in (
        bookings.exclude(state=BookingState.CANCELLED)
        .values("service__agency__code")
        .annotate(n=Count("id"))
        .values_list("service__agency__code", "n")
    ):
        row(code)["bookings"] = n
    out = []
    for r in sorted(rows.values(), key=lambda r: r["agency"]):
        waits = r.pop("waits")
        r["mean_wait"] = round(sum(waits) / len(waits)) if waits else None
        out.append(r)
    return {"site": site, "days": days, "since": since, "rows": out}
