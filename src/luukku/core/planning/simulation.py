"""Fast M/M/c simulation and the benchmark against Ciw.

Plain FCFS M/M/c needs no event list: by the Kiefer-Wolfowitz recursion, customer
``n`` starts at ``max(arrival_n, earliest free server)``; a heap of the c server
free-times gives each wait in O(log c). Random numbers are drawn vectorised with
numpy; the caller passes the generator (no global seed).
"""

from __future__ import annotations

import heapq
import math
import time
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
    seconds: float

    @property
    def customers_per_s(self) -> float:
        return self.customers / self.seconds if self.seconds > 0 else math.inf


def simulate_mmc(config: MMcConfig, replications: int, rng: np.random.Generator) -> MMcResult:
    """Independent replications; the mean wait with its 95 % interval."""
    start = time.perf_counter()
    means = [float(mmc_waits(config, rng).mean()) for _ in range(replications)]
    seconds = time.perf_counter() - start
    return MMcResult(estimate(means), config.customers * replications, seconds)


def simulate_mmc_ciw(config: MMcConfig, replications: int, seed: int) -> MMcResult:
    """The same model in Ciw (the peer), simulated by customer count."""
    import ciw

    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=config.arrival_rate)],
        service_distributions=[ciw.dists.Exponential(rate=config.service_rate)],
        number_of_servers=[config.servers],
    )
    start = time.perf_counter()
    means, customers = [], 0
    for r in range(replications):
        ciw.seed(seed + r)
        sim = ciw.Simulation(network)
        sim.simulate_until_max_customers(config.customers, method="Finish")
        records = sorted(sim.get_all_records(), key=lambda rec: rec.arrival_date)
        waits = [rec.waiting_time for rec in records[config.warmup :]]
        customers += len(records)
        means.append(float(np.mean(waits)))
    seconds = time.perf_counter() - start
    return MMcResult(estimate(means), customers, seconds)


def bench(
    *,
    arrival_rate: float = 2.7,
    service_rate: float = 1.0,
    servers: int = 3,
    customers: int = 20_000,
    replications: int = 10,
    seed: int = 2026,
) -> dict:
    """Luukku vs Ciw on one M/M/c model with equal customers and replications."""
    config = MMcConfig(arrival_rate, service_rate, servers, customers, warmup=customers // 10)
    ours = simulate_mmc(config, replications, np.random.default_rng(seed))
    peer = simulate_mmc_ciw(config, replications, seed)
    agree = ours.mean_wait.contains(peer.mean_wait.mean) and peer.mean_wait.contains(
        ours.mean_wait.mean
    )
    return {
        "model": f"M/M/{servers}, lambda={arrival_rate}, mu={service_rate}, load={arrival_rate / (servers * service_rate):.2f}",
        "customers_per_replication": customers,
        "replications": replications,
        "analytic_mean_wait": config.analytic_mean_wait,
        "luukku_mean_wait": _est(ours.mean_wait),
        "ciw_mean_wait": _est(peer.mean_wait),
        "luukku_seconds": ours.seconds,
        "ciw_seconds": peer.seconds,
        "luukku_customers_per_s": ours.customers_per_s,
        "ciw_customers_per_s": peer.customers_per_s,
        "speedup": ours.customers_per_s / peer.customers_per_s,
        "agree": bool(agree),
    }


def _est(e: Estimate) -> dict:
    return {"mean": e.mean, "ci95": [e.low, e.high], "replications": e.replications}
