"""Writes for booking: create (single or chain), cancel, reschedule, change state.

The rule that matters — no resource is ever reserved twice for overlapping time —
is kept by the database: an exclusion constraint on PostgreSQL, and on SQLite a
write transaction that starts with BEGIN IMMEDIATE so that the check and the
insert below happen with no other writer in between.

A booking is one short transaction: the registry version, the free resources at
exactly that time (``slot_at``), the visit, the booking and its reservations, and —
with the database task backend — the one queued task that confirms the visit, so
the task commits or rolls back with the booking and no second transaction is needed.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, OperationalError, router, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from luukku.booking import days
from luukku.booking.customers import (
    BookingConflict,
    BookingError,
    Customer,
    Leg,
    beyond_horizon,
    customer_validate,
    refuse_hoarding,
)
from luukku.booking.gaps import buffer
from luukku.booking.models import (
    ACTIVE_STATES,
    TRANSITIONS,
    Booking,
    BookingPolicy,
    BookingState,
    Channel,
    Reservation,
    Visit,
    token_digest,
)
from luukku.booking.overlap import Taken, is_taken, refuse_overlap
from luukku.booking.selectors import SearchFilters, availability, bus_stop_at, slot_at
from luukku.booking.tasks import (
    queue_confirmation,
    schedule_reminders,
    send_cancellation,
    send_confirmation,
)
from luukku.core.scheduling.model import Slot
from luukku.integration import idempotency
from luukku.integration.video import get_video_provider
from luukku.registry.models import Service, Site, StaffProfile
from luukku.registry.snapshot import RegistrySnapshot, registry_snapshot

log = logging.getLogger(__name__)


def _filters(
    site: Site, channel: str, customer: Customer, official_id: int | None = None
) -> SearchFilters:
    return SearchFilters(
        sites=(site.slug,),
        channel=channel,
        language=customer.interpreter_language,
        group_size=customer.group_size,
        accessible=customer.needs_accessible,
        official_id=official_id,
    )


def _slot_at(
    snap: RegistrySnapshot, leg: Leg, site: Site, customer: Customer, official_id: int | None
) -> Slot | None:
    """A free combination of resources for exactly this leg, from fresh data."""
    return slot_at(
        snap,
        snap.services[leg.service.pk],
        snap.sites[site.pk],
        leg.start,
        leg.channel,
        _filters(site, leg.channel, customer, official_id),
    )


def _next_slots(leg: Leg, site: Site, customer: Customer) -> list[Slot]:
    now = timezone.now()
    try:
        return availability(
            leg.service.pk,
            max(now, leg.start - timedelta(hours=2)),
            leg.start + timedelta(days=14),
            _filters(site, leg.channel, customer),
            per_site=3,
            limit=3,
        )
    except Exception:  # the conflict answer must not fail because the hint failed
        log.exception("next-slot hint failed")
        return []


def _lock_policy(snap: RegistrySnapshot, service: Service, site: Site) -> None:
    """Serialize bookings that count against a site's bookable share of an agency."""
    policy = snap.policies.get((site.pk, service.agency_id))
    if policy is None or policy.bookable_share >= 1:
        return  # nothing is counted against a share: no lock needed
    list(
        BookingPolicy.objects.select_for_update()
        .filter(site=site, agency_id=service.agency_id, bookable_share__lt=1)
        .values_list("pk", flat=True)
    )


def _period(slot: Slot) -> tuple[datetime, datetime, list[int]]:
    """What the slot's reservations hold: [start, end + buffer) of each of its resources.

    Stored periods include the buffer after each booking, so the test against them is
    the constraint's own ([start, end + buffer) against each other), not a second
    buffer. The resources come in id order, so two bookings that want some of the
    same ones take them in the same order and never hold one each of two that the
    other wants. Two that insert the same resource at once can still each wait for
    the other's row (the constraint checks after inserting); PostgreSQL breaks that
    as a deadlock, which is then a conflict like any other (see :func:`luukku.booking.overlap.is_taken`).
    """
    ids = [slot.official_id, slot.space_id] + ([slot.interpreter_id] if slot.interpreter_id else [])
    return slot.start, slot.end + buffer(), sorted(ids)


