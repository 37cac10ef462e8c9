"""From a visitor forecast to a space programme and staffing.

Arrival rates per hour of the peak week come from the seasonal, weekday and hourly
profiles. Each hour's offered load is the time-varying *modified offered load*
(the load an infinite-server system would carry, integrated exactly per hour), so a
peak's after-effect carries into the next hour. Servers per hour follow from
Erlang C with the Allen-Cunneen factor ``(ca2 + cs2) / 2``: booked customers arrive
more smoothly than walk-ins (``ca2`` below 1). Spaces are dimensioned pooled (all
agencies share, principle 5) and separate (each agency its own) side by side.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from . import erlang
from .inputs import (
    SIZES,
    SPACE_TYPES,
    AgencyDefaults,
    Defaults,
    ForecastRow,
    PlanningInputError,
    StockRow,
    load_defaults,
)

DAYS = ("mon", "tue", "wed", "thu", "fri")
SERVICE_TYPES = ("booth", "service_room", "meeting_room", "remote_room")


@dataclass(frozen=True)
class Scenario:
    """A what-if: forecast factor, remote share in points, extra evening hours."""

    name: str = "base"
    forecast_factor: float = 1.0
    remote_share_add: float = 0.0
    booked_share_add: float = 0.0
    extra_hours: int = 0


STANDARD_SCENARIOS = (
    Scenario("remote +20 pp", remote_share_add=0.20),
    Scenario("open 2 h longer", extra_hours=2),
    Scenario("forecast -30 %", forecast_factor=0.70),
)


@dataclass(frozen=True)
class PlanConfig:
    forecast: tuple[ForecastRow, ...]
    size: str
    defaults: Defaults
    scenario: Scenario
    agencies: tuple[AgencyDefaults, ...]  # with the scenario applied
    hours: tuple[int, ...]


@dataclass(frozen=True)
class Stream:
    """Arrivals per hour with a mean service time (min) and variability factor."""

    rate: float
    service_min: float
    scv_arrival: float
    scv_service: float


@dataclass(frozen=True)
class ProgrammeLine:
    space_type: str
    count: int
    m2_each: float
    m2: float
    htm2: float


@dataclass(frozen=True)
class Programme:
    lines: tuple[ProgrammeLine, ...]
    total_m2: float
    total_htm2: float

    def count(self, space_type: str) -> int:
        return next((line.count for line in self.lines if line.space_type == space_type), 0)


@dataclass(frozen=True)
class DevelopmentLine:
    space_type: str
    need: int
    existing: int
    change: int
    need_m2: float
    existing_m2: float
    change_m2: float


@dataclass(frozen=True)
class PlanResult:
    size: str
    scenario: Scenario
    peak_month: int  # 1..12
    peak_day: str
    hours: tuple[int, ...]
    arrivals: dict[str, tuple[float, ...]]  # per agency, per hour of the peak day
    officials: dict[str, tuple[tuple[int, ...], ...]]  # per agency, [day][hour], peak week
    advisors: tuple[tuple[int, ...], ...]
    terminals: tuple[tuple[int, ...], ...]
    pooled: Programme
    separate: Programme
    waiting_seats: int
    persons_waiting_peak: float
    person_years: float
    office_htm2_target: float
    expected_service_level: float
    development: tuple[DevelopmentLine, ...] | None = None

    @property
    def saving_m2(self) -> float:
        return self.separate.total_m2 - self.pooled.total_m2

    @property
    def saving_share(self) -> float:
        return self.saving_m2 / self.separate.total_m2 if self.separate.total_m2 else 0.0

    def officials_peak_day(self) -> dict[str, tuple[int, ...]]:
        i = DAYS.index(self.peak_day)
        return {a: rows[i] for a, rows in self.officials.items()}


# -- builder ------------------------------------------------------------------


def build_config(
    forecast: tuple[ForecastRow, ...],
    size: str = "L",
    defaults: Defaults | None = None,
    scenario: Scenario | None = None,
) -> PlanConfig:
    """Validate and apply a scenario; the result is all the engine needs."""
    defaults = defaults or load_defaults()
    scenario = scenario or Scenario()
    if size not in SIZES:
        raise PlanningInputError(f"size must be one of {', '.join(SIZES)}", field="size")
    if scenario.forecast_factor < 0:
        raise PlanningInputError(
            "forecast factor must be non-negative",
            row=f"scenario {scenario.name}",
            field="forecast",
        )
    if not 0 <= scenario.extra_hours <= 24 - defaults.close_hour:
        raise PlanningInputError(
            "extra hours would run past midnight", row=f"scenario {scenario.name}", field="hours"
        )
    agencies = []
    for row in forecast:
        if row.agency not in defaults.agencies:
            raise PlanningInputError(f"no defaults for agency {row.agency}", field="agency")
        a = defaults.agencies[row.agency]
        remote = 1.0 if size in defaults.remote_only_sizes else a.remote_share
        remote = min(1.0, max(0.0, remote + scenario.remote_share_add))
        booked = min(1.0, max(0.0, a.booked_share + scenario.booked_share_add))
        hourly = _extend_hours(a.hourly, scenario.extra_hours)
        agencies.append(replace(a, remote_share=remote, booked_share=booked, hourly=hourly))
    close = defaults.close_hour + scenario.extra_hours
    return PlanConfig(
        forecast=tuple(
            ForecastRow(r.agency, r.annual_visits * scenario.forecast_factor) for r in forecast
        ),
        size=size,
        defaults=defaults,
        scenario=scenario,
        agencies=tuple(agencies),
        hours=tuple(range(defaults.open_hour, close)),
    )


def _extend_hours(
    hourly: tuple[tuple[int, float], ...], extra: int
) -> tuple[tuple[int, float], ...]:
    """Longer evenings: new hours draw like the last hour, then renormalise."""
    if extra <= 0:
        return hourly
    last_hour, last_share = hourly[-1]
    extended = [*hourly, *((last_hour + i, last_share) for i in range(1, extra + 1))]
    total = sum(s for _, s in extended)
    return tuple((h, s / total) for h, s in extended)


# -- engine -------------------------------------------------------------------


def _weekly_visits(config: PlanConfig, month: int) -> dict[str, float]:
    d = config.defaults
    return {
        a.code: r.annual_visits * a.seasonal[month] * 12 / d.weeks_per_year
        for a, r in zip(config.agencies, config.forecast, strict=True)
    }


def _agency_rates(config: PlanConfig, a: AgencyDefaults, weekly: float) -> list[list[float]]:
    """Visits per hour, [day][hour], over the opening hours."""
    shares = dict(a.hourly)
    return [[weekly * w * shares.get(h, 0.0) for h in config.hours] for w in a.weekday]


def _offered_loads(rates: list[float], service_min: float) -> list[float]:
    """Hour-mean modified offered load, integrating m' = lambda - m / s exactly."""
    loads, m0 = [], 0.0
    s = service_min / 60.0  # in hours
    decay = math.exp(-1.0 / s)
    for lam in rates:
        steady = lam * s
        loads.append(steady + (m0 - steady) * s * (1.0 - decay))
        m0 = steady + (m0 - steady) * decay
    return loads


