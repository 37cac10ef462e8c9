from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from luukku.booking.messages import format_local
from luukku.booking.models import Booking, BookingState, Channel, Delivery, Visit
from luukku.booking.tasks import (
    deliver,
    queue_confirmation,
    reminder_key,
    schedule_reminders,
    send_cancellation,
    send_reminder,
    sweep,
)
from luukku.registry.models import Service


@pytest.fixture(autouse=True)
def _email_notifier(settings):
    settings.LUUKKU_NOTIFIER = "luukku.integration.notify.EmailNotifier"


def _visit(language: str = "fi") -> tuple[Visit, str]:
    visit = Visit(name="Testi Asiakas", email="asiakas@example.invalid", language=language)
    token = visit.issue_token()
    visit.save()
    return visit, token


def _book(site, *, in_hours: float, visit=None, **extra) -> Booking:
    start = (timezone.now() + timedelta(hours=in_hours)).replace(microsecond=0)
    return Booking.objects.create(
        visit=visit or _visit()[0],
        service=Service.objects.get(code="passport"),
        site=site,
        channel=Channel.IN_PERSON,
        start=start,
        end=start + timedelta(minutes=30),
        **extra,
    )


def _sent(booking: Booking) -> list[str]:
    return [
        d.kind
        for d in Delivery.objects.filter(visit=booking.visit, outcome="sent")
        if booking.pk in d.booking_ids
    ]


def test_send_confirmation__mails_the_visit_once_records_it_and_forgets_the_token(demo):
    visit, token = _visit()
    first = _book(demo["pori"], in_hours=48, visit=visit)
    second = _book(demo["pori"], in_hours=49, visit=visit, position=1)
    delivery = queue_confirmation(visit, [first, second], token)
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert visit.code in body and first.code not in body  # one code for the whole visit
    assert "klo" in body and body.count("Passi") == 2
    assert token in body  # the manage link is in the message ...
    delivery.refresh_from_db()
    assert (delivery.outcome, delivery.secret) == ("sent", "")  # ... and nowhere else
    assert delivery.sent_at is not None
    assert _sent(first) == _sent(second) == ["confirmation"]
    # Run again (a task rerun after a crash): nothing more is sent.
    assert deliver(delivery.pk, "another-run") == "skipped: already sent"
    assert len(mail.outbox) == 1


