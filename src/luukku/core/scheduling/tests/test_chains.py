"""Named cases for find_chains."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from luukku.core.scheduling import ChainLeg, ChainQuery, find_chains

from .helpers import HELSINKI, at, cal, option

MIN = timedelta(minutes=1)


def leg(duration: int, *options) -> ChainLeg:
    return ChainLeg(duration * MIN, tuple(options))


def chain_query(*legs: ChainLeg, not_before=0, not_after=24 * 60, **kwargs) -> ChainQuery:
    return ChainQuery(tuple(legs), at(not_before), at(not_after), **kwargs)


def shape(chains):
    return [(c.site_id, [(s.start, s.official_id) for s in c.slots]) for c in chains]


def test_find_chains__two_agencies__consecutive_at_one_site():
    kela = option(1, officials=[cal(1, busy=[(0, 30)])])
    tax = option(1, officials=[cal(11, busy=[(0, 90)])])
    got = find_chains(chain_query(leg(30, kela), leg(45, tax), limit=2))
    assert shape(got) == [
        (1, [(at(30), 1), (at(90), 11)]),
        (1, [(at(45), 1), (at(90), 11)]),
    ]
    assert got[0].start == at(30) and got[0].end == at(135)


def test_find_chains__three_agencies__legs_in_order_and_same_space_kept():
    spaces = [cal(101), cal(102)]
    a = option(1, officials=[cal(1)], spaces=spaces)
    b = option(1, officials=[cal(11, busy=[(0, 60)])], spaces=spaces)
    c = option(1, officials=[cal(21, busy=[(0, 120)])], spaces=[cal(101, busy=[(0, 30)]), cal(102)])
    got = find_chains(chain_query(leg(30, a), leg(30, b), leg(30, c), limit=1))
    assert shape(got) == [(1, [(at(0), 1), (at(60), 11), (at(120), 21)])]
    assert {s.space_id for s in got[0].slots} == {101}


def test_find_chains__gap_limit():
    a = option(1, officials=[cal(1)])
    b = option(1, officials=[cal(11, busy=[(0, 120)])])
    got = find_chains(chain_query(leg(30, a), leg(30, b), max_gap=15 * MIN, limit=2))
    assert shape(got) == [(1, [(at(75), 1), (at(120), 11)]), (1, [(at(90), 1), (at(120), 11)])]
    none = find_chains(chain_query(leg(30, a), leg(30, b), max_gap=0 * MIN, not_after=100))
    assert none == []


def test_find_chains__only_sites_offering_every_leg():
    a1, a2 = option(1, officials=[cal(1)]), option(2, officials=[cal(1)])
    b2, b3 = option(2, officials=[cal(11)]), option(3, officials=[cal(11)])
    got = find_chains(chain_query(leg(30, a1, a2), leg(30, b2, b3)))
    assert {c.site_id for c in got} == {2}


def test_find_chains__official_in_two_legs_keeps_buffer():
    shared = cal(1)
    a = option(1, officials=[shared])
    b = option(1, officials=[shared])
    got = find_chains(chain_query(leg(30, a), leg(30, b), buffer=10 * MIN, limit=1))
    assert shape(got) == [(1, [(at(0), 1), (at(45), 1)])]


def test_find_chains__not_across_local_midnight():
    # 22:00-02:00 Helsinki on the night of 30 Nov; midnight local is 22:00 UTC.
    evening = datetime.combine(datetime(2026, 11, 30).date(), time(22), HELSINKI)
    start = int((evening.astimezone(UTC) - at(0)) / MIN)
    window = ((start, start + 240),)
    a = option(
        1, windows=window, officials=[cal(1, available=window)], spaces=[cal(101, available=window)]
    )
    b = option(
        1,
        windows=window,
        officials=[cal(11, available=window)],
        spaces=[cal(101, available=window)],
    )
    got = find_chains(chain_query(leg(60, a), leg(60, b), not_after=start + 240, limit=10))
    firsts = [c.start.astimezone(HELSINKI).time() for c in got]
    # 22:15-23:45 starts would fit the window but run past midnight.
    assert firsts == [time(22), time(0)]
    for c in got:
        day = c.start.astimezone(HELSINKI).date()
        assert c.end <= datetime.combine(day + timedelta(days=1), time(0), HELSINKI)


def test_find_chains__single_leg_is_a_slot_search():
    a = option(1, officials=[cal(1, busy=[(0, 15)])])
    got = find_chains(chain_query(leg(30, a), limit=2))
    assert shape(got) == [(1, [(at(15), 1)]), (1, [(at(30), 1)])]


def test_find_chains__limit_and_site_order():
    legs = [
        leg(30, *(option(s, officials=[cal(1)]) for s in (3, 2))),
        leg(30, *(option(s, officials=[cal(11)]) for s in (2, 3))),
    ]
    got = find_chains(chain_query(*legs, limit=3))
    assert [(c.site_id, c.start) for c in got] == [(2, at(0)), (3, at(0)), (2, at(15))]