def _combine(streams: list[Stream]) -> Stream:
    """Superpose streams: rate-weighted arrival SCV, mixture service moments."""
    rate = sum(x.rate for x in streams)
    if rate <= 0:
        return Stream(0.0, 1.0, 1.0, 1.0)
    mean = sum(x.rate * x.service_min for x in streams) / rate
    second = sum(x.rate * x.service_min**2 * (1 + x.scv_service) for x in streams) / rate
    return Stream(
        rate=rate,
        service_min=mean,
        scv_arrival=sum(x.rate * x.scv_arrival for x in streams) / rate,
        scv_service=max(0.0, second / mean**2 - 1),
    )


def _servers(config: PlanConfig, hourly: list[Stream]) -> list[int]:
    """Servers per hour for a day of streams, by the time-varying Erlang C."""
    d = config.defaults
    if not hourly:
        return []
    service = max((x.service_min for x in hourly if x.rate > 0), default=1.0)
    loads = _offered_loads([x.rate for x in hourly], service)
    out = []
    for x, load in zip(hourly, loads, strict=True):
        k = (x.scv_arrival + x.scv_service) / 2
        out.append(
            erlang.servers_needed(load, service, d.target_service_level, d.target_wait_min, k)
        )
    return out


def _streams(config: PlanConfig, a: AgencyDefaults, rate: float) -> dict[str, Stream]:
    """Split one agency's hourly visits into streams by the space they need."""
    d = config.defaults
    ca2 = a.booked_share * d.booked_arrival_scv + (1 - a.booked_share)
    cs2 = a.service_time_cv**2
    site = rate * (1 - a.remote_share)
    p = a.personas
    advice = rate * (p["A"] * d.advice_share["A"] + p["B"] * d.advice_share["B"])
    terminal = rate * (p["C"] * d.self_service_share["C"] + p["D"] * d.self_service_share["D"])
    return {
        "booth": Stream(site * (1 - a.room_share - a.meeting_share), a.service_time_min, ca2, cs2),
        "service_room": Stream(site * a.room_share, a.service_time_min, ca2, cs2),
        "meeting_room": Stream(site * a.meeting_share, a.service_time_min, ca2, cs2),
        "remote_room": Stream(rate * a.remote_share, a.service_time_min, ca2, cs2),
        "official": Stream(site, a.service_time_min, ca2, cs2),
        "advice_point": Stream(advice, d.advisor_triage_min, 1.0, 1.0),
        "terminal": Stream(terminal, d.terminal_session_min, 1.0, 1.0),
    }


