from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import poisson

from luukku.core.planning import erlang


def test_erlang_c__textbook_case__matches_published_values():
    # 10 Erlangs, 14 agents, 3-minute handling time (180 s).
    assert erlang.erlang_c(14, 10.0) == pytest.approx(0.1741, abs=5e-5)
    assert erlang.service_level(14, 10.0, 180.0, 20.0) == pytest.approx(0.8884, abs=5e-5)
    assert erlang.mean_wait(14, 10.0, 180.0) == pytest.approx(7.8, abs=0.05)


@pytest.mark.parametrize(
    ("servers", "load"),
    [pytest.param(500, 480.0, id="500-servers-heavy"), pytest.param(500, 400.0, id="500-servers-light"),
     pytest.param(300, 299.5, id="near-saturation"), pytest.param(1, 0.5, id="mm1")],
)  # fmt: skip
def test_erlang_c__large_systems__agree_with_poisson_form(servers, load):
    # Independent form: B = pmf(c) / cdf(c) of Poisson(a), computed by scipy.
    b = poisson.pmf(servers, load) / poisson.cdf(servers, load)
    expected = servers * b / (servers - load * (1 - b))
    got = erlang.erlang_c(servers, load)
    assert math.isfinite(got)
    assert got == pytest.approx(expected, rel=1e-9)


def test_erlang_c__mm1__equals_utilisation():
    assert erlang.erlang_c(1, 0.7) == pytest.approx(0.7)


def test_erlang_c__unstable__always_waits():
    assert erlang.erlang_c(5, 5.0) == 1.0
    assert erlang.mean_wait(5, 6.0, 1.0) == math.inf


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.integers(min_value=1, max_value=500), st.floats(min_value=0.01, max_value=0.99))
def test_erlang_c__any_size__is_a_probability_and_decreases_with_servers(servers, rho):
    load = servers * rho
    c = erlang.erlang_c(servers, load)
    assert 0.0 <= c <= 1.0
    assert erlang.erlang_c(servers + 1, load) <= c + 1e-12


def test_servers_needed__meets_target_with_fewest():
    c = erlang.servers_needed(10.0, 180.0, 0.8, 20.0)
    assert erlang.service_level(c, 10.0, 180.0, 20.0) >= 0.8
    assert erlang.service_level(c - 1, 10.0, 180.0, 20.0) < 0.8


def test_servers_needed__smoother_arrivals__need_no_more_servers():
    rough = erlang.servers_needed(30.0, 10.0, 0.9, 1.0, variability=1.0)
    smooth = erlang.servers_needed(30.0, 10.0, 0.9, 1.0, variability=0.5)
    assert smooth <= rough
