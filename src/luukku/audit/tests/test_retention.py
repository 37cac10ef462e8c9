"""Retention: past its time a visit's personal data is gone from every table; statistics stay."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from luukku.audit.models import AccessAction, AccessEvent
from luukku.audit.retention import personal_data_purge
from luukku.audit.services import Actor, access_record
from luukku.audit.tasks import purge_expired_personal_data
from luukku.booking.models import Booking, BookingState, Visit
from luukku.booking.selectors import SearchFilters, availability
from luukku.booking.services import Customer, Leg, visit_book, visit_by_token
from luukku.booking.staff_services import (
    booking_cancel_for_customer,
    booking_check_in_for_customer,
)
from luukku.queueing.models import Ticket
from luukku.queueing.services import ticket_sms
from luukku.registry.models import Service

pytestmark = pytest.mark.django_db

NAME = "Rauni Retentiotesti"
PHONE_DIGITS = "407651234"  # in any stored form: 0407651234, +358407651234
EMAIL = "rauni.retentiotesti@example.invalid"
REASON = "Rauni soitti ja perui"


def _book(site, code: str, *, days_ahead: int = 0, name: str = NAME):
    service = Service.objects.select_related("agency").get(code=code)
    now = timezone.now() + timedelta(days=days_ahead)
    slot = availability(
        service,
        now,
        now + timedelta(days=30),
        SearchFilters(sites=(site.slug,), channel="in_person"),
    )[0]
    visit, bookings, token = visit_book(
        site=site,
        legs=[Leg(service=service, start=slot.start, channel=slot.channel)],
        customer=Customer(
            name=name,
            phone="040 765 1234",
            email=EMAIL,
            interpreter_language="so",
            needs_accessible=True,
        ),
    )
    return visit, bookings[0], token


def _rows_mentioning(*needles: str) -> list[tuple[str, str]]:
    """Every (table, row) in the database whose text holds one of the needles."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                text = " ".join(str(v) for v in row)
                if any(n.lower() in text.lower() for n in needles):
                    found.append((table, text[:200]))
    return found


@pytest.fixture(autouse=True)
def _commits(monkeypatch):
    """Run each on-commit callback when it is queued (the test itself never commits)."""
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture
def official():
    user = get_user_model().objects.get(username="kela.pori1")
    return Actor(user=user, remote_addr="192.0.2.10")


def test_retention__after_the_period__no_personal_data_in_any_table_and_statistics_stay(
    demo, official
):
    visit, booking, token = _book(demo["pori"], "benefit-advice")
    # Staff see the customer (read events) and check them in; the customer asks for an SMS.
    access_record(actor=official, action=AccessAction.CONTACT, bookings=[booking])
    check_in = booking_check_in_for_customer(
        actor=official, booking=booking, now=booking.start - timedelta(minutes=5)
    )
    ticket_sms(ticket=check_in.ticket, phone="040 765 1234")
    # A second visit of the same person, cancelled by staff with a reason naming them.
    other, cancelled, _ = _book(demo["pori"], "housing-allowance", days_ahead=3)
    booking_cancel_for_customer(actor=official, booking=cancelled, reason=REASON)
    Ticket.objects.filter(pk=check_in.ticket.pk).update(
        called_at=booking.start + timedelta(minutes=2),
        service_started_at=booking.start + timedelta(minutes=3),
    )
    assert _rows_mentioning(NAME, PHONE_DIGITS, EMAIL, REASON)  # the test can see them
    counts = (Booking.objects.count(), Ticket.objects.count(), Visit.objects.count())

    later = max(booking.end, cancelled.end) + timedelta(days=31)
    result = personal_data_purge(now=later)

    assert result.visits >= 2 and result.tickets >= 1 and result.bookings >= 1
    assert _rows_mentioning(NAME, PHONE_DIGITS, EMAIL, REASON) == []
    # Statistics: the same rows, with service, site, agency, times and states.
    assert (Booking.objects.count(), Ticket.objects.count(), Visit.objects.count()) == counts
    kept = Booking.objects.select_related("service__agency").get(pk=booking.pk)
    assert (kept.service.code, kept.site_id, kept.service.agency.code) == (
        "benefit-advice",
        demo["pori"].pk,
        "KELA",
    )
    assert kept.state == BookingState.CHECKED_IN and kept.start and kept.end
    assert Booking.objects.get(pk=cancelled.pk).state == BookingState.CANCELLED
    ticket = Ticket.objects.get(pk=check_in.ticket.pk)
    assert ticket.called_at - ticket.queued_at == timedelta(minutes=7)  # a waiting time
    assert ticket.service_id == booking.service_id and ticket.phone == ""
    anonymised = Visit.objects.get(pk=visit.pk)
    assert anonymised.anonymised_at == later and anonymised.group_size == 1
    # The manage link opens nothing any more; the read events are kept (ids only).
    assert visit_by_token(token) is None
    assert AccessEvent.objects.filter(booking_id=booking.pk).count() >= 2
    assert LogEntry.objects.filter(object_id=visit.pk).exists()


