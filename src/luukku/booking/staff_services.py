"""What staff do for a customer: check in, cancel with a reason — audited.

The same services the kiosk and the customer use do the work (``booking_check_in``,
``booking_cancel``); this layer adds who did it and the audit event, so the page
and the API cannot differ.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from luukku.access.policy import AccessDenied, can_change_booking, profile_of
from luukku.audit.models import AccessAction
from luukku.audit.services import Actor, access_record
from luukku.booking.models import Booking
from luukku.booking.services import BookingError, booking_cancel
from luukku.queueing.services import CheckIn, booking_check_in

REASON_MAX = 200


def _may_change(actor: Actor, booking: Booking) -> None:
    if not can_change_booking(actor.user, booking):
        raise AccessDenied("code")


def booking_check_in_for_customer(
    *, actor: Actor, booking: Booking, now: datetime | None = None
) -> CheckIn:
    """Check the customer in at the booking's own point, as the kiosk would."""
    _may_change(actor, booking)
    result = booking_check_in(
        site=booking.site, code=booking.code, now=now, language=booking.visit.language
    )
    access_record(actor=actor, action=AccessAction.CHECK_IN, bookings=[booking])
    return result


def clean_reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise BookingError("reason", _("Give the reason for cancelling."))
    if len(text) > REASON_MAX:
        raise BookingError(
            "reason", _("The reason is at most %(n)s characters.") % {"n": REASON_MAX}
        )
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise BookingError("reason", _("The reason may not contain control characters."))
    return text


def booking_cancel_for_customer(
    *, actor: Actor, booking: Booking, reason: str, now: datetime | None = None
) -> Booking:
    """Cancel one booking for the customer, keeping who did it and why; the customer is told."""
    _may_change(actor, booking)
    text = clean_reason(reason)
    done = booking_cancel(
        booking=booking, reason=text, cancelled_by=profile_of(actor.user), now=now
    )
    access_record(actor=actor, action=AccessAction.CANCEL, bookings=[booking])
    return done
