"""Named cases for find_slots."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from luukku.core.scheduling import Interval, ResourceCalendar, SiteOption, SlotQuery, find_slots

from .helpers import HELSINKI, at, cal, iv, option, query, reference_slots, slot_is_valid


def starts(slots):
    return [s.start for s in slots]


def test_find_slots__empty_calendars__no_slots():
    empty = SiteOption(1, "in_person", (iv(0, 480),), (), (cal(101),))
    no_window = SiteOption(2, "in_person", (), (cal(1),), (cal(101),))
    no_availability = option(3, officials=[cal(1, available=())])
    assert find_slots(query(), [empty, no_window, no_availability]) == []
    assert find_slots(query(), []) == []


def test_find_slots__free_calendar__earliest_grid_starts():
    slots = find_slots(query(not_before=7), [option()])
    assert starts(slots) == [at(15), at(30), at(45)]
    assert [s.end for s in slots] == [at(45), at(60), at(75)]
    assert {(s.official_id, s.space_id, s.interpreter_id) for s in slots} == {(1, 101, None)}


def test_find_slots__busy_official__skipped_to_next_official():
    o = option(officials=[cal(2), cal(1, busy=[(0, 60)])])
    first = find_slots(query(per_site=1), [o])[0]
    assert (first.start, first.official_id) == (at(0), 2)


def test_find_slots__all_officials_busy__jumps_past_the_reservation():
    o = option(officials=[cal(1, busy=[(0, 50)]), cal(2, busy=[(0, 20), (20, 70)])])
    first = find_slots(query(per_site=1), [o])[0]
    assert (first.start, first.official_id) == (at(60), 1)  # 50 rounded up to the grid


@pytest.mark.parametrize(
    ("buffer", "expected"),
    [(0, [90, 105, 120]), (10, [105, 120, 135]), (15, [105, 120, 135]), (20, [120, 135, 150])],
)
def test_find_slots__buffer__kept_both_sides_of_reservations(buffer, expected):
    o = option(officials=[cal(1, busy=[(30, 90)])], spaces=[cal(101, busy=[(0, 5)])])
    got = find_slots(query(buffer=timedelta(minutes=buffer)), [o])
    assert starts(got) == [at(m) for m in expected]


def test_find_slots__buffer_applies_to_space_too():
    o = option(spaces=[cal(101, busy=[(60, 120)])])
    q = query(duration=45, buffer=timedelta(minutes=15), per_site=4)
    assert starts(find_slots(q, [o])) == [at(0), at(135), at(150), at(165)]


@pytest.mark.parametrize(
    ("windows", "duration", "expected"),
    [
        (((60, 120),), 60, [60]),  # exactly fills the window
        (((60, 120),), 75, []),  # longer than the window
        (((0, 50), (60, 120)), 45, [0, 60, 75]),  # 15 would end at 60, beyond the first window
        (((0, 60), (60, 120)), 45, [0, 15, 30]),  # touching windows are one stretch
    ],
)
def test_find_slots__window_boundaries(windows, duration, expected):
    got = find_slots(query(duration=duration), [option(windows=windows)])
    assert starts(got) == [at(m) for m in expected]


def test_find_slots__horizon_boundaries():
    got = find_slots(query(duration=30, not_before=1, not_after=90, per_site=10), [option()])
    assert starts(got) == [at(15), at(30), at(45), at(60)]


def test_find_slots__resource_availability_bounds_slot():
    o = option(officials=[cal(1, available=[(100, 160)])], spaces=[cal(101, available=[(0, 140)])])
    assert starts(find_slots(query(), [o])) == [at(105)]


@pytest.mark.parametrize(
    ("max_parallel", "expected"),
    [
        (None, [0, 15, 30]),
        (0, []),
        (1, [60, 120, 135]),  # [0,60) and [90,120) taken
        (2, [0, 15, 30]),  # only one at a time so far
    ],
)
def test_find_slots__max_parallel(max_parallel, expected):
    o = option(max_parallel=max_parallel, group_busy=(iv(0, 60), iv(90, 120)))
    assert starts(find_slots(query(), [o])) == [at(m) for m in expected]


def test_find_slots__max_parallel__back_to_back_bookings_do_not_stack():
    o = option(max_parallel=2, group_busy=(iv(0, 30), iv(30, 60), iv(15, 45)))
    # Two run at once during [15, 45); a 30-minute slot must avoid that stretch.
    assert starts(find_slots(query(), [o])) == [at(45), at(60), at(75)]


def test_find_slots__interpreter_needed_vs_not():
    interpreters = (cal(301, busy=[(0, 45)]), cal(300, busy=[(0, 60)]))
    plain = option(interpreters=interpreters)
    needed = option(site_id=2, interpreters=interpreters, needs_interpreter=True)
    first_plain, first_needed = find_slots(query(per_site=1), [plain, needed])
    assert (first_plain.start, first_plain.interpreter_id) == (at(0), None)
    assert (first_needed.start, first_needed.interpreter_id) == (at(45), 301)
    without = option(needs_interpreter=True)
    assert find_slots(query(), [without]) == []


def test_find_slots__per_site_and_limit():
    options = [option(site_id=s) for s in (3, 1, 2)]
    assert len(find_slots(query(per_site=2), options)) == 6
    got = find_slots(query(per_site=5, limit=4), options)
    assert [(s.start, s.site_id) for s in got] == [(at(0), 1), (at(0), 2), (at(0), 3), (at(15), 1)]
    assert len(starts(find_slots(query(per_site=5), options[:1]))) == 5


def test_find_slots__multiple_sites_sorted_by_start_then_site():
    options = [
        option(site_id=9, officials=[cal(1, busy=[(0, 30)])]),
        option(site_id=4, officials=[cal(1, busy=[(0, 15)])]),
        option(site_id=7),
    ]
    got = find_slots(query(per_site=2), options)
    assert [(s.start, s.site_id) for s in got] == [
        (at(0), 7),
        (at(15), 4),
        (at(15), 7),
        (at(30), 4),
        (at(30), 9),
        (at(45), 9),
    ]


def test_find_slots__limit_cut_keeps_smaller_site_at_equal_start():
    options = [option(site_id=5), option(site_id=2)]
    got = find_slots(query(per_site=1, limit=1), options)
    assert [(s.start, s.site_id) for s in got] == [(at(0), 2)]


def test_find_slots__same_resource_object_shared_between_sites():
    shared = cal(1, busy=[(0, 30)])
    got = find_slots(
        query(per_site=1), [option(1, officials=[shared]), option(2, officials=[shared])]
    )
    assert [(s.start, s.site_id, s.official_id) for s in got] == [(at(30), 1, 1), (at(30), 2, 1)]


def test_find_slots__non_utc_aware_inputs_and_sub_minute_edges():
    start = datetime(2026, 11, 30, 8, 0, 30, tzinfo=HELSINKI)  # 06:00:30 UTC
    o = SiteOption(
        1,
        "remote",
        (Interval(start, start + timedelta(hours=2)),),
        (ResourceCalendar(1, (Interval(start, start + timedelta(hours=2)),), ()),),
        (ResourceCalendar(2, (Interval(start, start + timedelta(hours=2)),), ()),),
    )
    got = find_slots(query(per_site=1), [o])
    assert got[0].start == at(15) and got[0].channel == "remote"


@pytest.mark.parametrize(
    "day",
    ["2026-03-28", "2026-03-29", "2026-03-30", "2026-10-24", "2026-10-25", "2026-10-26"],
)
def test_find_slots__dst__first_slot_at_local_eight(day):
    d = datetime.fromisoformat(day).date()
    days = [d + timedelta(days=i) for i in (-1, 0, 1)]
    hours = tuple(
        Interval(
            datetime.combine(x, time(8), HELSINKI).astimezone(UTC),
            datetime.combine(x, time(16), HELSINKI).astimezone(UTC),
        )
        for x in days
    )
    o = SiteOption(
        1, "in_person", hours, (ResourceCalendar(1, hours),), (ResourceCalendar(2, hours),)
    )
    midnight = datetime.combine(d, time(0), HELSINKI).astimezone(UTC)
    q = SlotQuery(
        timedelta(minutes=30), midnight, midnight + timedelta(days=1), per_site=40, limit=40
    )
    got = find_slots(q, [o])
    local_starts = [s.start.astimezone(HELSINKI) for s in got]
    assert local_starts[0].time() == time(8) and local_starts[0].date() == d
    assert local_starts[-1].time() == time(15, 30)
    assert len(got) == 31  # 08:00 .. 15:30 every quarter hour
    assert all(slot_is_valid(q, o, s, timedelta(0)) for s in got)
    assert got == reference_slots(q, o)
