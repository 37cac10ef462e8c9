from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from luukku.booking.models import Booking, BookingState, Channel, Notification, Visit
from luukku.booking.tasks import (
    schedule_reminders,
    send_cancellation,
    send_confirmation,
    send_reminder,
)
from luukku.registry.models import Service


@pytest.fixture(autouse=True)
def _email_notifier(settings):
    settings.LUUKKU_NOTIFIER = "luukku.integration.notify.EmailNotifier"


def _visit(language: str = "fi") -> Visit:
    visit = Visit(name="Testi Asiakas", email="asiakas@example.invalid", language=language)
    visit.issue_token()
    visit.save()
    return visit


def _book(site, *, in_hours: float, visit=None, **extra) -> Booking:
    start = (timezone.now() + timedelta(hours=in_hours)).replace(microsecond=0)
    return Booking.objects.create(
        visit=visit or _visit(),
        service=Service.objects.get(code="passport"),
        site=site,
        channel=Channel.IN_PERSON,
        start=start,
        end=start + timedelta(minutes=30),
        **extra,
    )


def _kinds(booking: Booking) -> list[str]:
    return list(booking.notifications.values_list("kind", flat=True))


def test_send_confirmation__mails_the_visit_once_and_records_it(demo):
    visit = _visit()
    first = _book(demo["pori"], in_hours=48, visit=visit)
    second = _book(demo["pori"], in_hours=49, visit=visit, position=1)
    result = send_confirmation.enqueue(visit.id, "https://luukku.example/v/tok")
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "sent"
    assert len(mail.outbox) == 1
    assert first.code in mail.outbox[0].body and second.code in mail.outbox[0].body
    assert _kinds(first) == _kinds(second) == ["confirmation"]


def test_send_reminder__twice__sends_once(demo):
    booking = _book(demo["pori"], in_hours=20)
    assert send_reminder.enqueue(booking.id).return_value == "sent"
    assert send_reminder.enqueue(booking.id).return_value == "skipped: already sent"
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(booking=booking, kind="reminder").count() == 1


def test_send_reminder__race__unique_constraint_makes_it_a_no_op(demo, monkeypatch):
    booking = _book(demo["pori"], in_hours=20)
    Notification.objects.create(booking=booking, kind="reminder", channel="email")
    # The other run wrote its row after this run looked.
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)
    assert send_reminder.call(booking.id) == "skipped: already sent"
    assert mail.outbox == []


@pytest.mark.parametrize("state", [BookingState.CANCELLED, BookingState.NO_SHOW])
def test_send_reminder__booking_no_longer_active__is_skipped(demo, state):
    booking = _book(demo["pori"], in_hours=20, state=state)
    assert send_reminder.enqueue(booking.id).return_value == "skipped: not active"
    assert mail.outbox == []
    assert _kinds(booking) == []


def test_send_reminder__booking_moved_later__is_not_due(demo):
    booking = _book(demo["pori"], in_hours=72)
    assert send_reminder.call(booking.id) == "skipped: not due"
    assert mail.outbox == []


def test_send_reminder__send_fails__nothing_recorded_so_it_can_retry(demo, settings):
    settings.LUUKKU_NOTIFIER = "luukku.booking.tests.test_tasks.FailingNotifier"
    booking = _book(demo["pori"], in_hours=20)
    result = send_reminder.enqueue(booking.id)
    assert result.status == TaskResultStatus.FAILED
    assert _kinds(booking) == []


class FailingNotifier:
    def send(self, message) -> None:
        raise ConnectionError("gateway down")


def test_send_cancellation__tells_once_of_cancelled_bookings_only(demo):
    visit = _visit("en")
    cancelled = _book(demo["pori"], in_hours=48, visit=visit, state=BookingState.CANCELLED)
    kept = _book(demo["pori"], in_hours=49, visit=visit, position=1)
    assert send_cancellation.enqueue(visit.id).return_value == "sent"
    assert send_cancellation.enqueue(visit.id).return_value == "skipped: nothing to tell"
    assert len(mail.outbox) == 1
    assert cancelled.code in mail.outbox[0].body
    assert kept.code not in mail.outbox[0].body


def test_schedule_reminders__immediate_backend__future_reminder_is_left_to_the_sweep(demo):
    booking = _book(demo["pori"], in_hours=48)
    assert schedule_reminders(booking) is None
    assert mail.outbox == []


def test_schedule_reminders__already_due__is_sent_now(demo):
    booking = _book(demo["pori"], in_hours=3)
    result = schedule_reminders(booking)
    assert result is not None and result.return_value == "sent"
    assert len(mail.outbox) == 1


def test_schedule_reminders__database_backend__defers_to_the_reminder_time(demo, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    booking = _book(demo["pori"], in_hours=48)
    result = schedule_reminders(booking, hours_before=24)
    row = DBTaskResult.objects.get(id=result.id)
    assert row.run_after == booking.start - timedelta(hours=24)
    assert row.args_kwargs["args"] == [booking.id, 24]
    assert mail.outbox == []


def test_send_due_reminders__sweeps_the_next_24_hours_once(demo):
    due = _book(demo["pori"], in_hours=5)
    later = _book(demo["pori"], in_hours=30)
    cancelled = _book(demo["pori"], in_hours=6, state=BookingState.CANCELLED)
    first, second = StringIO(), StringIO()
    call_command("send_due_reminders", stdout=first)
    call_command("send_due_reminders", stdout=second)
    assert "1 reminder(s) sent" in first.getvalue()
    assert "0 reminder(s) sent" in second.getvalue()
    assert len(mail.outbox) == 1
    assert due.code in mail.outbox[0].body
    assert _kinds(due) == ["reminder"]
    assert _kinds(later) == _kinds(cancelled) == []
