"""What one booking writes, on SQLite and PostgreSQL: the rows, the queued task, nothing on refusal.

On PostgreSQL the visit, the booking and its reservations are inserted by one
statement; these tests pin down that the rows are the ones ``save()`` would write,
and that with the database task backend the one task a booking queues commits or
rolls back with it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from luukku.booking.gaps import buffer
from luukku.booking.models import Booking, Delivery, Reservation, Visit, token_digest
from luukku.booking.selectors import SearchFilters, availability, chain_availability
from luukku.booking.services import BookingConflict, Customer, Leg, visit_book
from luukku.booking.tasks import send_confirmation
from luukku.registry.models import Service

from .helpers import tax_card_remote

pytestmark = pytest.mark.django_db


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_visit_book__chain__rows_as_save_would_write_them(demo):
    services = ["passport", "tax-card"]
    now = timezone.now()
    chain = chain_availability(
        [Service.objects.get(code=c) for c in services],
        now,
        now + timedelta(days=30),
        SearchFilters(sites=("pori",)),
        limit=1,
    )[0]
    legs = [
        Leg(Service.objects.get(code=c), slot.start, str(slot.channel))
        for c, slot in zip(services, chain.slots, strict=True)
    ]
    customer = Customer(name=" Perhe ", email="perhe@example.invalid", language="sv")

    visit, bookings, token = visit_book(site=demo["pori"], legs=legs, customer=customer)

    stored = Visit.objects.get(pk=visit.pk)
    assert (stored.name, stored.email, stored.language) == ("Perhe", "perhe@example.invalid", "sv")
    assert stored.token_hash == token_digest(token) and stored.created_at is not None
    assert not visit._state.adding
    for position, (booking, slot) in enumerate(zip(bookings, chain.slots, strict=True)):
        row = Booking.objects.get(pk=booking.pk)
        assert not booking._state.adding and booking.visit_id == visit.pk
        assert (row.visit_id, row.position, row.code) == (visit.pk, position, booking.code)
        assert (row.start, row.end, row.state) == (slot.start, slot.end, "booked")
        assert (row.official_id, row.space_id) == (booking.official_id, booking.space_id)
        assert row.created_at is not None and row.updated_at is not None
        held = Reservation.objects.filter(booking=row)
        assert sorted(held.values_list("resource_id", flat=True)) == sorted(
            [row.official.resource_id, row.space.resource_id]
        )
        assert {(r.start, r.end) for r in held} == {(slot.start, slot.end + buffer())}


def test_visit_book__remote__video_link_stored_with_the_booking(demo):
    service, site, slot = tax_card_remote(demo)
    _visit, bookings, _token = visit_book(
        site=site,
        legs=[Leg(service, slot.start, "remote")],
        customer=Customer(name="A", phone="040 100 0001"),
    )
    assert bookings[0].video_url.startswith("http")
    assert Booking.objects.get(pk=bookings[0].pk).video_url == bookings[0].video_url


class RecordingVideo:
    created: list[str] = []
    cancelled: list[str] = []

    def create_session(self, *, booking_code, start, end, agency_code) -> str:
        link = f"https://video.invalid/{booking_code}"
        self.created.append(link)
        return link

    def cancel_session(self, link: str) -> None:
        self.cancelled.append(link)


def test_visit_book__refused__video_session_of_the_refused_booking_cancelled(demo, settings):
    settings.LUUKKU_VIDEO_PROVIDER = f"{__name__}.RecordingVideo"
    RecordingVideo.created, RecordingVideo.cancelled = [], []
    service, site, slot = tax_card_remote(demo)
    leg = Leg(service, slot.start, "remote")
    visit_book(site=site, legs=[leg], customer=Customer(name="A", phone="040 100 0001"))
    # Taken since: the check before insert (or the constraint) refuses the second one.
    with pytest.raises(BookingConflict) as refused:
        visit_book(site=site, legs=[leg], customer=Customer(name="B", phone="040 100 0002"))
    assert refused.value.next_slots
    assert RecordingVideo.cancelled == RecordingVideo.created[1:]


def test_visit_book__database_backend__one_task_queued_with_the_booking(demo, db_tasks):
    service, site, slot = tax_card_remote(demo)
    leg = Leg(service, slot.start, "remote")
    visit, bookings, token = visit_book(
        site=site, legs=[leg], customer=Customer(name="A", phone="040 100 0001")
    )
    rows = list(DBTaskResult.objects.all())
    assert [r.task_path for r in rows] == ["luukku.booking.tasks.send_confirmation"]
    # Ids only: the task table keeps its arguments, so never the manage-link token.
    delivery = Delivery.objects.get(visit=visit)
    assert rows[0].args_kwargs["args"] == [delivery.pk, [bookings[0].pk]]
    assert token not in str(rows[0].args_kwargs)

    with pytest.raises(BookingConflict):
        visit_book(site=site, legs=[leg], customer=Customer(name="B", phone="040 100 0002"))
    assert DBTaskResult.objects.count() == 1  # the refused booking queued nothing


def test_confirmation_task__queues_the_reminders_of_the_new_bookings(demo, db_tasks):
    service = Service.objects.select_related("agency").get(code="passport")
    start = timezone.now() + timedelta(days=3)
    slot = availability(service, start, start + timedelta(days=30), SearchFilters(sites=("pori",)))[
        0
    ]
    visit, bookings, token = visit_book(
        site=demo["pori"],
        legs=[Leg(service, slot.start, str(slot.channel))],
        customer=Customer(name="A", email="a@example.invalid"),
    )
    DBTaskResult.objects.all().delete()  # as if the worker had taken the confirmation

    delivery = Delivery.objects.get(visit=visit)
    assert send_confirmation.call(None, delivery.pk, [bookings[0].pk]) == "sent"

    reminder = DBTaskResult.objects.get()
    assert reminder.task_path == "luukku.booking.tasks.send_reminder"
    assert reminder.args_kwargs["args"] == [bookings[0].pk, 24]
    assert reminder.run_after == bookings[0].start - timedelta(hours=24)
