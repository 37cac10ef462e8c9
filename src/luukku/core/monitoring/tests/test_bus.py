"""The bus timetable rules (issue 16 item 5): plain data in, suggestions with evidence out."""

from __future__ import annotations

from datetime import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luukku.core.monitoring.bus import (
    BUSY,
    DROP,
    FEW_VISITS,
    FULLY_BOOKED,
    IDLE,
    LENGTHEN,
    MOVE,
    NO_ROOM,
    SHORTEN,
    THRESHOLDS,
    TURNED_AWAY,
    Evidence,
    StopDay,
    StopSlot,
    Thresholds,
    evidence,
    minutes,
    review,
    served_within,
)

HOUR = 3600
ROUTE = (1, 2, 3)  # Tue–Thu, as the demo bus


def slot(id_, weekday, arrives, departs, place=None) -> StopSlot:
    return StopSlot(id_, place or f"stop {id_}", weekday, arrives, departs)


def days(stop: StopSlot, n: int, *, visits: int, service_min: float, **kw) -> list[StopDay]:
    """``n`` alike stop-days: ``visits`` walk-ins a day, ``service_min`` in service a day."""
    open_s = stop.length_min * 60
    return [
        StopDay(
            stop.id,
            walk_ins=visits,
            served=visits,
            service_s=int(service_min * 60),
            open_s=open_s,
            capacity_s=open_s,
            **kw,
        )
        for _ in range(n)
    ]


ULVILA = slot(1, 1, time(9), time(11, 30))
NAKKILA = slot(2, 1, time(12, 30), time(15))


def _one(stops, day_rows, route=ROUTE, t=THRESHOLDS):
    return {r.evidence.stop.id: r for r in review(stops, day_rows, route, t)}


def test_evidence__sums_and_ratios():
    rows = days(ULVILA, 10, visits=6, service_min=120, bookings=2, booked_s=1800, turned_away=1)
    ev = evidence([ULVILA], rows)[ULVILA.id]
    assert ev.stop_days == 10 and ev.visits == 80 and ev.visits_per_day == 8
    assert ev.utilisation == pytest.approx(120 / 150)
    assert ev.idle_min_per_day == pytest.approx(30)
    assert ev.booked_share == pytest.approx(1800 / (150 * 60))
    assert ev.turned_away_per_day == 1


def test_evidence__a_day_without_open_time_is_not_a_stop_day():
    rows = [StopDay(ULVILA.id, walk_ins=1), *days(ULVILA, 2, visits=3, service_min=30)]
    assert evidence([ULVILA], rows)[ULVILA.id].stop_days == 2


@pytest.mark.parametrize(
    ("name", "visits", "service_min", "extra", "kind", "reasons", "window"),
    [
        ("too few days to judge", 0, 0, {"n": 5}, None, (), None),
        ("hardly anyone comes", 1, 15, {}, DROP, (FEW_VISITS,), None),
        ("busy: later end", 8, 140, {}, LENGTHEN, (BUSY,), (time(9), time(12))),
        ("turned away", 5, 100, {"turned_away": 2}, LENGTHEN, (TURNED_AWAY,), None),
        ("fully booked", 5, 110, {"booked_s": 130 * 60}, LENGTHEN, (FULLY_BOOKED,), None),
        ("idle: shortened", 2, 30, {}, SHORTEN, (IDLE,), (time(9), time(10))),
        ("just right", 5, 90, {}, None, (), None),
    ],
)
def test_review__rules(name, visits, service_min, extra, kind, reasons, window):
    n = extra.pop("n", 12)
    rows = days(ULVILA, n, visits=visits, service_min=service_min, **extra)
    r = _one([ULVILA, NAKKILA], rows)[ULVILA.id]
    assert r.enough == (n >= THRESHOLDS.min_stop_days), name
    if kind is None:
        assert r.suggestion is None, name
        return
    assert r.suggestion.kind == kind and r.suggestion.reasons == reasons, name
    if window:
        assert (r.suggestion.arrives, r.suggestion.departs) == window, name


def test_review__no_room_later__starts_earlier():
    late = slot(3, 1, time(12), time(15))  # 30 min after Ulvila: no driving gap to grow into
    r = _one([ULVILA, late], days(ULVILA, 12, visits=9, service_min=145))[ULVILA.id]
    assert r.suggestion.kind == LENGTHEN
    assert (r.suggestion.arrives, r.suggestion.departs) == (time(8, 30), time(11, 30))


def test_review__no_room_on_its_day__moves_to_the_freest_weekday():
    early = slot(1, 1, time(8), time(10, 30))
    after = slot(2, 1, time(11), time(17))
    wednesday = slot(3, 2, time(9), time(16), place="wednesday's")
    thursday = slot(4, 3, time(13), time(15), place="thursday's")
    stops = [early, after, wednesday, thursday]
    r = _one(stops, days(early, 12, visits=9, service_min=145))[early.id]
    assert r.suggestion.kind == MOVE and r.suggestion.reasons == (BUSY, NO_ROOM)
    # Thursday (2 h taken) is freer than Wednesday (7 h); at its own time 8:00, 3 h.
    assert r.suggestion.weekday == 3
    assert (r.suggestion.arrives, r.suggestion.departs) == (time(8), time(11))


