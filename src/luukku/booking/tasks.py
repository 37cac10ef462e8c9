"""Background tasks that tell customers about their bookings, each message once.

Tasks run on the django-tasks backend in ``TASKS`` (the database backend; its
worker is ``luukku db_worker``, made crash-safe in ``integration/worker.py``: a
task interrupted by a crash runs again). Tasks take ids, never tokens or personal
data (the task table keeps its arguments), and re-read the booking, so a task that
runs late acts on the booking as it is then. With the database backend in the
bookings' own database a booking queues its task inside its own transaction;
with any other backend, from ``transaction.on_commit``.

Every message is a :class:`~luukku.booking.models.Delivery` row with a unique key.
:func:`deliver` sends it in three steps:

1. claim: a conditional update marks the row as this run's (``claimed_by`` is the
   task's id, which stays the same when a crashed task is run again) unless it is
   finished or another live run holds it; committed before anything is sent, so no
   transaction (and, on SQLite, no write lock) is held while the gateway answers;
2. hand the message, with its key, to the notifier;
3. record ``sent_at`` and clear the confirmation's raw token.

So a message is sent at least once and, but for one window, at most once: a crash
after the notifier accepted the message and before step 3 commits (one short
UPDATE) makes the rerun send it again, with the same key. A gateway that takes an
idempotency key (``Message.key``) closes that window; the e-mail notifier uses it
as the Message-ID. A crash at any other moment sends the message exactly once.
The sweep (:func:`sweep_deliveries`, every five minutes from the worker) sends the
reminders that were not sent on time and retries messages whose sending failed.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import TaskResult, task

from luukku.booking.messages import (
    HELSINKI,
    cancellation_message,
    confirmation_message,
    reminder_message,
)
from luukku.booking.models import Booking, BookingState, Delivery, Visit
from luukku.integration.notify import Message, get_notifier

logger = logging.getLogger(__name__)

#: States in which a booking is still coming up and worth a reminder.
REMINDABLE_STATES = (BookingState.BOOKED, BookingState.CHECKED_IN)

CONFIRMATION, REMINDER, CANCELLATION = "confirmation", "reminder", "cancellation"

#: Slack on a deferred reminder before it counts as stale (the booking moved later).
REMINDER_SLACK = timedelta(hours=1)
#: A claim older than this is taken for abandoned (a run outside the worker that died).
CLAIM_LEASE = timedelta(minutes=10)
#: The sweep retries a message still pending after this long ...
RETRY_AFTER = timedelta(minutes=2)
#: ... this many times in all, within this long; then it is given up (and its token cleared).
MAX_ATTEMPTS = 5
GIVE_UP_AFTER = timedelta(days=2)

_RELATED = ("service", "site", "space", "bus_stop")


class DeliveryFailed(Exception):
    """The notifier refused a message; it stays pending and the sweep retries it."""


def _channel(visit: Visit) -> str:
    return "+".join(c for c, given in (("email", visit.email), ("sms", visit.phone)) if given)


def reminder_key(booking: Booking) -> str:
    """One reminder per booking and start time: a moved booking is reminded again.

    A visit's bookings of one day share the reminder of the first (``_day_legs``).
    """
    return f"{REMINDER}:{booking.pk}:{int(booking.start.timestamp())}"


# -- queueing a message -------------------------------------------------------------


def queue_confirmation(visit: Visit, bookings: Sequence[Booking], token: str) -> Delivery:
    """Record the confirmation of a new or rescheduled visit and queue its sending.

    The raw token waits in the delivery row, not in the task's arguments, and is
    cleared when the message is out. The new bookings' reminders are queued by the
    task, so that a booking queues one task instead of one per message.
    """
    delivery = Delivery.objects.create(
        key=f"{CONFIRMATION}:{visit.pk}:{secrets.token_hex(8)}",
        kind=CONFIRMATION,
        visit=visit,
        booking_ids=[b.pk for b in bookings],
        secret=token,
    )
    send_confirmation.enqueue(delivery.pk, [b.pk for b in bookings])
    return delivery


# -- sending ------------------------------------------------------------------------


def _manage_url(token: str) -> str:
    from luukku.booking.services import manage_url  # services import this module

    return manage_url(token)


def _active(visit: Visit) -> list[Booking]:
    return list(
        visit.bookings.filter(state__in=REMINDABLE_STATES)
        .select_related(*_RELATED)
        .order_by("start", "position")
    )


def _local_date(dt: datetime):
    return timezone.localtime(dt, HELSINKI).date()


def _day_legs(booking: Booking) -> list[Booking]:
    """The visit's coming bookings on ``booking``'s day, in order: one reminder tells them
    all (a chain has one code and one reminder), sent for the first of them."""
    day = _local_date(booking.start)
    return [b for b in _active(booking.visit) if _local_date(b.start) == day]


def _build(delivery: Delivery, now: datetime) -> tuple[Message | None, str]:
    """The message to send now, or None and why not."""
    visit = delivery.visit
    if not _channel(visit):
        return None, "skipped: no contact"
    if delivery.kind == CONFIRMATION:
        bookings = _active(visit)
        if not bookings:
            return None, "skipped: nothing booked"
        url = _manage_url(delivery.secret) if delivery.secret else None
        message = confirmation_message(visit, bookings, url)
    elif delivery.kind == REMINDER:
        booking = (
            Booking.objects.select_related(*_RELATED).filter(pk__in=delivery.booking_ids).first()
        )
        if booking is None or booking.state not in REMINDABLE_STATES:
            return None, "skipped: not active"
        if booking.start <= now:
            return None, "skipped: already started"
        if reminder_key(booking) != delivery.key:
            return None, "skipped: moved"
        message = reminder_message(visit, _day_legs(booking))
    else:
        bookings = list(
            Booking.objects.filter(pk__in=delivery.booking_ids)
            .select_related(*_RELATED)
            .order_by("start", "position")
        )
        if not bookings:
            return None, "skipped: nothing to tell"
        message = cancellation_message(visit, bookings)
    redact = (delivery.secret,) if delivery.secret else ()
    return message.keyed(delivery.key, redact=redact), "sent"


def _finish(delivery_id: int, run_id: str, outcome: str, channel: str = "") -> None:
    Delivery.objects.filter(pk=delivery_id, claimed_by=run_id).update(
        outcome=outcome,
        sent_at=timezone.now() if outcome == "sent" else None,
        secret="",
        channel=channel,
    )


def deliver(delivery_id: int, run_id: str) -> str:
    """Send one message unless it is finished or another run holds it (see the module)."""
    now = timezone.now()
    claimed = (
        Delivery.objects.filter(pk=delivery_id, outcome="")
        .filter(Q(claimed_by="") | Q(claimed_by=run_id) | Q(claimed_at__lt=now - CLAIM_LEASE))
        .update(claimed_by=run_id, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        outcome = Delivery.objects.filter(pk=delivery_id).values_list("outcome", flat=True).first()
        if outcome is None:
            return "skipped: no such message"
        return {"": "skipped: in progress", "sent": "skipped: already sent"}.get(outcome, outcome)
    delivery = Delivery.objects.select_related("visit").get(pk=delivery_id)
    message, outcome = _build(delivery, now)
    if message is None:
        _finish(delivery_id, run_id, outcome)
        return outcome
    try:
        get_notifier().send(message)
    except Exception as exc:
        # Free the claim for the retry; the message and its token stay out of the record.
        Delivery.objects.filter(pk=delivery_id, claimed_by=run_id).update(claimed_by="")
        logger.warning("%s %s not sent: %s", delivery.kind, delivery_id, type(exc).__name__)
        raise DeliveryFailed(f"{delivery.kind} {delivery_id}: {type(exc).__name__}") from None
    _finish(delivery_id, run_id, "sent", _channel(delivery.visit))
    return "sent"


def _run_id(context) -> str:
    """The task's id, which a crashed task keeps when it runs again; a direct call gets a new one."""
    if context is None:
        return f"call-{secrets.token_hex(8)}"
    return str(context.task_result.id)


