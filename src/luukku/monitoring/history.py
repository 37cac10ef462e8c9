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

The bus plays only the days it stands at its stops. Its customers are the simulated
day's customers drawn anew for each stop, as many as the stop's municipality has
inhabitants (``BUS_VISITS_PER_1000``, an assumption), so that a large place's stop is
busy and a small one's idle; walk-ins who do not fit in the stop's serving time are
turned away (the core's ``served_within``), and each stop-day is a ``DailyStopUse``
row, the evidence of the bus timetable suggestions.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from importlib import resources

import holidays
import numpy as np

from luukku.booking.models import Booking, Channel
from luukku.core.monitoring.bus import served_within
from luukku.core.monitoring.chains import count_sequences
from luukku.core.monitoring.figures import Figures
from luukku.core.monitoring.utilisation import SpaceUse
from luukku.core.planning.dimensioning import build_config, plan
from luukku.core.planning.inputs import ForecastRow, load_defaults, parse_forecast
from luukku.core.planning.sitesim import (
    SiteConfig,
    StageRecord,
    simulate_day_records,
    site_from_plan,
)
from luukku.monitoring.models import (
    DailyAggregate,
    DailyChainSequence,
    DailyHourArrivals,
    DailySpaceUse,
    DailyStopUse,
)
from luukku.monitoring.services import (
    BOOKED,
    CHAINED,
    WALK_IN,
    aggregate_row,
    day_bounds,
    day_rows_replace,
    hour_rows,
    local_today,
)
from luukku.monitoring.space_use import space_use_row
from luukku.monitoring.stop_use import service_spaces
from luukku.planning.measured import PLANNER_TYPE
from luukku.queueing.models import Ticket
from luukku.registry.demo_data import MUNICIPALITY_POPULATION
from luukku.registry.models import SERVICE_SPACE_TYPES, Agency, BusStop, Service, Site, Size
from luukku.registry.selectors import site_opening_intervals

#: The demo forecast is Pori's (an L point); the other sizes see a share of it.
SIZE_SHARE = {"L": 1.0, "M": 0.45, "S": 0.08, "XS": 0.05}
#: Of the bookings, these shares are cancelled or missed (the simulation has none).
CANCELLED, NO_SHOW = 0.08, 0.04
#: The simulation's space kinds (the planner's) as the registry's space types.
SPACE_TYPE = {kind: space_type for space_type, kind in PLANNER_TYPE.items()}
#: Customers a bus stop draws in a day per 1,000 inhabitants of its municipality (an
#: assumption: about one a day in a village of 1,500, eight in a town of 13,000).
BUS_VISITS_PER_1000 = 0.75
#: A stop whose municipality the demo does not know draws as one of this size.
DEFAULT_POPULATION = 5_000


@dataclass
class BusDay:
    """The bus's simulated customers of one day, each at one of the day's stops."""

    stops: list[tuple[BusStop, int]]  # the stop and its open seconds
    spaces: int
    stop_of: dict[int, int] = field(default_factory=dict)  # customer → stop id
    unserved: set[int] = field(default_factory=set)  # walk-ins turned away
    figures: dict[int, dict[str, int]] = field(default_factory=dict)

    def count(self, customer: int, name: str, amount: int = 1) -> None:
        stop = self.stop_of.get(customer)
        if stop is not None:
            acc = self.figures.setdefault(stop, defaultdict(int))
            acc[name] += amount

    def rows(self, site: Site, day: date) -> list[DailyStopUse]:
        return [
            DailyStopUse(
                day=day,
                site=site,
                stop=stop,
                open_s=open_s,
                spaces=self.spaces,
                **dict(self.figures.get(stop.pk, {})),
            )
            for stop, open_s in self.stops
        ]


def _bus_customers(
    records: list[StageRecord], bus: BusDay, rng: np.random.Generator, pick: random.Random
) -> list[StageRecord]:
    """The day's customers anew per stop, in proportion to its municipality's inhabitants."""
    visits: dict[int, list[StageRecord]] = defaultdict(list)
    for r in records:
        visits[r.customer].append(r)
    pool = list(visits.values())
    out: list[StageRecord] = []
    for stop, open_s in bus.stops:
        people = MUNICIPALITY_POPULATION.get(stop.municipality, DEFAULT_POPULATION)
        n = int(rng.poisson(people / 1000 * BUS_VISITS_PER_1000)) if pool else 0
        chosen = sorted((pick.choice(pool) for _ in range(n)), key=lambda v: v[0].start_min)
        served = served_within(
            [(v[0].booked, sum(60 * r.service_min for r in v)) for v in chosen],
            open_s * bus.spaces,
        )
        for legs, ok in zip(chosen, served, strict=True):
            if ok is None:
                continue  # the stop was fully booked: this customer could not book
            customer = len(bus.stop_of) + 1
            bus.stop_of[customer] = stop.pk
            if not ok:
                bus.unserved.add(customer)
            out += [replace(r, customer=customer) for r in legs]
    return out


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
    records: list[StageRecord],
    open_hour: int,
    services: dict[str, list[Service]],
    agencies: dict[str, Agency],
    pick: random.Random,
    bus: BusDay | None = None,
) -> tuple[list[DailyAggregate], list[DailyChainSequence], list[DailyHourArrivals], dict]:
    cells: dict[tuple, Figures] = defaultdict(Figures)
    arrivals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    visits: dict[int, list[tuple[str, float | None]]] = defaultdict(list)
    used: dict[str, float] = defaultdict(float)
    bus = bus or BusDay([], 1)
    for r in records:
        if r.agency not in agencies or not services.get(r.agency):
            continue
        channel = Channel.REMOTE if r.remote else Channel.IN_PERSON
        f = cells[(agencies[r.agency].pk, pick.choice(services[r.agency]).pk, channel)]
        if r.customer in bus.unserved:  # the bus left before their turn: no later stages
            if not r.chained:
                f.walk_in += 1
                bus.count(r.customer, "walk_ins")
                bus.count(r.customer, "turned_away")
            continue
        if r.booked:
            roll = pick.random()
            if roll < CANCELLED:  # as day_aggregate counts: a cancelled one is not booked
                f.cancelled += 1
                continue
            f.booked += 1
            bus.count(r.customer, "bookings")
            bus.count(r.customer, "booked_s", round(60 * r.service_min))
            if roll < CANCELLED + NO_SHOW:
                f.no_show += 1
                continue
        elif r.chained:
            f.chained += 1
        else:
            f.walk_in += 1
            bus.count(r.customer, "walk_ins")
        hour = open_hour + int((r.start_min - r.wait_min) // 60)  # when it joined the queue
        what = BOOKED if r.booked else CHAINED if r.chained else WALK_IN
        arrivals[(site.pk, agencies[r.agency].pk, hour)][what] += 1
        used[SPACE_TYPE.get(r.space, "")] += 60 * r.service_min
        f.served += 1
        f.add_wait(60 * r.wait_min)
        f.add_service(60 * r.service_min)
        bus.count(r.customer, "served")
        bus.count(r.customer, "service_s", round(60 * r.service_min))
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


def _opening(
    site: Site, first: date, last: date
) -> tuple[dict[date, int], dict[date, list[tuple[BusStop, int]]]]:
    """The point's opening time on each local day from ``first`` to ``last`` and, for
    the bus, its stops of each day with their open seconds."""
    seconds: dict[date, int] = defaultdict(int)
    stops: dict[date, list[tuple[BusStop, int]]] = defaultdict(list)
    for a, b, stop in site_opening_intervals(site, first, last):
        day, span = local_today(a), int((b - a).total_seconds())
        seconds[day] += span
        if stop is not None:
            stops[day].append((stop, span))
    return seconds, stops


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
        done = set(
            DailyAggregate.objects.filter(site=site, day__gte=first, day__lt=today)
            .values_list("day", flat=True)
            .distinct()
        )
        if site.size == Size.XS:  # a bus day seeded before the stop figures is done again
            done &= set(
                DailyStopUse.objects.filter(site=site, day__gte=first, day__lt=today)
                .values_list("day", flat=True)
                .distinct()
            )
        keep |= done
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
    counts = {"days": 0, "aggregate_rows": 0, "chain_rows": 0, "space_rows": 0}
    counts |= {"hour_rows": 0, "stop_rows": 0}
    for site in Site.objects.order_by("pk"):
        simulated = _site_model(site)
        if simulated is None:
            continue
        model, open_hour = simulated
        keep = _days_to_keep(site, first, today, replace)
        spaces = _service_spaces(site)
        planned = {SPACE_TYPE[k]: n for k, n in model.spaces.items() if k in SPACE_TYPE}
        opening, stops = _opening(site, first, today - timedelta(days=1))
        is_bus = site.size == Size.XS
        bus_spaces = service_spaces(site) if is_bus else 1
        for offset in range(days, 0, -1):
            day = today - timedelta(days=offset)
            if day.weekday() > 4 or day in closed or day in keep:
                continue
            if is_bus and not stops.get(day):
                continue  # the bus stands nowhere that day
            day_plan = model.days[5 * (day.month - 1) + day.weekday()]
            records = list(simulate_day_records(model, day_plan, rng))
            bus = BusDay(stops[day], bus_spaces) if is_bus else None
            if bus is not None:
                records = _bus_customers(records, bus, rng, pick)
            rows, chains, hours, used = _day_rows(
                site, day, records, open_hour, services, agencies, pick, bus
            )
            space_rows = _space_rows(site, day, spaces, planned, opening.get(day, 0), used)
            stop_rows = bus.rows(site, day) if bus is not None else []
            day_rows_replace(
                {
                    DailyAggregate: rows,
                    DailyChainSequence: chains,
                    DailySpaceUse: space_rows,
                    DailyStopUse: stop_rows,
                    DailyHourArrivals: hours,
                },
                site=site,
                day=day,
            )
            counts["days"] += 1
            counts["aggregate_rows"] += len(rows)
            counts["chain_rows"] += len(chains)
            counts["space_rows"] += len(space_rows)
            counts["stop_rows"] += len(stop_rows)
            counts["hour_rows"] += len(hours)
    return counts
