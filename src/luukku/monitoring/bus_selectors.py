"""Reads for a bus route's timetable page: each stop's evidence and the core's suggestions.

The evidence is the daily stop aggregate (``DailyStopUse``) over the period; the rules
are the core's (:mod:`luukku.core.monitoring.bus`). Suggestions are made for the
regular stops of the timetable from today on that have no end date; a stop that is
ending (a change already accepted) shows its evidence and its last day instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q

from luukku.core.monitoring.bus import (
    THRESHOLDS,
    Evidence,
    StopDay,
    StopReview,
    StopSlot,
    Suggestion,
    Thresholds,
    evidence,
    review,
)
from luukku.monitoring.models import DailyStopUse
from luukku.registry.models import BusStop, Site, Weekday

#: The default period: the last 26 weeks (about 25 days of a weekly stop).
DEFAULT_WEEKS = 26


@dataclass(frozen=True)
class StopRow:
    """One stop of the page: the registry row, its evidence, and the suggestion if any."""

    stop: BusStop
    evidence: Evidence
    suggestion: Suggestion | None = None
    enough: bool = False
    unmet: tuple[str, ...] = ()

    @property
    def ending(self) -> bool:
        return self.stop.valid_until is not None

    @property
    def weekday_label(self) -> str:
        return str(Weekday(self.stop.weekday).label)

    @property
    def new_weekday_label(self) -> str:
        s = self.suggestion
        return str(Weekday(s.weekday).label) if s and s.weekday is not None else ""

    @property
    def utilisation_percent(self) -> int | None:
        u = self.evidence.utilisation
        return None if u is None else round(100 * u)

    @property
    def booked_percent(self) -> int | None:
        b = self.evidence.booked_share
        return None if b is None else round(100 * b)


@dataclass(frozen=True)
class BusReview:
    site: Site
    date_from: date
    date_to: date
    rows: list[StopRow]
    thresholds: Thresholds = THRESHOLDS

    @property
    def suggestions(self) -> list[StopRow]:
        return [r for r in self.rows if r.suggestion is not None]


def rule_figures(t: Thresholds = THRESHOLDS) -> dict[str, int]:
    """The thresholds that are shares, as whole percentages for the page."""
    names = (
        "lengthen_utilisation",
        "fully_booked_share",
        "shorten_utilisation",
        "target_utilisation",
    )
    return {name: round(100 * getattr(t, name)) for name in names}


def default_period(today: date) -> tuple[date, date]:
    """The last ``DEFAULT_WEEKS`` weeks up to yesterday."""
    last = today - timedelta(days=1)
    return last - timedelta(weeks=DEFAULT_WEEKS) + timedelta(days=1), last


def next_monday(today: date) -> date:
    """The default first day of a change: the coming Monday (a week from today on a Monday)."""
    return today + timedelta(days=7 - today.weekday())


def timetable(site: Site, today: date) -> list[BusStop]:
    """The route's regular stops from today on: the current ones and those to come."""
    return list(
        site.stops.filter(weekday__isnull=False)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .order_by("weekday", "arrives", "valid_from", "pk")
    )


def slot_of(stop: BusStop) -> StopSlot:
    return StopSlot(stop.pk, stop.place, stop.weekday, stop.arrives, stop.departs)


def stop_days(stops: list[BusStop], date_from: date, date_to: date) -> list[StopDay]:
    """The stops' daily figures in the period, as the core reads them."""
    rows = DailyStopUse.objects.filter(
        stop__in=[s.pk for s in stops], day__gte=date_from, day__lte=date_to
    ).values_list(
        "stop_id",
        "bookings",
        "walk_ins",
        "served",
        "turned_away",
        "service_s",
        "booked_s",
        "open_s",
        "spaces",
    )
    return [
        StopDay(sid, b, w, srv, away, service, booked, open_s, open_s * spaces)
        for sid, b, w, srv, away, service, booked, open_s, spaces in rows
    ]


def bus_review(site: Site, *, date_from: date, date_to: date, today: date) -> BusReview:
    """Every stop of the route's timetable with its evidence, and the suggestions."""
    stops = timetable(site, today)
    days = stop_days(stops, date_from, date_to)
    open_ended = [s for s in stops if s.valid_until is None]
    reviews: dict[int, StopReview] = {
        r.evidence.stop.id: r
        for r in review([slot_of(s) for s in open_ended], days, site.route_weekdays or [])
    }
    ending = evidence([slot_of(s) for s in stops if s.valid_until is not None], days)
    rows = []
    for s in stops:
        r = reviews.get(s.pk)
        if r is None:
            rows.append(StopRow(s, ending[s.pk]))
        else:
            rows.append(StopRow(s, r.evidence, r.suggestion, r.enough, r.unmet))
    return BusReview(site, date_from, date_to, rows)
