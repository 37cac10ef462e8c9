"""A day the summary calls full holds no slot: checked against the search's own arithmetic."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from luukku.core.scheduling.days import DaySummary, full_below, is_full, summarise
from luukku.core.scheduling.intervals import fitting, free_gaps, grid_up, intersect

MIDNIGHT = 1_798_495_200  # a local midnight (22:00 UTC), on the grid
STEP, MIN = 900, 60


def _free_after(busy, opens_s, closes_s, need, pad):
    """What the search keeps: free gaps, clipped to the hours, that can hold ``need``."""
    busy = sorted(busy)
    rows = [
        (a, b, None if i == 0 else busy[i - 1][1], i == len(busy) - 1)
        for i, (a, b) in enumerate(busy)
    ]
    lo, hi = MIDNIGHT, MIDNIGHT + 24 * 3600
    gaps = free_gaps(rows, lo, hi, need, pad, STEP)
    hours = [(MIDNIGHT + opens_s, MIDNIGHT + closes_s)]
    return fitting(intersect(hours, gaps), need, STEP)


@st.composite
def days(draw):
    """A day of back-to-back-ish reservations on the grid with buffers, and opening hours."""
    pad = draw(st.sampled_from([0, 5, 10])) * MIN
    t = MIDNIGHT + draw(st.integers(6 * 4, 10 * 4)) * STEP
    busy = []
    for _ in range(draw(st.integers(1, 14))):
        t += draw(st.sampled_from([0, 0, 0, 1, 2])) * STEP + draw(st.sampled_from([0, 0, 5])) * MIN
        length = draw(st.sampled_from([15, 20, 30, 45, 60])) * MIN + pad
        busy.append((t, t + length))
        t += length
    opens = draw(st.integers(6 * 60, 10 * 60))  # minutes, any minute
    closes = draw(st.integers(14 * 60, 20 * 60))
    need = draw(st.sampled_from([15, 20, 30, 45, 60, 90])) * MIN
    return busy, opens, closes, need, pad


@settings(max_examples=600, deadline=None)
@given(days())
def test_is_full__never_for_a_day_that_holds_the_service(day):
    busy, opens, closes, need, pad = day
    summary = summarise(busy, MIDNIGHT, STEP)
    bounds = full_below(need, pad, opens, closes, STEP)
    if is_full(summary, bounds):
        assert _free_after(busy, opens * MIN, closes * MIN, need, pad) == []


@settings(max_examples=300, deadline=None)
@given(days())
def test_is_full__a_day_with_no_room_at_all_is_called_full(day):
    """The test is useful: with hours inside the busy envelope and no long gap, it skips."""
    busy, _opens, _closes, need, pad = day
    summary = summarise(busy, MIDNIGHT, STEP)
    opens = (busy[0][0] - MIDNIGHT) // MIN
    closes = (max(b for _a, b in busy) - MIDNIGHT) // MIN
    if summary.longest * MIN < need + pad:
        assert is_full(summary, full_below(need, pad, opens, closes, STEP))


def test_summarise__first_last_on_the_grid_and_longest_inner_run():
    busy = [
        (MIDNIGHT + 8 * 3600, MIDNIGHT + 8 * 3600 + 35 * MIN),  # 8:00–8:35 (buffer in)
        (MIDNIGHT + 9 * 3600 + 30 * MIN, MIDNIGHT + 10 * 3600),  # 9:30–10:00
        (MIDNIGHT + 11 * 3600, MIDNIGHT + 11 * 3600 + 50 * MIN),  # 11:00–11:50
    ]
    # 8:35 → 8:45 on the grid until 9:30: 45 min; 10:00 → 11:00: 60 min (the buffer
    # before the next is the bounds' business); the last end 11:50 → 12:00 on the grid.
    assert summarise(busy, MIDNIGHT, STEP) == DaySummary(first=480, last=720, longest=60)
    assert summarise([], MIDNIGHT, STEP) is None


def test_full_below__rounds_towards_free():
    b = full_below(30 * MIN, 5 * MIN, opens=8 * 60 + 1, closes=16 * 60, step=STEP)
    # a slot could start at 8:15 and must end 5 minutes before the first reservation
    assert b.first_below == grid_up(8 * 60 + 1, 15) + 30 + 5 == 530
    assert b.last_above == 16 * 60 - 30 and b.longest_below == 30 + 5
