"""Bad arguments surface as SchedulingError naming the field."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from luukku.core.scheduling import (
    ChainLeg,
    ChainQuery,
    Interval,
    SchedulingError,
    SiteOption,
    SlotQuery,
    overlaps,
)

from .helpers import at, iv

HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: SlotQuery(timedelta(0), at(0), at(60)), "duration"),
        (lambda: SlotQuery(-HOUR, at(0), at(60)), "duration"),
        (lambda: SlotQuery(HOUR, at(60), at(60)), "not_after"),
        (lambda: SlotQuery(HOUR, datetime(2026, 12, 1), at(600)), "not_before"),
        (lambda: SlotQuery(HOUR, at(0), datetime(2026, 12, 1)), "not_after"),
        (lambda: SlotQuery(HOUR, at(0), at(600), step=timedelta(0)), "step"),
        (lambda: SlotQuery(HOUR, at(0), at(600), step=timedelta(milliseconds=1500)), "step"),
        (lambda: SlotQuery(HOUR, at(0), at(600), buffer=-HOUR), "buffer"),
        (lambda: SlotQuery(HOUR, at(0), at(600), per_site=0), "per_site"),
        (lambda: SlotQuery(HOUR, at(0), at(600), limit=0), "limit"),
        (lambda: Interval(at(60), at(60)), "end"),
        (lambda: Interval(datetime(2026, 12, 1), at(600)), "start"),
        (lambda: SiteOption(1, "bus", (), (), ()), "channel"),
        (lambda: SiteOption(1, "remote", (), (), (), max_parallel=-1), "max_parallel"),
        (lambda: ChainLeg(timedelta(0), ()), "duration"),
        (lambda: ChainQuery((), at(0), at(60)), "legs"),
        (lambda: ChainQuery((ChainLeg(HOUR, ()),), at(0), at(60), tz="Mars/Olympus"), "tz"),
        (lambda: ChainQuery((ChainLeg(HOUR, ()),), at(0), at(60), max_gap=-HOUR), "max_gap"),
        (lambda: ChainQuery((ChainLeg(HOUR, ()),), at(0), at(60), step=-HOUR), "step"),
    ],
)
def test_validation__bad_argument__names_the_field(build, field):
    with pytest.raises(SchedulingError) as info:
        build()
    assert info.value.field == field
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [((0, 60), (30, 90), True), ((0, 60), (60, 90), False), ((0, 60), (10, 20), True)],
)
def test_overlaps__half_open(a, b, expected):
    assert overlaps(iv(*a), iv(*b)) is expected
    assert overlaps(iv(*b), iv(*a)) is expected
