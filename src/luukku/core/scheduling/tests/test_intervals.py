"""Span arithmetic of the search, checked against sets of seconds and literal grid scans."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luukku.core.scheduling import Interval
from luukku.core.scheduling.intervals import (
    fitting,
    free_gaps,
    grid_up,
    intersect,
    spans_of,
    to_intervals,
    union,
)

SETTINGS = settings(derandomize=True, max_examples=300, deadline=None)
STEP = 15


def _sorted_spans(max_size: int = 8):
    """Sorted spans on a small clock (units of one 'second'), overlapping now and then."""
    return st.lists(
        st.tuples(st.integers(0, 200), st.integers(1, 40)).map(lambda x: (x[0], x[0] + x[1])),
        max_size=max_size,
    ).map(sorted)


def _disjoint(max_size: int = 8):
    """Sorted, disjoint spans (possibly touching), as calendars promise."""
    return _sorted_spans(max_size).map(
        lambda spans: [
            (a, b) for k, (a, b) in enumerate(spans) if all(b0 <= a for _, b0 in spans[:k])
        ]
    )


def _points(spans) -> set[int]:
    return {t for a, b in spans for t in range(a, b)}


def _holds(spans, g: int, need: int) -> bool:
    """Tell whether [g, g + need) lies inside the union of ``spans``."""
    return set(range(g, g + need)) <= _points(spans)


@pytest.mark.parametrize(
    ("spans", "merged"),
    [
        pytest.param([], [], id="empty"),
        pytest.param([(0, 10), (10, 20)], [(0, 20)], id="touching"),
        pytest.param([(0, 10), (5, 8), (9, 30)], [(0, 30)], id="nested-and-overlapping"),
        pytest.param([(0, 10), (11, 20)], [(0, 10), (11, 20)], id="apart"),
    ],
)
def test_intervals__union__merges_touching_spans(spans, merged):
    assert union(spans) == merged


@SETTINGS
@given(spans=_sorted_spans())
def test_intervals__union__covers_the_same_seconds_with_disjoint_spans(spans):
    merged = union(spans)
    assert _points(merged) == _points(spans)
    assert all(b0 < a1 for (_, b0), (a1, _) in zip(merged, merged[1:], strict=False))
    assert all(a < b for a, b in merged)


@pytest.mark.parametrize(
    ("a", "b", "common"),
    [
        pytest.param([], [(0, 10)], [], id="empty"),
        pytest.param([(0, 10)], [(10, 20)], [], id="touching-share-nothing"),
        pytest.param([(0, 10), (20, 30)], [(5, 25)], [(5, 10), (20, 25)], id="one-across-two"),
    ],
)
def test_intervals__intersect__keeps_common_time(a, b, common):
    assert intersect(a, b) == common


@SETTINGS
@given(a=_disjoint(), b=_disjoint())
def test_intervals__intersect__equals_set_intersection(a, b):
    common = intersect(a, b)
    assert _points(common) == _points(a) & _points(b)
    assert common == sorted(common)


@pytest.mark.parametrize(
    ("spans", "need", "kept"),
    [
        pytest.param([], 900, [], id="empty"),
        pytest.param([(300, 1500)], 900, [], id="long-enough-but-off-the-grid"),
        pytest.param([(900, 1800)], 900, [(900, 1800)], id="exactly-on-the-grid"),
        pytest.param([(300, 1800)], 900, [(300, 1800)], id="holds-from-the-next-grid-start"),
        pytest.param(
            [(300, 1200), (1200, 1800)], 900, [(300, 1200), (1200, 1800)], id="touching-one-run"
        ),
        pytest.param([(300, 1200), (1250, 1800)], 900, [], id="apart-neither-holds"),
        pytest.param([(0, 100), (950, 2700), (3000, 3600)], 1800, [], id="none-hold"),
        pytest.param(
            [(0, 100), (900, 2700), (3000, 3600)], 1800, [(900, 2700)], id="only-one-holds"
        ),
    ],
)
def test_intervals__fitting__keeps_runs_that_hold_a_grid_start(spans, need, kept):
    assert fitting(spans, need, 900) == kept


@SETTINGS
@given(spans=_disjoint(), need=st.integers(1, 50))
def test_intervals__fitting__loses_no_grid_start(spans, need):
    """The pruning only drops time no slot could start in: same grid starts as before."""
    kept = fitting(spans, need, STEP)
    assert set(kept) <= set(spans)
    for g in range(0, 260, STEP):
        assert _holds(kept, g, need) == _holds(spans, g, need), g


@st.composite
def _calendars(draw):
    """One resource's reservations (sorted, disjoint) and a search over them."""
    busy = draw(_disjoint(6))
    lo = draw(st.integers(0, 100))
    hi = lo + draw(st.integers(1, 160))
    return busy, lo, hi, draw(st.integers(1, 45)), draw(st.integers(0, 10))


def _rows(busy, need: int, pad: int, keep_all: bool):
    """The reservations with their predecessor's end, as the free-gaps query returns them.

    The query may leave out a row whose gap before it cannot hold a slot starting on
    the grid (``keep_all`` off), never the first or the last.
    """
    rows = []
    for k, (s, e) in enumerate(busy):
        prev_end = busy[k - 1][1] if k else None
        last = k == len(busy) - 1
        if keep_all or prev_end is None or last or grid_up(prev_end, STEP) + need + pad <= s:
            rows.append((s, e, prev_end, last))
    return rows


def _start_is_free(busy, lo: int, hi: int, need: int, pad: int, g: int) -> bool:
    """The rule read literally: inside the search, clear of each reservation and its buffer."""
    return lo <= g and g + need <= hi and all(not (g < e and s < g + need + pad) for s, e in busy)


@SETTINGS
@given(calendar=_calendars(), keep_all=st.booleans())
def test_intervals__free_gaps__hold_exactly_the_free_grid_starts(calendar, keep_all):
    busy, lo, hi, need, pad = calendar
    gaps = free_gaps(_rows(busy, need, pad, keep_all), lo, hi, need, pad, STEP)
    for g in range(0, 300, STEP):
        assert _holds(gaps, g, need) == _start_is_free(busy, lo, hi, need, pad, g), g
    assert all(a < b for a, b in gaps)
    assert gaps == sorted(gaps)


def test_intervals__free_gaps__no_reservations__free_all_along():
    assert free_gaps([], 0, 3600, 900, 300, 900) == [(0, 3600)]


def test_intervals__free_gaps__too_short_a_period__nothing():
    assert free_gaps([], 0, 800, 900, 300, 900) == []


def test_intervals__grid_up__rounds_up_to_the_step():
    assert [grid_up(t, 900) for t in (0, 1, 899, 900, 901)] == [0, 900, 900, 900, 1800]


def test_intervals__to_intervals__round_trips_through_spans():
    spans = [(1_800_000_000, 1_800_000_900), (1_800_001_800, 1_800_003_600)]
    intervals = to_intervals(spans)
    assert intervals[0] == Interval(
        datetime.fromtimestamp(spans[0][0], UTC), datetime.fromtimestamp(spans[0][1], UTC)
    )
    assert spans_of(intervals) == spans