def _save_booking(visit: Visit, booking: Booking, slot: Slot) -> None:
    """Insert the visit (if not yet saved), the booking and its reservations.

    Raises if a reservation overlaps another (see :func:`luukku.booking.overlap.is_taken`); the caller's
    transaction then rolls everything back.
    """
    if visit.pk is None:
        visit.save()
    booking.visit = visit
    booking.save()
    _reserve(booking, slot)


def _reserve(booking: Booking, slot: Slot) -> None:
    """Insert the reservations of a saved booking, in resource order, and summarise
    their days (the next leg of a chain searches them)."""
    start, end, ids = _period(slot)
    refuse_overlap(ids, start, end)
    Reservation.objects.bulk_create(
        Reservation(resource_id=rid, booking=booking, start=start, end=end) for rid in ids
    )
    days.refresh((rid, start, end) for rid in ids)


def _apply_slot(snap: RegistrySnapshot, booking: Booking, slot: Slot, site: Site) -> None:
    """Point the booking at the slot's resources (ids from the snapshot: no queries)."""
    booking.start, booking.end = slot.start, slot.end
    booking.official_id = snap.by_resource[slot.official_id][1]
    booking.space_id = snap.by_resource[slot.space_id][1]
    booking.interpreter_id = (
        snap.by_resource[slot.interpreter_id][1] if slot.interpreter_id else None
    )
    booking.channel = slot.channel
    stop = bus_stop_at(snap, snap.sites[site.pk], slot.start) if site.is_bus else None
    booking.bus_stop_id = stop.id if stop else None


def _video_link(booking: Booking) -> str:
    return get_video_provider().create_session(
        booking_code=booking.code,
        start=booking.start,
        end=booking.end,
        agency_code=booking.service.agency.code,
    )


def _validate_legs(legs: list[Leg], now: datetime) -> None:
    if not legs:
        raise BookingError("services", _("Choose at least one service."))
    for i, leg in enumerate(legs):
        if leg.start < now:
            raise BookingError("start", _("The time has already passed."))
        if beyond_horizon(leg.start, now):
            raise BookingError(
                "start",
                _("Times can be booked at most %(n)s days ahead.")
                % {"n": settings.LUUKKU_BOOKING_HORIZON_DAYS},
            )
        if not leg.service.bookable:
            raise BookingError(
                "service", _("This service cannot be booked; take a queue number on site.")
            )
        if i and leg.start < legs[i - 1].start + timedelta(
            minutes=legs[i - 1].service.default_duration
        ):
            raise BookingError("start", _("The services of one visit must follow each other."))