@task(takes_context=True)
def send_confirmation(context, delivery_id: int, remind: list[int] | None = None) -> str:
    """Confirm a new or rescheduled visit: every coming booking in it in one message.

    ``remind`` names the visit's bookings just made or moved: their reminders are
    queued here, even if the confirmation cannot be sent.
    """
    try:
        return deliver(delivery_id, _run_id(context))
    finally:
        for booking in Booking.objects.filter(pk__in=remind or ()):
            schedule_reminders(booking)


def _remind(booking_id: int, hours_before: int, run_id: str, now: datetime) -> str:
    booking = Booking.objects.select_related("visit").filter(pk=booking_id).first()
    if booking is None:
        return "skipped: no such booking"
    if booking.state not in REMINDABLE_STATES:
        return "skipped: not active"
    if booking.start <= now:
        return "skipped: already started"
    if booking.start - now > timedelta(hours=hours_before) + REMINDER_SLACK:
        # Rescheduled to a later time after this reminder was queued.
        return "skipped: not due"
    if not _channel(booking.visit):
        return "skipped: no contact"
    legs = _day_legs(booking)
    if legs and legs[0].pk != booking.pk:
        return "skipped: reminded with the visit"
    delivery, _created = Delivery.objects.get_or_create(
        key=reminder_key(booking),
        defaults={"kind": REMINDER, "visit": booking.visit, "booking_ids": [booking.pk]},
    )
    return deliver(delivery.pk, run_id)


@task(takes_context=True)
def send_reminder(context, booking_id: int, hours_before: int = 24) -> str:
    """Remind of one coming booking, once per start time."""
    return _remind(booking_id, hours_before, _run_id(context), timezone.now())


