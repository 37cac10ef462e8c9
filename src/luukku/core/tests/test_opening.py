"""Opening hours: weekly rules, holidays, exceptions and both daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from luukku.core.opening import (
    DayException,
    Stop,
    WeeklyRule,
    open_state,
    opening_intervals,
    overlapping_rules,
    stop_intervals,
)

WEEKDAYS_8_16 = [WeeklyRule(d, time(8), time(16)) for d in range(5)]


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_opening__winter_day__is_utc_plus_two():
    [(start, end)] = opening_intervals(
        WEEKDAYS_8_16, start=date(2026, 1, 12), end=date(2026, 1, 12)
    )
    assert (start, end) == (utc(2026, 1, 12, 6), utc(2026, 1, 12, 14))


def test_opening__spring_dst_change__local_eight_stays_eight():
    # Clocks go forward on Sunday 29 March 2026: Friday is UTC+2, Monday UTC+3.
    out = opening_intervals(WEEKDAYS_8_16, start=date(2026, 3, 27), end=date(2026, 3, 30))
    assert out == [
        (utc(2026, 3, 27, 6), utc(2026, 3, 27, 14)),
        (utc(2026, 3, 30, 5), utc(2026, 3, 30, 13)),
    ]


def test_opening__autumn_dst_change__local_eight_stays_eight():
    # Clocks go back on Sunday 25 October 2026: Friday is UTC+3, Monday UTC+2.
    out = opening_intervals(WEEKDAYS_8_16, start=date(2026, 10, 23), end=date(2026, 10, 26))
    assert out == [
        (utc(2026, 10, 23, 5), utc(2026, 10, 23, 13)),
        (utc(2026, 10, 26, 6), utc(2026, 10, 26, 14)),
    ]


def test_opening__sunday_of_the_change__open_hours_span_the_missing_hour():
    sunday = [WeeklyRule(6, time(1), time(5))]
    [(start, end)] = opening_intervals(sunday, start=date(2026, 3, 29), end=date(2026, 3, 29))
    assert end - start == (utc(2026, 3, 29, 2) - utc(2026, 3, 28, 23))  # three real hours, not four


def test_opening__public_holiday__closed():
    out = opening_intervals(
        WEEKDAYS_8_16,
        start=date(2026, 12, 24),
        end=date(2026, 12, 28),
        holidays={date(2026, 12, 24), date(2026, 12, 25)},
    )
    assert [s.date() for s, _ in out] == [date(2026, 12, 28)]


def test_opening__exception__wins_over_holiday_and_rule():
    out = opening_intervals(
        WEEKDAYS_8_16,
        start=date(2026, 12, 7),
        end=date(2026, 12, 8),
        holidays={date(2026, 12, 7)},
        exceptions=[
            DayException(date(2026, 12, 7), closed=False, opens=time(10), closes=time(12)),
            DayException(date(2026, 12, 8)),
        ],
    )
    assert out == [(utc(2026, 12, 7, 8), utc(2026, 12, 7, 10))]


def test_overlapping_rules__found():
    a, b = WeeklyRule(0, time(8), time(12)), WeeklyRule(0, time(11), time(16))
    assert overlapping_rules([b, a, WeeklyRule(1, time(9), time(10))]) == [(a, b)]


# -- open_state: open now, and when next -----------------------------------------


def _iv(day: int, a: int, b: int, ref=None):
    return (
        datetime(2026, 3, day, a, tzinfo=UTC),
        datetime(2026, 3, day, b, tzinfo=UTC),
        ref,
    )


@pytest.mark.parametrize(
    ("at", "current", "upcoming"),
    [
        pytest.param(datetime(2026, 3, 2, 5, tzinfo=UTC), None, 0, id="before-opening"),
        pytest.param(datetime(2026, 3, 2, 6, tzinfo=UTC), 0, 1, id="at-opening"),
        pytest.param(datetime(2026, 3, 2, 9, 59, tzinfo=UTC), 0, 1, id="just-before-closing"),
        pytest.param(datetime(2026, 3, 2, 10, tzinfo=UTC), None, 1, id="at-closing"),
        pytest.param(datetime(2026, 3, 3, 12, tzinfo=UTC), 1, 2, id="second-day"),
        pytest.param(datetime(2026, 3, 9, 0, tzinfo=UTC), None, None, id="after-all"),
    ],
)
def test_open_state__current_and_upcoming(at, current, upcoming):
    ivs = [_iv(3, 11, 13, "b"), _iv(2, 6, 10, "a"), _iv(4, 6, 10, "c")]
    ordered = sorted(ivs)
    state = open_state(ivs, at)
    assert state.current == (None if current is None else ordered[current])
    assert state.upcoming == (None if upcoming is None else ordered[upcoming])
    assert state.is_open is (current is not None)


def test_open_state__two_part_tuples_get_no_ref():
    a, b, _ = _iv(2, 6, 10)
    assert open_state([(a, b)], a).current == (a, b, None)


def test_stop_intervals__a_stop_stands_only_within_its_own_validity():
    """A timetable change: the 9–11.30 stop ends on Sunday 6.12.2026, 9–12 starts Monday."""
    old = Stop(None, 1, time(9), time(11, 30), "old", valid_until=date(2026, 12, 6))
    new = Stop(None, 1, time(9), time(12), "new", valid_from=date(2026, 12, 7))
    got = stop_intervals([old, new], start=date(2026, 12, 1), end=date(2026, 12, 8))
    assert [(a.date(), ref, b - a) for a, b, ref in got] == [
        (date(2026, 12, 1), "old", timedelta(hours=2, minutes=30)),
        (date(2026, 12, 8), "new", timedelta(hours=3)),
    ]
    assert Stop(None, 1, time(9), time(10), valid_from=date(2026, 12, 2)).stands_on(
        date(2026, 12, 8)
    )