def visit_book(
    *,
    site: Site,
    legs: list[Leg],
    customer: Customer,
    official_id: int | None = None,
    now: datetime | None = None,
    idempotency_key: str = "",
) -> tuple[Visit, list[Booking], str]:
    """Book one service or a chain of several at one site, all or none; return the link token.

    With an ``idempotency_key`` a retry of the same request returns the visit the
    first one made, with the same token (see ``integration/idempotency.py``).
    """
    now = now or timezone.now()
    customer = customer_validate(customer)
    _validate_legs(legs, now)
    bookings: list[Booking] = []
    try:
        with transaction.atomic():
            key_row = None
            if idempotency_key:
                # First, so that a retry is neither refused by the limits nor booked twice.
                made, key_row = _claim_key(idempotency_key, site, legs, customer, official_id)
                if made is not None:
                    token = idempotency.derived_token("booking", idempotency_key)
                    return made, list(made.bookings.order_by("position")), token
            refuse_hoarding(customer, legs, now)
            snap = registry_snapshot()  # one registry version for the whole visit
            visit = Visit(
                name=customer.name.strip(),
                phone=customer.phone.strip(),
                email=customer.email.strip(),
                language=customer.language,
                interpreter_language=customer.interpreter_language,
                group_size=customer.group_size,
                needs_accessible=customer.needs_accessible,
            )
            token = visit.issue_token(
                idempotency.derived_token("booking", idempotency_key) if idempotency_key else None
            )
            for position, leg in enumerate(legs):
                _lock_policy(snap, leg.service, site)
                slot = _slot_at(snap, leg, site, customer, official_id if position == 0 else None)
                if slot is None:
                    raise Taken
                booking = Booking(position=position, service=leg.service, site=site)
                if position == 0:
                    booking.code = visit.code  # the visit's one code (see Visit)
                _apply_slot(snap, booking, slot, site)
                bookings.append(booking)
                if booking.channel == Channel.REMOTE:
                    booking.video_url = _video_link(booking)  # cancelled below if this fails
                _save_booking(visit, booking, slot)
            if key_row is not None:
                key_row.visit = visit
                key_row.save(update_fields=["visit"])
            _queue_after_booking(visit, bookings, token)
    except (Taken, IntegrityError, OperationalError) as exc:
        if not is_taken(exc):
            raise
        _cancel_video(bookings)
        raise BookingConflict(
            _("That time is no longer free. Here are the next free times."),
            _next_slots(legs[0], site, customer),
        ) from None
    return visit, bookings, token


def _claim_key(
    key: str, site: Site, legs: list[Leg], customer: Customer, official_id: int | None
) -> tuple[Visit | None, object]:
    """The visit this key made before, or a claim on it (inside the booking's transaction)."""
    if not idempotency.valid(key):
        raise BookingError(
            "idempotency_key", _("The idempotency key must be 16 to 128 printable characters.")
        )
    print_ = idempotency.fingerprint(
        site.pk,
        [(leg.service.pk, leg.start.timestamp(), leg.channel) for leg in legs],
        customer,
        official_id,
    )
    try:
        return idempotency.claim("booking", key, print_, "visit")
    except idempotency.IdempotencyError:
        raise BookingError(
            "idempotency_key", _("This idempotency key was used for a different request.")
        ) from None


def _cancel_video(bookings: list[Booking]) -> None:
    for booking in bookings:
        if booking.video_url:
            try:
                get_video_provider().cancel_session(booking.video_url)
            except Exception:  # the conflict answer must not fail because of the platform
                log.exception("could not cancel the video session of a refused booking")


def manage_url(token: str) -> str:
    """The customer's own link for cancelling or moving the visit."""
    return settings.LUUKKU_PUBLIC_URL.rstrip("/") + reverse(
        "booking:manage", kwargs={"token": token}
    )


def _queue_in_transaction() -> bool:
    """Whether queued tasks are rows in the bookings' own database.

    Then a task is queued inside the booking's transaction: it is committed with the
    booking or rolled back with it (so it never sees a booking that was not made),
    and no second transaction is spent on it. Any other backend is called only
    once the booking has committed.
    """
    return isinstance(send_confirmation.get_backend(), DatabaseBackend) and (
        router.db_for_write(DBTaskResult) == router.db_for_write(Booking)
    )


def _queue_after_booking(visit: Visit, bookings: list[Booking], token: str | None) -> None:
    if _queue_in_transaction():
        _after_booking(visit, bookings, token)
    else:
        transaction.on_commit(lambda: _after_booking(visit, bookings, token))


def _after_booking(visit: Visit, bookings: list[Booking], token: str | None) -> None:
    """One task confirms the visit and then queues the reminders of its new bookings."""
    if token:
        # The token waits in the confirmation's delivery row until it is sent, never in a task.
        queue_confirmation(visit, bookings, token)
        return
    with transaction.atomic():  # one commit for all the queued work, not one per task
        for booking in bookings:
            schedule_reminders(booking)


