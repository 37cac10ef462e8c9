"""The planner never crashes: any forecast, any size, finite numbers, stable or flagged."""

from __future__ import annotations

import math
from importlib import resources

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from luukku.core.planning.dimensioning import (
    STANDARD_SCENARIOS,
    UNSTABLE,
    Scenario,
    build_config,
    compare_scenarios,
    plan,
)
from luukku.core.planning.inputs import (
    AGENCIES,
    SIZES,
    ForecastRow,
    PlanningInputError,
    forecast_from_pairs,
    load_defaults,
    parse_forecast,
)
from luukku.core.planning.report import finding_text, plan_text, plan_to_dict

DEFAULTS = load_defaults()


def _numbers(value):
    """Every number in a plain-data tree."""
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _numbers(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _numbers(v)


def _check(result) -> None:
    data = plan_to_dict(result)
    assert all(math.isfinite(x) for x in _numbers(data)), data
    flagged = {(f.resource, f.agency) for f in result.findings}
    for q in result.queues:
        assert q.stable or (q.resource, q.agency) in flagged, q
    for f in result.findings:
        assert f.problem != UNSTABLE or f.servers <= f.load
        assert finding_text(f)


@st.composite
def forecasts(draw):
    """100 to 10 million visits a year, log-uniform, over 1 to 12 agencies."""
    total = 10 ** draw(st.floats(min_value=2.0, max_value=7.0))
    codes = draw(st.lists(st.sampled_from(AGENCIES), min_size=1, max_size=12, unique=True))
    weights = draw(st.lists(st.floats(0.01, 1.0), min_size=len(codes), max_size=len(codes)))
    scale = total / sum(weights)
    return tuple(ForecastRow(c, w * scale) for c, w in zip(codes, weights, strict=True))


CAPS = st.none() | st.dictionaries(
    st.sampled_from(("official", "advice_point", "terminal", "booth")),
    st.integers(0, 6),
    min_size=1,
)
EVERY_AGENCY_10M = tuple(ForecastRow(c, 10_000_000 / len(AGENCIES)) for c in AGENCIES)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(forecasts(), st.sampled_from(SIZES), st.sampled_from((Scenario(), *STANDARD_SCENARIOS)))
@example(EVERY_AGENCY_10M, "L", Scenario())
@example((ForecastRow("POLIISI", 10_000_000),), "L", Scenario("open 2 h longer", extra_hours=2))
@example((ForecastRow("KELA", 100),), "XS", Scenario())
def test_plan__any_forecast_and_size__completes_finite_and_stable(forecast, size, scenario):
    result = plan(build_config(forecast, size, DEFAULTS, scenario))
    _check(result)
    # With no cap below the engine's limit every queue is simply stable.
    assert all(q.stable for q in result.queues)
    assert result.expected_service_level >= DEFAULTS.target_service_level - 1e-9


@settings(max_examples=40, deadline=None, derandomize=True)
@given(forecasts(), st.sampled_from(SIZES), CAPS)
def test_plan__any_cap__flags_what_it_cannot_size(forecast, size, caps):
    defaults = load_defaults(override={"global": {"max_servers": caps or {}}})
    result = plan(build_config(forecast, size, defaults))
    _check(result)
    for q in result.queues:
        cap = defaults.max_servers[q.resource]
        assert q.servers <= cap


def _demo_times(factor: float) -> tuple[ForecastRow, ...]:
    text = (
        resources.files("luukku.core.planning")
        .joinpath("data/demo-forecast-pori.csv")
        .read_text("utf-8")
    )
    return tuple(ForecastRow(r.agency, r.annual_visits * factor) for r in parse_forecast(text))


@pytest.mark.parametrize("factor", [pytest.param(2, id="twice"), pytest.param(10, id="ten-times")])
def test_plan__demo_forecast_scaled__plans_every_scenario(factor):
    # Twice the demo crashed with OverflowError in poisson_quantile (issue 17).
    results = compare_scenarios(_demo_times(factor), "L", DEFAULTS)
    for r in results:
        _check(r)
        assert not r.findings
    assert "Findings" not in plan_text(results)
    # Seats grow with the visits, not like a near-saturated queue (2,748 at twice the
    # demo when the servers only just exceeded the load).
    base = plan(build_config(_demo_times(1), "L", DEFAULTS))
    assert base.waiting_seats < results[0].waiting_seats <= 1.5 * factor * base.waiting_seats


def test_plan__more_visits__never_fewer_servers():
    small = plan(build_config(_demo_times(1), "L", DEFAULTS))
    large = plan(build_config(_demo_times(2), "L", DEFAULTS))
    for code, rows in small.officials.items():
        assert all(
            a <= b
            for r1, r2 in zip(rows, large.officials[code], strict=True)
            for a, b in zip(r1, r2, strict=True)
        )


def test_plan__capped_terminals__is_a_finding_per_resource_not_a_crash():
    defaults = load_defaults(override={"global": {"max_servers": {"terminal": 1, "official": 2}}})
    result = plan(build_config(_demo_times(2), "L", defaults))
    by_key = {(f.resource, f.agency): f for f in result.findings}
    assert by_key[("terminal", None)].problem == UNSTABLE
    kela = by_key[("official", "KELA")]
    assert kela.servers == 2 and kela.needed > 2
    assert "officials of KELA" in plan_text((result,))


@pytest.mark.parametrize(
    ("override", "field"),
    [
        pytest.param({"max_servers": {"official": -1}}, "official", id="negative-cap"),
        pytest.param({"max_servers": {"official": 1.5}}, "official", id="fractional-cap"),
        pytest.param({"max_servers": {"desk": 1}}, "desk", id="unknown-resource"),
        pytest.param({"terminal_session_min": 0}, "terminal_session_min", id="zero-session"),
        pytest.param({"advisor_triage_min": 0}, "advisor_triage_min", id="zero-triage"),
    ],
)
def test_defaults__nonsense__is_refused_naming_the_field(override, field):
    with pytest.raises(PlanningInputError) as err:
        load_defaults(override={"global": override})
    assert err.value.field == field


@pytest.mark.parametrize(
    ("scenario", "field"),
    [
        pytest.param(Scenario(forecast_factor=math.inf), "forecast", id="infinite-factor"),
        pytest.param(Scenario(forecast_factor=1e6), "forecast", id="huge-factor"),
        pytest.param(Scenario(remote_share_add=5), "remote", id="remote-share"),
    ],
)
def test_scenario__nonsense__is_refused_naming_the_field(scenario, field):
    with pytest.raises(PlanningInputError) as err:
        build_config(_demo_times(1), "L", DEFAULTS, scenario)
    assert err.value.field == field


def test_forecast__beyond_a_hundred_million__is_refused():
    with pytest.raises(PlanningInputError) as err:
        forecast_from_pairs([(2, "KELA", 1e300)])
    assert err.value.field == "annual_visits"
