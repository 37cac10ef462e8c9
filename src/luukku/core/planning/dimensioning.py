"""From a visitor forecast to a space programme and staffing.

Arrival rates per hour of the peak week come from the seasonal, weekday and hourly
profiles. Each hour's offered load is the time-varying *modified offered load*
(the load an infinite-server system would carry, integrated exactly per hour), so a
peak's after-effect carries into the next hour. Servers per hour follow from
Erlang C with the Allen-Cunneen factor ``(ca2 + cs2) / 2``: booked customers arrive
more smoothly than walk-ins (``ca2`` below 1). Spaces are dimensioned pooled (all
agencies share, principle 5) and separate (each agency its own) side by side.

Every staffed queue (an agency's officials, the advice point, the terminals) gets more
servers than the hour's offered load, so its wait is finite, and then as many as the
service target needs. Where a planner's server cap makes that impossible, the plan
keeps the cap and records a ``Finding`` per resource and agency instead of failing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from statistics import NormalDist

from . import erlang
from .inputs import (
    MAX_SERVERS,
    SIZES,
    SPACE_TYPES,
    AgencyDefaults,
    Defaults,
    ForecastRow,
    PlanningInputError,
    StockRow,
    load_defaults,
)
from .results import (  # noqa: F401 - the plan's records, importable from here as before
    DAYS,
    SERVICE_TYPES,
    STAFFED,
    STANDARD_SCENARIOS,
    TARGET_NOT_MET,
    UNSTABLE,
    DevelopmentLine,
    Finding,
    PlanConfig,
    PlanResult,
    Programme,
    ProgrammeLine,
    QueueCheck,
    Scenario,
    Stream,
)

MAX_FACTOR = 100.0  # a scenario multiplying the forecast more than this is a typo
ENGINE_LIMIT = MAX_SERVERS  # servers per resource and hour the search goes up to


@dataclass(frozen=True)
class _Sizing:
    servers: list[int]
    short: list[tuple[int, float, int, int | None]]  # (hour index, load, cap, needed)


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
    if not math.isfinite(scenario.forecast_factor) or scenario.forecast_factor > MAX_FACTOR:
        raise PlanningInputError(
            f"forecast factor must be at most {MAX_FACTOR:g}",
            row=f"scenario {scenario.name}",
            field="forecast",
        )
    for value, key in (
        (scenario.remote_share_add, "remote"),
        (scenario.booked_share_add, "booked"),
    ):
        if not -1 <= value <= 1:
            raise PlanningInputError(
                "a share change must be between -1 and 1",
                row=f"scenario {scenario.name}",
                field=key,
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


def _load(stream: Stream) -> float:
    """The hour's stationary offered load in Erlangs (what its queue must carry)."""
    return stream.rate * stream.service_min / 60


def _sizing(config: PlanConfig, hourly: list[Stream], kind: str) -> _Sizing:
    """Servers per hour for a day of streams, by the time-varying Erlang C.

    Each hour is sized for its ``_hour_loads`` load, the one its wait is judged by;
    beyond the cap the cap is kept and the hour noted.
    """
    d = config.defaults
    cap = d.max_servers.get(kind, ENGINE_LIMIT)
    out, short = [], []
    for i, (x, (load, service)) in enumerate(zip(hourly, _hour_loads(hourly), strict=True)):
        k = (x.scv_arrival + x.scv_service) / 2
        args = (load, service, d.target_service_level, d.target_wait_min, k)
        c = erlang.servers_for_target(*args, max_servers=cap)
        if c is None:
            needed = (
                erlang.servers_for_target(*args, max_servers=ENGINE_LIMIT)
                if cap < ENGINE_LIMIT
                else None
            )
            short.append((i, load, cap, needed))
            c = cap
        out.append(c)
    return _Sizing(out, short)


def _hour_loads(hourly: list[Stream]) -> list[tuple[float, float]]:
    """Per hour, the larger of its own load and the modified offered load (Erlangs),
    with the service time (min) it is served at.

    The modified offered load carries a peak's after-effect into the next hours
    but lags a rising hour; sized on it alone, a rising hour could get no more
    servers than its own arrivals need, and its queue would grow without bound.
    """
    if not hourly:
        return []
    service = max((x.service_min for x in hourly if x.rate > 0), default=1.0)
    mol = _offered_loads([x.rate for x in hourly], service)
    return [
        (max(m, _load(x)), x.service_min if x.rate > 0 else service)
        for x, m in zip(hourly, mol, strict=True)
    ]


def _servers(config: PlanConfig, hourly: list[Stream], kind: str) -> list[int]:
    return _sizing(config, hourly, kind).servers


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


