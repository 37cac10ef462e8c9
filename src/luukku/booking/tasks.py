"""Background tasks that tell customers about their bookings.

Tasks run on the django-tasks backend in ``TASKS`` (the database backend; its
worker is ``luukku db_worker``). Each takes ids, not objects, and re-reads the
booking, so a task that runs late acts on the booking as it is then. A task must
never see a booking that was rolled back: with the database backend in the
bookings' own database a booking queues its task inside its own transaction (the
task row commits or rolls back with it); with any other backend, enqueue from
``transaction.on_commit``. A new booking queues one task, ``send_confirmation``,
which also queues the reminders.

A :class:`~luukku.booking.models.Notification` row records what was sent; its
unique (booking, kind) constraint makes a reminder or a cancellation notice go
out once even if the task runs twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import TaskResult, task

from luukku.booking.messages import cancellation_message, confirmation_message, reminder_message
from luukku.booking.models import Booking, BookingState, Notification, Visit
from luukku.integration.notify import get_notifier

logger = logging.getLogger(__name__)

#: States in which a booking is still coming up and worth a reminder.
REMINDABLE_STATES = (BookingState.BOOKED, BookingState.CHECKED_IN)

CONFIRMATION, REMINDER, CANCELLATION = "confirmation", "reminder", "cancellation"

#: Slack on a deferred reminder before it counts as stale (the booking moved later).
REMINDER_SLACK = timedelta(hours=1)

_RELATED = ("service", "site", "space", "bus_stop")


def _channel(visit: Visit) -> str:
    return "+".join(c for c, given in (("email", visit.email), ("sms", visit.phone)) if given)


@task()
def send_confirmation(visit_id: int, manage_url: str, remind: list[int] | None = None) -> str:
    """Confirm a new or rescheduled visit: every coming booking in it in one message.

    ``remind`` names the visit's bookings just made or moved: their reminders are
    queued here, by the worker, so that a booking queues one task instead of one
    per message. They are queued even if the confirmation cannot be sent.
    """
    try:
        return _confirm(visit_id, manage_url)
    finally:
        for booking in Booking.objects.filter(pk__in=remind or ()):
            schedule_reminders(booking)


def _confirm(visit_id: int, manage_url: str) -> str:
    visit = Visit.objects.filter(pk=visit_id).first()
    if visit is None:
        return "skipped: no such visit"
    bookings = list(
        visit.bookings.filter(state__in=REMINDABLE_STATES)
        .select_related(*_RELATED)
        .order_by("start", "position")
    )
    if not bookings:
        return "skipped: nothing booked"
    if not _channel(visit):
        return "skipped: no contact"
    get_notifier().send(confirmation_message(visit, bookings, manage_url))
    for booking in bookings:
        # A record of the first confirmation; a rescheduled visit is confirmed again.
        Notification.objects.get_or_create(
            booking=booking, kind=CONFIRMATION, defaults={"channel": _channel(visit)}
        )
    return "sent"


@task()
def send_reminder(booking_id: int, hours_before: int = 24) -> str:
    """Remind of one coming booking, once.

    The Notification row is written in the same transaction as the message is
    handed over: if sending fails the row rolls back and a later run retries; if
    two runs race, the second hits the unique constraint and does nothing.
    """
    booking = Booking.objects.select_related("visit", *_RELATED).filter(pk=booking_id).first()
    if booking is None:
        return "skipped: no such booking"
    if booking.state not in REMINDABLE_STATES:
        return "skipped: not active"
    now = timezone.now()
    if booking.start <= now:
        return "skipped: already started"
    if booking.start - now > timedelta(hours=hours_before) + REMINDER_SLACK:
        # Rescheduled to a later time after this reminder was queued.
        return "skipped: not due"
    visit = booking.visit
    if not _channel(visit):
        return "skipped: no contact"
    if Notification.objects.filter(booking=booking, kind=REMINDER).exists():
        return "skipped: already sent"
    try:
        with transaction.atomic():
            Notification.objects.create(booking=booking, kind=REMINDER, channel=_channel(visit))
            get_notifier().send(reminder_message(visit, [booking]))
    except IntegrityError:
        return "skipped: already sent"
    return "sent"


@task()
def send_cancellation(visit_id: int) -> str:
    """Tell the customer of the visit's cancelled bookings not yet told about."""
    visit = Visit.objects.filter(pk=visit_id).first()
    if visit is None:
        return "skipped: no such visit"
    if not _channel(visit):
        return "skipped: no contact"
    try:
        with transaction.atomic():
            bookings = list(
                visit.bookings.filter(state=BookingState.CANCELLED)
                .exclude(notifications__kind=CANCELLATION)
                .select_related(*_RELATED)
                .order_by("start", "position")
            )
            if not bookings:
                return "skipped: nothing to tell"
            Notification.objects.bulk_create(
                [
                    Notification(booking=b, kind=CANCELLATION, channel=_channel(visit))
                    for b in bookings
                ]
            )
            get_notifier().send(cancellation_message(visit, bookings))
    except IntegrityError:
        return "skipped: already sent"
    return "sent"


def schedule_reminders(booking: Booking, *, hours_before: int = 24) -> TaskResult | None:
    """Queue the booking's reminder for ``hours_before`` its start.

    A reminder already due (a booking made at short notice) is queued to run now.
    A backend that cannot defer (the immediate backend, in tests and
    development) would send a future reminder at once, a day early, so there this
    is a no-op and the ``send_due_reminders`` sweep sends it when it is due.
    Returns the task result, or None when nothing was queued.
    """
    now = timezone.now()
    if booking.start <= now or booking.state not in REMINDABLE_STATES:
        return None
    run_at = booking.start - timedelta(hours=hours_before)
    if run_at <= now:
        return send_reminder.enqueue(booking.id, hours_before)
    if not send_reminder.get_backend().supports_defer:
        logger.debug("backend cannot defer; reminder for %s left to the sweep", booking.code)
        return None
    return send_reminder.using(run_after=run_at).enqueue(booking.id, hours_before)
