"""What an official does with the customer they called: recall, no-show, park, pass on,
start, finish, and book their follow-up visit at the time they choose."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luukku.booking.models import TRANSITIONS, Booking, BookingState, Channel
from luukku.booking.selectors import SearchFilters, availability
from luukku.booking.services import (
    BookingConflict,
    BookingError,
    Customer,
    Leg,
    booking_transition,
    visit_book,
)
from luukku.core.scheduling.model import Slot
from luukku.queueing.models import HOLDING_STATES, Call, Handover, Kind, Ticket, TicketState
from luukku.queueing.services.common import QueueError, own_ticket
from luukku.queueing.services.interpreting import ticket_release_interpreter
from luukku.queueing.services.tickets import _channel_flags, queue_for
from luukku.registry.models import Service, Site, StaffProfile

PARK_MINUTES_MAX = 120
#: The fields ``ticket_release_interpreter`` clears.
_INTERPRETER = ("interpreter", "interpreter_hold")
#: How far ahead a follow-up visit is looked for, and how many times are shown.
FOLLOW_UP_DAYS = 30
FOLLOW_UP_TIMES = 12


def _booking_to(ticket: Ticket, to: str, now: datetime) -> None:
    booking = ticket.booking
    if booking is None:
        return
    booking.refresh_from_db()
    if to == BookingState.DONE and booking.state == BookingState.CALLED:
        booking_transition(booking=booking, to=BookingState.IN_SERVICE, now=now)
    if to in TRANSITIONS[booking.state]:
        booking_transition(booking=booking, to=to, now=now)


def ticket_recall(*, ticket: Ticket, official: StaffProfile, now: datetime | None = None) -> Ticket:
    """Call the same number again (the display shows it once more)."""
    now = now or timezone.now()
    with transaction.atomic():
        t = own_ticket(ticket, official, [TicketState.CALLED])
        t.recalls += 1
        t.save(update_fields=["recalls"])
        Call.objects.create(
            site_id=t.site_id,
            ticket=t,
            space_id=t.space_id,
            number=t.number,
            label=t.space.customer_label if t.space else "",
            agency_code=t.service.agency.code if t.service else "",
            recall=True,
        )
    return t


def ticket_no_show(
    *, ticket: Ticket, official: StaffProfile, now: datetime | None = None
) -> Ticket:
    """Give up on a called customer who did not come, after the set number of recalls."""
    now = now or timezone.now()
    needed = settings.LUUKKU_NO_SHOW_AFTER_RECALLS
    with transaction.atomic():
        t = own_ticket(ticket, official, [TicketState.CALLED])
        if t.recalls < needed:
            raise QueueError(
                "ticket",
                _("Recall the number first: a no-show needs %(n)s recalls.") % {"n": needed},
            )
        t.state = TicketState.NO_SHOW
        t.service_ended_at = now
        t.phone = ""
        ticket_release_interpreter(t, now)
        t.save(update_fields=["state", "service_ended_at", "phone", *_INTERPRETER])
        _booking_to(t, BookingState.NO_SHOW, now)
    return t


def ticket_park(
    *, ticket: Ticket, official: StaffProfile, minutes: int = 10, now: datetime | None = None
) -> Ticket:
    """Put a customer aside for a while (e.g. to fetch a document); their place is kept."""
    now = now or timezone.now()
    if not 1 <= minutes <= PARK_MINUTES_MAX:
        raise QueueError(
            "minutes", _("Park for 1 to %(max)s minutes.") % {"max": PARK_MINUTES_MAX}, 400
        )
    with transaction.atomic():
        t = own_ticket(ticket, official, HOLDING_STATES)
        t.priority_since = t.wait_start
        t.state = TicketState.WAITING
        t.parked_until = now + timedelta(minutes=minutes)
        t.space = None
        t.called_by = None
        t.recalls = 0
        ticket_release_interpreter(t, now)
        t.save(
            update_fields=[
                "priority_since",
                "state",
                "parked_until",
                "space",
                "called_by",
                "recalls",
                *_INTERPRETER,
            ]
        )
        if t.booking and t.booking.state == BookingState.CALLED:
            booking_transition(booking=t.booking, to=BookingState.CHECKED_IN, now=now)
    return t


def _service(code: str, missing: str, **only) -> Service:
    """The service with ``code`` (and ``only``'s properties), or the refusal ``missing``."""
    found = Service.objects.select_related("agency").filter(code=code or "", **only).first()
    if found is None:
        raise QueueError("service", missing, 400)
    return found


def ticket_transfer(
    *, ticket: Ticket, official: StaffProfile, service_code: str, now: datetime | None = None
) -> Ticket:
    """Pass the customer to another service's queue without losing their place in line."""
    now = now or timezone.now()
    service = _service(service_code, _("Choose the service to pass the customer to."))
    with transaction.atomic():
        t = own_ticket(ticket, official, HOLDING_STATES)
        if service.pk == t.service_id:
            raise QueueError("service", _("The customer is already in this queue."), 400)
        if not service.walk_in:
            raise QueueError(
                "service",
                _("This service is by appointment only: book a follow-up visit instead."),
                400,
            )
        t.steps.filter(service=service).delete()  # planned for later: now instead
        _pass_on(t, service, now)
    return t


def _pass_on(t: Ticket, service: Service, now: datetime) -> None:
    """Move the locked ticket to ``service``'s queue at its site, keeping its place in line."""
    remote_ok, remote_only = _channel_flags(t.site, service)
    served = t.state == TicketState.IN_SERVICE or t.service_id is None
    from_agency = t.service.agency_id if t.service_id else None
    served_in, served_from = t.space_id, t.called_at
    if t.booking_id:
        _booking_to(t, BookingState.DONE, now)
        t.booking = None
        t.due_at = None
    t.priority_since = t.wait_start
    t.kind = Kind.CHAIN if served or t.kind == Kind.BOOKING else t.kind
    t.queue = queue_for(site=t.site, agency=service.agency)
    t.service = service
    t.state = TicketState.WAITING
    t.space = None
    t.called_by = None
    t.called_at = None
    t.recalls = 0
    t.remote = False
    t.video_url = ""
    t.remote_ok, t.remote_only = remote_ok, remote_only
    t.service_started_at = None
    ticket_release_interpreter(t, now)
    t.save()
    if served:  # a step of a chained visit, for its statistics (monitoring.chains)
        Handover.objects.create(
            ticket=t,
            from_agency_id=from_agency,
            to_agency=service.agency,
            handed_at=now,
            served_in_id=served_in,
            served_from=served_from,
        )


def ticket_start(*, ticket: Ticket, official: StaffProfile, now: datetime | None = None) -> Ticket:
    """The customer has arrived: service starts."""
    now = now or timezone.now()
    with transaction.atomic():
        t = own_ticket(ticket, official, [TicketState.CALLED])
        t.state = TicketState.IN_SERVICE
        t.service_started_at = now
        t.save(update_fields=["state", "service_started_at"])
        _booking_to(t, BookingState.IN_SERVICE, now)
    return t


def ticket_finish(*, ticket: Ticket, official: StaffProfile, now: datetime | None = None) -> Ticket:
    """End the service: the space is free again and the SMS number is forgotten.

    A ticket with later services (``TicketStep``) is passed on to the next one instead,
    as a served customer: the next agency calls the same number before new walk-ins.
    """
    now = now or timezone.now()
    with transaction.atomic():
        t = own_ticket(ticket, official, HOLDING_STATES)
        for step in t.steps.select_related("service__agency"):
            step.delete()
            try:
                _channel_flags(t.site, step.service)
            except QueueError:
                continue  # no longer served here (the registry changed): the next one
            if t.state == TicketState.CALLED:
                t.state = TicketState.IN_SERVICE  # served, however briefly: a hand-over
            _pass_on(t, step.service, now)
            return t
        t.state = TicketState.DONE
        t.service_started_at = t.service_started_at or t.called_at or now
        t.service_ended_at = now
        t.phone = ""
        ticket_release_interpreter(t, now)
        t.save(
            update_fields=[
                "state",
                "service_started_at",
                "service_ended_at",
                "phone",
                *_INTERPRETER,
            ]
        )
        _booking_to(t, BookingState.DONE, now)
    return t


@dataclass(frozen=True)
class FollowUpNeeds:
    """What the next visit must carry: an interpreter's language, the party, access."""

    interpreter_language: str = ""
    group_size: int = 1
    needs_accessible: bool = False


def follow_up_needs(
    ticket: Ticket,
    *,
    interpreter_language: str | None = None,
    needs_accessible: bool | None = None,
) -> FollowUpNeeds:
    """The needs of this customer's booking (if they came with one), unless told otherwise."""
    visit = ticket.booking.visit if ticket.booking_id else None
    carried = FollowUpNeeds(
        interpreter_language=visit.interpreter_language if visit else "",
        group_size=visit.group_size if visit else 1,
        needs_accessible=visit.needs_accessible if visit else False,
    )
    return FollowUpNeeds(
        interpreter_language=(
            carried.interpreter_language
            if interpreter_language is None
            else interpreter_language.strip().lower()
        ),
        group_size=carried.group_size,
        needs_accessible=carried.needs_accessible if needs_accessible is None else needs_accessible,
    )


def _refuse_foreign(ticket: Ticket, official: StaffProfile) -> None:
    if ticket.called_by_id != official.pk:
        raise QueueError(
            "ticket", _("This customer is not yours: another official called them."), 403
        )


def ticket_follow_up_times(
    *,
    ticket: Ticket,
    official: StaffProfile,
    service_code: str,
    needs: FollowUpNeeds,
    after_days: int = 1,
    channel: str = "",
    now: datetime | None = None,
    limit: int = FOLLOW_UP_TIMES,
) -> list[Slot]:
    """The next suitable times of the follow-up visit, to show the customer.

    Any point and, where the service allows, by video, with the interpreter and the
    needs carried (``needs``), through the booking search the public pages use;
    ``after_days`` on, within ``FOLLOW_UP_DAYS``. A read, but it answers only the
    official who holds the customer, as ``ticket_follow_up`` does.
    """
    now = now or timezone.now()
    _refuse_foreign(ticket, official)
    service = _service(service_code, _("Choose a bookable service."), bookable=True)
    if not 0 <= after_days <= 365:
        raise QueueError("after_days", _("Give the days as a number from 0 to 365."), 400)
    if channel and channel not in Channel.values:
        raise QueueError("channel", _("Choose on site or by video, or either."), 400)
    not_before = now + timedelta(days=after_days)
    filters = SearchFilters(
        channel=channel,
        language=needs.interpreter_language,
        group_size=needs.group_size,
        accessible=needs.needs_accessible,
    )
    return availability(
        service.pk,
        not_before,
        not_before + timedelta(days=FOLLOW_UP_DAYS),
        filters,
        per_site=3,
        limit=limit,
    )


def ticket_follow_up(
    *,
    ticket: Ticket,
    official: StaffProfile,
    service_code: str,
    customer: Customer,
    site: Site,
    start: datetime,
    channel: str,
    needs: FollowUpNeeds,
    now: datetime | None = None,
) -> Booking:
    """Book the follow-up time the customer chose (from ``ticket_follow_up_times``).

    Through the shared booking engine, which checks the time is still free; the desk
    page and the API both call this, so they refuse the same input the same way.
    """
    now = now or timezone.now()
    _refuse_foreign(ticket, official)
    service = _service(service_code, _("Choose a bookable service."), bookable=True)
    if not customer.name.strip():
        raise QueueError("name", _("Give the customer's name for the booking."), 400)
    if channel not in Channel.values:
        raise QueueError("channel", _("Choose on site or by video, or either."), 400)
    if timezone.is_naive(start):
        raise QueueError("start", _("Choose one of the times shown."), 400)
    customer = replace(
        customer,
        interpreter_language=needs.interpreter_language,
        group_size=needs.group_size,
        needs_accessible=needs.needs_accessible,
    )
    try:
        _visit, bookings, _token = visit_book(
            site=site,
            legs=[Leg(service=service, start=start, channel=channel)],
            customer=customer,
            now=now,
        )
    except BookingConflict as exc:
        raise QueueError("start", exc.message) from None
    except BookingError as exc:
        raise QueueError(exc.field, exc.message, 400) from None
    return bookings[0]
