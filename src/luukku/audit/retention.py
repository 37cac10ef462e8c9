"""Retention: personal data goes a set time after the visit; what statistics need stays.

After ``LUUKKU_PERSONAL_DATA_RETENTION_DAYS`` (default 30) from a visit's last
booking (or from its cancellation, for a cancelled or missed booking), the visit is
*anonymised*: its name, phone and e-mail are emptied and its manage-link digest is
replaced, so no link opens it again. Its bookings stay with service, site, agency,
channel, times and state (counts, waiting and service times stay computable), and
lose the free-text reason staff gave for cancelling; a message never sent loses the
manage-link token it held. Tickets keep their times and service and lose the phone
number typed for an SMS. Feedback keeps its score and loses its comment (free text a
customer may have signed). Finished background tasks and expired sessions of that age
go too (a task's arguments and a session name a visit).

The audit log — read events and auditlog's change records, which hold ids and masked
values only — is kept for ``LUUKKU_AUDIT_RETENTION_DAYS`` (default 365), then deleted
by the same sweep. A visit plan (``luukku.advice``) goes with its visit — or by its
own age when it booked nothing: its hand-over note is deleted and the contact the
plan was sent to emptied; its services and times stay. Documents left at the info
desk lose the customer's name, contact and the description of the documents that
long after the agency received them (or after they were left, if it never did);
agency, point and times stay.

Everything is done with bulk UPDATE/DELETE in batches: no per-row save, so no change
record is written for the anonymisation itself (a record would only say "[masked]").
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from luukku.advice.models import DocumentDropOff, HandoverNote, VisitPlan
from luukku.audit.models import AccessEvent
from luukku.booking.models import Booking, BookingState, Delivery, Visit
from luukku.feedback.models import Feedback
from luukku.queueing.models import Ticket

#: Rows changed per statement (and per transaction): short write locks on SQLite.
BATCH = 500

#: A booking in one of these states no longer needs its contact once it is this old.
_ENDED_EARLY = (BookingState.CANCELLED, BookingState.NO_SHOW)


@dataclass(frozen=True)
class PurgeResult:
    visits: int = 0
    bookings: int = 0
    tickets: int = 0
    tasks: int = 0
    sessions: int = 0
    access_events: int = 0
    change_records: int = 0
    feedback_comments: int = 0
    plans: int = 0
    dropoffs: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def personal_data_cutoff(now: datetime) -> datetime:
    return now - timedelta(days=settings.LUUKKU_PERSONAL_DATA_RETENTION_DAYS)


def audit_cutoff(now: datetime) -> datetime:
    return now - timedelta(days=settings.LUUKKU_AUDIT_RETENTION_DAYS)


def expired_visits(cutoff: datetime):
    """Visits not yet anonymised of which no booking still needs the contact at ``cutoff``.

    A booking still needs it while it ends after the cut-off, unless it was cancelled
    (or missed) before the cut-off. A visit with no bookings at all goes by its age.
    """
    still_needed = Booking.objects.filter(visit=OuterRef("pk"), end__gte=cutoff).exclude(
        state__in=_ENDED_EARLY, updated_at__lt=cutoff
    )
    return Visit.objects.filter(anonymised_at__isnull=True, created_at__lt=cutoff).exclude(
        Exists(still_needed)
    )


def _in_batches(queryset, action) -> int:
    """Apply ``action(ids)`` to the queryset's rows, BATCH ids per transaction."""
    total = 0
    while True:
        with transaction.atomic():
            ids = list(queryset.values_list("pk", flat=True)[:BATCH])
            if not ids:
                return total
            total += action(ids)


def _anonymise_visits(ids: list, now: datetime) -> int:
    # A message never sent may still hold its manage-link token: it opens nothing now.
    Delivery.objects.filter(visit_id__in=ids).exclude(secret="").update(secret="")
    # The digest must stay unique: "-<id>" is no SHA-256 hex digest, so no token matches.
    return Visit.objects.filter(pk__in=ids).update(
        name="",
        phone="",
        email="",
        token_hash=Concat(Value("anonymised-"), Cast("pk", CharField())),
        anonymised_at=now,
    )


def expired_plans(cutoff: datetime):
    """Plans not yet anonymised whose visit's personal data is gone (or that booked nothing)."""
    gone = Q(visit__isnull=True) | Q(visit__anonymised_at__isnull=False)
    return VisitPlan.objects.filter(gone | Q(visit__in=expired_visits(cutoff))).filter(
        anonymised_at__isnull=True, created_at__lt=cutoff
    )


def _anonymise_plans(ids: list, now: datetime) -> int:
    HandoverNote.objects.filter(plan_id__in=ids).delete()
    return VisitPlan.objects.filter(pk__in=ids).update(phone="", email="", anonymised_at=now)


def personal_data_purge(*, now: datetime | None = None) -> PurgeResult:
    """Anonymise what is past its retention time and delete the audit log past its own."""
    now = now or timezone.now()
    cutoff = personal_data_cutoff(now)
    old_log = audit_cutoff(now)

    bookings = _in_batches(
        Booking.objects.filter(~Q(cancel_reason=""), visit__in=expired_visits(cutoff)),
        lambda ids: Booking.objects.filter(pk__in=ids).update(cancel_reason=""),
    )
    visits = _in_batches(expired_visits(cutoff), lambda ids: _anonymise_visits(ids, now))
    plans = _in_batches(expired_plans(cutoff), lambda ids: _anonymise_plans(ids, now))
    dropoffs = _in_batches(
        # From when the agency received them (it may still need to reach the customer
        # until then), or from when they were left if nobody ever did.
        DocumentDropOff.objects.filter(
            Q(received_at__lt=cutoff) | Q(received_at__isnull=True, left_at__lt=cutoff),
            anonymised_at__isnull=True,
        ),
        lambda ids: DocumentDropOff.objects.filter(pk__in=ids).update(
            name="", phone="", email="", documents="", anonymised_at=now
        ),
    )
    tickets = _in_batches(
        Ticket.objects.filter(queued_at__lt=cutoff).exclude(phone=""),
        lambda ids: Ticket.objects.filter(pk__in=ids).update(phone=""),
    )
    comments = _in_batches(
        Feedback.objects.filter(created_at__lt=cutoff).exclude(comment=""),
        lambda ids: Feedback.objects.filter(pk__in=ids).update(comment=""),
    )
    tasks = _in_batches(
        DBTaskResult.objects.filter(
            status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
            finished_at__lt=cutoff,
        ),
        lambda ids: DBTaskResult.objects.filter(pk__in=ids).delete()[0],
    )
    sessions = _in_batches(
        Session.objects.filter(expire_date__lt=now),
        lambda ids: Session.objects.filter(pk__in=ids).delete()[0],
    )
    events = _in_batches(
        AccessEvent.objects.filter(at__lt=old_log),
        lambda ids: AccessEvent.objects.filter(pk__in=ids).delete()[0],
    )
    changes = _in_batches(
        LogEntry.objects.filter(timestamp__lt=old_log),
        lambda ids: LogEntry.objects.filter(pk__in=ids).delete()[0],
    )
    return PurgeResult(
        visits=visits,
        bookings=bookings,
        tickets=tickets,
        tasks=tasks,
        sessions=sessions,
        access_events=events,
        change_records=changes,
        feedback_comments=comments,
        plans=plans,
        dropoffs=dropoffs,
    )


__all__ = ["PurgeResult", "expired_plans", "expired_visits", "personal_data_purge"]
