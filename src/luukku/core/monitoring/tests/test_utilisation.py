"""Space use in hours: unions, clipping to the day and opening hours, derived figures."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, seed
from hypothesis import strategies as st

from luukku.core.monitoring.utilisation import (
    HOUR,
    SpaceUse,
    Utilisation,
    clip,
    cost_per_hour_of_use,
    cost_per_m2_year,
    day_use,
    seconds,
)

DAY = (0, 24 * HOUR)
OPEN = [(8 * HOUR, 16 * HOUR)]


def test_day_use__overlapping_uses_of_a_space_count_once():
    # A booked room's reservation 9–10 and the customer called into it 9:15–10:30.
    uses = {
        1: [(9 * HOUR, 10 * HOUR), (9 * HOUR + 900, 10 * HOUR + 1800)],
        2: [(12 * HOUR, 13 * HOUR)],
    }
    out = day_use({1: "service_room", 2: "service_room", 3: "screened_booth"}, uses, DAY, OPEN)
    room, booth = out["service_room"], out["screened_booth"]
    assert (room.spaces, room.used_s, room.used_open_s) == (2, HOUR + 1800 + HOUR, 2.5 * HOUR)
    assert room.open_s == 8 * HOUR and room.capacity_s == 2 * 8 * HOUR
    assert (booth.spaces, booth.used_s, booth.capacity_s) == (1, 0, 8 * HOUR)


@pytest.mark.parametrize(
    ("use", "used", "in_open"),
    [
        pytest.param((7 * HOUR, 9 * HOUR), 2 * HOUR, HOUR, id="before-opening"),
        pytest.param((15 * HOUR, 17 * HOUR), 2 * HOUR, HOUR, id="after-closing"),
        pytest.param((-HOUR, HOUR), HOUR, 0, id="from-the-day-before"),
        pytest.param((23 * HOUR, 26 * HOUR), HOUR, 0, id="into-the-next-day"),
    ],
)
def test_day_use__clipped_to_the_day_and_counted_within_opening_hours(use, used, in_open):
    out = day_use({1: "booth"}, {1: [use]}, DAY, OPEN)["booth"]
    assert (out.used_s, out.used_open_s) == (used, in_open)


def test_day_use__a_space_not_listed_is_ignored_and_a_closed_day_has_no_capacity():
    out = day_use({1: "booth"}, {9: [(9 * HOUR, 10 * HOUR)]}, DAY, [])
    assert out["booth"] == SpaceUse(spaces=1, open_s=0, capacity_s=0, used_s=0, used_open_s=0)


spans = st.lists(
    st.tuples(st.integers(-2 * HOUR, 26 * HOUR), st.integers(1, 6 * HOUR)).map(
        lambda t: (t[0], t[0] + t[1])
    ),
    max_size=30,
)


@seed(2026)
@given(uses=st.dictionaries(st.integers(1, 5), spans, max_size=5), opening=spans)
def test_day_use__in_use_within_opening_hours_never_exceeds_them(uses, opening):
    spaces = {i: "booth" if i % 2 else "service_room" for i in range(1, 6)}
    out = day_use(spaces, uses, DAY, opening)
    open_s = seconds(clip(opening, *DAY))
    for u in out.values():
        assert 0 <= u.used_open_s <= u.capacity_s == u.spaces * open_s
        assert u.used_open_s <= u.used_s <= u.spaces * DAY[1]
    # The same uses in another order give the same figures (a recomputed day).
    shuffled = {k: random.Random(7).sample(v, len(v)) for k, v in reversed(uses.items())}
    assert day_use(spaces, shuffled, DAY, list(reversed(opening))) == out


@seed(2026)
@given(days=st.lists(st.tuples(st.integers(0, 10**5), st.integers(0, 10**5)), max_size=20))
def test_space_use__sums_do_not_depend_on_grouping(days):
    parts = [SpaceUse(1, a, a, b, min(a, b)) for a, b in days]
    half = len(parts) // 2
    left = sum(parts[:half], SpaceUse())
    right = sum(parts[half:], SpaceUse())
    assert left + right == sum(parts, SpaceUse())


def test_utilisation__hours_a_week_and_share_of_opening_hours():
    # Two booths over 14 days, 10 open days of 8 hours, 64 hours in use.
    use = SpaceUse(spaces=20, open_s=80 * HOUR, capacity_s=160 * HOUR, used_s=64 * HOUR,
                   used_open_s=60 * HOUR)  # fmt: skip
    u = Utilisation(use, spaces=2, days=14)
    assert u.hours_in_use() == 64
    assert u.hours_per_week() == 32
    assert u.hours_per_week_per_space() == 16
    assert u.open_hours_per_week_per_space() == 40
    assert u.share_of_opening_hours() == 60 / 160
    empty = Utilisation(SpaceUse(), spaces=0, days=7)
    assert empty.hours_per_week_per_space() is None and empty.share_of_opening_hours() is None


def test_cost__per_m2_a_year_and_per_hour_of_use():
    assert cost_per_m2_year(89_000, 400) == 222.5
    assert cost_per_m2_year(89_000, 0) is None
    # 73 days of a 36,500 € rent is 7,300 €, over 365 hours in use.
    assert cost_per_hour_of_use(36_500, 73, 365 * HOUR) == 20
    assert cost_per_hour_of_use(36_500, 73, 0) is None
