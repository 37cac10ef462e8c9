"""Bookings and the reservations that make them safe.

A :class:`Visit` is one customer's visit (one or several agencies, chained); each
:class:`Booking` in it is one service at one time; each booking holds one
:class:`Reservation` per resource (official, space, interpreter) for its period.
No two reservations of one resource may overlap: on PostgreSQL an exclusion
constraint says so, on SQLite every write transaction is serialized (BEGIN
IMMEDIATE) and the service checks before it inserts.
"""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.postgres.fields import RangeBoundary, RangeOperators
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from luukku.booking.constraints import PostgresExclusionConstraint, TsTzRange
from luukku.registry.models import Agency, Interpreter, Resource, Service, Site, Space, StaffProfile

#: Booking codes avoid letters and digits that are easy to confuse (0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_booking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def token_digest(token: str) -> str:
    """Only a digest of a customer's secret link token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("face to face")
    REMOTE = "remote", _("remote video")


class Visit(models.Model):
    """One customer's visit: the personal data lives here, and only the minimum.

    ``code`` is the one code the customer is given for the whole visit, however many
    agencies it chains: the confirmation, the reminder, the QR code and the kiosk's
    check-in all use it. The visit's first booking carries the same code, so a
    one-service visit has one code everywhere; the other legs keep codes of their
    own for staff, never shown to the customer.
    """

    code = models.CharField(_("booking code"), max_length=12, unique=True, default=new_booking_code)
    name = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="fi")
    interpreter_language = models.CharField(_("interpreter language"), max_length=8, blank=True)
    group_size = models.PositiveSmallIntegerField(
        _("group size"), default=1, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    needs_accessible = models.BooleanField(_("needs wheelchair access"), default=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    #: When retention cleared the name and contact (``luukku.audit.retention``).
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        # The per-contact limit looks a contact's visits up by phone or e-mail; without
        # these a booking read every visit (1.9 s at a million visits).
        indexes = [
            models.Index(fields=["phone"], name="visit_phone"),
            models.Index(Lower("email"), name="visit_email_lower"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    def issue_token(self, token: str | None = None) -> str:
        """A fresh unguessable token for the customer's cancel / reschedule link.

        Only its digest is kept; ``token`` is one derived from an idempotency key.
        """
        token = token or secrets.token_urlsafe(24)
        self.token_hash = token_digest(token)
        return token


class BookingState(models.TextChoices):
    BOOKED = "booked", _("booked")
    CHECKED_IN = "checked_in", _("checked in")
    CALLED = "called", _("called")
    IN_SERVICE = "in_service", _("in service")
    DONE = "done", _("done")
    NO_SHOW = "no_show", _("no-show")
    CANCELLED = "cancelled", _("cancelled")


#: State changes a booking may make; anything else is refused.
TRANSITIONS: dict[str, set[str]] = {
    BookingState.BOOKED: {BookingState.CHECKED_IN, BookingState.CANCELLED, BookingState.NO_SHOW},
    BookingState.CHECKED_IN: {BookingState.CALLED, BookingState.NO_SHOW, BookingState.CANCELLED},
    BookingState.CALLED: {BookingState.IN_SERVICE, BookingState.CHECKED_IN, BookingState.NO_SHOW},
    BookingState.IN_SERVICE: {BookingState.DONE},
    BookingState.DONE: set(),
    BookingState.NO_SHOW: set(),
    BookingState.CANCELLED: set(),
}
ACTIVE_STATES = (
    BookingState.BOOKED,
    BookingState.CHECKED_IN,
    BookingState.CALLED,
    BookingState.IN_SERVICE,
)


class Booking(models.Model):
    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="bookings", verbose_name=_("visit")
    )
    code = models.CharField(_("booking code"), max_length=12, unique=True, default=new_booking_code)
    position = models.PositiveSmallIntegerField(_("place in the chain"), default=0)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, verbose_name=_("service"))
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("service point")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    state = models.CharField(
        _("state"), max_length=12, choices=BookingState.choices, default=BookingState.BOOKED
    )
    official = models.ForeignKey(
        StaffProfile,
        null=True,
        on_delete=models.SET_NULL,
        related_name="bookings",
        verbose_name=_("official"),
    )
    space = models.ForeignKey(Space, null=True, on_delete=models.SET_NULL, verbose_name=_("space"))
    interpreter = models.ForeignKey(
        Interpreter, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("interpreter")
    )
    video_url = models.URLField(_("video-session link"), blank=True)
    bus_stop = models.ForeignKey(
        "registry.BusStop",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("bus stop"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set when staff cancel for the customer (``booking.staff_services``); the reason is
    # free text, so retention clears it with the visit's personal data.
    cancelled_by = models.ForeignKey(
        StaffProfile,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["start"]
        indexes = [models.Index(fields=["site", "start"]), models.Index(fields=["state", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="booking_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.service} {self.start:%Y-%m-%d %H:%M}"

    @property
    def agency(self) -> Agency:
        return self.service.agency

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES


class Reservation(models.Model):
    """One resource held for one period: the row the database keeps from overlapping.

    ``end`` includes the buffer after the booking, so the buffer is enforced by the
    same constraint. Reservations of cancelled bookings are deleted.
    """

    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="reservations")
    booking = models.ForeignKey(
        Booking, null=True, on_delete=models.CASCADE, related_name="reservations"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        indexes = [models.Index(fields=["resource", "start", "end"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="reservation_end_after_start"
            ),
            PostgresExclusionConstraint(
                name="reservation_no_overlap",
                expressions=[
                    (TsTzRange("start", "end", RangeBoundary()), RangeOperators.OVERLAPS),
                    ("resource", RangeOperators.EQUAL),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} {self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M}"


class BookingPolicy(models.Model):
    """What a site publishes for an agency's services: the share bookable, the rest walk-in.

    ``bookable_share`` of the agency's officials at the site may be in booked service at
    any one time; in ``walk_in_only_from``–``walk_in_only_until`` each day nothing is bookable.
    """

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="booking_policies", verbose_name=_("site")
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, verbose_name=_("agency"))
    bookable_share = models.DecimalField(
        _("bookable share of capacity"),
        max_digits=3,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    walk_in_only_from = models.TimeField(_("walk-in only from"), null=True, blank=True)
    walk_in_only_until = models.TimeField(_("walk-in only until"), null=True, blank=True)

    class Meta:
        verbose_name = _("booking policy")
        verbose_name_plural = _("booking policies")
        constraints = [
            models.UniqueConstraint(fields=["site", "agency"], name="one_policy_per_site_agency")
        ]

    def __str__(self) -> str:
        return f"{self.site.slug} {self.agency.code} {self.bookable_share:.0%}"

    def clean(self) -> None:
        a, b = self.walk_in_only_from, self.walk_in_only_until
        if (a is None) != (b is None):
            raise ValidationError(
                {"walk_in_only_until": _("Give both ends of the walk-in-only time, or neither.")}
            )
        if a and b and b <= a:
            raise ValidationError(
                {"walk_in_only_until": _("The walk-in-only time must end after it starts.")}
            )


class Delivery(models.Model):
    """One message to a customer, by key: written with the booking that asks for it.

    ``key`` names the message (``reminder:<booking>:<start>``, a fresh one per
    confirmation), and the unique constraint makes it one row however many tasks or
    sweeps ask for it. A run claims the row (``claimed_by``) before it sends and
    records ``sent_at`` right after, so a second run does not send it again; see
    ``booking/tasks.py`` for the one window in which a crash can repeat a message.
    ``secret`` holds a confirmation's raw manage-link token only until the message
    is out: then it is cleared, and only the visit's digest of it remains.
    """

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20)
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="deliveries")
    #: The bookings the message is about.
    booking_ids = models.JSONField(default=list)
    secret = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    #: "" while pending, "sent", or why it was not sent ("skipped: ...").
    outcome = models.CharField(max_length=40, blank=True)
    channel = models.CharField(max_length=10, blank=True)

    class Meta:
        verbose_name = _("message to a customer")
        verbose_name_plural = _("messages to customers")
        indexes = [
            # The sweep's "pending and not claimed" look-up.
            models.Index(fields=["created_at"], condition=Q(outcome=""), name="delivery_pending")
        ]

    def __str__(self) -> str:
        return self.key


class ResourceDay(models.Model):
    """A resource's reserved day in three numbers, so a search need not read it.

    Kept by every write that holds or frees time, in its transaction
    (:mod:`luukku.booking.days`), from the reservations that touch the local day;
    seconds from local midnight (:func:`luukku.core.scheduling.days.summarise`). A day
    without reservations has no row; the search reads the free time from these rows
    (:mod:`luukku.booking.gaps`) and the reservations only of a day with a long break.
    """

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    first = models.IntegerField()
    last = models.IntegerField()
    longest = models.IntegerField()

    class Meta:
        verbose_name = _("reserved day")
        verbose_name_plural = _("reserved days")
        constraints = [
            models.UniqueConstraint(fields=["resource", "day"], name="resource_day_unique")
        ]
