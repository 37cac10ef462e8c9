"""The reserved-day summaries: kept right by every write, and never change a search's answer.

The search reads free time from the summaries (:func:`luukku.booking.gaps.free`) and
sweeps the reservations only of a day with a long break; these tests fill, free and
move time through the services and check that the rows equal a rebuild from the
reservations and that the search answers as it does sweeping every reservation.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from luukku.booking import days, selectors
from luukku.booking.gaps import swept
from luukku.booking.models import ResourceDay
from luukku.booking.overlap import ResourceTaken, hold_release, resources_hold
from luukku.booking.selectors import SearchFilters, availability, day_bounds
from luukku.booking.services import (
    Customer,
    Leg,
    booking_reschedule,
    booking_transition,
    visit_book,
    visit_cancel,
)
from luukku.registry.models import Service
from luukku.registry.snapshot import registry_snapshot

from .helpers import tax_card_remote

pytestmark = pytest.mark.django_db


def _rows() -> set[tuple]:
    return set(ResourceDay.objects.values_list("resource_id", "day", "first", "last", "longest"))


def _search(service, filters, days_ahead=21):
    """The first free times from tomorrow (the days the tests fill)."""
    since = day_bounds(timezone.localdate() + timedelta(days=1))[0]
    return [
        (s.start, s.site_id, s.official_id, s.space_id)
        for s in availability(service, since, since + timedelta(days=days_ahead), filters, limit=20)
    ]


def _fill_days(official_resource_id: int, site_id: int, n: int) -> list:
    """Hold the official for the whole opening hours of their next ``n`` open days."""
    snap = registry_snapshot()
    today = timezone.localdate()
    held, day = [], today + timedelta(days=1)
    while len(held) < n:
        for a, b, _stop in snap.opening(site_id, day, day):
            held.append(resources_hold(resource_ids=[official_resource_id], start=a, end=b)[0])
        day += timedelta(days=1)
    return held


def test_summaries__after_booking_cancelling_moving_and_no_show__equal_a_rebuild(demo):
    service = Service.objects.get(code="passport")
    made = []
    for i, slot in enumerate(
        availability(
            service,
            timezone.now(),
            timezone.now() + timedelta(days=14),
            SearchFilters(sites=("pori",)),
            per_site=8,
            limit=8,
        )
    ):
        made.append(
            visit_book(
                site=demo["pori"],
                legs=[Leg(service, slot.start, str(slot.channel))],
                customer=Customer(name=f"A{i}", phone=f"040 100 00{i:02d}"),
            )
        )
    assert len(made) >= 4 and ResourceDay.objects.exists()
    visit_cancel(visit=made[0][0])
    booking_transition(booking=made[1][1][0], to="no_show")
    later = _search(service, SearchFilters(sites=("pori",)), days_ahead=30)[-1][0]
    booking_reschedule(booking=made[2][1][0], start=later)
    kept = _rows()
    days.rebuild()
    assert _rows() == kept


@pytest.fixture
def sweeping(monkeypatch):
    """Search as if there were no summaries: every resource's reservations swept."""

    def use():
        monkeypatch.setattr(
            selectors, "free", lambda ids, lo, hi, duration: swept(sorted(ids), lo, hi, duration)
        )

    return use


def test_search__a_fully_booked_official__same_answer_as_sweeping_the_reservations(demo, sweeping):
    service, _site, slot = tax_card_remote(demo)  # one official serves it
    filters = SearchFilters(sites=("kankaanpaa",), channel="remote")
    snap = registry_snapshot()
    official = snap.officials[snap.by_resource[slot.official_id][1]]
    _fill_days(official.resource_id, official.home_site_id, 4)
    rows = ResourceDay.objects.filter(resource_id=official.resource_id)
    assert rows.count() == 4 and all(r.longest == 0 for r in rows)

    answer = _search(service, filters)
    fifth = sorted(rows.values_list("day", flat=True))[-1] + timedelta(days=1)
    assert answer and all(s[0] >= day_bounds(fifth)[0] for s in answer)
    sweeping()
    assert _search(service, filters) == answer


def test_hold_release__the_freed_day_is_found_again(demo):
    service, _site, slot = tax_card_remote(demo)
    filters = SearchFilters(sites=("kankaanpaa",), channel="remote")
    snap = registry_snapshot()
    official = snap.officials[snap.by_resource[slot.official_id][1]]
    before = _search(service, filters)
    held = _fill_days(official.resource_id, official.home_site_id, 3)
    assert _search(service, filters) != before
    for reservation in held:
        hold_release(reservation.pk, timezone.now())  # not begun: deleted
    assert _search(service, filters) == before
    assert not ResourceDay.objects.filter(resource_id=official.resource_id).exists()


def test_search__random_holds__same_answers_as_sweeping_the_reservations(demo, sweeping):
    rng = random.Random(7)
    snap = registry_snapshot()
    services = [Service.objects.get(code=c) for c in ("passport", "tax-card", "housing-allowance")]
    site = demo["pori"]
    resources = sorted(
        {
            o.resource_id
            for s in services
            for o in snap.officials_by_service.get(s.id, ())
            if o.home_site_id == site.pk
        }
        | {sp.resource_id for sp in snap.sites[site.pk].spaces}
    )
    today = timezone.localdate()
    for _ in range(300):
        day = today + timedelta(days=rng.randrange(1, 12))
        opening = snap.opening(site.pk, day, day)
        if not opening:
            continue
        a, b, _stop = opening[0]
        start = a + timedelta(minutes=15 * rng.randrange(int((b - a).total_seconds() // 900)))
        start += timedelta(minutes=rng.choice([0, 0, 5]))
        end = min(b, start + timedelta(minutes=rng.choice([20, 30, 60, 120, 240])))
        try:
            resources_hold(resource_ids=[rng.choice(resources)], start=start, end=end)
        except ResourceTaken:
            pass
    filters = [SearchFilters(sites=("pori",)), SearchFilters()]
    answers = {(s.code, i): _search(s, f) for s in services for i, f in enumerate(filters)}
    kept = _rows()
    days.rebuild()
    assert _rows() == kept
    sweeping()
    assert {(s.code, i): _search(s, f) for s in services for i, f in enumerate(filters)} == answers
