"""Never a double booking: clients racing for one slot, on SQLite and on PostgreSQL.

The City of Helsinki's tilavarauspalvelu once let two simultaneous requests make
overlapping reservations; here exactly one of them wins and the others are told
the next free times.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from luukku.booking import days
from luukku.booking.models import Booking, Reservation, ResourceDay
from luukku.booking.selectors import SearchFilters, availability, day_bounds
from luukku.booking.services import (
    BookingConflict,
    Customer,
    Leg,
    double_bookings,
    visit_book,
    visit_cancel,
)
from luukku.registry.models import Resource, Service

from .helpers import tax_card_remote

pytestmark = pytest.mark.django_db(transaction=True)
CLIENTS = 8


def race(target, n: int = CLIENTS) -> list:
    """Run ``target(i)`` in ``n`` threads released at once; each thread has its own connection."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = target(i)
        except Exception as exc:  # collected and asserted on below
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_race__one_official__exactly_one_wins(demo):
    service, site, slot = tax_card_remote(demo)

    def book(i):
        return visit_book(
            site=site,
            legs=[Leg(service, slot.start, "remote")],
            customer=Customer(name=f"Asiakas {i}", phone=f"040{i:07d}"),
        )

    results = race(book)
    wins = [r for r in results if isinstance(r, tuple)]
    conflicts = [r for r in results if isinstance(r, BookingConflict)]
    assert len(wins) == 1, results
    assert len(conflicts) == CLIENTS - 1, results
    assert all(c.next_slots and c.next_slots[0].start > slot.start for c in conflicts)
    assert Booking.objects.filter(service=service, start=slot.start).count() == 1
    assert double_bookings() == 0


def test_race__pooled_officials__as_many_win_as_there_are_resources(demo):
    service = Service.objects.get(code="passport")
    site = demo["pori"]
    now = timezone.now()
    slot = availability(service, now, now + timedelta(days=30), SearchFilters(sites=("pori",)))[0]

    def book(i):
        return visit_book(
            site=site,
            legs=[Leg(service, slot.start, "in_person")],
            customer=Customer(name=f"A{i}", email=f"a{i}@x.invalid"),
        )

    results = race(book)
    wins = [r for r in results if isinstance(r, tuple)]
    assert all(isinstance(r, tuple | BookingConflict) for r in results), results
    officials = Booking.objects.filter(service=service, start=slot.start).values_list(
        "official", flat=True
    )
    assert len(wins) == len(officials) == len(set(officials)) >= 1
    assert double_bookings() == 0


def test_database_refuses_overlap_directly(demo):
    """Even a write that skips the service cannot overlap on PostgreSQL."""
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint is PostgreSQL's; SQLite relies on serialized writers")
    res = Resource.objects.first()
    start = timezone.now() + timedelta(days=3)
    Reservation.objects.create(resource=res, start=start, end=start + timedelta(minutes=30))
    with pytest.raises(IntegrityError), transaction.atomic():
        Reservation.objects.create(
            resource=res, start=start + timedelta(minutes=10), end=start + timedelta(minutes=40)
        )


def test_race__booking_and_cancelling_one_official_s_day__summaries_stay_exact(demo):
    """Bookings and cancellations of one official's day at once: the day's summary row is
    locked, re-read and written by each in turn, so it ends as a rebuild would make it."""
    service, site, _slot = tax_card_remote(demo)  # one official serves it
    now = timezone.now()
    tomorrow = day_bounds(timezone.localdate() + timedelta(days=1))[0]
    found = availability(
        service,
        tomorrow,
        tomorrow + timedelta(days=14),
        SearchFilters(sites=("kankaanpaa",), channel="remote"),
        per_site=40,
        limit=40,
    )
    first_day = timezone.localdate(found[0].start)
    slots = [s for s in found if timezone.localdate(s.start) == first_day][:CLIENTS]
    assert len(slots) >= 4
    customer = lambda i: Customer(name=f"C{i}", phone=f"050{i:07d}")  # noqa: E731
    early = [
        visit_book(site=site, legs=[Leg(service, s.start, "remote")], customer=customer(i))
        for i, s in enumerate(slots[::2])
    ]

    def act(i):
        if i % 2 == 0 and i // 2 < len(early):
            return visit_cancel(visit=early[i // 2][0], now=now)
        s = slots[1::2][(i // 2) % len(slots[1::2])]
        return visit_book(
            site=site, legs=[Leg(service, s.start, "remote")], customer=customer(100 + i)
        )

    results = race(act)
    assert all(isinstance(r, tuple | list | BookingConflict) for r in results), results
    kept = set(ResourceDay.objects.values_list("resource_id", "day", "first", "last", "longest"))
    days.rebuild()
    assert (
        set(ResourceDay.objects.values_list("resource_id", "day", "first", "last", "longest"))
        == kept
    )
    assert double_bookings() == 0
