"""Reads for the public point pages: hours for the coming weeks, the bus timetable, the queue.

Nothing here names a person: the queue is counts and estimates per agency. The hours
come from the registry snapshot (weekly rules, dated exceptions, Finnish holidays; for
the bus its stops), the same intervals the slot search and the kiosk use, grouped by
Helsinki date for people to read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import holidays as holidays_lib
from django.utils import timezone

from luukku.booking.models import BookingPolicy
from luukku.core.opening import days, open_state
from luukku.queueing.localtime import HELSINKI, local_day
from luukku.queueing.selectors import queue_overview
from luukku.registry.models import Agency, BusStop, Site, Size, Weekday
from luukku.registry.selectors import site_list
from luukku.registry.snapshot import registry_snapshot

#: How many days of opening hours a point page shows (the booking horizon's first weeks).
HOURS_DAYS = 21
#: How far ahead the list page looks for a point's next opening (a bus may pause).
LOOKAHEAD_DAYS = 31
#: The holidays library's language code for each page language.
HOLIDAY_LANGUAGES = {"fi": "fi", "sv": "sv_FI", "en": "en_US"}


@dataclass(frozen=True)
class Period:
    """One open period on a day, local time; for the bus the stop it stands at."""

    opens: time
    closes: time
    stop: BusStop | None = None


@dataclass(frozen=True)
class DayHours:
    day: date
    periods: tuple[Period, ...]
    #: Why the day differs from the usual week: a holiday's name or an exception's reason.
    note: str = ""
    changed: bool = False

    @property
    def closed(self) -> bool:
        return not self.periods


@dataclass(frozen=True)
class OpenNow:
    is_open: bool
    until: datetime | None = None
    next_opens: datetime | None = None
    next_closes: datetime | None = None
    #: For the bus: the stop it stands at now, or the next one.
    place: str = ""
    next_place: str = ""


@dataclass(frozen=True)
class WeeklyStop:
    weekday: int
    weekday_label: str
    stops: tuple[BusStop, ...]


@dataclass(frozen=True)
class WalkInRule:
    agency: Agency
    walk_in_only_from: time | None
    walk_in_only_until: time | None
    bookable_percent: int


@dataclass
class PointPage:
    site: Site
    now: OpenNow
    hours: list[DayHours]
    on_site: list[Agency]
    by_video: list[Agency]
    queues: list[dict]
    waiting_total: int
    weekly_stops: list[WeeklyStop] = field(default_factory=list)
    one_off_stops: list[BusStop] = field(default_factory=list)
    walk_in_rules: list[WalkInRule] = field(default_factory=list)
    #: The local day the page is for (a bus stop beginning after it says "from").
    today: date | None = None


def _language(language: str) -> str:
    return language.split("-")[0].lower()


def holiday_names(start: date, end: date, language: str) -> dict[date, str]:
    """Finnish public holidays between two dates, named in ``language``."""
    return dict(
        holidays_lib.Finland(
            years=range(start.year, end.year + 1),
            language=HOLIDAY_LANGUAGES.get(_language(language), "fi"),
        ).items()
    )


def open_now(site: Site, at: datetime | None = None) -> OpenNow:
    """Open at ``at``, and until when; else when it opens next (within ``LOOKAHEAD_DAYS``)."""
    at = at or timezone.now()
    day = local_day(at)
    intervals = registry_snapshot().opening(
        site.pk, day - timedelta(days=1), day + timedelta(days=LOOKAHEAD_DAYS)
    )
    state = open_state(intervals, at)
    if state.current:
        opens, closes, stop = state.current
        return OpenNow(True, until=closes, place=stop.place if stop else "")
    if state.upcoming:
        opens, closes, stop = state.upcoming
        return OpenNow(
            False, next_opens=opens, next_closes=closes, next_place=stop.place if stop else ""
        )
    return OpenNow(False)


def point_hours(site: Site, start: date, language: str, n_days: int = HOURS_DAYS) -> list[DayHours]:
    """Each day from ``start``: its open periods (or stops), and why it is unusual if it is."""
    end = start + timedelta(days=n_days - 1)
    intervals = registry_snapshot().opening(site.pk, start, end)
    stops = BusStop.objects.in_bulk({iv[2].id for iv in intervals if iv[2] is not None})
    by_day: dict[date, list[Period]] = {}
    for opens, closes, ref in intervals:
        a, b = timezone.localtime(opens, HELSINKI), timezone.localtime(closes, HELSINKI)
        by_day.setdefault(a.date(), []).append(
            Period(a.time(), b.time(), stops.get(ref.id) if ref is not None else None)
        )
    exceptions = {e.date: e for e in site.exceptions.filter(date__gte=start, date__lte=end)}
    hols = holiday_names(start, end, language)
    out = []
    for day in days(start, end):
        exc = exceptions.get(day)
        note = (exc.reason if exc else "") or hols.get(day, "")
        out.append(
            DayHours(
                day=day,
                periods=tuple(by_day.get(day, ())),
                note=note,
                changed=exc is not None or day in hols,
            )
        )
    return out


def _agencies(site: Site) -> tuple[list[Agency], list[Agency]]:
    """Who serves face to face here, and who by video in the point's remote-service room.

    Face to face only at the staffed points (L, M), as the slot search offers it; at a
    library point or on the bus every agency serves by video.
    """
    on_site = list(site.agencies_on_site.all())
    remote = list(site.agencies_remote.all())
    if site.size not in (Size.L, Size.M):
        remote, on_site = on_site + remote, []
    key = lambda a: a.name  # noqa: E731
    return sorted(on_site, key=key), sorted(remote, key=key)


def bus_timetable(site: Site, today: date | None = None) -> tuple[list[WeeklyStop], list[BusStop]]:
    """The route's regular stops by weekday, and its one-off stops, from today on.

    A stop that has ended is left out; one that begins or ends later is listed with
    its dates (the page says "from" and "until"), so a coming change is seen ahead.
    """
    today = today or local_day(timezone.now())
    stops = [s for s in site.stops.all() if s.valid_until is None or s.valid_until >= today]
    weekly = []
    for weekday in sorted(site.route_weekdays or []):
        todays = tuple(
            sorted(
                (s for s in stops if s.weekday == weekday),
                key=lambda s: (s.arrives, s.valid_from or date.min),
            )
        )
        if todays:
            weekly.append(WeeklyStop(weekday, str(Weekday(weekday).label), todays))
    one_off = sorted(
        (s for s in stops if s.date is not None and s.date >= today and s.is_valid_on(s.date)),
        key=lambda s: (s.date, s.arrives),
    )
    return weekly, one_off


def walk_in_rules(site: Site) -> list[WalkInRule]:
    """What the point publishes per agency: a daily walk-in-only time, the bookable share."""
    return [
        WalkInRule(
            p.agency,
            p.walk_in_only_from,
            p.walk_in_only_until,
            round(float(p.bookable_share) * 100),
        )
        for p in BookingPolicy.objects.filter(site=site)
        .select_related("agency")
        .order_by("agency__code")
    ]


def point_page(site: Site, language: str, at: datetime | None = None) -> PointPage:
    """Everything the public page of a point shows."""
    at = at or timezone.now()
    on_site, by_video = _agencies(site)
    queues = [
        {
            "agency": row["queue"].agency,
            "letter": row["queue"].letter,
            "waiting": row["waiting"],
            "minutes": row["estimate"].minutes
            if row["estimate"] is not None and row["estimate"].known
            else None,
        }
        for row in queue_overview(site, now=at)
    ]
    page = PointPage(
        site=site,
        now=open_now(site, at),
        hours=point_hours(site, local_day(at), language),
        on_site=on_site,
        by_video=by_video,
        queues=queues,
        waiting_total=sum(q["waiting"] for q in queues),
        walk_in_rules=walk_in_rules(site),
        today=local_day(at),
    )
    if site.is_bus:
        page.weekly_stops, page.one_off_stops = bus_timetable(site, page.today)
    return page


def point_rows(at: datetime | None = None) -> list[dict]:
    """Every point for the list page: the site and whether it is open now."""
    at = at or timezone.now()
    return [{"site": site, "now": open_now(site, at)} for site in site_list()]
