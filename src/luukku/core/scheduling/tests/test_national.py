"""A national-scale input stays correct (timing is measured outside the test suite)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from luukku.core.scheduling import (
    ChainLeg,
    ChainQuery,
    SiteOption,
    SlotQuery,
    find_chains,
    find_slots,
)

from .helpers import national_input, reference_slots, slot_is_valid

HALF_HOUR = timedelta(minutes=30)


@pytest.mark.parametrize("crowded_days", [10, 3])
def test_find_slots__national_input__earliest_per_site_matches_brute_force(crowded_days):
    sites, not_before, not_after = national_input(crowded_days=crowded_days)
    q = SlotQuery(HALF_HOUR, not_before, not_after, buffer=timedelta(minutes=5), limit=30)
    got = find_slots(q, sites)
    assert len(got) == 30
    by_id = {o.site_id: o for o in sites}
    for slot in got:
        assert slot_is_valid(q, by_id[slot.site_id], slot, q.buffer)
    for o in sites:
        assert [s for s in got if s.site_id == o.site_id] == reference_slots(q, o, 3)


def chain_legs(sites: list[SiteOption]) -> tuple[ChainLeg, ChainLeg]:
    """Two agencies per site: the first three officials and the other two."""
    first = tuple(
        SiteOption(o.site_id, o.channel, o.windows, o.officials[:3], o.spaces) for o in sites
    )
    second = tuple(
        SiteOption(o.site_id, o.channel, o.windows, o.officials[3:], o.spaces) for o in sites
    )
    return ChainLeg(HALF_HOUR, first), ChainLeg(timedelta(minutes=45), second)


@pytest.mark.parametrize("crowded_days", [10, 3])
def test_find_chains__national_input__valid_and_earliest_first(crowded_days):
    sites, not_before, not_after = national_input(crowded_days=crowded_days)
    legs = chain_legs(sites)
    got = find_chains(ChainQuery(legs, not_before, not_after, buffer=timedelta(minutes=5)))
    assert len(got) == 5
    assert [c.start for c in got] == sorted(c.start for c in got)
    for chain in got:
        first, second = chain.slots
        assert first.end <= second.start <= first.end + timedelta(minutes=30)
        options = [next(o for o in leg.options if o.site_id == chain.site_id) for leg in legs]
        for slot, o in zip(chain.slots, options, strict=True):
            assert slot_is_valid(None, o, slot, timedelta(minutes=5))
