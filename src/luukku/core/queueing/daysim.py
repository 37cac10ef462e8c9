"""A simulated day at one service point, to measure the wait estimator's error.

Walk-ins arrive by a non-homogeneous Poisson process (a late-morning peak),
bookings fill a share of fixed slots and check in a little early (some no-shows),
and a share of served customers is passed on within the visit to another service
(a chain). Officials, each with a set of services, call by ``choose_next`` whenever
they are free; service times are lognormal.

At each walk-in's arrival the estimate that a ticket would show is recorded; when
the customer is called, the actual wait (docs/queue-policy.md has the measured
errors). By default the estimate uses the *connected* view: the
officials and services linked to this customer's service by shared skills
(they drain one queue), the position in that queue's call order, those
officials as servers, the recent service times of those services, the booking
calendar (bookings becoming due go ahead) and the pass-on share.

Randomness comes only from the ``random.Random`` passed in (or made from
``seed``), so a day is reproducible and no global seed is touched.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from .estimate import MIN_OBSERVATIONS, estimate_wait, expected_remaining, robust_mean
from .policy import Kind, Policy, Waiting, choose_next, order_queue

__all__ = ["DayConfig", "DayResult", "ServiceSpec", "simulate_day"]

_EPOCH = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    """One service: true mean duration, walk-in demand and booking slots."""

    id: int
    mean_minutes: float
    walk_ins_per_hour: float
    booking_every_minutes: float = 30.0
    booking_fill: float = 0.6
    default_minutes: float | None = None  # what the registry says; None = the true mean


@dataclass(frozen=True, slots=True)
class DayConfig:
    """A day's parameters; the defaults run at about 75 % utilisation, 95 % at the peak."""

    services: tuple[ServiceSpec, ...] = (
        ServiceSpec(1, 12.0, 6.0),
        ServiceSpec(2, 20.0, 3.0),
        ServiceSpec(3, 8.0, 5.0),
    )
    officials: tuple[frozenset[int], ...] = (
        frozenset({1, 2}),
        frozenset({1, 3}),
        frozenset({2}),
        frozenset({1, 2, 3}),
        frozenset({3}),
    )
    open_minutes: float = 480.0
    service_cv: float = 0.5
    chain_share: float = 0.08
    no_show_share: float = 0.1
    peak: tuple[tuple[float, float, float], ...] = (
        (0.0, 60.0, 0.7),
        (120.0, 300.0, 1.3),
    )  # (from, to, rate multiplier); 1.0 elsewhere
    policy: Policy = field(default_factory=Policy)
    # Which queue and officials the estimate looks at: "connected" (all officials
    # and services linked by shared skills), "eligible" (officials who can serve
    # this service, queue of all their services) or "service" (own queue only).
    estimator: str = "connected"
    count_bookings_ahead: bool = True  # pass the booking calendar to the estimator
    count_chains_ahead: bool = True  # tell the estimator the pass-on share


@dataclass(frozen=True, slots=True)
class DayResult:
    """The estimator's error over one day, and the waits behind it."""

    mae_minutes: float
    n: int
    mean_wait: float
    bias_minutes: float  # mean (estimate - actual); positive = pessimistic
    band_coverage: float  # share of actual waits inside [low, high]
    max_wait: float
    served: int
    booking_mean_late: float  # mean minutes a booking was called after its due time


def _rate_multiplier(t: float, peak: Sequence[tuple[float, float, float]]) -> float:
    for start, end, mult in peak:
        if start <= t < end:
            return mult
    return 1.0


def _lognormal(rng: random.Random, mean: float, cv: float) -> float:
    sigma2 = math.log(1.0 + cv * cv)
    return rng.lognormvariate(math.log(mean) - sigma2 / 2.0, math.sqrt(sigma2))


def _at(t: float) -> datetime:
    return _EPOCH + timedelta(minutes=t)


def _minutes(dt: datetime) -> float:
    return (dt - _EPOCH).total_seconds() / 60.0


