"""Measured profiles: counted arrivals to shares, and shares that change the plan."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luukku.core.planning.dimensioning import build_config, plan
from luukku.core.planning.inputs import ForecastRow, PlanningInputError, load_defaults
from luukku.core.planning.profiles import (
    MeasuredProfile,
    fit_hours,
    hourly_shares,
    peak_hour,
    peak_weekday,
    weekday_shares,
    weighted_hourly,
    with_measured,
)

DEFAULTS = load_defaults()
KELA = (ForecastRow("KELA", 30_000),)

counts = st.dictionaries(st.integers(0, 23), st.integers(0, 10**6), max_size=24)  # arrivals
spans = st.tuples(st.integers(0, 23), st.integers(1, 24)).filter(lambda oc: oc[0] < oc[1])


@settings(derandomize=True, max_examples=200)
@given(counts, spans)
def test_hourly_shares__sum_to_one_over_the_opening_hours(c, span):
    open_hour, close_hour = span
    shares = hourly_shares(c, open_hour, close_hour)
    if sum(c.values()) <= 0:
        assert shares is None
        return
    assert [h for h, _ in shares] == list(range(open_hour, close_hour))
    assert all(s >= 0 for _, s in shares)
    assert math.isclose(sum(s for _, s in shares), 1.0, rel_tol=1e-9)


@settings(derandomize=True, max_examples=100)
@given(counts, st.floats(0.01, 1000), spans)
def test_hourly_shares__do_not_depend_on_the_scale(c, factor, span):
    a = hourly_shares(c, *span)
    b = hourly_shares({h: n * factor for h, n in c.items()}, *span)
    if a is None:
        assert b is None
    else:
        assert all(math.isclose(x, y, abs_tol=1e-9) for (_, x), (_, y) in zip(a, b, strict=True))


def test_hourly_shares__an_hour_outside_counts_in_the_nearest_open_hour():
    shares = dict(hourly_shares({7: 10, 8: 10, 12: 20, 17: 5, 18: 5}, 8, 16))
    assert shares[8] == pytest.approx(0.4)  # 7 and 8
    assert shares[12] == pytest.approx(0.4)
    assert shares[15] == pytest.approx(0.2)  # 17 and 18 in the last open hour
    assert shares[9] == 0.0


def test_hourly_shares__a_negative_count_names_the_hour():
    with pytest.raises(PlanningInputError, match="hour 10"):
        hourly_shares({10: -1}, 9, 16)


@settings(derandomize=True, max_examples=100)
@given(
    st.lists(st.floats(0, 1e5, allow_nan=False), min_size=7, max_size=7),
    st.lists(st.integers(0, 53), min_size=7, max_size=7),
)
def test_weekday_shares__five_shares_summing_to_one(totals, days):
    shares = weekday_shares(totals, days)
    if all(t / d == 0 for t, d in zip(totals[:5], days[:5], strict=True) if d):
        assert shares is None
        return
    assert len(shares) == 5 and all(s >= 0 for s in shares)
    assert math.isclose(sum(shares), 1.0, rel_tol=1e-9)


def test_weekday_shares__a_mean_per_day_on_record_and_no_weekend():
    # Monday had 53 days on record, the other days 52: the same visits a day.
    shares = weekday_shares([5300, 5200, 5200, 5200, 5200, 900, 0], [53, 52, 52, 52, 52, 10, 0])
    assert shares == pytest.approx((0.2,) * 5)
    # A point closed on Wednesdays has no Wednesday share.
    assert weekday_shares([100, 100, 0, 100, 100], [10, 10, 0, 10, 10])[2] == 0.0


def test_peaks__the_largest_share_the_earliest_of_equals():
    assert peak_hour(((9, 0.2), (10, 0.4), (11, 0.4))) == (10, 0.4)
    assert peak_weekday((0.2, 0.3, 0.1, 0.3, 0.1)) == (1, 0.3)


def test_weighted_hourly__weights_by_visits():
    mixed = dict(weighted_hourly([(((9, 1.0), (10, 0.0)), 3), (((9, 0.0), (10, 1.0)), 1)]))
    assert mixed == {9: pytest.approx(0.75), 10: pytest.approx(0.25)}
    assert weighted_hourly([]) is None


def test_fit_hours__a_default_profile_within_the_hours_keeps_its_shares():
    kela = DEFAULTS.agencies["KELA"].hourly
    fitted = dict(fit_hours(kela, 8, 18))
    assert fitted[8] == 0.0 and fitted[17] == 0.0
    assert all(fitted[h] == pytest.approx(s) for h, s in kela)


def test_with_measured__nothing_measured_plans_as_the_defaults():
    same = with_measured(DEFAULTS, {})
    a = plan(build_config(KELA, "L", DEFAULTS))
    b = plan(build_config(KELA, "L", same))
    assert a.pooled == b.pooled and a.officials == b.officials


def test_with_measured__a_peaked_profile_needs_more_space_than_a_flat_one():
    """The peak hour drives the need: the same visits crowded into two hours need more."""
    flat = MeasuredProfile(hourly=hourly_shares(dict.fromkeys(range(9, 16), 1), 9, 16))
    peaked = MeasuredProfile(hourly=hourly_shares({10: 45, 11: 45, 14: 10}, 9, 16))
    plans = {
        name: plan(build_config(KELA, "L", with_measured(DEFAULTS, {"KELA": p})))
        for name, p in (("flat", flat), ("peaked", peaked))
    }
    default = plan(build_config(KELA, "L", DEFAULTS))
    booths = {k: v.pooled.count("booth") for k, v in plans.items()}
    assert booths["peaked"] > default.pooled.count("booth") >= booths["flat"]
    assert max(max(d) for d in plans["peaked"].officials["KELA"]) > max(
        max(d) for d in plans["flat"].officials["KELA"]
    )


def test_with_measured__service_time_and_weekday_replace_the_defaults():
    slow = with_measured(
        DEFAULTS,
        {"KELA": MeasuredProfile(weekday=(0.6, 0.1, 0.1, 0.1, 0.1), service_time_min=40)},
        source="measured at Pori",
    )
    kela = slow.agencies["KELA"]
    assert kela.service_time_min == 40 and kela.weekday[0] == 0.6
    assert slow.sources["agencies.KELA.service_time_min"] == "measured at Pori"
    result = plan(build_config(KELA, "L", slow))
    assert result.peak_day == "mon"
    assert result.pooled.count("booth") > plan(build_config(KELA, "L", DEFAULTS)).pooled.count(
        "booth"
    )


def test_with_measured__the_points_opening_hours():
    measured = with_measured(
        DEFAULTS,
        {"KELA": MeasuredProfile(hourly=hourly_shares({8: 1, 17: 1}, 8, 18))},
        open_hour=8,
        close_hour=18,
    )
    result = plan(build_config(KELA, "L", measured))
    assert result.hours == tuple(range(8, 18))
    # Another agency's national profile is fitted onto the same hours.
    assert dict(measured.agencies["VERO"].hourly)[8] == 0.0


@pytest.mark.parametrize(
    ("profile", "field"),
    [
        (MeasuredProfile(weekday=(0.5, 0.5)), "weekday"),
        (MeasuredProfile(weekday=(0.5, 0.5, 0.5, 0.5, 0.5)), "weekday_profile"),
        (MeasuredProfile(service_time_min=0), "service_time_min"),
    ],
)
def test_with_measured__bad_figures_are_refused_by_field(profile, field):
    with pytest.raises(PlanningInputError) as exc:
        with_measured(DEFAULTS, {"KELA": profile})
    assert exc.value.field == field and exc.value.row == "measured.KELA"


def test_with_measured__bad_hours_are_refused():
    with pytest.raises(PlanningInputError, match="open < close"):
        with_measured(DEFAULTS, {}, open_hour=16, close_hour=9)
