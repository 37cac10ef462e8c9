"""Discrete-event simulation of a service point over a day, a week or a year.

It checks the analytic programme with the same inputs: time-varying arrivals per
hour, booked customers (who arrive early and are served from their slot, ahead of
walk-ins) and walk-ins, triage at the advice point and self-service terminals,
chains across agencies, gamma service times with the agency's mean and CV, officials
staffed by hour, and spaces shared by type (a free space is taken only for the
service event, principle 5). Days are independent: each one runs until empty.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .dimensioning import (
    DAYS,
    PlanConfig,
    PlanResult,
    _agency_rates,
    _servers,
    _streams,
    _weekly_visits,
)
from .simulation import Estimate, estimate

ARRIVE, READY, DONE = 0, 1, 2
SERVICE_SPACES = (
    "booth",
    "service_room",
    "meeting_room",
    "remote_room",
    "terminal",
    "advice_point",
)


@dataclass(frozen=True)
class AgencyParams:
    service_mean: float
    service_cv: float
    booked_share: float
    remote_share: float
    room_share: float
    meeting_share: float
    group_size: float
    chain_prob: float
    advice_prob: float
    terminal_prob: float


@dataclass(frozen=True)
class DayPlan:
    rates: dict[str, tuple[float, ...]]  # fresh arrivals per hour, per agency
    staff: dict[str, tuple[int, ...]]  # per queue key ('KELA', 'advice'), per hour


@dataclass(frozen=True)
class SiteConfig:
    agencies: dict[str, AgencyParams]
    chain_weights: dict[str, float]
    spaces: dict[str, int]
    days: tuple[DayPlan, ...]
    hours_open: int
    booked_early_min: float = 5.0
    target_wait_min: float = 15.0
    advice_min: float = 6.0
    terminal_min: float = 12.0


@dataclass(frozen=True)
class StageRecord:
    """One agency's service of one simulated customer (minutes from opening)."""

    customer: int
    agency: str
    remote: bool
    booked: bool
    chained: bool  # served by another agency before, in the same visit
    start_min: float
    wait_min: float
    service_min: float
    space: str = ""  # the space kind it took ("booth", "remote_room", ...)


@dataclass(frozen=True)
class SimResult:
    customers: int
    mean_wait: Estimate
    p90_wait: Estimate
    service_level: Estimate
    utilisation: dict[str, float]
    max_waiting_persons: int
    # The planned seats' own measure: the 90th percentile of persons waiting over
    # time in the busiest hour of the day (time-weighted, per replication).
    p90_waiting_persons: Estimate | None = None


def site_from_plan(config: PlanConfig, result: PlanResult, horizon: str = "week") -> SiteConfig:
    """Simulation inputs for the planned site: the programme and its staffing."""
    d = config.defaults
    weekly_peak = _weekly_visits(config, result.peak_month - 1)
    total = sum(weekly_peak.values()) or 1.0
    weights = {c: v / total for c, v in weekly_peak.items()}
    params = {}
    for a in config.agencies:
        p = a.personas
        params[a.code] = AgencyParams(
            service_mean=a.service_time_min,
            service_cv=a.service_time_cv,
            booked_share=a.booked_share,
            remote_share=a.remote_share,
            room_share=a.room_share,
            meeting_share=a.meeting_share,
            group_size=a.group_size,
            chain_prob=p["A"] * d.chain_share["A"] + p["C"] * d.chain_share["C"],
            advice_prob=p["A"] * d.advice_share["A"] + p["B"] * d.advice_share["B"],
            terminal_prob=p["C"] * d.self_service_share["C"] + p["D"] * d.self_service_share["D"],
        )
    # Chained second stages are part of the next agency's forecast: thin its fresh arrivals.
    inflow = {c: 0.0 for c in params}
    for c, w in weights.items():
        rest = 1 - w
        for b, wb in weights.items():
            if b != c and rest > 0:
                inflow[b] += w * params[c].chain_prob * wb / rest
    thin = {c: max(0.0, 1 - inflow[c] / w) if w > 0 else 1.0 for c, w in weights.items()}

    def day(month: int, weekday: int, staff: dict | None) -> DayPlan:
        weekly = _weekly_visits(config, month)
        rates = {
            a.code: tuple(
                r * thin[a.code] for r in _agency_rates(config, a, weekly[a.code])[weekday]
            )
            for a in config.agencies
        }
        if staff is None:
            staff = _month_staff(config, month, weekday)
        return DayPlan(rates, staff)

    peak_day = DAYS.index(result.peak_day)
    staff_peak = [
        {**{c: rows[i] for c, rows in result.officials.items()}, "advice": result.advisors[i]}
        for i in range(len(DAYS))
    ]
    if horizon == "day":
        days = (day(result.peak_month - 1, peak_day, staff_peak[peak_day]),)
    elif horizon == "week":
        days = tuple(day(result.peak_month - 1, i, staff_peak[i]) for i in range(len(DAYS)))
    elif horizon == "weekdays":  # one day per month and weekday: index 5 * month + weekday
        days = tuple(day(m, i, None) for m in range(12) for i in range(len(DAYS)))
    elif horizon == "year":
        weeks = [
            int(round(d.weeks_per_year * (m + 1) / 12)) - int(round(d.weeks_per_year * m / 12))
            for m in range(12)
        ]
        days = tuple(
            day(m, i, None) for m in range(12) for _ in range(weeks[m]) for i in range(len(DAYS))
        )
    else:
        raise ValueError("horizon must be day, week, weekdays or year")
    spaces = {line.space_type: line.count for line in result.pooled.lines}
    return SiteConfig(
        agencies=params,
        chain_weights=weights,
        spaces=spaces,
        days=days,
        hours_open=len(config.hours),
        booked_early_min=d.booked_early_min,
        target_wait_min=d.target_wait_min,
        advice_min=d.advisor_triage_min,
        terminal_min=d.terminal_session_min,
    )


