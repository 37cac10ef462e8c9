from __future__ import annotations

import numpy as np
import pytest

from luukku.core.planning import erlang
from luukku.core.planning.dimensioning import build_config, plan
from luukku.core.planning.inputs import load_defaults, parse_forecast
from luukku.core.planning.simulation import MMcConfig, simulate_mmc
from luukku.core.planning.sitesim import (
    AgencyParams,
    DayPlan,
    SiteConfig,
    simulate_day_records,
    simulate_site,
    site_from_plan,
)


@pytest.mark.parametrize(
    ("lam", "mu", "c"),
    [pytest.param(0.7, 1.0, 1, id="mm1-70"), pytest.param(2.7, 1.0, 3, id="mm3-90"),
     pytest.param(10 / 3, 1 / 3, 14, id="textbook-10E-14"), pytest.param(40.0, 1.0, 50, id="mm50-80")],
)  # fmt: skip
def test_mmc_simulation__agrees_with_erlang_c(lam, mu, c):
    config = MMcConfig(lam, mu, c, customers=40_000, warmup=4_000)
    result = simulate_mmc(config, 20, np.random.default_rng(7))
    assert result.mean_wait.contains(config.analytic_mean_wait)


def test_mmc_config__unstable__is_refused():
    with pytest.raises(ValueError, match="unstable"):
        MMcConfig(3.0, 1.0, 3, 100)


def _single_agency_site(
    rate_per_hour: float, mean_min: float, servers: int, hours: int
) -> SiteConfig:
    params = AgencyParams(mean_min, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0)
    day = DayPlan({"KELA": (rate_per_hour,) * hours}, {"KELA": (servers,) * hours})
    return SiteConfig(
        {"KELA": params}, {"KELA": 1.0}, {"booth": servers}, (day,), hours, target_wait_min=0.5
    )


def test_site_simulation__stationary_single_agency__agrees_with_erlang_c():
    # 10 Erlangs, 14 officials, 3-minute services: the textbook case in minutes.
    site = _single_agency_site(200.0, 3.0, 14, 40)
    result = simulate_site(site, 12, np.random.default_rng(11))
    assert result.mean_wait.contains(erlang.mean_wait(14, 10.0, 3.0))
    assert result.service_level.contains(erlang.service_level(14, 10.0, 3.0, 0.5))


def test_site_simulation__planned_demo_week__meets_the_target():
    defaults = load_defaults()
    forecast = parse_forecast(
        "agency,annual_visits\nKELA,25000\nPOLIISI,22000\nMIGRI,4000\nTE,9000\n"
    )
    config = build_config(forecast, "L", defaults)
    result = plan(config)
    sim = simulate_site(site_from_plan(config, result, "week"), 16, np.random.default_rng(3))
    assert sim.service_level.mean >= defaults.target_service_level
    # The seats are for the 90th percentile of persons waiting in the busiest hour,
    # which the simulation measures too: neither short of it nor twice it.
    p90 = sim.p90_waiting_persons
    assert p90.low <= result.waiting_seats <= 2 * p90.high
    assert 0 < sim.utilisation["booth"] < 1


@pytest.mark.parametrize("horizon", ["weekdays", "year"])
def test_site_from_plan__month_horizons_staff_every_day(horizon):
    """Month-by-month days are staffed from the month's own load (this used to fail)."""
    config = build_config(
        parse_forecast("agency,annual_visits\nKELA,25000\nVERO,9000\n"), "L", load_defaults()
    )
    site = site_from_plan(config, plan(config), horizon)
    assert len(site.days) == 60 if horizon == "weekdays" else len(site.days) > 200
    assert all(max(d.staff["KELA"]) >= 1 for d in site.days)


def test_simulate_day_records__one_record_per_agency_service():
    config = build_config(
        parse_forecast("agency,annual_visits\nKELA,25000\nVERO,9000\n"), "L", load_defaults()
    )
    site = site_from_plan(config, plan(config), "weekdays")
    records = simulate_day_records(site, site.days[5 * 10 + 1], np.random.default_rng(5))
    assert records and {r.agency for r in records} <= {"KELA", "VERO"}
    assert all(r.wait_min >= 0 and r.service_min > 0 for r in records)
    by_customer: dict[int, list] = {}
    for r in records:
        by_customer.setdefault(r.customer, []).append(r)
    for stages in by_customer.values():  # only a customer's later stages are chained
        assert [r.chained for r in stages] == [False] + [True] * (len(stages) - 1)
        assert not any(r.booked for r in stages[1:])