def visit_by_token(token: str) -> Visit | None:
    return Visit.objects.filter(token_hash=token_digest(token)).first()


def booking_transition(*, booking: Booking, to: str, now: datetime | None = None) -> Booking:
    """Move a booking to another state if its life cycle allows it."""
    if to not in TRANSITIONS[booking.state]:
        raise BookingError(
            "state",
            _("A booking that is %(state)s cannot become %(to)s.")
            % {"state": booking.get_state_display(), "to": BookingState(to).label},
        )
    booking.state = to
    fields = ["state", "updated_at"]
    if to == BookingState.CHECKED_IN and not booking.checked_in_at:
        booking.checked_in_at = now or timezone.now()
        fields.append("checked_in_at")
    booking.save(update_fields=fields)
    if to in (BookingState.CANCELLED, BookingState.NO_SHOW):
        # A no-show frees the rest of its slot; a cancellation frees all of it.
        held = list(booking.reservations.values_list("resource_id", "start", "end"))
        booking.reservations.all().delete()
        days.refresh(held)
    return booking


def visit_cancel(*, visit: Visit, now: datetime | None = None) -> list[Booking]:
    """Cancel a customer's whole visit, freeing every reservation; refused once it has begun."""
    now = now or timezone.now()
    with transaction.atomic():
        bookings = list(visit.bookings.select_for_update().filter(state__in=ACTIVE_STATES))
        if not bookings:
            raise BookingError("token", _("This booking is no longer active."))
        if any(b.start <= now or b.state != BookingState.BOOKED for b in bookings):
            raise BookingError(
                "token", _("A booking can no longer be cancelled once it has begun.")
            )
        for booking in bookings:
            booking_transition(booking=booking, to=BookingState.CANCELLED)
    transaction.on_commit(lambda: _after_cancel(visit, bookings))
    return bookings


