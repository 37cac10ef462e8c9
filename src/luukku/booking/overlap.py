"""The one guard against two holds on a resource at once: a booking's reservations and
the holds with no booking (a walk-in's interpreter arranged at the desk) alike.

PostgreSQL's exclusion constraint refuses an overlapping reservation even against a
racing transaction; SQLite has no such constraint, but its writers are serialized
(BEGIN IMMEDIATE), so a check before the insert is enough there.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, OperationalError, connection, transaction

from luukku.booking import days
from luukku.booking.models import Reservation

#: exclusion_violation (the no-overlap constraint) and deadlock_detected: two bookings
#: inserting overlapping reservations at once may each wait for the other's, and
#: PostgreSQL then rolls one back.
TAKEN_SQLSTATES = frozenset({"23P01", "40P01"})


class Taken(Exception):
    """The time asked for is not free (found so before anything was written)."""


class ResourceTaken(Exception):
    """A resource asked for outside a booking is held by someone else for that time."""


def refuse_overlap(resource_ids: list[int], start: datetime, end: datetime) -> None:
    """Refuse reservations that would overlap, where the database itself cannot (SQLite)."""
    if connection.vendor == "postgresql":
        return
    if Reservation.objects.filter(
        resource_id__in=resource_ids, start__lt=end, end__gt=start
    ).exists():
        raise Taken


def is_taken(exc: Exception) -> bool:
    """Tell whether ``exc`` means the time was taken, rather than some other failure."""
    return isinstance(exc, Taken) or getattr(exc.__cause__, "sqlstate", None) in TAKEN_SQLSTATES


def resources_hold(*, resource_ids: list[int], start: datetime, end: datetime) -> list[Reservation]:
    """Hold resources for a period that belongs to no booking, with the same rows and the
    same guard as a booking's reservations, so a search sees the time as taken;
    ``ResourceTaken`` if another holds it."""
    ids = sorted(resource_ids)  # in resource order, as a booking's: racing holds cannot deadlock
    try:
        with transaction.atomic():
            refuse_overlap(ids, start, end)
            made = Reservation.objects.bulk_create(
                Reservation(resource_id=rid, start=start, end=end) for rid in ids
            )
            days.refresh((rid, start, end) for rid in ids)
            return made
    except (Taken, IntegrityError, OperationalError) as exc:
        if not is_taken(exc):
            raise
        raise ResourceTaken from None


def hold_release(reservation_id: int | None, now: datetime) -> None:
    """End a hold at ``now`` (delete it if it had not begun): the time is free again."""
    if reservation_id is None:
        return
    held = list(
        Reservation.objects.filter(pk=reservation_id).values_list("resource_id", "start", "end")
    )
    Reservation.objects.filter(pk=reservation_id, start__gte=now).delete()
    Reservation.objects.filter(pk=reservation_id, end__gt=now).update(end=now)
    days.refresh(held)