def test_review__move__not_to_a_weekday_the_place_has_already():
    early = slot(1, 1, time(8), time(10, 30), place="Eura")
    after = slot(2, 1, time(11), time(17))
    eura_thursday = slot(3, 3, time(13), time(14), place="Eura")
    stops = [early, after, eura_thursday]
    r = _one(stops, days(early, 12, visits=9, service_min=145))[early.id]
    assert r.suggestion.kind == MOVE and r.suggestion.weekday == 2


def test_review__busy_with_no_room_anywhere__says_so_without_a_suggestion():
    early = slot(1, 1, time(8), time(10, 30))
    after = slot(2, 1, time(11), time(17))
    r = _one([early, after], days(early, 12, visits=9, service_min=145), route=(1,))[early.id]
    assert r.suggestion is None and r.unmet == (BUSY, NO_ROOM)


def test_review__shorten__never_below_the_shortest_stop():
    r = _one([ULVILA], days(ULVILA, 12, visits=2, service_min=5))[ULVILA.id]
    assert r.suggestion.kind == SHORTEN
    assert minutes(r.suggestion.departs) - minutes(r.suggestion.arrives) == THRESHOLDS.min_stop_min


def test_review__thresholds_are_the_callers():
    rows = days(ULVILA, 12, visits=5, service_min=90)  # 60 %: fine by default
    strict = Thresholds(lengthen_utilisation=0.5)
    assert _one([ULVILA], rows)[ULVILA.id].suggestion is None
    assert _one([ULVILA], rows, t=strict)[ULVILA.id].suggestion.kind == LENGTHEN


def test_served_within__bookings_hold_their_time_walk_ins_fill_the_rest():
    customers = [(False, 1200), (True, 1800), (False, 1200), (False, 600)]
    assert served_within(customers, 3600) == [True, True, False, True]
    assert served_within([(True, 1800), (True, 1800), (True, 600)], 3000) == [True, None, True]
    assert served_within([], 3600) == []


@st.composite
def timetables(draw):
    """A day's stops without overlaps, on the half-hour grid between 8 and 17."""
    stops, cursor, i = [], 8 * 60, 0
    for weekday in ROUTE:
        cursor = 8 * 60 + draw(st.integers(0, 4)) * 30
        for _ in range(draw(st.integers(1, 3))):
            length = draw(st.integers(2, 6)) * 30
            if cursor + length > 17 * 60:
                break
            i += 1
            stops.append(
                StopSlot(i, f"p{i}", weekday, time(cursor // 60, cursor % 60),
                         time((cursor + length) // 60, (cursor + length) % 60))
            )  # fmt: skip
            cursor += length + draw(st.integers(1, 3)) * 30
    return stops


@settings(max_examples=200, deadline=None)
@given(
    timetables(),
    st.integers(0, 12),
    st.integers(0, 300),
    st.integers(0, 3),
)
def test_review__suggested_windows_fit_the_timetable(stops, visits, service_min, away):
    """Whatever the figures, a new window stays in the working day, on a route weekday,
    and leaves the driving gap to every other stop of its day."""
    rows = [
        d
        for s in stops
        for d in days(s, 8, visits=visits, service_min=min(service_min, s.length_min * 2),
                      turned_away=away)
    ]  # fmt: skip
    t = THRESHOLDS
    for r in review(stops, rows, ROUTE):
        s = r.suggestion
        if s is None or s.kind == DROP:
            continue
        a, b = minutes(s.arrives), minutes(s.departs)
        assert minutes(t.earliest) <= a < b <= minutes(t.latest)
        assert s.weekday in ROUTE
        assert b - a >= t.min_stop_min
        for o in stops:
            if o.weekday == s.weekday and o.id != s.stop.id:
                assert b + t.min_gap_min <= o.start or o.end + t.min_gap_min <= a
        if s.kind == LENGTHEN:
            assert b - a == s.stop.length_min + t.step_min
        if s.kind == SHORTEN:
            assert b - a < s.stop.length_min and a == s.stop.start


@given(
    st.lists(st.tuples(st.booleans(), st.integers(60, 3600)), max_size=20), st.integers(0, 20000)
)
def test_served_within__never_more_time_than_the_stop_has(customers, capacity):
    served = served_within(customers, capacity)
    used = sum(s for (_b, s), ok in zip(customers, served, strict=True) if ok)
    assert used <= capacity
    assert all(ok is not None for (b, _s), ok in zip(customers, served, strict=True) if not b)
    assert all(ok is not False for (b, _s), ok in zip(customers, served, strict=True) if b)


def test_evidence__is_additive():
    a = days(ULVILA, 3, visits=4, service_min=60)
    b = days(ULVILA, 5, visits=2, service_min=20)
    ev = evidence([ULVILA], a + b)[ULVILA.id]
    parts = [evidence([ULVILA], x)[ULVILA.id] for x in (a, b)]
    for name in ("stop_days", "walk_ins", "service_s", "open_s", "capacity_s"):
        assert getattr(ev, name) == sum(getattr(p, name) for p in parts)
    assert isinstance(ev, Evidence)