def test_retention__within_the_period__nothing_is_touched(demo, official):
    visit, booking, token = _book(demo["pori"], "benefit-advice")
    result = personal_data_purge(now=booking.end + timedelta(days=29))
    assert result.visits == 0
    visit.refresh_from_db()
    assert visit.name == NAME and visit.email == EMAIL and visit_by_token(token) == visit


def test_retention__cancelled_booking__contact_goes_a_period_after_the_cancellation(demo, official):
    visit, booking, _ = _book(demo["pori"], "benefit-advice", days_ahead=20)
    booking_cancel_for_customer(actor=official, booking=booking, reason=REASON)
    # Cancelled now; the booked time was weeks away: 31 days from now is enough.
    personal_data_purge(now=timezone.now() + timedelta(days=31))
    visit.refresh_from_db()
    booking.refresh_from_db()
    assert (visit.name, visit.phone, visit.email, booking.cancel_reason) == ("", "", "", "")


def test_retention__visit_with_a_later_booking_still_active__kept(demo, official):
    visit, first, _ = _book(demo["pori"], "benefit-advice")
    other, later_booking, _ = _book(demo["pori"], "housing-allowance", days_ahead=25)
    # Move the second booking into the first visit: one visit, an old and a coming booking.
    Booking.objects.filter(pk=later_booking.pk).update(visit=visit)
    personal_data_purge(now=first.end + timedelta(days=31))
    visit.refresh_from_db()
    assert visit.name == NAME


def test_retention__audit_log_kept_a_year_then_deleted(demo, official, settings):
    settings.LUUKKU_AUDIT_RETENTION_DAYS = 365
    visit, booking, _ = _book(demo["pori"], "benefit-advice")
    access_record(actor=official, action=AccessAction.OPEN, bookings=[booking])
    assert AccessEvent.objects.filter(booking_id=booking.pk).exists()
    personal_data_purge(now=timezone.now() + timedelta(days=200))
    assert AccessEvent.objects.filter(booking_id=booking.pk).exists()
    assert LogEntry.objects.filter(object_id=booking.pk).exists()
    result = personal_data_purge(now=timezone.now() + timedelta(days=366))
    assert result.access_events >= 1 and result.change_records >= 1
    assert not AccessEvent.objects.filter(booking_id=booking.pk).exists()
    assert not LogEntry.objects.filter(timestamp__lt=timezone.now() - timedelta(days=1)).exists()


def test_retention__finished_tasks_past_the_period__deleted(demo):
    old = timezone.now() - timedelta(days=40)
    row = DBTaskResult.objects.create(
        id=uuid.uuid4(),
        status="SUCCESSFUL",
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="luukku.booking.tasks.send_cancellation",
        backend_name="default",
        run_after=old,
        finished_at=old,
        exception_class_path="",
        traceback="",
    )
    assert personal_data_purge().tasks == 1
    assert not DBTaskResult.objects.filter(pk=row.pk).exists()


def test_retention__the_setting_decides(demo, settings):
    settings.LUUKKU_PERSONAL_DATA_RETENTION_DAYS = 60
    visit, booking, _ = _book(demo["pori"], "benefit-advice")
    personal_data_purge(now=booking.end + timedelta(days=31))
    visit.refresh_from_db()
    assert visit.name == NAME
    personal_data_purge(now=booking.end + timedelta(days=61))
    visit.refresh_from_db()
    assert visit.name == ""


def test_retention__task_and_command_run_the_sweep(demo, capsys):
    Visit.objects.create(name="Vanha Asiakas", token_hash=secrets.token_hex(32))
    Visit.objects.filter(name="Vanha Asiakas").update(
        created_at=timezone.now() - timedelta(days=40)
    )
    result = purge_expired_personal_data.enqueue()
    assert result.return_value["visits"] == 1
    assert not Visit.objects.filter(name="Vanha Asiakas").exists()
    call_command("purge_personal_data")
    assert "visits 0" in capsys.readouterr().out


def test_retention__the_worker_schedules_the_sweep(demo):
    from luukku.integration.worker import run_schedule

    assert "personal-data-purge" in run_schedule(now=timezone.now())


def test_retention__an_unsent_message_loses_its_token(demo):
    from luukku.booking.models import Delivery

    visit, booking, token = _book(demo["pori"], "benefit-advice")
    Delivery.objects.create(key=f"test:{visit.pk}", kind="confirmation", visit=visit, secret=token)
    personal_data_purge(now=booking.end + timedelta(days=31))
    assert not Delivery.objects.filter(secret=token).exists()
