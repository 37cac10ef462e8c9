"""Call-next policy: one named case per rule, and a seeded property."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luukku.core.queueing import Kind, Policy, Waiting, ageing_score, choose_next, order_queue

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def ago(minutes: float) -> datetime:
    return NOW - timedelta(minutes=minutes)


def walk_in(id: int, waited: float, service: int = 1, **kw) -> Waiting:
    return Waiting(id, Kind.WALK_IN, service, ago(waited), **kw)


def booking(id: int, checked_in_ago: float, due_in: float, service: int = 1, **kw) -> Waiting:
    return Waiting(
        id, Kind.BOOKING, service, ago(checked_in_ago), due_at=NOW + timedelta(minutes=due_in), **kw
    )


def chain(id: int, waited: float, service: int = 1, **kw) -> Waiting:
    return Waiting(id, Kind.CHAIN, service, ago(waited), **kw)


def call(items, services=(1,), **kw):
    return choose_next(items, services=frozenset(services), now=NOW, **kw)


def test_policy__due_booking__beats_older_walk_in():
    assert call([walk_in(1, 30), booking(2, 2, 0)]).id == 2


def test_policy__booking_within_early_window__counts_as_due():
    assert call([walk_in(1, 30), booking(2, 1, 4)]).id == 2


def test_policy__early_checked_in_booking__waits_until_due():
    # Checked in 40 minutes ago for a time 20 minutes away: no priority yet, and
    # its early check-in does not make it overdue either.
    items = [walk_in(1, 1), booking(2, 40, 20)]
    assert call(items).id == 1
    assert [w.id for w in order_queue(items, services={1}, now=NOW)] == [1, 2]


def test_policy__early_booking__called_when_nobody_else_waits():
    assert call([booking(2, 40, 20)]).id == 2


def test_policy__early_booking__held_when_policy_says_so():
    assert call([booking(2, 40, 20)], policy=Policy(serve_early_bookings=False)) is None


def test_policy__due_bookings__earliest_due_first():
    assert call([booking(1, 10, 3), booking(2, 1, -2)]).id == 2


def test_policy__chain__before_walk_in():
    assert call([walk_in(1, 10), chain(2, 1)]).id == 2


def test_policy__chains__by_priority_since():
    a = chain(1, 2, priority_since=ago(20))
    b = chain(2, 10)
    assert call([b, a]).id == 1


def test_policy__walk_in_much_older_than_chain__ages_ahead():
    # 16 minutes more waiting outweighs the 15-point chain bonus.
    assert call([walk_in(1, 17), chain(2, 1)]).id == 1


def test_policy__walk_ins__in_order():
    assert [
        w.id
        for w in order_queue([walk_in(1, 3), walk_in(2, 9), walk_in(3, 5)], services={1}, now=NOW)
    ] == [2, 3, 1]


def test_policy__walk_in_past_max_wait__beats_due_booking():
    assert call([booking(2, 5, 0), walk_in(1, 46)]).id == 1


def test_policy__overdue__oldest_first_regardless_of_kind():
    items = [walk_in(1, 50), chain(2, 60), booking(3, 80, -55)]
    # The booking's wait counts from when it became due (60 min ago), not check-in.
    assert [w.id for w in order_queue(items, services={1}, now=NOW)] == [2, 3, 1]


def test_policy__transfer__keeps_priority_since():
    # Passed to another agency's queue 1 minute ago, but took the ticket 20 minutes ago.
    moved = walk_in(1, 1, priority_since=ago(20))
    assert call([walk_in(2, 10), moved]).id == 1


def test_policy__transfer__can_be_overdue_by_original_ticket_time():
    moved = walk_in(1, 1, priority_since=ago(50))
    assert call([booking(2, 5, 0), moved]).id == 1


def test_policy__parked__skipped_until_its_time():
    parked = walk_in(1, 30, parked_until=NOW + timedelta(minutes=1))
    assert call([parked, walk_in(2, 1)]).id == 2
    assert call([walk_in(1, 30, parked_until=NOW), walk_in(2, 1)]).id == 1


def test_policy__service_filter__other_services_never_called():
    assert call([walk_in(1, 44, service=2), walk_in(2, 1, service=1)]).id == 2
    assert call([walk_in(1, 44, service=2)]) is None


def test_policy__site_filter():
    items = [walk_in(1, 20, site_id=7), walk_in(2, 1, site_id=3)]
    assert call(items, sites={3}).id == 2
    assert call(items).id == 1


def test_policy__remote_official__only_remote_ok():
    items = [walk_in(1, 20), walk_in(2, 1, remote_ok=True)]
    assert call(items, remote=True).id == 2


def test_policy__nobody_waiting__none():
    assert call([]) is None


def test_policy__ageing_score__chain_bonus_in_points():
    p = Policy(ageing_per_minute=0.5)
    assert ageing_score(walk_in(1, 10), now=NOW, policy=p) == pytest.approx(5.0)
    assert ageing_score(chain(1, 10), now=NOW, policy=p) == pytest.approx(20.0)
    # At half a point a minute, a 15-point bonus is worth 30 minutes of waiting.
    assert call([walk_in(1, 29), chain(2, 0)], policy=p).id == 2
    assert call([walk_in(1, 31), chain(2, 0)], policy=p).id == 1


@pytest.mark.parametrize(
    "kw",
    [
        {"ageing_per_minute": 0.0},
        {"chain_bonus_min": -1.0},
        {"max_wait": timedelta(0)},
        {"booking_early": timedelta(minutes=-1)},
    ],
)
def test_policy__invalid_constants__refused(kw):
    with pytest.raises(ValueError):
        Policy(**kw)


def test_policy__choose_next__500_items__is_head_of_order():
    # A day's queue at a large point, larger than the property's examples; how fast
    # the pass is belongs to a benchmark, not a test (a CI machine's speed varies).
    items = [
        Waiting(
            i,
            (Kind.WALK_IN, Kind.CHAIN, Kind.BOOKING)[i % 3],
            i % 8,
            ago(i % 60),
            due_at=NOW + timedelta(minutes=i % 30 - 15) if i % 3 == 2 else None,
        )
        for i in range(500)
    ]
    services = frozenset(range(5))

    chosen = choose_next(items, services=services, now=NOW)

    assert chosen is order_queue(items, services=services, now=NOW)[0]


_kinds = st.sampled_from(list(Kind))
_minutes = st.integers(min_value=-90, max_value=90)


@st.composite
def _items(draw):
    n = draw(st.integers(min_value=0, max_value=25))
    out = []
    for i in range(n):
        kind = draw(_kinds)
        out.append(
            Waiting(
                id=i,
                kind=kind,
                service_id=draw(st.integers(min_value=1, max_value=4)),
                queued_at=ago(draw(st.integers(min_value=0, max_value=90))),
                priority_since=draw(st.none() | _minutes.map(ago)),
                due_at=draw(st.none() | _minutes.map(lambda m: NOW + timedelta(minutes=m)))
                if kind is Kind.BOOKING
                else None,
                site_id=draw(st.integers(min_value=0, max_value=2)),
                parked_until=draw(st.none() | _minutes.map(lambda m: NOW + timedelta(minutes=m))),
            )
        )
    return out


@settings(derandomize=True, max_examples=60, deadline=None)
@given(
    items=_items(),
    services=st.frozensets(st.integers(min_value=1, max_value=4)),
    sites=st.none() | st.frozensets(st.integers(min_value=0, max_value=2)),
)
def test_policy__property__choose_next_is_head_of_order_and_respects_filters(
    items, services, sites
):
    order = order_queue(items, services=services, now=NOW, sites=sites)
    chosen = choose_next(items, services=services, now=NOW, sites=sites)
    if not order:
        assert chosen is None
        return
    assert chosen is order[0]
    for item in order:
        assert item.service_id in services
        assert sites is None or item.site_id in sites
        assert item.parked_until is None or item.parked_until <= NOW
    # Nobody who qualifies is left out.
    expected = {
        w.id
        for w in items
        if w.service_id in services
        and (sites is None or w.site_id in sites)
        and (w.parked_until is None or w.parked_until <= NOW)
    }
    assert {w.id for w in order} == expected
    # Anyone past max_wait precedes everyone who is not.
    overdue = [_started(w) < NOW - Policy().max_wait for w in order]
    assert overdue == sorted(overdue, reverse=True)


def _started(w: Waiting) -> datetime:
    start = w.priority_since or w.queued_at
    if w.kind is Kind.BOOKING and w.due_at is not None:
        start = max(start, w.due_at - Policy().booking_early)
    return start
