"""The search skips free gaps that cannot hold a slot on the grid: same answers as without.

The demo region gets a dense, seeded set of reservations at five-minute offsets, so
most free gaps are long enough for a service yet start off the 15-minute grid. Every
search is then run twice: as shipped, and with the grid pruning switched off (every
gap long enough is read, as the search did before), and the answers must agree.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta

import pytest
from django.utils import timezone

from luukku.booking import selectors
from luukku.booking.models import Reservation
from luukku.booking.selectors import (
    SearchFilters,
    availability,
    chain_availability,
    day_bounds,
    slot_at,
)
from luukku.registry.models import Resource
from luukku.registry.snapshot import registry_snapshot

pytestmark = pytest.mark.django_db

DAYS = 5


def _reference_free(resource_ids, not_before, not_after, duration):
    """Every free gap at least ``duration`` long, read through the ORM, grid or not."""
    buf = selectors.buffer()
    lo, hi = int(not_before.timestamp()), int(not_after.timestamp())
    need, pad = int(duration.total_seconds()), int(buf.total_seconds())
    rows = Reservation.objects.filter(
        resource_id__in=resource_ids, start__lt=not_after + buf, end__gt=not_before - buf
    ).order_by("resource_id", "start")
    by_resource = defaultdict(list)
    for r in rows:
        by_resource[r.resource_id].append((int(r.start.timestamp()), int(r.end.timestamp())))
    free = {}
    for rid, spans in by_resource.items():
        gaps, prev = [], lo
        for start, end in spans:
            if start - pad - prev >= need:
                gaps.append((prev, start - pad))
            prev = end
        if hi - prev >= need:
            gaps.append((prev, hi))
        free[rid] = gaps
    return free


@pytest.fixture
def dense(demo):
    """Fill most resources' days with bookings at 5-minute offsets, from a fixed seed."""
    rng = random.Random(11)
    today = timezone.localdate()
    start_day = today + timedelta(days=7 - today.weekday())  # next Monday: an open week
    rows = []
    for resource in Resource.objects.order_by("pk"):
        if rng.random() < 0.15:
            continue  # some resources stay wholly free
        for d in range(DAYS):
            t = day_bounds(start_day + timedelta(days=d))[0] + timedelta(hours=7)
            end_of_day = t + timedelta(hours=11)
            while True:
                t += timedelta(minutes=5 * rng.randint(0, 8))
                length = timedelta(minutes=5 * rng.randint(2, 14))
                if t + length > end_of_day:
                    break
                rows.append(Reservation(resource=resource, start=t, end=t + length))
                t += length
    Reservation.objects.bulk_create(rows)
    return start_day


def _both(monkeypatch, call):
    """The call's answer as shipped and with the grid pruning switched off."""
    pruned = call()
    with monkeypatch.context() as m:
        m.setattr(selectors, "_free", _reference_free)
        m.setattr(selectors, "_fitting", lambda spans, need: spans)
        full = call()
    return pruned, full


def test_search__grid_pruning_changes_no_answer(dense, monkeypatch):
    snap = registry_snapshot()
    start = day_bounds(dense)[0]
    end = start + timedelta(days=DAYS)
    rng = random.Random(5)
    services = sorted((s for s in snap.services.values() if s.bookable), key=lambda s: s.id)
    filters = [
        SearchFilters(),
        SearchFilters(channel="remote"),
        SearchFilters(channel="in_person", sites=("pori",)),
        SearchFilters(language="sv"),
        SearchFilters(language="en", group_size=2),
        SearchFilters(accessible=True),
    ]
    searched = found = 0
    for service in services:
        for f in rng.sample(filters, 3):
            not_before = start + timedelta(hours=rng.choice([0, 8, 9.25, 30]))
            for per_site, limit in ((3, 20), (1, 4)):
                pruned, full = _both(
                    monkeypatch,
                    lambda s=service, f=f, nb=not_before, p=per_site, li=limit: availability(
                        s, nb, end, f, per_site=p, limit=li, snap=snap
                    ),
                )
                assert pruned == full, (service.code, f, per_site, limit)
                searched += 1
                found += bool(pruned)
                for slot in pruned[:2]:
                    site = snap.sites[slot.site_id]
                    for shift in (0, 15, -15, 5):
                        at = slot.start + timedelta(minutes=shift)
                        a, b = _both(
                            monkeypatch,
                            lambda s=service, site=site, at=at, ch=slot.channel, f=f: slot_at(
                                snap, s, site, at, ch, f
                            ),
                        )
                        assert a == b, (service.code, f, at)
    assert found > searched // 2  # the set-up leaves room to book: the check is not vacuous


def test_chains__grid_pruning_changes_no_answer(dense, monkeypatch):
    snap = registry_snapshot()
    start = day_bounds(dense)[0]
    end = start + timedelta(days=DAYS)
    rng = random.Random(6)
    by_agency = defaultdict(list)
    for s in sorted(snap.services.values(), key=lambda s: s.id):
        if s.bookable:
            by_agency[s.agency_id].append(s.id)
    found = 0
    for _ in range(12):
        agencies = rng.sample(sorted(by_agency), rng.choice([2, 3]))
        services = [rng.choice(by_agency[a]) for a in agencies]
        pruned, full = _both(
            monkeypatch,
            lambda s=services: chain_availability(s, start, end, limit=3, snap=snap),
        )
        assert pruned == full, services
        found += bool(pruned)
    assert found


@pytest.mark.parametrize(
    ("spans", "need", "kept"),
    [
        ([], 900, []),
        ([(300, 1500)], 900, []),  # 20 minutes, but 15 on the grid only from 900 to 1800
        ([(900, 1800)], 900, [(900, 1800)]),
        ([(300, 1800)], 900, [(300, 1800)]),
        ([(300, 1200), (1200, 1800)], 900, [(300, 1200), (1200, 1800)]),  # touching: one run
        ([(300, 1200), (1250, 1800)], 900, []),
        ([(0, 100), (950, 2700), (3000, 3600)], 1800, []),
        ([(0, 100), (900, 2700), (3000, 3600)], 1800, [(900, 2700)]),
    ],
)
def test_fitting__keeps_runs_that_hold_a_grid_start(spans, need, kept):
    assert selectors._fitting(spans, need) == kept