def _worst(found: list[Finding]) -> list[Finding]:
    """One finding per resource and agency: an unstable hour first, then the heaviest."""
    best: dict[tuple[str, str | None], Finding] = {}
    for f in found:
        key = (f.resource, f.agency)
        old = best.get(key)
        if old is None or (f.problem == UNSTABLE, f.load) > (old.problem == UNSTABLE, old.load):
            best[key] = f
    return list(best.values())


def _findings(
    sizing: _Sizing, resource: str, agency: str | None, day: int, hours: tuple[int, ...]
) -> list[Finding]:
    return [
        Finding(
            resource=resource,
            agency=agency,
            problem=UNSTABLE if cap <= load else TARGET_NOT_MET,
            day=DAYS[day],
            hour=hours[i],
            load=load,
            servers=cap,
            cap=cap,
            needed=needed,
        )
        for i, load, cap, needed in sizing.short
    ]


def _waiting(
    load: float, service_min: float, servers: int, variability: float
) -> tuple[float, float]:
    """Mean and variance of persons in queue in the hour; finite even when unstable.

    A stable queue has the M/M/c queue-length moments (``Lq = C rho / (1 - rho)``),
    the mean scaled by the Allen-Cunneen factor and the variance by its square; an
    overloaded one grows at the excess rate, ``(load - servers)`` per service time,
    so its mean over the hour, starting empty, is half the excess.
    """
    if load <= 0:
        return 0.0, 0.0
    if servers > load:
        rho = load / servers
        c = erlang.erlang_c(servers, load)
        mean = c * rho / (1 - rho) * variability
        var = c * rho * (1 + rho - c * rho) / (1 - rho) ** 2 * variability**2
        return mean, var
    mean = (load - servers) * 30 / service_min
    return mean, mean


def seat_quantile(q: float, mean: float, var: float) -> int:
    """Persons waiting at quantile ``q``: Poisson, or normal when more spread out."""
    n = poisson_quantile(q, max(mean, 1e-9))
    if var > mean > 0 and 0 < q < 1:
        n = max(n, math.ceil(NormalDist(mean, math.sqrt(var)).inv_cdf(q)))
    return n


def _queue_check(
    resource: str, agency: str | None, loads: list[list[float]], servers, hours
) -> QueueCheck | None:
    """The hour whose load is heaviest against its servers, if any load at all."""
    worst, key = None, -1.0
    for day, row in enumerate(loads):
        for h, load in enumerate(row):
            if load <= 0:
                continue
            c = servers[day][h]
            ratio = load / c if c else math.inf
            if ratio > key:
                worst, key = QueueCheck(resource, agency, DAYS[day], hours[h], load, c), ratio
    return worst