def _peak_month(config: PlanConfig, codes: set[str]) -> int:
    totals = [sum(v for k, v in _weekly_visits(config, m).items() if k in codes) for m in range(12)]
    return max(range(12), key=totals.__getitem__)


def _week_streams(config: PlanConfig, month: int) -> dict[str, list[list[dict[str, Stream]]]]:
    weekly = _weekly_visits(config, month)
    return {
        a.code: [
            [_streams(config, a, r) for r in day]
            for day in _agency_rates(config, a, weekly[a.code])
        ]
        for a in config.agencies
    }


def _programme(config: PlanConfig, counts: dict[str, int]) -> Programme:
    d = config.defaults
    lines = []
    for t in SPACE_TYPES:
        n = counts.get(t, 0)
        m2 = n * d.space_m2[t]
        lines.append(ProgrammeLine(t, n, d.space_m2[t], m2, m2 * d.htm2_per_room_m2))
    return Programme(tuple(lines), sum(x.m2 for x in lines), sum(x.htm2 for x in lines))


def _with_minimums(config: PlanConfig, counts: dict[str, int]) -> dict[str, int]:
    mins = config.defaults.min_by_size.get(config.size, {})
    out = dict(counts)
    for t, n in mins.items():
        out[t] = max(out.get(t, 0), n)
    if config.size in config.defaults.remote_only_sizes:
        for t in ("booth", "service_room", "meeting_room", "safe_room", "workstation"):
            out[t] = 0
    return out


