"""Planning from measured usage: a point's last year, read from the daily aggregates.

The planner can start from what a point really had instead of the national
defaults: its visits per agency over the last 12 months (scaled to a year when fewer
days are on record), when in the day and the week they came (``DailyHourArrivals``),
its service times, its space stock from the registry, and, beside the plan, what was
measured — service times, waits and the share called within the target — against
what the plan assumes. ``measured_defaults`` puts the measured profiles and service
times in place of the national ones wherever enough was counted. The aggregates hold
no personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, F, Sum

from luukku.core.monitoring.figures import Figures
from luukku.core.planning.inputs import AGENCIES, Defaults, StockRow, stock_from_rows
from luukku.core.planning.profiles import (
    Hourly,
    MeasuredProfile,
    hourly_shares,
    weekday_shares,
    with_measured,
)
from luukku.monitoring.models import DailyAggregate, DailyHourArrivals
from luukku.registry.models import Agency, Site, Space, SpaceType
from luukku.registry.selectors import schedule_rules, site_schedule

#: Fewer arrivals than this give an agency no profile of its own (the point's instead);
#: at about 25 an opening hour, a share is known to within a fifth.
MIN_PROFILE_ARRIVALS = 200
#: Fewer timed services than this keep the national service time.
MIN_SERVICES = 30

#: Registry space types as the planner counts them.
PLANNER_TYPE = {
    SpaceType.SCREENED_BOOTH: "booth",
    SpaceType.SERVICE_ROOM: "service_room",
    SpaceType.REMOTE_SERVICE_ROOM: "remote_room",
    SpaceType.SAFE_ROOM: "safe_room",
    SpaceType.MEETING_ROOM: "meeting_room",
    SpaceType.SELF_SERVICE_TERMINAL: "terminal",
    SpaceType.ADVICE_POINT: "advice_point",
    SpaceType.BACK_OFFICE: "workstation",
}


@dataclass(frozen=True)
class AgencyMeasured:
    code: str
    name: str
    visits_per_year: float
    service_min: float | None
    planned_service_min: float | None
    mean_wait_min: float | None
    within_target: float | None
    service_count: int = 0
    arrivals: int = 0  # counted per hour (the profiles' sample)
    hourly: Hourly | None = None  # over the point's opening hours
    weekday: tuple[float, ...] | None = None  # Mon..Fri
    profile_from: str = "default"  # "agency", "point" (too few of its own) or "default"


@dataclass(frozen=True)
class Measured:
    site: Site
    date_from: date
    date_to: date
    days: int
    agencies: list[AgencyMeasured]
    open_hour: int = 9
    close_hour: int = 16
    arrivals: int = 0  # at the point, all agencies and hours
    hourly: Hourly | None = None  # the point's
    weekday: tuple[float, ...] | None = None
    outside_share: float = 0.0  # of the arrivals, before opening or after closing
    weekend_share: float = 0.0  # of the arrivals, on Saturdays and Sundays

    def visits(self) -> dict[str, float]:
        return {a.code: round(a.visits_per_year) for a in self.agencies}

    def agency(self, code: str) -> AgencyMeasured | None:
        return next((a for a in self.agencies if a.code == code), None)


def opening_span(site: Site, defaults: Defaults) -> tuple[int, int]:
    """The point's weekday opening hours as whole hours (earliest open to latest close).

    The plan's day runs over them, so a point open 8–16 (and Thursdays to 18) is
    planned for 8–18, and its early arrivals are not squeezed into the national 9–16.
    Without weekday hours in the registry, the defaults' hours.
    """
    rules = [r for r in schedule_rules(site_schedule(site)) if r.weekday < 5]
    if not rules:
        return defaults.open_hour, defaults.close_hour
    opens = min(r.opens.hour for r in rules)
    closes = max(r.closes.hour + (1 if r.closes.minute or r.closes.second else 0) for r in rules)
    if not 0 <= opens < closes <= 24:
        return defaults.open_hour, defaults.close_hour
    return opens, closes


def _arrival_counts(site: Site, date_from: date, date_to: date):
    """Per agency: arrivals per local hour and per weekday, and the point's days per weekday."""
    qs = DailyHourArrivals.objects.filter(site=site, day__gte=date_from, day__lte=date_to)
    n = Sum(F("walk_in") + F("chained") + F("booked"))
    by_hour: dict[int | None, dict[int, int]] = {}
    for agency_id, hour, count in qs.values_list("agency_id", "hour").annotate(n=n):
        by_hour.setdefault(agency_id, {})[hour] = count
    by_weekday: dict[int | None, list[int]] = {}
    days_on_record = [0] * 7
    seen: set[date] = set()
    for agency_id, day, count in qs.values_list("agency_id", "day").annotate(n=n):
        by_weekday.setdefault(agency_id, [0] * 7)[day.weekday()] += count
        if day not in seen:
            seen.add(day)
            days_on_record[day.weekday()] += 1
    return by_hour, by_weekday, days_on_record