@task(takes_context=True)
def send_cancellation(context, visit_id: int) -> str:
    """Tell the customer of the visit's cancelled bookings not yet told about."""
    visit = Visit.objects.filter(pk=visit_id).first()
    if visit is None:
        return "skipped: no such visit"
    if not _channel(visit):
        return "skipped: no contact"
    told = {
        pk
        for ids in visit.deliveries.filter(kind=CANCELLATION).values_list("booking_ids", flat=True)
        for pk in ids
    }
    ids = sorted(
        pk
        for pk in visit.bookings.filter(state=BookingState.CANCELLED).values_list("pk", flat=True)
        if pk not in told
    )
    if not ids:
        return "skipped: nothing to tell"
    delivery, _created = Delivery.objects.get_or_create(
        key=f"{CANCELLATION}:{visit.pk}:" + ",".join(map(str, ids))[:90],
        defaults={"kind": CANCELLATION, "visit": visit, "booking_ids": ids},
    )
    return deliver(delivery.pk, _run_id(context))


def schedule_reminders(booking: Booking, *, hours_before: int = 24) -> TaskResult | None:
    """Queue the booking's reminder for ``hours_before`` its start.

    A reminder already due (a booking made at short notice) is queued to run now.
    A backend that cannot defer (the immediate backend, in tests and
    development) would send a future reminder at once, a day early, so there this
    is a no-op and the sweep sends it when it is due.
    Returns the task result, or None when nothing was queued.
    """
    now = timezone.now()
    if booking.start <= now or booking.state not in REMINDABLE_STATES:
        return None
    run_at = booking.start - timedelta(hours=hours_before)
    if run_at <= now:
        return send_reminder.enqueue(booking.id, hours_before)
    if not send_reminder.get_backend().supports_defer:
        logger.debug("backend cannot defer; reminder of booking %s left to the sweep", booking.pk)
        return None
    return send_reminder.using(run_after=run_at).enqueue(booking.id, hours_before)


# -- the sweep ----------------------------------------------------------------------


def sweep(run_id: str, *, hours: int = 24, now: datetime | None = None) -> dict[str, int]:
    """Send the due reminders not yet sent, retry failed messages, give up on old ones.

    Safe to run as often as you like and beside the worker: every message is a
    delivery that is sent once.
    """
    now = now or timezone.now()
    counts = {"sent": 0, "skipped": 0, "failed": 0, "given_up": 0}

    def count(outcome: str) -> None:
        counts["sent" if outcome == "sent" else "skipped"] += 1

    due = Booking.objects.filter(
        state__in=REMINDABLE_STATES, start__gt=now, start__lte=now + timedelta(hours=hours)
    ).order_by("start")
    bookings: dict[str, int] = {}
    days: set[tuple[int, object]] = set()
    for b in due.only("pk", "start", "visit_id"):
        if (b.visit_id, _local_date(b.start)) not in days:  # the first of a visit's day
            days.add((b.visit_id, _local_date(b.start)))
            bookings[reminder_key(b)] = b.pk
    finished = set(
        Delivery.objects.filter(key__in=bookings).exclude(outcome="").values_list("key", flat=True)
    )
    for key, booking_id in bookings.items():
        if key in finished:
            continue
        try:
            count(_remind(booking_id, hours, run_id, now))
        except DeliveryFailed:
            counts["failed"] += 1
    retry = (
        Delivery.objects.filter(
            outcome="",
            created_at__lt=now - RETRY_AFTER,
            created_at__gte=now - GIVE_UP_AFTER,
            attempts__lt=MAX_ATTEMPTS,
        )
        # Its own claims too: a sweep re-run after its worker died picks up where it was.
        .filter(Q(claimed_by="") | Q(claimed_by=run_id) | Q(claimed_at__lt=now - CLAIM_LEASE))
        .order_by("created_at")
        .values_list("pk", flat=True)
    )
    for delivery_id in list(retry):
        try:
            count(deliver(delivery_id, run_id))
        except DeliveryFailed:
            counts["failed"] += 1
    with transaction.atomic():
        counts["given_up"] = (
            Delivery.objects.filter(outcome="")
            .filter(Q(attempts__gte=MAX_ATTEMPTS) | Q(created_at__lt=now - GIVE_UP_AFTER))
            .filter(Q(claimed_by="") | Q(claimed_at__lt=now - CLAIM_LEASE))
            .update(outcome="failed", secret="")
        )
    if counts["given_up"]:
        logger.warning("gave up on %d message(s) after repeated failures", counts["given_up"])
    return counts


@task(takes_context=True)
def sweep_deliveries(context) -> dict[str, int]:
    """The periodic sweep (``LUUKKU_SCHEDULE``): see :func:`sweep`."""
    return sweep(_run_id(context))