def plan(config: PlanConfig, stock: tuple[StockRow, ...] | None = None) -> PlanResult:
    """Dimension the site for its peak week, pooled and separate."""
    d = config.defaults
    days = range(len(DAYS))
    month = _peak_month(config, {a.code for a in config.agencies})
    week = _week_streams(config, month)
    weeks = {month: week}  # per plan only: no module-level cache
    codes = [a.code for a in config.agencies]

    # Officials per agency, [day][hour]: an official serves only their agency.
    officials = {
        c: tuple(tuple(_servers(config, [s["official"] for s in week[c][day]])) for day in days)
        for c in codes
    }

    def pooled_servers(kind: str) -> list[list[int]]:
        return [
            _servers(
                config,
                [
                    _combine([week[c][day][h][kind] for c in codes])
                    for h in range(len(config.hours))
                ],
            )
            for day in days
        ]

    pooled: dict[str, int] = {}
    for kind in (*SERVICE_TYPES, "advice_point", "terminal"):
        pooled[kind] = max((max(row, default=0) for row in pooled_servers(kind)), default=0)
    advisors = tuple(tuple(r) for r in pooled_servers("advice_point"))
    terminals = tuple(tuple(r) for r in pooled_servers("terminal"))

    # Separate: each agency dimensions its own spaces for its own peak week.
    separate: dict[str, int] = {}
    for a in config.agencies:
        own_month = _peak_month(config, {a.code})
        if own_month not in weeks:
            weeks[own_month] = _week_streams(config, own_month)
        own = weeks[own_month][a.code]
        for kind in (*SERVICE_TYPES, "advice_point", "terminal"):
            need = max(
                max(_servers(config, [s[kind] for s in own[day]]), default=0) for day in days
            )
            separate[kind] = separate.get(kind, 0) + need
        if config.size == "L" and a.room_share >= 0.5:
            separate["safe_room"] = separate.get("safe_room", 0) + 1

    # Waiting persons at the peak slot: Lq of staffed pools times group size,
    # plus booked customers waiting for their slot (Little's law).
    peak_slot, peak_waiting, sl_num, sl_den = (0, 0), -1.0, 0.0, 0.0
    for day in days:
        for h in range(len(config.hours)):
            waiting = 0.0
            for a in config.agencies:
                s = week[a.code][day][h]["official"]
                c = officials[a.code][day][h]
                k = (s.scv_arrival + s.scv_service) / 2
                load = s.rate * s.service_min / 60
                if load > 0:
                    waiting += (
                        s.rate / 60 * erlang.mean_wait_gg(c, load, s.service_min, k) * a.group_size
                    )
                    sl = erlang.service_level_gg(c, load, s.service_min, d.target_wait_min, k)
                    sl_num, sl_den = sl_num + sl * s.rate, sl_den + s.rate
                waiting += s.rate * a.booked_share / 60 * d.booked_early_min * a.group_size
            for kind, servers in (("advice_point", advisors), ("terminal", terminals)):
                s = _combine([week[c][day][h][kind] for c in codes])
                load = s.rate * s.service_min / 60
                if load > 0:
                    waiting += s.rate / 60 * erlang.mean_wait(servers[day][h], load, s.service_min)
            if waiting > peak_waiting:
                peak_slot, peak_waiting = (day, h), waiting
    seats = int(poisson_quantile(d.waiting_seat_quantile, max(peak_waiting, 1e-9))) + 1
    peak_on_site = max(
        sum(officials[c][day][h] for c in codes) for day in days for h in range(len(config.hours))
    )
    workstations = math.ceil(peak_on_site * d.workstations_per_official_on_site)
    for counts in (pooled, separate):
        counts["waiting_seat"] = seats
        counts["workstation"] = workstations
    separate["waiting_seat"] = sum(
        int(
            poisson_quantile(
                d.waiting_seat_quantile,
                max(peak_waiting * r.annual_visits / max(_total(config), 1e-9), 1e-9),
            )
        )
        + 1
        for r in config.forecast
    )
    pooled_prog = _programme(config, _with_minimums(config, pooled))
    separate_prog = _programme(config, _with_minimums(config, separate))

    # Person-years: annual on-site workload over the peak week's utilisation.
    staffed_hours = sum(sum(sum(row) for row in officials[c]) for c in codes)
    peak_work = sum(
        week[c][day][h]["official"].rate * week[c][day][h]["official"].service_min / 60
        for c in codes
        for day in days
        for h in range(len(config.hours))
    )
    annual_work = sum(
        r.annual_visits * (1 - a.remote_share) * a.service_time_min / 60
        for a, r in zip(config.agencies, config.forecast, strict=True)
    )
    utilisation = peak_work / staffed_hours if staffed_hours else 1.0
    person_years = annual_work / max(utilisation, 1e-9) / d.service_hours_per_person_year
    result = PlanResult(
        size=config.size,
        scenario=config.scenario,
        peak_month=month + 1,
        peak_day=DAYS[peak_slot[0]],
        hours=config.hours,
        arrivals={
            c: tuple(
                week[c][peak_slot[0]][h]["official"].rate
                + week[c][peak_slot[0]][h]["remote_room"].rate
                for h in range(len(config.hours))
            )
            for c in codes
        },
        officials=officials,
        advisors=advisors,
        terminals=terminals,
        pooled=pooled_prog,
        separate=separate_prog,
        waiting_seats=seats,
        persons_waiting_peak=peak_waiting,
        person_years=person_years,
        office_htm2_target=person_years * d.office_htm2_per_person_year,
        expected_service_level=sl_num / sl_den if sl_den else 1.0,
    )
    if stock is not None:
        result = replace(result, development=development_need(result.pooled, stock))
    return result


def poisson_quantile(q: float, mean: float) -> int:
    """Smallest n with P(N <= n) >= q for N ~ Poisson(mean), summed in log space."""
    if mean <= 0:
        return 0
    n, term = 0, math.exp(-mean) if mean < 700 else 0.0
    if term == 0.0:  # far tail: the normal approximation is exact enough
        return math.ceil(mean + 3 * math.sqrt(mean))
    total = term
    while total < q:
        n += 1
        term *= mean / n
        total += term
    return n


def _total(config: PlanConfig) -> float:
    return sum(r.annual_visits for r in config.forecast)


def development_need(
    programme: Programme, stock: tuple[StockRow, ...]
) -> tuple[DevelopmentLine, ...]:
    """Need minus existing stock, per space type, in counts and m²."""
    have: dict[str, tuple[int, float]] = {}
    for row in stock:
        n, m2 = have.get(row.space_type, (0, 0.0))
        have[row.space_type] = (n + row.count, m2 + row.area_m2)
    lines = []
    for line in programme.lines:
        n, m2 = have.get(line.space_type, (0, 0.0))
        lines.append(
            DevelopmentLine(
                line.space_type, line.count, n, line.count - n, line.m2, m2, line.m2 - m2
            )
        )
    return tuple(lines)


def compare_scenarios(
    forecast: tuple[ForecastRow, ...],
    size: str = "L",
    defaults: Defaults | None = None,
    scenarios: tuple[Scenario, ...] = STANDARD_SCENARIOS,
    stock: tuple[StockRow, ...] | None = None,
) -> tuple[PlanResult, ...]:
    """The base plan first, then each scenario, for side-by-side comparison."""
    defaults = defaults or load_defaults()
    return tuple(
        plan(build_config(forecast, size, defaults, s), stock) for s in (Scenario(), *scenarios)
    )