def test_send_confirmation__task_arguments_hold_ids_not_the_token(demo, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    visit, token = _visit()
    booking = _book(demo["pori"], in_hours=48, visit=visit)
    queue_confirmation(visit, [booking], token)
    row = DBTaskResult.objects.get(task_path__endswith="send_confirmation")
    assert token not in str(row.args_kwargs)
    assert row.args_kwargs["args"][1] == [booking.pk]


def test_deliver__claimed_by_a_live_run__is_not_sent_by_another(demo, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    visit, token = _visit()
    booking = _book(demo["pori"], in_hours=48, visit=visit)
    delivery = queue_confirmation(visit, [booking], token)
    Delivery.objects.filter(pk=delivery.pk).update(claimed_by="run-1", claimed_at=timezone.now())
    assert deliver(delivery.pk, "run-2") == "skipped: in progress"
    assert mail.outbox == []
    # The same run again (its task re-run after its worker died) takes it up.
    assert deliver(delivery.pk, "run-1") == "sent"
    assert len(mail.outbox) == 1


def test_deliver__abandoned_claim__is_taken_over_after_the_lease(demo, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    visit, token = _visit()
    delivery = queue_confirmation(visit, [_book(demo["pori"], in_hours=48, visit=visit)], token)
    long_ago = timezone.now() - timedelta(hours=1)
    Delivery.objects.filter(pk=delivery.pk).update(claimed_by="dead", claimed_at=long_ago)
    assert deliver(delivery.pk, "sweep") == "sent"


def test_send_reminder__twice__sends_once(demo):
    booking = _book(demo["pori"], in_hours=20)
    assert send_reminder.enqueue(booking.id).return_value == "sent"
    assert send_reminder.enqueue(booking.id).return_value == "skipped: already sent"
    assert len(mail.outbox) == 1
    assert Delivery.objects.filter(key=reminder_key(booking), outcome="sent").count() == 1


def test_send_reminder__rescheduled__is_reminded_again_at_the_new_time(demo):
    booking = _book(demo["pori"], in_hours=20)
    assert send_reminder.enqueue(booking.id).return_value == "sent"
    Booking.objects.filter(pk=booking.pk).update(
        start=booking.start + timedelta(hours=1), end=booking.end + timedelta(hours=1)
    )
    assert send_reminder.enqueue(booking.id).return_value == "sent"
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("state", [BookingState.CANCELLED, BookingState.NO_SHOW])
def test_send_reminder__booking_no_longer_active__is_skipped(demo, state):
    booking = _book(demo["pori"], in_hours=20, state=state)
    assert send_reminder.enqueue(booking.id).return_value == "skipped: not active"
    assert mail.outbox == []
    assert _sent(booking) == []


def test_send_reminder__booking_moved_later__is_not_due(demo):
    booking = _book(demo["pori"], in_hours=72)
    assert send_reminder.call(None, booking.id) == "skipped: not due"
    assert mail.outbox == []


def test_send_reminder__send_fails__stays_pending_for_a_retry(demo, settings):
    settings.LUUKKU_NOTIFIER = "luukku.booking.tests.test_tasks.FailingNotifier"
    booking = _book(demo["pori"], in_hours=20)
    result = send_reminder.enqueue(booking.id)
    assert result.status == TaskResultStatus.FAILED
    # The failure names the message, not its content.
    assert "gateway down" not in result.errors[0].traceback
    delivery = Delivery.objects.get(key=reminder_key(booking))
    assert (delivery.outcome, delivery.claimed_by, delivery.attempts) == ("", "", 1)
    settings.LUUKKU_NOTIFIER = "luukku.integration.notify.EmailNotifier"
    assert deliver(delivery.pk, "retry") == "sent"


class FailingNotifier:
    def send(self, message) -> None:
        raise ConnectionError("gateway down")


def test_send_cancellation__tells_once_of_cancelled_bookings_only(demo):
    visit, _token = _visit("en")
    cancelled = _book(demo["pori"], in_hours=48, visit=visit, state=BookingState.CANCELLED)
    kept = _book(demo["pori"], in_hours=49, visit=visit, position=1)
    assert send_cancellation.enqueue(visit.id).return_value == "sent"
    assert send_cancellation.enqueue(visit.id).return_value == "skipped: nothing to tell"
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert visit.code in body
    assert format_local(cancelled.start, "en") in body
    assert format_local(kept.start, "en") not in body


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
    assert "1 message(s) sent" in first.getvalue()
    assert "0 message(s) sent" in second.getvalue()
    assert len(mail.outbox) == 1
    assert due.visit.code in mail.outbox[0].body
    assert _sent(due) == ["reminder"]
    assert _sent(later) == _sent(cancelled) == []


def test_sweep__retries_a_failed_message_and_gives_up_after_the_last_attempt(demo, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    visit, token = _visit()
    delivery = queue_confirmation(visit, [_book(demo["pori"], in_hours=48, visit=visit)], token)
    later = timezone.now() + timedelta(minutes=5)
    settings.LUUKKU_NOTIFIER = "luukku.booking.tests.test_tasks.FailingNotifier"
    assert sweep("s1", now=later)["failed"] == 1
    Delivery.objects.filter(pk=delivery.pk).update(attempts=5)
    assert sweep("s2", now=later)["given_up"] == 1
    delivery.refresh_from_db()
    assert (delivery.outcome, delivery.secret) == ("failed", "")
    settings.LUUKKU_NOTIFIER = "luukku.integration.notify.EmailNotifier"
    assert sweep("s3", now=later)["sent"] == 0
    assert mail.outbox == []


def test_sweep__sends_a_pending_confirmation_whose_task_never_ran(demo, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    visit, token = _visit()
    delivery = queue_confirmation(visit, [_book(demo["pori"], in_hours=48, visit=visit)], token)
    assert sweep("s1")["sent"] == 0  # too fresh: its task is about to run
    assert sweep("s2", now=timezone.now() + timedelta(minutes=3))["sent"] == 1
    assert len(mail.outbox) == 1
    # The task itself, when it runs at last, sends nothing more.
    assert deliver(delivery.pk, "the-task") == "skipped: already sent"


def test_sweep__chain_visit__one_reminder_for_the_whole_day(demo):
    """A chain has one code and one reminder: the first leg's, naming every leg."""
    visit, _token = _visit("en")
    now = timezone.localtime()
    # Both on one local day, whatever the hour the test runs at.
    hours = 5 if (now + timedelta(hours=5)).date() == (now + timedelta(hours=5.5)).date() else 7
    first = _book(demo["pori"], in_hours=hours, visit=visit)
    second = _book(demo["pori"], in_hours=hours + 0.5, visit=visit, position=1)
    call_command("send_due_reminders", stdout=StringIO())
    call_command("send_due_reminders", stdout=StringIO())
    [message] = mail.outbox
    assert visit.code in message.body and message.body.count("Passport") == 2
    assert format_local(first.start, "en") in message.body
    assert format_local(second.start, "en") in message.body
    assert _sent(first) == ["reminder"] and _sent(second) == []
    assert send_reminder.enqueue(second.id, 24).return_value == "skipped: reminded with the visit"
