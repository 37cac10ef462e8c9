"""Writes of the audit log: read events, after the request's work has committed.

An event is queued with ``transaction.on_commit``: a look that was part of work
rolled back (say, a check-in that failed) is still recorded — the data was shown —
but only once the outcome is known, and never inside the caller's transaction
(an audit write must not be what makes a check-in fail). Outside any
transaction the event is written at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from auditlog.middleware import AuditlogMiddleware
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from luukku.access.policy import profile_of
from luukku.audit.models import AccessAction, AccessEvent
from luukku.booking.models import Booking


@dataclass(frozen=True)
class Actor:
    """Who looks and from where: a signed-in user and their client address."""

    user: object
    remote_addr: str | None = None


def actor_of(request: HttpRequest) -> Actor:
    """The request's user and client address (the same address auditlog records)."""
    # auditlog's rule: the first X-Forwarded-For entry when a proxy set one, else
    # REMOTE_ADDR; change records and read events then agree on "from where".
    return Actor(user=request.user, remote_addr=AuditlogMiddleware._get_remote_addr(request))


def access_record(*, actor: Actor, action: AccessAction | str, bookings: Iterable[Booking]) -> int:
    """Record that ``actor`` saw (or acted on) the personal data of these bookings' visits.

    One event per booking. The bookings need their service loaded (for the agency).
    Returns the number of events queued.
    """
    now = timezone.now()
    user = actor.user
    rows = [
        AccessEvent(
            at=now,
            actor=user if getattr(user, "pk", None) else None,
            actor_username=user.get_username() if getattr(user, "pk", None) else "",
            action=str(action),
            booking_id=b.pk,
            visit_id=b.visit_id,
            site_id=b.site_id,
            agency_id=b.service.agency_id,
            remote_addr=actor.remote_addr or None,
        )
        for b in bookings
    ]
    if rows:
        transaction.on_commit(lambda: AccessEvent.objects.bulk_create(rows))
    return len(rows)


def note_access_record(*, actor: Actor, note) -> None:
    """Record that ``actor`` read the hand-over note of a visit plan (by ids only)."""
    user = actor.user
    plan = note.plan
    event = AccessEvent(
        at=timezone.now(),
        actor=user if getattr(user, "pk", None) else None,
        actor_username=user.get_username() if getattr(user, "pk", None) else "",
        action=AccessAction.NOTE,
        plan_id=plan.pk,
        visit_id=plan.visit_id,
        site_id=plan.site_id,
        agency_id=getattr(profile_of(user), "agency_id", None),
        remote_addr=actor.remote_addr or None,
    )
    transaction.on_commit(event.save)


def dropoff_access_record(*, actor: Actor, action: AccessAction | str, dropoffs) -> int:
    """Record that ``actor`` saw the name and contact of these document drop-offs."""
    user = actor.user
    known = getattr(user, "pk", None)
    rows = [
        AccessEvent(
            at=timezone.now(),
            actor=user if known else None,
            actor_username=user.get_username() if known else "",
            action=str(action),
            dropoff_id=d.pk,
            site_id=d.site_id,
            agency_id=d.agency_id,
            remote_addr=actor.remote_addr or None,
        )
        for d in dropoffs
    ]
    if rows:
        transaction.on_commit(lambda: AccessEvent.objects.bulk_create(rows))
    return len(rows)


__all__ = ["Actor", "access_record", "actor_of", "dropoff_access_record", "note_access_record"]
