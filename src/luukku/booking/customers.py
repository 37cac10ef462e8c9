"""Who books, and what a booking refuses before it looks for a time.

The customer's details as stored (name, E.164 phone, checked e-mail), the published
booking horizon and the limit of open bookings per contact and agency; the errors the
booking services raise. Split from ``services`` so that the writes read on their own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q, Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from luukku.booking.models import ACTIVE_STATES, Booking, Visit
from luukku.core.contact import NAME_MAX, InvalidPhone, contact_key, has_control_chars, phone_e164
from luukku.core.scheduling.model import Slot
from luukku.registry.models import Service


class BookingError(Exception):
    """A booking request that cannot be carried out; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message

    def __reduce__(self):
        # picklable (a worker process's error reaches its parent), subclasses too
        return (_rebuild, (type(self), self.__dict__))


def _rebuild(cls, state):
    exc = cls.__new__(cls)
    Exception.__init__(exc, state.get("message", ""))
    exc.__dict__.update(state)
    return exc


class BookingConflict(BookingError):
    """The time was taken (perhaps a moment ago by someone else); here are the next free ones."""

    def __init__(self, message: str, next_slots: list[Slot]):
        super().__init__("start", message)
        self.next_slots = next_slots


@dataclass(frozen=True)
class Customer:
    """The only personal data a booking needs: a name and a way to reach the person."""

    name: str
    phone: str = ""
    email: str = ""
    language: str = "fi"
    interpreter_language: str = ""
    group_size: int = 1
    needs_accessible: bool = False


@dataclass(frozen=True)
class Leg:
    service: Service
    start: datetime
    channel: str = ""


def customer_validate(customer: Customer) -> Customer:
    """The customer as stored: name trimmed, phone in E.164, e-mail checked; or BookingError."""
    name = customer.name.strip()
    if not name:
        raise BookingError("name", _("Give a name for the booking."))
    if len(name) > NAME_MAX or has_control_chars(name):
        raise BookingError(
            "name", _("The name can have at most %(n)s characters.") % {"n": NAME_MAX}
        )
    try:
        phone = phone_e164(customer.phone)
    except InvalidPhone:
        raise BookingError("phone", _("Type a phone number, e.g. 040 123 4567.")) from None
    email = customer.email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise BookingError(
                "email", _("Type an e-mail address, e.g. name@example.fi.")
            ) from None
    if not (phone or email):
        raise BookingError(
            "phone", _("Give a phone number or an e-mail address for the confirmation.")
        )
    if not 1 <= customer.group_size <= 12:
        raise BookingError("group_size", _("The group size must be between 1 and 12."))
    return replace(customer, name=name, phone=phone, email=email)


def beyond_horizon(start: datetime, now: datetime) -> bool:
    """Whether a time is past the published booking horizon: its last local day.

    The search offers times up to the end of that day (Europe/Helsinki); anything
    more than a day beyond it is refused before any date arithmetic near year 9999.
    """
    days = settings.LUUKKU_BOOKING_HORIZON_DAYS
    if start > now + timedelta(days=days + 1):
        return True
    local = timezone.get_default_timezone()
    return timezone.localdate(start, local) > timezone.localdate(now, local) + timedelta(days=days)


def refuse_hoarding(customer: Customer, legs: list[Leg], now: datetime) -> None:
    """At most LUUKKU_MAX_OPEN_BOOKINGS_PER_CONTACT open bookings per contact and agency.

    A contact is the phone (E.164) or the e-mail (case-folded): either one matching
    counts. Checked inside the booking's transaction; on SQLite writers are serialized,
    on PostgreSQL two bookings of one contact racing each other could both pass.
    """
    limit = settings.LUUKKU_MAX_OPEN_BOOKINGS_PER_CONTACT
    if not limit:
        return
    phone, email = contact_key(customer.phone, customer.email)
    same = Q()
    if phone:
        same |= Q(phone=phone)
    if email:  # LOWER on both sides, as the index on the visit's e-mail has it
        same |= Q(lowered_email=Lower(Value(email)))
    # The contact's visits first, by the indexes on phone and e-mail: a count that
    # joined them read every future booking on SQLite, whose planner starts there.
    visits = list(
        Visit.objects.alias(lowered_email=Lower("email")).filter(same).values_list("pk", flat=True)
    )
    if not visits:
        return
    for agency_id in {leg.service.agency_id for leg in legs}:
        wanted = sum(1 for leg in legs if leg.service.agency_id == agency_id)
        held = Booking.objects.filter(
            visit_id__in=visits,
            service__agency_id=agency_id,
            start__gt=now,
            state__in=ACTIVE_STATES,
        ).count()
        if held + wanted > limit:
            raise BookingError(
                "phone" if phone else "email",
                _(
                    "This phone number or e-mail address already has %(n)s open bookings "
                    "with this agency. Cancel one before booking another."
                )
                % {"n": held},
            )
