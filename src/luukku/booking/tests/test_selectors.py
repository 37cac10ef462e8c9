"""The search over a densely booked region: every slot it offers is really free.

The demo region gets a dense, seeded set of reservations at five-minute offsets, so
most free gaps are long enough for a service yet start off the 15-minute grid, and
many reservations straddle the edges of the search's day-by-day periods.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from luukku.booking import days
from luukku.booking.gaps import buffer
from luukku.booking.models import Reservation
from luukku.booking.selectors import (
    SearchFilters,
    availability,
    ceil_to_grid,
    chain_availability,
    day_bounds,
    slot_at,
)
from luukku.core.scheduling import Slot
from luukku.registry.models import Resource
from luukku.registry.snapshot import registry_snapshot

pytestmark = pytest.mark.django_db

DAYS = 5


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
    days.rebuild()  # written past the services: summarise them as a bulk load does
    return start_day


def _is_free(slot: Slot) -> bool:
    """No reservation of the slot's resources overlaps it and the buffer after it."""
    ids = [slot.official_id, slot.space_id] + ([slot.interpreter_id] if slot.interpreter_id else [])
    return not Reservation.objects.filter(
        resource_id__in=ids, start__lt=slot.end + buffer(), end__gt=slot.start
    ).exists()


def test_search__dense_calendars__every_slot_is_free_and_bookable(dense):
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
            slots = availability(service, not_before, end, f, per_site=3, limit=20, snap=snap)
            searched += 1
            found += bool(slots)
            assert [s.start for s in slots] == sorted(s.start for s in slots)
            for slot in slots:
                assert slot.start >= not_before and slot.end <= end
                assert slot.start.minute % 15 == 0
                assert _is_free(slot), (service.code, f, slot)
            for slot in slots[:2]:
                site = snap.sites[slot.site_id]
                again = slot_at(snap, service, site, slot.start, slot.channel, f)
                assert again is not None and _is_free(again), (service.code, f, slot)
    assert found > searched // 2  # the set-up leaves room to book: the check is not vacuous


def test_chains__dense_calendars__every_leg_is_free_and_follows_the_last(dense):
    snap = registry_snapshot()
    start = day_bounds(dense)[0]
    end = start + timedelta(days=DAYS)
    rng = random.Random(6)
    by_agency: dict[int, list[int]] = {}
    for s in sorted(snap.services.values(), key=lambda s: s.id):
        if s.bookable:
            by_agency.setdefault(s.agency_id, []).append(s.id)
    found = 0
    for _ in range(12):
        agencies = rng.sample(sorted(by_agency), rng.choice([2, 3]))
        services = [rng.choice(by_agency[a]) for a in agencies]
        chains = chain_availability(services, start, end, limit=3, snap=snap)
        found += bool(chains)
        for chain in chains:
            for one, two in zip(chain.slots, chain.slots[1:], strict=False):
                assert one.end <= two.start
            assert all(_is_free(slot) for slot in chain.slots), services
    assert found


@pytest.mark.parametrize(
    ("now", "first"),
    [
        ((10, 0, 0, 0), (10, 0)),
        ((10, 0, 0, 100_000), (10, 15)),  # a tenth of a second late: 10:00 has begun
        ((10, 0, 0, 1), (10, 15)),
        ((10, 14, 59, 999_999), (10, 15)),
        ((10, 15, 0, 0), (10, 15)),
    ],
)
def test_ceil_to_grid__exact_to_the_microsecond(now, first):
    """A CI run at 10:00:00.1 was offered 10:00, which the booking then refused as begun."""
    h, m, s, us = now
    at = datetime(2026, 12, 3, h, m, s, us, tzinfo=UTC)
    assert ceil_to_grid(at) == datetime(2026, 12, 3, *first, tzinfo=UTC)