def plan(config: PlanConfig, stock: tuple[StockRow, ...] | None = None) -> PlanResult:
    """Dimension the site for its peak week, pooled and separate."""
    d = config.defaults
    days = range(len(DAYS))
    slots = range(len(config.hours))
    month = _peak_month(config, {a.code for a in config.agencies})
    week = _week_streams(config, month)
    weeks = {month: week}  # per plan only: no module-level cache
    codes = [a.code for a in config.agencies]
    found: list[Finding] = []

    # Officials per agency, [day][hour]: an official serves only their agency.
    officials, official_loads = {}, {}
    for c in codes:
        rows, loads = [], []
        for day in days:
            streams = [s["official"] for s in week[c][day]]
            sized = _sizing(config, streams, "official")
            found += _findings(sized, "official", c, day, config.hours)
            rows.append(tuple(sized.servers))
            loads.append(_hour_loads(streams))
        officials[c], official_loads[c] = tuple(rows), loads

    pooled_streams = {
        kind: [[_combine([week[c][day][h][kind] for c in codes]) for h in slots] for day in days]
        for kind in (*SERVICE_TYPES, "advice_point", "terminal")
    }
    pooled_loads = {
        kind: [_hour_loads(streams) for streams in per_day]
        for kind, per_day in pooled_streams.items()
    }
    pooled_rows: dict[str, list[list[int]]] = {}
    for kind, per_day in pooled_streams.items():
        pooled_rows[kind] = []
        for day, streams in enumerate(per_day):
            sized = _sizing(config, streams, kind)
            found += _findings(sized, kind, None, day, config.hours)
            pooled_rows[kind].append(sized.servers)
    pooled = {
        kind: max((max(row, default=0) for row in rows), default=0)
        for kind, rows in pooled_rows.items()
    }
    advisors = tuple(tuple(r) for r in pooled_rows["advice_point"])
    terminals = tuple(tuple(r) for r in pooled_rows["terminal"])

    # Separate: each agency dimensions its own spaces for its own peak week.
    separate: dict[str, int] = {}
    for a in config.agencies:
        own_month = _peak_month(config, {a.code})
        if own_month not in weeks:
            weeks[own_month] = _week_streams(config, own_month)
        own = weeks[own_month][a.code]
        for kind in (*SERVICE_TYPES, "advice_point", "terminal"):
            need = max(
                max(_servers(config, [s[kind] for s in own[day]], kind), default=0) for day in days
            )
            separate[kind] = separate.get(kind, 0) + need
        if config.size == "L" and a.room_share >= 0.5:
            separate["safe_room"] = separate.get("safe_room", 0) + 1

    # Persons waiting per slot: the queues of the staffed pools times group size,
    # plus booked customers waiting for their slot (Little's law); seats for the
    # slot whose quantile of persons waiting is highest.
    peak_slot, peak_waiting, peak_var, sl_num, sl_den = (0, 0), -1.0, 0.0, 0.0, 0.0
    seats = 1
    for day in days:
        for h in slots:
            waiting = var = 0.0
            for a in config.agencies:
                s = week[a.code][day][h]["official"]
                c = officials[a.code][day][h]
                k = (s.scv_arrival + s.scv_service) / 2
                load, service = official_loads[a.code][day][h]
                if load > 0:
                    m, v = _waiting(load, service, c, k)
                    waiting, var = waiting + m * a.group_size, var + v * a.group_size**2
                    sl = erlang.service_level_gg(c, load, service, d.target_wait_min, k)
                    sl_num, sl_den = sl_num + sl * s.rate, sl_den + s.rate
                early = s.rate * a.booked_share / 60 * d.booked_early_min * a.group_size
                waiting, var = waiting + early, var + early * a.group_size
            for kind, servers in (("advice_point", advisors), ("terminal", terminals)):
                load, service = pooled_loads[kind][day][h]
                m, v = _waiting(load, service, servers[day][h], 1.0)
                waiting, var = waiting + m, var + v
            slot_seats = seat_quantile(d.waiting_seat_quantile, waiting, var) + 1
            if (slot_seats, waiting) > (seats, peak_waiting):
                peak_slot, peak_waiting, peak_var, seats = (day, h), waiting, var, slot_seats
    peak_on_site = max(sum(officials[c][day][h] for c in codes) for day in days for h in slots)
    workstations = math.ceil(peak_on_site * d.workstations_per_official_on_site)
    for counts in (pooled, separate):
        counts["waiting_seat"] = seats
        counts["workstation"] = workstations
    shares = [r.annual_visits / max(_total(config), 1e-9) for r in config.forecast]
    separate["waiting_seat"] = sum(
        seat_quantile(d.waiting_seat_quantile, peak_waiting * x, peak_var * x) + 1 for x in shares
    )
    pooled_prog = _programme(config, _with_minimums(config, pooled))
    separate_prog = _programme(config, _with_minimums(config, separate))

    # Person-years: annual on-site workload over the peak week's utilisation.
    staffed_hours = sum(sum(sum(row) for row in officials[c]) for c in codes)
    peak_work = sum(
        _load(week[c][day][h]["official"]) for c in codes for day in days for h in slots
    )
    annual_work = sum(
        r.annual_visits * (1 - a.remote_share) * a.service_time_min / 60
        for a, r in zip(config.agencies, config.forecast, strict=True)
    )
    utilisation = peak_work / staffed_hours if staffed_hours else 1.0
    person_years = annual_work / max(utilisation, 1e-9) / d.service_hours_per_person_year

    queues = [
        _queue_check(
            "official",
            c,
            [[load for load, _ in row] for row in official_loads[c]],
            officials[c],
            config.hours,
        )
        for c in codes
    ]
    for kind, servers in (("advice_point", advisors), ("terminal", terminals)):
        loads = [[load for load, _ in row] for row in pooled_loads[kind]]
        queues.append(_queue_check(kind, None, loads, servers, config.hours))
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
                for h in slots
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
        findings=tuple(_worst(found)),
        queues=tuple(q for q in queues if q is not None),
    )
    if stock is not None:
        result = replace(result, development=development_need(result.pooled, stock))
    return result


def poisson_quantile(q: float, mean: float) -> int:
    """Smallest n with P(N <= n) >= q for N ~ Poisson(mean), summed in log space."""
    if not math.isfinite(mean):
        raise ValueError("the mean must be finite")
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
