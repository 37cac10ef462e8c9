"""``luukku bench simulate``: Luukku's M/M/c simulator against Ciw on the same model.

Both simulate the same customers and replications; the figures are their mean waits
with 95 % intervals (which must contain each other's mean), the analytic Erlang C
wait, and the customers simulated per second of wall-clock time.
"""

from __future__ import annotations

import time

import ciw
import numpy as np

from luukku.core.planning.simulation import Estimate, MMcConfig, estimate, simulate_mmc


def simulate_mmc_ciw(config: MMcConfig, replications: int, seed: int) -> tuple[Estimate, int]:
    """The same model in Ciw (the peer), simulated by customer count: mean wait, customers."""
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=config.arrival_rate)],
        service_distributions=[ciw.dists.Exponential(rate=config.service_rate)],
        number_of_servers=[config.servers],
    )
    means, customers = [], 0
    for r in range(replications):
        ciw.seed(seed + r)  # Ciw draws from a global generator; seed each replication
        sim = ciw.Simulation(network)
        sim.simulate_until_max_customers(config.customers, method="Finish")
        records = sorted(sim.get_all_records(), key=lambda rec: rec.arrival_date)
        waits = [rec.waiting_time for rec in records[config.warmup :]]
        customers += len(records)
        means.append(float(np.mean(waits)))
    return estimate(means), customers


def run(
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
    # The interval's first use imports scipy.stats (1-2 s here); not part of either rate.
    estimate([0.0, 1.0])
    start = time.perf_counter()
    ours = simulate_mmc(config, replications, np.random.default_rng(seed))
    ours_s = time.perf_counter() - start
    start = time.perf_counter()
    peer_wait, peer_customers = simulate_mmc_ciw(config, replications, seed)
    peer_s = time.perf_counter() - start
    ours_rate = _per_s(ours.customers, ours_s)
    peer_rate = _per_s(peer_customers, peer_s)
    agree = ours.mean_wait.contains(peer_wait.mean) and peer_wait.contains(ours.mean_wait.mean)
    return {
        "model": f"M/M/{servers}, lambda={arrival_rate}, mu={service_rate}, load={arrival_rate / (servers * service_rate):.2f}",
        "customers_per_replication": customers,
        "replications": replications,
        "analytic_mean_wait": config.analytic_mean_wait,
        "luukku_mean_wait": _est(ours.mean_wait),
        "ciw_mean_wait": _est(peer_wait),
        "luukku_seconds": ours_s,
        "ciw_seconds": peer_s,
        "luukku_customers_per_s": ours_rate,
        "ciw_customers_per_s": peer_rate,
        "speedup": ours_rate / peer_rate,
        "agree": bool(agree),
    }


#: What ``luukku bench simulate`` prints (the JSON file has every key).
SUMMARY = ("model", "analytic_mean_wait", "luukku_mean_wait", "ciw_mean_wait",
           "luukku_customers_per_s", "ciw_customers_per_s", "speedup", "agree")  # fmt: skip


def _per_s(customers: int, seconds: float) -> float:
    return customers / seconds if seconds > 0 else float("inf")


def _est(e: Estimate) -> dict:
    return {"mean": e.mean, "ci95": [e.low, e.high], "replications": e.replications}
