"""Reads of the registry: opening hours as UTC intervals, and the like."""

from __future__ import annotations

from datetime import date, datetime

import holidays as holidays_lib
from django.db.models import Case, IntegerField, Value, When

from luukku.core.opening import (
    DayException,
    Stop,
    WeeklyRule,
    opening_intervals,
    stop_intervals,
)
from luukku.registry.models import BusStop, Schedule, Site, Size


def site_list():
    """Service points from the largest (L) to the bus (XS), then by name."""
    rank = Case(
        *(When(size=size, then=Value(i)) for i, size in enumerate(Size.values)),
        output_field=IntegerField(),
    )
    return Site.objects.alias(rank=rank).order_by("rank", "name")


def finnish_holidays(start: date, end: date) -> set[date]:
    """Finnish public holidays (and the eves on which offices close) between two dates."""
    return set(holidays_lib.Finland(years=range(start.year, end.year + 1)).keys())


def site_schedule(site: Site) -> Schedule | None:
    """The weekly hours a site keeps: its own, its host's (S), or the national template."""
    if site.schedule_id:
        return site.schedule
    if site.size == Size.S and site.host_organisation_id:
        return site.host_organisation.schedule
    return Schedule.objects.filter(is_national=True).first()


def schedule_rules(schedule: Schedule | None) -> list[WeeklyRule]:
    if schedule is None:
        return []
    return [WeeklyRule(p.weekday, p.opens, p.closes) for p in schedule.periods.all()]


def site_opening_intervals(
    site: Site, start: date, end: date, *, rules: list[WeeklyRule] | None = None
) -> list[tuple[datetime, datetime, BusStop | None]]:
    """When a site is open, in UTC, between two local dates (inclusive).

    A bus (XS) is open only while it stands at a stop; each interval then carries its stop.
    """
    hols = finnish_holidays(start, end)
    exceptions = [
        DayException(e.date, e.closed, e.opens, e.closes)
        for e in site.exceptions.filter(date__gte=start, date__lte=end)
    ]
    if site.size == Size.XS:
        return stop_intervals(
            (
                Stop(
                    st.date,
                    st.weekday,
                    st.arrives,
                    st.departs,
                    st,
                    valid_from=st.valid_from,
                    valid_until=st.valid_until,
                )
                for st in site.stops.all()
            ),
            start=start,
            end=end,
            tz=site.time_zone,
            closed={e.day for e in exceptions if e.closed} | hols,
            valid_from=site.route_valid_from,
            valid_until=site.route_valid_until,
        )
    if rules is None:
        rules = schedule_rules(site_schedule(site))
    return [
        (a, b, None)
        for a, b in opening_intervals(
            rules, start=start, end=end, tz=site.time_zone, exceptions=exceptions, holidays=hols
        )
    ]