def booking_cancel(
    *,
    booking: Booking,
    reason: str = "",
    cancelled_by: StaffProfile | None = None,
    now: datetime | None = None,
) -> Booking:
    """Cancel one booking of a visit (staff, for the customer), by visit_cancel's rules.

    The other bookings of a chain stay; the customer is told as after their own
    cancellation. ``reason`` and ``cancelled_by`` are kept on the booking.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = Booking.objects.select_for_update().filter(pk=booking.pk).first()
        if locked is None or locked.state not in ACTIVE_STATES:
            raise BookingError("code", _("This booking is no longer active."))
        if locked.start <= now or locked.state != BookingState.BOOKED:
            raise BookingError("code", _("A booking can no longer be cancelled once it has begun."))
        booking.state = locked.state
        booking_transition(booking=booking, to=BookingState.CANCELLED)
        booking.cancel_reason, booking.cancelled_by = reason, cancelled_by
        booking.save(update_fields=["cancel_reason", "cancelled_by"])
    visit = booking.visit
    transaction.on_commit(lambda: _after_cancel(visit, [booking]))
    return booking


def _after_cancel(visit: Visit, bookings: list[Booking]) -> None:
    for booking in bookings:
        if booking.video_url:
            get_video_provider().cancel_session(booking.video_url)
    send_cancellation.enqueue(visit.pk)


def _customer_of(visit: Visit) -> Customer:
    return Customer(
        name=visit.name,
        phone=visit.phone,
        email=visit.email,
        language=visit.language,
        interpreter_language=visit.interpreter_language,
        group_size=visit.group_size,
        needs_accessible=visit.needs_accessible,
    )


def _refuse_move(booking: Booking, start: datetime, now: datetime) -> None:
    if booking.state != BookingState.BOOKED or booking.start <= now:
        raise BookingError("token", _("A booking can no longer be changed once it has begun."))
    if start < now:
        raise BookingError("start", _("The time has already passed."))
    if beyond_horizon(start, now):
        raise BookingError(
            "start",
            _("Times can be booked at most %(n)s days ahead.")
            % {"n": settings.LUUKKU_BOOKING_HORIZON_DAYS},
        )


def bookings_move(
    *,
    visit: Visit,
    moves: list[tuple[Booking, Leg]],
    site: Site | None = None,
    token: str | None = None,
    now: datetime | None = None,
) -> list[Booking]:
    """Move one leg of a visit, or several together, to new times, all or none.

    Each booking goes to its leg's start and channel at ``site`` (default: where it
    is); on any day and at any point, like a new booking. If any new time is taken,
    nothing moves and the old times are kept. The customer gets a new confirmation
    (and new reminders later).
    """
    now = now or timezone.now()
    if not moves:
        raise BookingError("start", _("Choose one of the times."))
    for booking, leg in moves:
        _refuse_move(booking, leg.start, now)
    customer = _customer_of(visit)
    first_site = site or moves[0][0].site
    moved: list[Booking] = []
    new_video: list[Booking] = []  # sessions made for this move: cancelled if it fails
    try:
        with transaction.atomic():
            ids = sorted(b.pk for b, _leg in moves)
            list(Booking.objects.select_for_update().filter(pk__in=ids).values_list("pk"))
            old = Reservation.objects.filter(booking_id__in=ids)
            held = list(old.values_list("resource_id", "start", "end"))
            old.delete()
            days.refresh(held)  # the moved legs' old times are free for their new ones
            snap = registry_snapshot()  # one registry version for the whole move
            for booking, leg in moves:
                target = site or booking.site
                _lock_policy(snap, booking.service, target)
                slot = _slot_at(snap, leg, target, customer, None)
                if slot is None:
                    raise Taken
                was_remote, old_video = booking.channel == Channel.REMOTE, booking.video_url
                booking.site = target
                _apply_slot(snap, booking, slot, target)
                if booking.channel == Channel.REMOTE and not was_remote:
                    booking.video_url = _video_link(booking)
                    new_video.append(booking)
                elif booking.channel != Channel.REMOTE and was_remote:
                    booking.video_url = ""
                    if old_video:
                        transaction.on_commit(
                            lambda url=old_video: get_video_provider().cancel_session(url)
                        )
                booking.save()
                _reserve(booking, slot)
                moved.append(booking)
            # A moved booking's reminder has a new key (its new start): no clean-up needed.
            _queue_after_booking(visit, moved, token)
    except (Taken, IntegrityError, OperationalError) as exc:
        if not is_taken(exc):
            raise
        _cancel_video(new_video)
        for booking, _leg in moves:
            booking.refresh_from_db()
        _booking, leg = moves[0]
        raise BookingConflict(
            _("That time is no longer free. Here are the next free times."),
            _next_slots(leg, first_site, customer) if len(moves) == 1 else [],
        ) from None
    return moved


def booking_reschedule(
    *,
    booking: Booking,
    start: datetime,
    token: str | None = None,
    now: datetime | None = None,
    site: Site | None = None,
    channel: str = "",
) -> Booking:
    """Move one booking to another free time (by default at the same point, same channel)."""
    leg = Leg(service=booking.service, start=start, channel=channel or booking.channel)
    bookings_move(visit=booking.visit, moves=[(booking, leg)], site=site, token=token, now=now)
    return booking


def double_bookings() -> int:
    """Pairs of overlapping reservations of one resource — must always be 0."""
    clash = Reservation.objects.filter(
        resource_id=OuterRef("resource_id"), start__lt=OuterRef("end"), end__gt=OuterRef("start")
    ).exclude(pk=OuterRef("pk"))
    return Reservation.objects.filter(Exists(clash)).count() // 2


__all__ = [
    "BookingConflict",
    "BookingError",
    "Customer",
    "Leg",
    "booking_cancel",
    "booking_reschedule",
    "booking_transition",
    "bookings_move",
    "double_bookings",
    "visit_book",
    "visit_by_token",
    "visit_cancel",
]