def _month_staff(config: PlanConfig, month: int, weekday: int) -> dict[str, tuple[int, ...]]:
    weekly = _weekly_visits(config, month)
    staff, advice = {}, None
    for a in config.agencies:
        streams = [
            _streams(config, a, r) for r in _agency_rates(config, a, weekly[a.code])[weekday]
        ]
        staff[a.code] = tuple(_servers(config, [s["official"] for s in streams], "official"))
        adv = [s["advice_point"] for s in streams]
        advice = adv if advice is None else [_add(x, y) for x, y in zip(advice, adv, strict=True)]
    staff["advice"] = tuple(_servers(config, advice or [], "advice_point"))
    return staff


def _add(x, y):
    from .dimensioning import _combine

    return _combine([x, y])


def _gamma(rng: np.random.Generator, mean: float, cv: float) -> float:
    if cv <= 0:
        return mean
    shape = 1 / (cv * cv)
    return float(rng.gamma(shape, mean / shape))


def _simulate_day(site: SiteConfig, plan: DayPlan, rng: np.random.Generator, stats: dict) -> None:
    """One day in minutes from opening; runs until every customer is served."""
    events: list = []
    seq = 0

    def push(t: float, kind: int, item) -> None:
        nonlocal seq
        seq += 1
        heapq.heappush(events, (t, seq, kind, item))

    codes = list(site.chain_weights)
    weights = np.array([site.chain_weights[c] for c in codes])
    for code, rates in plan.rates.items():
        a = site.agencies[code]
        for h, rate in enumerate(rates):
            for _ in range(rng.poisson(rate)):
                t = 60 * (h + rng.random())
                booked = rng.random() < a.booked_share
                stages = []
                if rng.random() < a.advice_prob:
                    stages.append(
                        ("advice", "advice_point", _gamma(rng, site.advice_min, 1.0), False)
                    )
                elif rng.random() < a.terminal_prob:
                    stages.append(
                        ("terminal", "terminal", _gamma(rng, site.terminal_min, 1.0), False)
                    )
                stages.append(_agency_stage(site, code, a, rng, booked))
                if len(codes) > 1 and rng.random() < a.chain_prob:
                    w = weights.copy()
                    w[codes.index(code)] = 0
                    if w.sum() > 0:
                        other = codes[int(rng.choice(len(codes), p=w / w.sum()))]
                        stages.append(_agency_stage(site, other, site.agencies[other], rng, False))
                group = max(
                    1, int(a.group_size) + (rng.random() < a.group_size - int(a.group_size))
                )
                customer = {"stages": stages, "k": 0, "group": group, "since": 0.0}
                if booked:  # arrives early, waits for the slot, then goes first
                    push(max(0.0, t - site.booked_early_min), ARRIVE, customer)
                    customer["slot"] = t
                else:
                    push(t, ARRIVE, customer)

    queues: dict[str, tuple[deque, deque]] = {}
    busy_staff: dict[str, int] = {}
    free = dict(site.spaces)
    busy_time = {k: 0.0 for k in site.spaces}
    last_hour = site.hours_open - 1
    waiting_persons = 0

    def capacity(key: str, now: float) -> float:
        if key == "terminal" or key.startswith("remote:"):
            return math.inf
        hours = plan.staff.get(key, ())
        if not hours:
            return 1
        hour = int(now // 60)
        if hour > last_hour:  # after closing, the last shift serves everyone inside
            return max(1, hours[last_hour])
        return hours[hour]

    def dispatch(now: float) -> None:
        nonlocal waiting_persons
        for key, (booked_q, walk_q) in queues.items():
            while booked_q or walk_q:
                if busy_staff.get(key, 0) >= capacity(key, now):
                    break
                chosen = None
                for q in (booked_q, walk_q):
                    for c in q:
                        if free.get(c["stages"][c["k"]][1], 0) > 0:
                            chosen = (q, c)
                            break
                    if chosen:
                        break
                if chosen is None:
                    break
                q, c = chosen
                q.remove(c)
                _, space, duration, is_agency = c["stages"][c["k"]]
                free[space] -= 1
                busy_staff[key] = busy_staff.get(key, 0) + 1
                waiting_persons -= c["group"]
                wait = now - c["since"]
                if is_agency:
                    stats["waits"].append(wait)
                    records = stats.get("records")
                    if records is not None:  # what a day of history needs (simulate_history)
                        first = not c.get("served_by")
                        c.setdefault("served_by", []).append(key)
                        records.append(
                            StageRecord(
                                customer=id(c),
                                agency=key.removeprefix("remote:"),
                                remote=key.startswith("remote:"),
                                booked=first and "slot" in c,
                                chained=not first,
                                start_min=now,
                                wait_min=wait,
                                service_min=duration,
                                space=space,
                            )
                        )
                busy_time[space] += duration
                push(now + duration, DONE, c)

    levels = stats.setdefault("levels", {})
    last_t = 0.0
    while events:
        now, _, kind, c = heapq.heappop(events)
        hour = int(last_t // 60)
        if hour < site.hours_open and now > last_t:
            at = levels.setdefault(hour, {})
            at[waiting_persons] = at.get(waiting_persons, 0.0) + now - last_t
        last_t = now
        if kind == ARRIVE:
            waiting_persons += c["group"]
            if "slot" in c and c["k"] == 0 and c["slot"] > now:
                push(c["slot"], READY, c)
                stats["max_waiting"] = max(stats["max_waiting"], waiting_persons)
                continue
            _enqueue(queues, c, now)
        elif kind == READY:
            _enqueue(queues, c, now)
        else:
            key, space, _, _ = c["stages"][c["k"]]
            free[space] += 1
            busy_staff[key] -= 1
            c["k"] += 1
            if c["k"] < len(c["stages"]):
                waiting_persons += c["group"]
                _enqueue(queues, c, now)
        stats["max_waiting"] = max(stats["max_waiting"], waiting_persons)
        dispatch(now)
        # A shift change can free capacity with no other event: wake at the hour.
        if events and any(b or w for b, w in queues.values()):
            next_hour = 60 * (int(now // 60) + 1)
            if next_hour < events[0][0] and next_hour <= 60 * site.hours_open:
                push(next_hour, READY, None)
    for space, t in busy_time.items():
        stats["busy"][space] = stats["busy"].get(space, 0.0) + t


def _agency_stage(
    site: SiteConfig, code: str, a: AgencyParams, rng: np.random.Generator, booked: bool
):
    duration = _gamma(rng, a.service_mean, a.service_cv)
    if rng.random() < a.remote_share:
        return (f"remote:{code}", "remote_room", duration, True)
    u = rng.random()
    space = (
        "service_room"
        if u < a.room_share
        else "meeting_room"
        if u < a.room_share + a.meeting_share
        else "booth"
    )
    return (code, space, duration, True)


def _enqueue(queues: dict, c: dict | None, now: float) -> None:
    if c is None:
        return
    key = c["stages"][c["k"]][0]
    booked_q, walk_q = queues.setdefault(key, (deque(), deque()))
    c["since"] = now
    (booked_q if "slot" in c and c["k"] <= 1 else walk_q).append(c)


def simulate_day_records(
    site: SiteConfig, plan: DayPlan, rng: np.random.Generator
) -> list[StageRecord]:
    """One simulated day as its agency services, for a plausible history of a point."""
    stats: dict = {"waits": [], "busy": {}, "max_waiting": 0, "customers": 0, "records": []}
    _simulate_day(site, plan, rng, stats)
    return stats["records"]


def simulate_site(
    site: SiteConfig,
    replications: int,
    rng: np.random.Generator,
    progress: Callable[[int], None] | None = None,
) -> SimResult:
    """Replicate the horizon; waits are of agency service stages, in minutes."""
    means, p90s, sls, seats, p90_persons, customers = [], [], [], [], [], 0
    busy: dict[str, float] = {}
    for _ in range(replications):
        stats = {"waits": [], "busy": {}, "max_waiting": 0, "customers": 0}
        for plan in site.days:
            _simulate_day(site, plan, rng, stats)
            if progress:
                progress(1)
        waits = np.asarray(stats["waits"]) if stats["waits"] else np.zeros(1)
        customers += len(stats["waits"])
        means.append(float(waits.mean()))
        p90s.append(float(np.percentile(waits, 90)))
        sls.append(float((waits <= site.target_wait_min).mean()))
        seats.append(stats["max_waiting"])
        p90_persons.append(_peak_hour_quantile(stats["levels"], 0.9))
        for k, v in stats["busy"].items():
            busy[k] = busy.get(k, 0.0) + v
    open_minutes = 60 * site.hours_open * len(site.days) * replications
    utilisation = {
        k: busy.get(k, 0.0) / (n * open_minutes)
        for k, n in site.spaces.items()
        if n and k in SERVICE_SPACES
    }
    return SimResult(
        customers,
        estimate(means),
        estimate(p90s),
        estimate(sls),
        utilisation,
        int(max(seats)),
        estimate(p90_persons),
    )


def _peak_hour_quantile(levels: dict[int, dict[int, float]], q: float) -> float:
    """Highest over the hours of the day of the time-weighted ``q`` quantile of persons."""
    best = 0.0
    for at in levels.values():
        total = sum(at.values())
        running = 0.0
        for level in sorted(at):
            running += at[level]
            if running >= q * total:
                best = max(best, float(level))
                break
    return best
