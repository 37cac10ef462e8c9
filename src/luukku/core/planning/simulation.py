"""Fast M/M/c simulation.

Plain FCFS M/M/c needs no event list: by the Kiefer-Wolfowitz recursion, customer
``n`` starts at ``max(arrival_n, earliest free server)``; a heap of the c server
free-times gives each wait in O(log c). Random numbers are drawn vectorised with
numpy; the caller passes the generator (no global seed). The comparison with Ciw,
and its timing, is ``luukku.bench.simulate``.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np

from . import erlang


@dataclass(frozen=True)
class MMcConfig:
    arrival_rate: float
    service_rate: float
    servers: int
    customers: int
    warmup: int = 0

    def __post_init__(self) -> None:
        if self.arrival_rate <= 0 or self.service_rate <= 0 or self.servers < 1:
            raise ValueError("rates must be positive and servers at least 1")
        if self.arrival_rate >= self.servers * self.service_rate:
            raise ValueError("unstable: arrival rate must be below servers x service rate")
        if not 0 <= self.warmup < self.customers:
            raise ValueError("warmup must be below the number of customers")

    @property
    def analytic_mean_wait(self) -> float:
        load = self.arrival_rate / self.service_rate
        return erlang.mean_wait(self.servers, load, 1 / self.service_rate)


@dataclass(frozen=True)
class Estimate:
    """Mean over replications with a 95 % t-interval."""

    mean: float
    low: float
    high: float
    replications: int

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


def estimate(values: list[float] | np.ndarray) -> Estimate:
    from scipy.stats import t

    x = np.asarray(values, dtype=float)
    n = len(x)
    mean = float(x.mean())
    if n < 2:
        return Estimate(mean, -math.inf, math.inf, n)
    half = float(t.ppf(0.975, n - 1) * x.std(ddof=1) / math.sqrt(n))
    return Estimate(mean, mean - half, mean + half, n)


def mmc_waits(config: MMcConfig, rng: np.random.Generator) -> np.ndarray:
    """Waiting times of one replication (warm-up customers dropped)."""
    n = config.customers
    arrivals = np.cumsum(rng.exponential(1 / config.arrival_rate, n)).tolist()
    services = rng.exponential(1 / config.service_rate, n).tolist()
    free = [0.0] * config.servers
    waits = [0.0] * n
    replace = heapq.heapreplace
    for i in range(n):
        t = arrivals[i]
        f = free[0]
        if f > t:
            waits[i] = f - t
            replace(free, f + services[i])
        else:
            replace(free, t + services[i])
    return np.asarray(waits[config.warmup :])


@dataclass(frozen=True)
class MMcResult:
    mean_wait: Estimate
    customers: int


def simulate_mmc(config: MMcConfig, replications: int, rng: np.random.Generator) -> MMcResult:
    """Independent replications; the mean wait with its 95 % interval."""
    means = [float(mmc_waits(config, rng).mean()) for _ in range(replications)]
    return MMcResult(estimate(means), config.customers * replications)
