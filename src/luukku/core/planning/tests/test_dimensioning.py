from __future__ import annotations

from importlib import resources

import pytest

from luukku.core.planning.dimensioning import Scenario, build_config, compare_scenarios, plan
from luukku.core.planning.inputs import (
    PlanningInputError,
    load_defaults,
    parse_forecast,
    parse_stock,
)


@pytest.fixture(scope="module")
def defaults():
    return load_defaults()


@pytest.fixture(scope="module")
def demo():
    data = resources.files("luukku.core.planning").joinpath("data")
    return (
        parse_forecast(data.joinpath("demo-forecast-pori.csv").read_text("utf-8")),
        parse_stock(data.joinpath("demo-stock-pori.csv").read_text("utf-8")),
    )


@pytest.fixture(scope="module")
def base(demo, defaults):
    return plan(build_config(demo[0], "L", defaults), demo[1])


def test_demo_forecast__has_all_twelve_agencies(demo):
    assert len(demo[0]) == 12


def test_plan__pooling__saves_space(base):
    assert base.pooled.total_m2 < base.separate.total_m2
    assert 0 < base.saving_share < 1


def test_plan__size_l__has_a_safe_room_and_meets_target(base, defaults):
    assert base.pooled.count("safe_room") >= 1
    assert base.expected_service_level >= defaults.target_service_level


def test_plan__htm2__is_room_area_times_factor(base, defaults):
    assert base.pooled.total_htm2 == pytest.approx(base.pooled.total_m2 * defaults.htm2_per_room_m2)


def test_plan__police_staffing__peaks_at_midday(base):
    police = base.officials_peak_day()["POLIISI"]
    hours = list(base.hours)
    assert police[hours.index(11)] == max(police)


def test_plan__development_need__is_need_minus_stock(base):
    booth = next(d for d in base.development if d.space_type == "booth")
    assert booth.change == booth.need - booth.existing == base.pooled.count("booth") - 10
    assert booth.change_m2 == pytest.approx(booth.need_m2 - 60)


def test_scenarios__lower_forecast_and_more_remote__need_less_on_site(demo, defaults):
    base, remote, longer, lower = compare_scenarios(demo[0], "L", defaults)
    assert lower.pooled.total_m2 < base.pooled.total_m2
    assert remote.pooled.count("booth") <= base.pooled.count("booth")
    assert remote.pooled.count("remote_room") >= base.pooled.count("remote_room")
    assert len(longer.hours) == len(base.hours) + 2


def test_plan__small_site__is_remote_only(demo, defaults):
    small = plan(build_config(demo[0], "S", defaults))
    assert small.pooled.count("booth") == 0
    assert small.pooled.count("remote_room") >= 1


def test_plan__zero_forecast__gives_only_the_size_minimums(defaults):
    empty = plan(build_config(parse_forecast("agency,annual_visits\nKELA,0\n"), "L", defaults))
    assert empty.pooled.count("booth") == 0
    assert empty.pooled.count("safe_room") == 1


def test_build_config__unknown_size__is_refused(demo, defaults):
    with pytest.raises(PlanningInputError) as err:
        build_config(demo[0], "XL", defaults)
    assert err.value.field == "size"


def test_build_config__hours_past_midnight__is_refused(demo, defaults):
    with pytest.raises(PlanningInputError):
        build_config(demo[0], "L", defaults, Scenario("late", extra_hours=20))