def _profiles(site: Site, date_from: date, date_to: date, span: tuple[int, int]):
    """Hourly and weekday shares per agency id and for the point (key ``"point"``)."""
    by_hour, by_weekday, days = _arrival_counts(site, date_from, date_to)
    point_hours: dict[int, int] = {}
    point_days = [0] * 7
    for agency_id, hours in by_hour.items():
        for h, n in hours.items():
            point_hours[h] = point_hours.get(h, 0) + n
        for i, n in enumerate(by_weekday.get(agency_id, [0] * 7)):
            point_days[i] += n
    out = {}
    for key, hours, weekdays in (
        *((k, v, by_weekday.get(k, [0] * 7)) for k, v in by_hour.items()),
        ("point", point_hours, point_days),
    ):
        out[key] = (
            sum(hours.values()),
            hourly_shares(hours, *span),
            weekday_shares(weekdays, days),
        )
    total = sum(point_hours.values())
    outside = sum(n for h, n in point_hours.items() if not span[0] <= h < span[1])
    weekend = point_days[5] + point_days[6]
    return out, (outside / total if total else 0.0), (weekend / total if total else 0.0)


def measured_usage(site: Site, today: date, defaults: Defaults) -> Measured:
    """The point's last 12 months per planner agency (visits, service and waiting times)."""
    date_to = today - timedelta(days=1)
    date_from = date_to - timedelta(days=364)
    qs = DailyAggregate.objects.filter(site=site, day__gte=date_from, day__lte=date_to)
    days = qs.values("day").distinct().count()
    working_days = sum(
        1 for i in range(365) if (date_from + timedelta(days=i)).weekday() < 5
    )  # the year the forecast means
    scale = working_days / days if days else 0.0
    per_agency: dict[int, Figures] = {}
    for row in qs.values_list(
        "agency_id", "walk_in", "booked", "chained", "cancelled", "wait_count", "wait_sum_s",
        "wait_hist", "service_count", "service_sum_s",
    ).iterator(chunk_size=5000):  # fmt: skip
        agency_id, walk_in, booked, chained, cancelled, wc, ws, hist, sc, ss = row
        f = per_agency.setdefault(agency_id, Figures())
        f += Figures(walk_in=walk_in, booked=booked, chained=chained, cancelled=cancelled,
                     wait_count=wc, wait_sum_s=ws, wait_hist=hist, service_count=sc,
                     service_sum_s=ss)  # fmt: skip
        per_agency[agency_id] = f
    span = opening_span(site, defaults)
    profiles, outside, weekend = _profiles(site, date_from, date_to, span)
    point_n, point_hourly, point_weekday = profiles["point"]
    point_ok = point_n >= MIN_PROFILE_ARRIVALS
    agencies = {a.pk: a for a in Agency.objects.filter(code__in=AGENCIES)}
    out = []
    for agency_id, agency in sorted(agencies.items(), key=lambda kv: AGENCIES.index(kv[1].code)):
        f = per_agency.get(agency_id, Figures())
        visits = f.walk_in + f.chained + f.booked  # booked: not cancelled (day_aggregate)
        planned = defaults.agencies.get(agency.code)
        n, hourly, weekday = profiles.get(agency_id, (0, None, None))
        if n >= MIN_PROFILE_ARRIVALS:
            source = "agency"
        elif point_ok:
            source, hourly, weekday = "point", point_hourly, point_weekday
        else:
            source, hourly, weekday = "default", None, None
        out.append(
            AgencyMeasured(
                agency.code,
                agency.name,
                visits * scale,
                f.mean_service_min(),
                planned.service_time_min if planned else None,
                f.mean_wait_min(),
                f.within_target_share(),
                service_count=f.service_count,
                arrivals=n,
                hourly=hourly,
                weekday=weekday,
                profile_from=source,
            )
        )
    return Measured(
        site, date_from, date_to, days, out, *span,
        arrivals=point_n,
        hourly=point_hourly if point_ok else None,
        weekday=point_weekday if point_ok else None,
        outside_share=outside,
        weekend_share=weekend,
    )  # fmt: skip


def measured_defaults(measured: Measured, defaults: Defaults) -> Defaults:
    """The defaults with the point's measured profiles and service times in their place.

    An agency's service time is its measured mean where at least ``MIN_SERVICES``
    services were timed; its profiles its own, or the point's (``profile_from``). The
    plan's day runs over the point's opening hours.
    """
    profiles = {
        a.code: MeasuredProfile(
            hourly=a.hourly,
            weekday=a.weekday,
            service_time_min=a.service_min if a.service_count >= MIN_SERVICES else None,
        )
        for a in measured.agencies
        if a.code in defaults.agencies
    }
    return with_measured(
        defaults,
        profiles,
        open_hour=measured.open_hour,
        close_hour=measured.close_hour,
        source=f"measured at {measured.site.slug}, {measured.date_from}–{measured.date_to}",
    )


def site_stock(site: Site) -> dict[str, tuple[int, float]]:
    """The point's active spaces as the planner's existing stock: (count, m²) per type."""
    stock: dict[str, tuple[int, float]] = {}
    rows = (
        Space.objects.filter(site=site, active=True)
        .values("space_type")
        .annotate(n=Count("pk"), m2=Sum("area_m2"))
    )
    for r in rows:
        kind = PLANNER_TYPE.get(r["space_type"])
        if kind:
            count, m2 = stock.get(kind, (0, 0.0))
            stock[kind] = (count + r["n"], m2 + float(r["m2"] or 0))
    return stock


def site_stock_rows(site: Site) -> tuple[StockRow, ...]:
    """The point's stock as the core's rows (what ``--existing`` would read).

    Every type the registry keeps is listed, with 0 where the point has none; the
    types it does not keep (waiting seats) are left out: unknown, not none.
    """
    have = site_stock(site)
    kinds = sorted(set(PLANNER_TYPE.values()))
    return stock_from_rows([(f"registry.{k}", k, *have.get(k, (0, 0.0))) for k in kinds])
