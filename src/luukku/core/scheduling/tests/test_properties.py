"""Seeded property tests: every slot obeys the rules, and none earlier was missed."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from hypothesis import event, given, settings
from hypothesis import strategies as st

from luukku.core.scheduling import (
    ChainLeg,
    ChainQuery,
    Interval,
    SiteOption,
    SlotQuery,
    find_chains,
    find_slots,
)

from .helpers import HELSINKI, at, cal, grid, reference_slots, slot_at, slot_is_valid

MIN = timedelta(minutes=1)
SETTINGS = settings(derandomize=True, max_examples=150, deadline=None)


def _spans(max_size: int, offset: int):
    """Intervals in 5-minute units over ten hours, so ends often fall off a 15-minute grid."""
    return st.lists(st.tuples(st.integers(0, 120), st.integers(1, 36)), max_size=max_size).map(
        lambda xs: [(offset + 5 * a, offset + 5 * (a + n)) for a, n in xs]
    )


def _disjoint(max_size: int, offset: int):
    """Sorted, non-overlapping (possibly touching) intervals, as calendars promise."""

    def tidy(spans):
        out: list[list[int]] = []
        for a, b in sorted(spans):
            if out and a < out[-1][1]:
                out[-1][1] = max(out[-1][1], b)
            else:
                out.append([a, b])
        return [tuple(x) for x in out]

    return _spans(max_size, offset).map(tidy)


def _open(offset: int):
    """Mostly open hours with up to two holes, split at a random point to test touching."""

    def cut(args):
        holes, split = args
        free = [(offset, offset + 600)]
        for a, b in holes:
            free = [(x, y) for s, e in free for x, y in ((s, min(e, a)), (max(s, b), e)) if x < y]
        out = []
        for a, b in free:
            out.extend([(a, split), (split, b)] if a < split < b else [(a, b)])
        return out

    return st.tuples(_spans(2, offset), st.integers(0, 120).map(lambda u: offset + 5 * u)).map(cut)


@st.composite
def site_options(
    draw, site_id: int, offset: int = 0, official_base: int = 1, open_only: bool = False
) -> SiteOption:
    hours = _open(offset) if open_only else _open(offset) | _disjoint(3, offset)

    def pool(base: int, low: int, high: int):
        ids = draw(st.permutations(range(base, base + draw(st.integers(low, high)))))
        return tuple(
            cal(
                rid,
                available=draw(hours),
                busy=draw(_spans(4, offset)),
            )
            for rid in ids
        )

    max_parallel = draw(st.none() | st.integers(0, 3))
    return SiteOption(
        site_id=site_id,
        channel=draw(st.sampled_from(["in_person", "remote"])),
        windows=tuple(Interval(at(a), at(b)) for a, b in draw(hours.filter(bool))),
        officials=pool(official_base, 1, 3),
        spaces=pool(100, 1, 3),
        interpreters=pool(200, 0, 2),
        needs_interpreter=draw(st.booleans()),
        max_parallel=max_parallel,
        group_busy=tuple(Interval(at(a), at(b)) for a, b in draw(_spans(5, offset))),
    )


@st.composite
def slot_queries(draw) -> SlotQuery:
    return SlotQuery(
        duration=draw(st.sampled_from([10, 15, 20, 30, 45, 60])) * MIN,
        not_before=at(draw(st.integers(0, 24)) * 5),
        not_after=at(draw(st.integers(60, 130)) * 5),
        buffer=draw(st.sampled_from([0, 5, 10, 15])) * MIN,
        step=draw(st.sampled_from([5, 10, 15, 30])) * MIN,
        per_site=draw(st.integers(1, 4)),
        limit=draw(st.integers(1, 12)),
    )


@SETTINGS
@given(q=slot_queries(), data=st.data())
def test_find_slots__matches_brute_force_and_obeys_rules(q, data):
    options = [
        data.draw(site_options(site_id)) for site_id in (3, 1, 2)[: data.draw(st.integers(1, 3))]
    ]
    got = find_slots(q, options)
    event(f"slots: {min(len(got), 3)}")

    by_id = {o.site_id: o for o in options}
    for slot in got:
        assert slot_is_valid(q, by_id[slot.site_id], slot, q.buffer)
    expected = sorted(
        (s for o in options for s in reference_slots(q, o, q.per_site)),
        key=lambda s: (s.start, s.site_id),
    )[: q.limit]
    assert got == expected


@SETTINGS
@given(q=slot_queries(), o=site_options(1))
def test_find_slots__earliest_equals_brute_force_earliest(q, o):
    got = find_slots(q, [o])
    reference = reference_slots(q, o, 1)
    assert got[:1] == reference
    assert len({s.start for s in got}) == len(got)


def _day_end(start: datetime) -> datetime:
    day = start.astimezone(HELSINKI).date()
    return datetime.combine(day + timedelta(days=1), time(0), HELSINKI)


def _reference_first_chain(cq: ChainQuery, first: SiteOption, second: SiteOption):
    """Earliest first-leg start with some valid second leg, tried literally."""
    d1, d2 = cq.legs[0].duration, cq.legs[1].duration
    t1 = grid(cq.not_before, cq.step)
    while t1 + d1 <= cq.not_after:
        if slot_at(first, t1, t1 + d1, cq.buffer) is not None:
            t2 = grid(t1 + d1, cq.step)
            stop = min(cq.not_after, _day_end(t1))
            while t2 <= t1 + d1 + cq.max_gap and t2 + d2 <= stop:
                if slot_at(second, t2, t2 + d2, cq.buffer) is not None:
                    return t1
                t2 += cq.step
        t1 += cq.step
    return None


# 20:00 UTC is 22:00 in Helsinki: these calendars straddle local midnight.
EVENING = 14 * 60


@SETTINGS
@given(data=st.data())
def test_find_chains__earliest_equals_brute_force_and_legs_are_consecutive(data):
    first = data.draw(site_options(1, EVENING, official_base=1, open_only=True))
    second = data.draw(site_options(1, EVENING, official_base=11, open_only=True))
    cq = ChainQuery(
        legs=(
            ChainLeg(data.draw(st.sampled_from([15, 30, 45])) * MIN, (first,)),
            ChainLeg(data.draw(st.sampled_from([15, 30, 60])) * MIN, (second,)),
        ),
        not_before=at(EVENING + data.draw(st.integers(0, 12)) * 5),
        not_after=at(EVENING + data.draw(st.integers(60, 130)) * 5),
        max_gap=data.draw(st.sampled_from([0, 15, 30, 45])) * MIN,
        buffer=data.draw(st.sampled_from([0, 10])) * MIN,
        step=data.draw(st.sampled_from([10, 15])) * MIN,
        limit=3,
    )
    got = find_chains(cq)
    event(f"chains: {min(len(got), 2)}")
    expected = _reference_first_chain(cq, first, second)
    assert (got[0].start if got else None) == expected
    for chain in got:
        one, two = chain.slots
        assert slot_is_valid(None, first, one, cq.buffer)
        assert slot_is_valid(None, second, two, cq.buffer)
        assert one.end <= two.start <= one.end + cq.max_gap
        assert cq.not_before <= one.start and two.end <= cq.not_after
        assert two.end <= _day_end(one.start)
    assert len({c.start for c in got}) == len(got)
    assert [c.start for c in got] == sorted(c.start for c in got)
