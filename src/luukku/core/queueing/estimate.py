"""Waiting-time estimates shown to the customer on tickets and displays.

The estimate is the time until the ``position + 1``-th server becomes free, found
by draining the queue over ``servers`` parallel servers: each busy server frees
after its remaining time, then takes the next customer for ``m`` minutes, where
``m`` is a robust mean of recent service times.

- **Mean service time**: with at least ``MIN_OBSERVATIONS`` recent times, the
  trimmed mean of the last ``WINDOW`` (10 % cut from each end, so one forgotten
  "end service" click does not double everyone's estimate): basis ``"observed"``.
  With fewer, the service's configured default duration: basis ``"fallback"``.
- **Band**: departures from ``c`` busy servers come about every ``m / c``
  minutes with spread at least ``m / c`` (Poisson-like, as service times vary);
  ``s`` is the standard deviation of service times (``FALLBACK_CV * m`` when not
  observed). The half-width is 1.28 x ``max(s, m) / c`` x sqrt(departures + 1)
  plus ``BAND_SHARE`` of the estimate for what the drain does not model
  (chains and bookings jumping ahead, officials leaving). On the simulated day
  (``daysim``) the band holds about two thirds of actual waits: a pure 80 %
  service-time band held under a fifth.
- **No servers**: nobody is serving the queue, so no time can be promised:
  ``minutes``, ``low`` and ``high`` are ``UNKNOWN_MINUTES`` and the basis is
  ``"no_servers"``; displays must show "no estimate", not a number
  (``WaitEstimate.known`` is False).

Bookings that become due while the customer waits go ahead of them (policy
rule 2); the caller passes when they become due as ``priority_arrivals`` and the
drain gives each the first server free after that time.

Servers not listed in ``in_service_remaining`` are taken to be free now; the
caller should pass the expected remaining time of every customer in service
(``expected_remaining`` helps when only the elapsed time is known).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "FALLBACK_CV",
    "MIN_OBSERVATIONS",
    "UNKNOWN_MINUTES",
    "WINDOW",
    "WaitEstimate",
    "estimate_wait",
    "expected_remaining",
    "robust_mean",
]

MIN_OBSERVATIONS = 5
WINDOW = 20
TRIM = 0.1
FALLBACK_CV = 0.6
UNKNOWN_MINUTES = 9999
_Z80 = 1.2816
BAND_SHARE = 0.4  # model error: arrivals that jump ahead, officials leaving


@dataclass(frozen=True, slots=True)
class WaitEstimate:
    """An estimated wait in whole minutes with a plausible band."""

    minutes: int
    low: int
    high: int
    basis: str  # "observed", "fallback" or "no_servers"

    @property
    def known(self) -> bool:
        """Return whether a number may be shown to the customer."""
        return self.basis != "no_servers"


def robust_mean(values: Sequence[float]) -> float:
    """Return the 10 %-trimmed mean of the last ``WINDOW`` values."""
    recent = sorted(values[-WINDOW:])
    cut = int(len(recent) * TRIM)
    kept = recent[cut : len(recent) - cut] if cut else recent
    return math.fsum(kept) / len(kept)


def _robust_sd(values: Sequence[float], mean: float) -> float:
    recent = sorted(values[-WINDOW:])
    cut = int(len(recent) * TRIM)
    kept = recent[cut : len(recent) - cut] if cut else recent
    if len(kept) < 2:
        return FALLBACK_CV * mean
    var = math.fsum((v - mean) ** 2 for v in kept) / (len(kept) - 1)
    # Trimming shrinks the spread; never claim more certainty than a fairly
    # regular service (cv 0.3) would justify.
    return max(math.sqrt(var), 0.3 * mean)


def expected_remaining(elapsed_minutes: float, mean_minutes: float) -> float:
    """Return a rough remaining time for a customer in service for ``elapsed_minutes``.

    Past the mean, a service is assumed to need a further quarter of the mean
    rather than nothing, because long services tend to run on.
    """
    return max(mean_minutes - elapsed_minutes, 0.25 * mean_minutes)


def estimate_wait(
    *,
    position: int,
    servers: int,
    recent_service_minutes: Sequence[float],
    fallback_service_minutes: float,
    in_service_remaining: Sequence[float] = (),
    priority_arrivals: Sequence[float] = (),
    pass_on_share: float = 0.0,
) -> WaitEstimate:
    """Return the estimated wait for the customer with ``position`` people ahead.

    ``priority_arrivals`` are minutes from now at which customers known to go
    ahead will join (bookings becoming due): a server freeing at or after such a
    time takes that customer first. ``pass_on_share`` is the share of services
    that end by passing the customer on within a chain to this queue; those go
    ahead too, so each service ahead costs ``m / (1 - share)``.
    """
    if not 0.0 <= pass_on_share < 1.0:
        raise ValueError("pass_on_share must be in [0, 1)")
    if position < 0:
        raise ValueError("position must not be negative")
    if servers <= 0:
        return WaitEstimate(UNKNOWN_MINUTES, UNKNOWN_MINUTES, UNKNOWN_MINUTES, "no_servers")
    if len(recent_service_minutes) >= MIN_OBSERVATIONS:
        mean = robust_mean(recent_service_minutes)
        sd = _robust_sd(recent_service_minutes, mean)
        basis = "observed"
    else:
        mean = float(fallback_service_minutes)
        sd = FALLBACK_CV * mean
        basis = "fallback"

    # Drain: server free times, the soonest first. More customers in service than
    # servers means some officials leave after finishing; the soonest c count.
    busy = sorted(max(float(r), 0.0) for r in in_service_remaining)[:servers]
    free_at = busy + [0.0] * (servers - len(busy))
    heapq.heapify(free_at)
    step = mean / (1.0 - pass_on_share)
    jumpers = sorted(max(float(a), 0.0) for a in priority_arrivals)
    j = 0
    departures = 0  # service completions we wait for (each adds uncertainty)
    ahead = position
    while True:
        start = heapq.heappop(free_at)
        if start > 0.0:
            departures += 1
        if j < len(jumpers) and jumpers[j] <= start:
            j += 1  # a booking became due before this server freed: it goes first
        elif ahead == 0:
            break
        else:
            ahead -= 1
        heapq.heappush(free_at, start + step)

    spread = _Z80 * (max(sd, mean) / servers) * math.sqrt(departures + 1) + BAND_SHARE * start
    minutes = int(start + 0.5)
    low = max(0, math.floor(start - spread))
    high = math.ceil(start + spread)
    return WaitEstimate(minutes, min(low, minutes), max(high, minutes), basis)
