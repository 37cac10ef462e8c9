"""A plausible past for the demo: a year of daily aggregates from the site simulation.

``luukku seed-history`` (and ``make demo`` through ``seed-demo``) fills the reports of a
fresh demo: for every demo point and every past working day, the core's site
simulation (``core.planning.sitesim``) plays the day from the point's planned
programme and staffing — the demo forecast scaled to the point's size — and the day's
simulated services become the same daily rows ``day_aggregate`` writes from real
tickets: walk-ins, booked and passed-on customers, waits and service times, chained
visits, arrivals per hour (each customer at the hour it joined its queue), and the
time each type of service space was in use (the simulated services' durations, at
most the point's opening time × its spaces of the type). A day that has
real tickets or bookings is left alone. No visit, ticket or personal data is made:
only aggregates.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from importlib import resources

import holidays
import numpy as np
from django.db import transaction

from luukku.booking.models import Booking, Channel
from luukku.core.monitoring.chains import count_sequences
from luukku.core.monitoring.figures import Figures
from luukku.core.monitoring.utilisation import SpaceUse
from luukku.core.planning.dimensioning import build_config, plan
from luukku.core.planning.inputs import ForecastRow, load_defaults, parse_forecast
from luukku.core.planning.sitesim import DayPlan, SiteConfig, simulate_day_records, site_from_plan
from luukku.monitoring.models import (
    DailyAggregate,
    DailyChainSequence,
    DailyHourArrivals,
    DailySpaceUse,
)
from luukku.monitoring.services import (
    BOOKED,
    CHAINED,
    WALK_IN,
    aggregate_row,
    day_bounds,
    hour_rows,
    local_today,
)
from luukku.monitoring.space_use import space_use_row
from luukku.planning.measured import PLANNER_TYPE
from luukku.queueing.models import Ticket
from luukku.registry.models import SERVICE_SPACE_TYPES, Agency, Service, Site
from luukku.registry.selectors import site_opening_intervals

#: The demo forecast is Pori's (an L point); the other sizes see a share of it.
SIZE_SHARE = {"L": 1.0, "M": 0.45, "S": 0.08, "XS": 0.05}
#: Of the bookings, these shares are cancelled or missed (the simulation has none).
CANCELLED, NO_SHOW = 0.08, 0.04
#: The simulation's space kinds (the planner's) as the registry's space types.
SPACE_TYPE = {kind: space_type for space_type, kind in PLANNER_TYPE.items()}


def _forecast(site: Site, codes: set[str]) -> tuple[ForecastRow, ...]:
    text = resources.files("luukku.core.planning").joinpath("data/demo-forecast-pori.csv")
    share = SIZE_SHARE.get(site.size, 0.1)
    return tuple(
        ForecastRow(r.agency, r.annual_visits * share)
        for r in parse_forecast(text.read_text("utf-8"))
        if r.agency in codes
    )


def _site_model(site: Site) -> tuple[SiteConfig, int] | None:
    """The point's simulated programme (one day plan per month and weekday) and the
    local hour its simulated day opens at."""
    serving = {a.code for a in site.agencies_on_site.all()} | {
        a.code for a in site.agencies_remote.all()
    }
    defaults = load_defaults()
    forecast = _forecast(site, serving & set(defaults.agencies))
    if not forecast:
        return None
    size = site.size if site.size in SIZE_SHARE else "M"
    config = build_config(forecast, size, defaults)
    return site_from_plan(config, plan(config), horizon="weekdays"), config.hours[0]


def _day_rows(
    site: Site,
    day: date,
    day_plan: DayPlan,
    model: SiteConfig,
    open_hour: int,
    services: dict[str, list[Service]],
    agencies: dict[str, Agency],
    rng: np.random.Generator,
    pick: random.Random,
) -> tuple[list[DailyAggregate], list[DailyChainSequence], list[DailyHourArrivals], dict]:
    cells: dict[tuple, Figures] = defaultdict(Figures)
    arrivals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    visits: dict[int, list[tuple[str, float | None]]] = defaultdict(list)
    used: dict[str, float] = defaultdict(float)
    for r in simulate_day_records(model, day_plan, rng):
        if r.agency not in agencies or not services.get(r.agency):
            continue
        channel = Channel.REMOTE if r.remote else Channel.IN_PERSON
        f = cells[(agencies[r.agency].pk, pick.choice(services[r.agency]).pk, channel)]
        if r.booked:
            roll = pick.random()
            if roll < CANCELLED:  # as day_aggregate counts: a cancelled one is not booked
                f.cancelled += 1
                continue
            f.booked += 1
            if roll < CANCELLED + NO_SHOW:
                f.no_show += 1
                continue
        elif r.chained:
            f.chained += 1
        else:
            f.walk_in += 1
        hour = open_hour + int((r.start_min - r.wait_min) // 60)  # when it joined the queue
        what = BOOKED if r.booked else CHAINED if r.chained else WALK_IN
        arrivals[(site.pk, agencies[r.agency].pk, hour)][what] += 1
        used[SPACE_TYPE.get(r.space, "")] += 60 * r.service_min
        f.served += 1
        f.add_wait(60 * r.wait_min)
        f.add_service(60 * r.service_min)
        visits[r.customer].append((r.agency, 60 * r.wait_min if r.chained else None))
    rows = [
        aggregate_row(day, site.pk, agency_id, service_id, channel, f)
        for (agency_id, service_id, channel), f in sorted(cells.items())
    ]
    chains = [
        DailyChainSequence(
            day=day,
            site=site,
            kind=DailyChainSequence.Kind.PASSED_ON,
            sequence=seq[:200],
            visits=f.visits,
            handovers=f.handovers,
            handover_sum_s=f.handover_sum_s,
        )  # fmt: skip
        for seq, f in sorted(count_sequences(visits.values()).items())
    ]
    return rows, chains, hour_rows(day, arrivals), used


def _space_rows(
    site: Site,
    day: date,
    spaces: dict[str, int],
    planned: dict[str, int],
    open_s: int,
    used: dict[str, float],
) -> list[DailySpaceUse]:
    """The day's space use: the simulated services' time in each type of space.

    The simulation plays the planned programme, which may hold more spaces of a type
    than the registry: its time is then shared out as over the planned spaces, so that
    a space is as busy as in the simulation (and never more than its opening time).
    """
    rows = []
    for kind, n in sorted(spaces.items()):
        capacity = n * open_s
        share = min(1.0, n / planned[kind]) if planned.get(kind) else 1.0
        busy = min(capacity, round(used.get(kind, 0.0) * share))
        u = SpaceUse(spaces=n, open_s=open_s, capacity_s=capacity, used_s=busy, used_open_s=busy)
        rows.append(space_use_row(day, site.pk, kind, u))
    return rows


def _open_seconds(site: Site, first: date, last: date) -> dict[date, int]:
    """The point's opening time on each local day from ``first`` to ``last``."""
    out: dict[date, int] = defaultdict(int)
    for a, b, _stop in site_opening_intervals(site, first, last):
        out[local_today(a)] += int((b - a).total_seconds())
    return out


