"""The free time read from day summaries is the free time the reservations give.

Checked against the search's own sweep (``free_gaps``) over random calendars of
several days, after ``fitting`` (which both readers' callers apply).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from luukku.core.scheduling.days import DaySummary, free_time, summarise
from luukku.core.scheduling.intervals import fitting, free_gaps

MIDNIGHT = 1_798_495_200  # a local midnight (22:00 UTC), on the grid
DAY, STEP, MIN = 86_400, 900, 60


def _by_sweep(busy, lo, hi, need, pad):
    busy = sorted(busy)
    rows = [
        (a, b, None if i == 0 else busy[i - 1][1], i == len(busy) - 1)
        for i, (a, b) in enumerate(busy)
        if a < hi + pad and b > lo
    ]
    # as the query: only reservations reaching into the period (and the pad after it)
    for i, (a, b, _prev, _last) in enumerate(rows):
        rows[i] = (a, b, None if i == 0 else rows[i - 1][1], i == len(rows) - 1)
    return fitting(free_gaps(rows, lo, hi, need, pad, STEP), need, STEP)


def _by_summaries(busy, days, lo, hi, need, pad):
    midnights = [MIDNIGHT + d * DAY for d in range(days + 2)]
    summaries = [
        summarise([(a, b) for a, b in busy if a < m + DAY and b > m], m, STEP)
        for m in midnights[:-1]
    ]
    spans = free_time(summaries, midnights, need, pad)
    if spans is None:
        return None
    clipped = [(max(a, lo), min(b, hi)) for a, b in spans if a < hi and b > lo]
    return fitting(clipped, need, STEP)


@st.composite
def calendars(draw):
    """A few days of reservations on and off the grid, with buffers; a period; a service."""
    pad = draw(st.sampled_from([0, 5, 10])) * MIN
    days = draw(st.integers(1, 3))
    busy, t = [], MIDNIGHT + draw(st.integers(0, 40)) * STEP
    for _ in range(draw(st.integers(0, 25))):
        t += (
            draw(st.sampled_from([0, 0, 0, 1, 2, 40])) * STEP
            + draw(st.sampled_from([0, 5, 7])) * MIN
        )
        length = draw(st.sampled_from([15, 20, 30, 45, 60, 240])) * MIN + pad
        busy.append((t, t + length))
        t += length
    lo = MIDNIGHT + draw(st.integers(0, 24 * 4)) * STEP
    hi = lo + draw(st.integers(1, days * 24 * 4)) * STEP
    need = draw(st.sampled_from([15, 20, 30, 45, 60, 90])) * MIN
    return busy, days, lo, min(hi, MIDNIGHT + days * DAY), need, pad


@settings(max_examples=800, deadline=None)
@given(calendars())
def test_free_time__same_free_time_as_the_sweep_over_the_reservations(cal):
    busy, days, lo, hi, need, pad = cal
    summarised = _by_summaries(busy, days, lo, hi, need, pad)
    if summarised is not None:
        assert summarised == _by_sweep(busy, lo, hi, need, pad)


def test_summarise__first_last_and_longest_inner_run_from_a_grid_start():
    h = 3600
    busy = [
        (MIDNIGHT + 8 * h, MIDNIGHT + 8 * h + 35 * MIN),  # 8:00–8:35 (buffer included)
        (MIDNIGHT + 9 * h + 30 * MIN, MIDNIGHT + 10 * h),  # 9:30–10:00
        (MIDNIGHT + 11 * h, MIDNIGHT + 11 * h + 50 * MIN),  # 11:00–11:50
    ]
    # after 8:35 the grid starts at 8:45, 45 min before 9:30; after 10:00, 60 min
    assert summarise(busy, MIDNIGHT, STEP) == DaySummary(
        first=8 * h, last=11 * h + 50 * MIN, longest=60 * MIN
    )
    assert summarise([], MIDNIGHT, STEP) is None


def test_free_time__before_the_first_and_after_the_last_or_read_the_day():
    day = DaySummary(first=8 * 3600, last=16 * 3600, longest=20 * MIN)
    end = MIDNIGHT + DAY
    assert free_time([day], [MIDNIGHT, end], 15 * MIN, 5 * MIN) is None  # the break fits 15 + 5
    assert free_time([day], [MIDNIGHT, end], 30 * MIN, 5 * MIN) == [
        (MIDNIGHT, MIDNIGHT + 8 * 3600 - 5 * MIN),
        (MIDNIGHT + 16 * 3600, end),
    ]
    # a free day, then a day whose first reservation begins a minute after midnight:
    # its buffer takes the last minutes of the day before
    early = DaySummary(first=60, last=3600, longest=0)
    assert free_time([None, early], [MIDNIGHT, end, end + DAY], 30 * MIN, 10 * MIN) == [
        (MIDNIGHT, end - 9 * MIN),
        (end + 3600, end + DAY),
    ]


def test_free_time__over_the_spring_change__a_23_hour_day_then_a_booked_one():
    """Local midnights 23 hours apart (28 → 29 March 2027 in Helsinki): the free time
    still runs up to the buffer before Monday's first reservation."""
    sunday, monday = 1_806_184_800, 1_806_267_600  # 22:00 and 21:00 UTC, 23 hours apart
    busy = [(monday + 5 * 3600, monday + 6 * 3600), (monday + 6 * 3600, monday + 11 * 3600)]
    days = [summarise([], sunday, STEP), summarise(busy, monday, STEP)]
    spans = free_time(days, [sunday, monday, monday + DAY], 30 * MIN, 10 * MIN)
    assert spans == [(sunday, monday + 5 * 3600 - 10 * MIN), (monday + 11 * 3600, monday + DAY)]
    lo, hi = sunday, monday + DAY
    assert fitting(spans, 30 * MIN, STEP) == _by_sweep(busy, lo, hi, 30 * MIN, 10 * MIN)