def simulate_day(
    *, seed: int = 0, rng: random.Random | None = None, config: DayConfig | None = None
) -> DayResult:
    """Run one day and return the estimator's mean absolute error in minutes."""
    rng = rng if rng is not None else random.Random(seed)
    cfg = config if config is not None else DayConfig()
    if cfg.estimator not in ("connected", "eligible", "service"):
        raise ValueError(f"unknown estimator view {cfg.estimator!r}")
    specs = {s.id: s for s in cfg.services}
    n_off = len(cfg.officials)

    # Events: (time, order, kind, payload); "order" keeps ties deterministic.
    events: list[tuple[float, int, str, object]] = []
    seq = 0

    def push(t: float, kind: str, payload: object) -> None:
        nonlocal seq
        heapq.heappush(events, (t, seq, kind, payload))
        seq += 1

    next_id = 1

    # Walk-ins by thinning a Poisson process at the peak rate.
    max_mult = max([1.0] + [m for _, _, m in cfg.peak])
    for spec in cfg.services:
        t = 0.0
        lam = spec.walk_ins_per_hour / 60.0 * max_mult
        while lam > 0:
            t += rng.expovariate(lam)
            if t >= cfg.open_minutes:
                break
            if rng.random() < _rate_multiplier(t, cfg.peak) / max_mult:
                push(t, "arrive", Waiting(next_id, Kind.WALK_IN, spec.id, _at(t)))
                next_id += 1
    # Bookings: slots until an hour before closing; check in 0-15 min early. The
    # calendar (all bookings, no-shows included) is what the system knows ahead.
    calendar: list[tuple[float, int]] = []  # (due minute, service)
    for spec in cfg.services:
        due = 0.0
        while due <= cfg.open_minutes - 60.0:
            if rng.random() < spec.booking_fill:
                calendar.append((due, spec.id))
                if rng.random() >= cfg.no_show_share:
                    early = rng.uniform(0.0, 15.0) if rng.random() < 0.85 else rng.uniform(-5, 40)
                    checkin = max(due - early, 0.0)
                    push(
                        checkin,
                        "arrive",
                        Waiting(next_id, Kind.BOOKING, spec.id, _at(checkin), due_at=_at(due)),
                    )
                    next_id += 1
            due += spec.booking_every_minutes
    early_minutes = cfg.policy.booking_early.total_seconds() / 60.0

    waiting: dict[int, Waiting] = {}
    # Per official: (item, start minute) while busy, else None.
    busy: list[tuple[Waiting, float] | None] = [None] * n_off
    completed: list[tuple[int, float]] = []  # (service, duration) in completion order
    estimates: dict[int, tuple[float, int, int]] = {}  # walk-in id -> (arrival, est, band)
    errors: list[float] = []
    signed: list[float] = []
    covered = 0
    waits: list[float] = []
    booking_late: list[float] = []
    served = 0

    def pooled_recent(services: frozenset[int]) -> list[float]:
        out = [d for s, d in completed if s in services]
        return out[-20:]

    def estimator_view(service_id: int) -> tuple[list[int], frozenset[int]]:
        """Return the officials counted as servers and the services whose queue counts."""
        eligible = [i for i, skills in enumerate(cfg.officials) if service_id in skills]
        if cfg.estimator == "service":
            return eligible, frozenset({service_id})
        pool = frozenset().union(*(cfg.officials[i] for i in eligible))
        if cfg.estimator == "eligible":
            return eligible, pool
        # "connected": grow to every official and service linked by shared skills,
        # since those officials drain the same queue.
        while True:
            officials = [i for i, skills in enumerate(cfg.officials) if skills & pool]
            grown = frozenset().union(*(cfg.officials[i] for i in officials))
            if grown == pool:
                return officials, pool
            pool = grown

    def record_estimate(item: Waiting, t: float) -> None:
        servers, pool = estimator_view(item.service_id)
        now = _at(t)
        order = order_queue(list(waiting.values()), services=pool, now=now, policy=cfg.policy)
        position = next(k for k, w in enumerate(order) if w.id == item.id)
        history = pooled_recent(pool)
        fallback = sum((specs[s].default_minutes or specs[s].mean_minutes) for s in pool) / len(
            pool
        )
        mean = robust_mean(history) if len(history) >= MIN_OBSERVATIONS else fallback
        remaining = [
            expected_remaining(t - b[1], mean) for i in servers if (b := busy[i]) is not None
        ]
        est = estimate_wait(
            position=position,
            servers=len(servers),
            recent_service_minutes=history,
            fallback_service_minutes=fallback,
            in_service_remaining=remaining,
            priority_arrivals=[
                due - early_minutes - t
                for due, service in calendar
                if service in pool and due - early_minutes > t
            ]
            if cfg.count_bookings_ahead
            else (),
            pass_on_share=cfg.chain_share if cfg.count_chains_ahead else 0.0,
        )
        estimates[item.id] = (est.minutes, est.low, est.high)

    def dispatch(t: float) -> None:
        nonlocal served, covered
        now = _at(t)
        for i, skills in enumerate(cfg.officials):
            if busy[i] is not None or not waiting:
                continue
            item = choose_next(list(waiting.values()), services=skills, now=now, policy=cfg.policy)
            if item is None:
                continue
            del waiting[item.id]
            busy[i] = (item, t)
            served += 1
            duration = _lognormal(rng, specs[item.service_id].mean_minutes, cfg.service_cv)
            push(t + duration, "done", (i, duration))
            if item.id in estimates:
                actual = t - _minutes(item.queued_at)
                est, low, high = estimates.pop(item.id)
                errors.append(abs(est - actual))
                signed.append(est - actual)
                covered += low <= actual <= high
                waits.append(actual)
            if item.kind is Kind.BOOKING and item.due_at is not None:
                booking_late.append(max(0.0, t - _minutes(item.due_at)))

    while events:
        t, _, kind, payload = heapq.heappop(events)
        if kind == "arrive":
            assert isinstance(payload, Waiting)
            waiting[payload.id] = payload
            if payload.kind is Kind.WALK_IN:
                record_estimate(payload, t)
        else:
            i, duration = payload  # type: ignore[misc]
            item, _start = busy[i]  # type: ignore[misc]
            busy[i] = None
            completed.append((item.service_id, duration))
            if rng.random() < cfg.chain_share and len(specs) > 1:
                nxt = rng.choice([s for s in specs if s != item.service_id])
                waiting[next_id] = Waiting(next_id, Kind.CHAIN, nxt, _at(t))
                next_id += 1
        dispatch(t)

    n = len(errors)
    return DayResult(
        mae_minutes=sum(errors) / n if n else math.nan,
        n=n,
        mean_wait=sum(waits) / n if n else math.nan,
        bias_minutes=sum(signed) / n if n else math.nan,
        band_coverage=covered / n if n else math.nan,
        max_wait=max(waits, default=0.0),
        served=served,
        booking_mean_late=sum(booking_late) / len(booking_late) if booking_late else 0.0,
    )
