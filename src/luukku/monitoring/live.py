"""The live site overview: what the point looks like now (numbers only, never names
of customers), read in a few fixed queries and refreshed whenever the site's display
changes (the display's own stream tells the page; see ``static/monitoring/live.js``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Min, Q
from django.utils.translation import gettext as _

from luukku.booking.models import ACTIVE_STATES, Booking, BookingState
from luukku.monitoring.services import day_bounds
from luukku.queueing.localtime import local_day
from luukku.queueing.models import HOLDING_STATES, DeskSession, Ticket, TicketState
from luukku.registry.models import SERVICE_SPACE_TYPES, Site, Space, SpaceType

#: Spaces whose state the overview shows: where customers are served or advised.
SHOWN_SPACE_TYPES = SERVICE_SPACE_TYPES | {SpaceType.ADVICE_POINT, SpaceType.INFO_DESK}


@dataclass(frozen=True)
class QueueNow:
    letter: str
    agency: str
    waiting: int
    longest_min: int


@dataclass(frozen=True)
class DeskNow:
    official: str
    agency: str
    place: str
    state: str  # serving, free, break
    number: str


@dataclass(frozen=True)
class SpaceNow:
    label: str
    kind: str
    state: str  # in_use, held, free
    number: str


@dataclass(frozen=True)
class BookingNow:
    start: datetime
    agency: str
    service: str
    checked_in: bool
    late_min: int


@dataclass(frozen=True)
class Overview:
    queues: list[QueueNow]
    desks: list[DeskNow]
    spaces: list[SpaceNow]
    due: list[BookingNow]
    late: list[BookingNow]

    @property
    def space_counts(self) -> dict[str, int]:
        counts = {"in_use": 0, "held": 0, "free": 0}
        for s in self.spaces:
            counts[s.state] += 1
        return counts


def _minutes(delta: timedelta) -> int:
    return max(0, int(delta.total_seconds() // 60))


def site_overview(site: Site, now: datetime) -> Overview:
    """The site's queues, desks, spaces and the bookings of the coming hour, now."""
    today = local_day(now)
    info_desk = _("Info desk")
    waiting = (
        Ticket.objects.filter(site=site, day=today, state=TicketState.WAITING)
        .values("queue__letter", "queue__agency__code")
        .annotate(n=Count("pk"), first=Min("queued_at"))
        .order_by("queue__letter")
    )
    agencies = {a.code: a.name for a in site.agencies_on_site.all()}
    agencies |= {a.code: a.name for a in site.agencies_remote.all()}
    queues = [
        QueueNow(
            r["queue__letter"],
            agencies.get(r["queue__agency__code"], r["queue__agency__code"] or info_desk),
            r["n"],
            _minutes(now - r["first"]),
        )
        for r in waiting
    ]
    holding = {
        t.called_by_id: t
        for t in Ticket.objects.filter(site=site, state__in=HOLDING_STATES).select_related("space")
    }
    sessions = (
        DeskSession.objects.filter(ended_at__isnull=True)
        .filter(Q(site=site) | Q(remote=True, official__sites=site))
        .select_related("official__user", "official__agency", "space")
        .distinct()
        .order_by("official__user__last_name", "official__user__first_name")
    )
    desks = []
    for s in sessions:
        ticket = holding.get(s.official_id)
        if ticket is not None:
            state = "serving"
        elif s.paused_at:
            state = "break"
        else:
            state = "free"
        place = _("remote") if s.remote else (s.space.customer_label if s.space else "")
        desks.append(
            DeskNow(
                s.official.user.get_full_name() or s.official.user.username,
                s.official.agency.name if s.official.agency else info_desk,
                place,
                state,
                ticket.number if ticket else "",
            )
        )
    in_use = {t.space_id: t.number for t in holding.values() if t.space_id}
    held = set(
        Booking.objects.filter(
            site=site, state__in=ACTIVE_STATES, start__lte=now, end__gt=now, space__isnull=False
        ).values_list("space_id", flat=True)
    )
    spaces = []
    for sp in Space.objects.filter(
        site=site, active=True, space_type__in=SHOWN_SPACE_TYPES
    ).order_by("space_type", "name"):
        state = "in_use" if sp.pk in in_use else "held" if sp.pk in held else "free"
        spaces.append(
            SpaceNow(
                sp.customer_label or sp.name,
                sp.get_space_type_display(),
                state,
                in_use.get(sp.pk, ""),
            )
        )
    coming = list(
        Booking.objects.filter(
            site=site,
            state__in=(BookingState.BOOKED, BookingState.CHECKED_IN),
            start__gte=day_bounds(today)[0],
            start__lt=min(now + timedelta(hours=1), day_bounds(today)[1]),
        )
        .select_related("service__agency")
        .order_by("start")
    )
    rows = [
        (
            b,
            BookingNow(
                b.start,
                b.service.agency.name,
                b.service.name,
                b.state == BookingState.CHECKED_IN,
                _minutes(now - b.start),
            ),
        )
        for b in coming
    ]
    due = [r for b, r in rows if b.start >= now]
    # Late: the time has come and the customer has not checked in (yet).
    late = [r for b, r in rows if b.start < now and b.state == BookingState.BOOKED]
    return Overview(queues, desks, spaces, due, late)