def _service_spaces(site: Site) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for kind in site.spaces.filter(active=True).values_list("space_type", flat=True):
        if kind in SERVICE_SPACE_TYPES:
            counts[kind] += 1
    return dict(counts)


def _days_to_keep(site: Site, first: date, today: date, replace: bool) -> set[date]:
    """The point's days in [first, today) with real tickets or bookings (never replaced)
    and, unless ``replace``, those already aggregated: three queries, not three a day."""
    start, end = day_bounds(first)[0], day_bounds(today)[0]
    keep = set(
        Ticket.objects.filter(site=site, queued_at__gte=start, queued_at__lt=end)
        .values_list("day", flat=True)
        .distinct()
    )
    keep |= {
        local_today(at)
        for at in Booking.objects.filter(site=site, start__gte=start, start__lt=end).values_list(
            "start", flat=True
        )
    }
    if not replace:
        keep |= set(
            DailyAggregate.objects.filter(site=site, day__gte=first, day__lt=today)
            .values_list("day", flat=True)
            .distinct()
        )
    return keep


def seed_history(
    *, days: int = 365, today: date, seed: int = 2026, replace: bool = False
) -> dict[str, int]:
    """Aggregates for the ``days`` working days before ``today`` at every point.

    A day that already has aggregate rows is kept (so ``make demo`` run again costs
    little) unless ``replace``; the same seed gives the same rows. Returns counts of
    days and rows written.
    """
    rng, pick = np.random.default_rng(seed), random.Random(seed)
    agencies = {a.code: a for a in Agency.objects.all()}
    services: dict[str, list[Service]] = defaultdict(list)
    for s in Service.objects.select_related("agency").order_by("code"):
        services[s.agency.code].append(s)
    first = today - timedelta(days=days)
    closed = holidays.country_holidays("FI", years=range(first.year, today.year + 1))
    counts = {"days": 0, "aggregate_rows": 0, "chain_rows": 0, "space_rows": 0, "hour_rows": 0}
    for site in Site.objects.order_by("pk"):
        simulated = _site_model(site)
        if simulated is None:
            continue
        model, open_hour = simulated
        keep = _days_to_keep(site, first, today, replace)
        spaces = _service_spaces(site)
        planned = {SPACE_TYPE[k]: n for k, n in model.spaces.items() if k in SPACE_TYPE}
        opening = _open_seconds(site, first, today - timedelta(days=1))
        for offset in range(days, 0, -1):
            day = today - timedelta(days=offset)
            if day.weekday() > 4 or day in closed or day in keep:
                continue
            day_plan = model.days[5 * (day.month - 1) + day.weekday()]
            rows, chains, hours, used = _day_rows(
                site, day, day_plan, model, open_hour, services, agencies, rng, pick
            )
            space_rows = _space_rows(site, day, spaces, planned, opening.get(day, 0), used)
            with transaction.atomic():
                DailyAggregate.objects.filter(site=site, day=day).delete()
                DailyChainSequence.objects.filter(site=site, day=day).delete()
                DailySpaceUse.objects.filter(site=site, day=day).delete()
                DailyHourArrivals.objects.filter(site=site, day=day).delete()
                DailyAggregate.objects.bulk_create(rows, batch_size=1000)
                DailyHourArrivals.objects.bulk_create(hours, batch_size=1000)
                DailyChainSequence.objects.bulk_create(chains, batch_size=1000)
                DailySpaceUse.objects.bulk_create(space_rows, batch_size=1000)
            counts["days"] += 1
            counts["aggregate_rows"] += len(rows)
            counts["chain_rows"] += len(chains)
            counts["space_rows"] += len(space_rows)
            counts["hour_rows"] += len(hours)
    return counts
