"""Queues, tickets, calls and desk sessions: the on-site queue lives in the database.

Every ticket and every state change is a row, so a restart loses nothing and
several server processes on one database share one queue. A ticket is anonymous:
a number from its queue's series (``K-042``), never a name.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luukku.booking.models import Booking
from luukku.core.queueing import policy as core_policy
from luukku.registry.models import Agency, Service, Site, Space, StaffProfile

#: The service id the core policy sees for "ask the info desk" tickets (no service yet).
ADVICE_SERVICE_ID = 0

#: The call-next policy's constants (docs/queue-policy.md). Waiting tickets keep the
#: parts of their order key computed with it (``Ticket.order_*``), so a change here
#: must be followed by re-saving the waiting tickets.
POLICY = core_policy.Policy()


def order_fields_of(ticket) -> core_policy.OrderFields:
    """The call-order fields of a ticket (or of a migration's historical ticket)."""
    return core_policy.order_fields(
        core_policy.Waiting(
            id=ticket.pk or 0,
            kind=core_policy.Kind(ticket.kind),
            service_id=0,
            queued_at=ticket.queued_at,
            priority_since=ticket.priority_since,
            due_at=ticket.due_at,
        ),
        POLICY,
    )


def new_ticket_token() -> str:
    return secrets.token_urlsafe(12)


class Queue(models.Model):
    """One number series at one site: an agency's queue, or the info desk's (no agency)."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="queues", verbose_name=_("site")
    )
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("agency")
    )
    letter = models.CharField(_("letter"), max_length=2)

    class Meta:
        verbose_name = _("queue")
        verbose_name_plural = _("queues")
        constraints = [
            models.UniqueConstraint(fields=["site", "agency"], name="one_queue_per_site_agency"),
            models.UniqueConstraint(
                fields=["site"], condition=Q(agency__isnull=True), name="one_advice_queue_per_site"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site.slug} {self.letter}"


class QueueCounter(models.Model):
    """The last number given in a queue on a day; locked while a number is taken."""

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="counters")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["queue", "day"], name="one_counter_per_queue_day")
        ]


class Kind(models.TextChoices):
    WALK_IN = "walk_in", _("walk-in")
    BOOKING = "booking", _("booking")
    CHAIN = "chain", _("passed on")


class TicketState(models.TextChoices):
    WAITING = "waiting", _("waiting")
    CALLED = "called", _("called")
    IN_SERVICE = "in_service", _("in service")
    DONE = "done", _("done")
    NO_SHOW = "no_show", _("no-show")


#: States in which a ticket holds its space.
HOLDING_STATES = (TicketState.CALLED, TicketState.IN_SERVICE)


class Ticket(models.Model):
    # The foreign keys get no index of their own: each leads one of the composite
    # indexes below (site, queue, service, called_by, space), which serve both the
    # look-ups and Django's cascades.
    site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("site"),
        db_index=False,
    )
    queue = models.ForeignKey(
        Queue,
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("queue"),
        db_index=False,
    )
    service = models.ForeignKey(
        Service,
        null=True,
        blank=True,
        db_index=False,
        on_delete=models.PROTECT,
        verbose_name=_("service"),
        help_text=_("Empty: the customer asked the info desk."),
    )
    number = models.CharField(_("number"), max_length=12)
    day = models.DateField(_("day"))
    # Unique by a constraint (below), not ``unique=True``: on PostgreSQL that would add
    # a second, pattern-matching index that nothing uses and every call updates.
    token = models.CharField(max_length=20, default=new_ticket_token, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.WALK_IN)
    booking = models.ForeignKey(
        Booking,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        verbose_name=_("booking"),
    )
    state = models.CharField(
        _("state"), max_length=12, choices=TicketState.choices, default=TicketState.WAITING
    )
    queued_at = models.DateTimeField(_("queued at"))
    priority_since = models.DateTimeField(_("waiting counts from"), null=True, blank=True)
    due_at = models.DateTimeField(_("booking due at"), null=True, blank=True)
    parked_until = models.DateTimeField(_("parked until"), null=True, blank=True)
    # The now-independent parts of the call-order key (core.queueing.policy.order_fields),
    # kept on write so that the database can sort the queue in the policy's order.
    order_start = models.DateTimeField(editable=False, null=True)
    order_due = models.DateTimeField(editable=False, null=True)
    order_aged = models.DateTimeField(editable=False, null=True)
    remote_ok = models.BooleanField(_("can be served by video"), default=False)
    remote_only = models.BooleanField(_("only by video at this site"), default=False)
    needs_safe_room = models.BooleanField(_("needs a safe room"), default=False)
    # A walk-in's needs, told at the kiosk (a booked customer's are the visit's): the
    # space at call time must seat the group and be step-free; the official sees them.
    group_size = models.PositiveSmallIntegerField(_("group size"), default=1)
    needs_accessible = models.BooleanField(_("needs wheelchair access"), default=False)
    interpreter_language = models.CharField(_("interpreter language"), max_length=8, blank=True)
    #: The interpreter the official arranged for this service, and the hold on their
    #: time (a reservation with no booking, so searches see them busy); both cleared
    #: when the service ends or the customer is passed on.
    interpreter = models.ForeignKey(
        "registry.Interpreter",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("interpreter"),
    )
    interpreter_hold = models.ForeignKey(
        "booking.Reservation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recalls = models.PositiveSmallIntegerField(_("recalls"), default=0)
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    called_by = models.ForeignKey(
        StaffProfile,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("called by"),
        db_index=False,
    )
    space = models.ForeignKey(
        Space,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("space"),
        db_index=False,
    )
    remote = models.BooleanField(_("served by video"), default=False)
    video_url = models.URLField(_("video-session link"), blank=True)
    service_started_at = models.DateTimeField(_("service started"), null=True, blank=True)
    service_ended_at = models.DateTimeField(_("service ended"), null=True, blank=True)
    estimate_minutes = models.PositiveIntegerField(
        _("wait estimate given (minutes)"), null=True, blank=True
    )
    phone = models.CharField(_("phone for SMS"), max_length=30, blank=True)
    language = models.CharField(_("language"), max_length=8, default="fi")

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["queued_at", "id"]
        indexes = [
            # Recent service times per service, for the waiting-time estimate.
            models.Index(fields=["service", "service_ended_at"], name="ended_by_service"),
            # A site's queue: the waiting tickets an official may call.
            models.Index(fields=["site", "state"], name="tickets_at_site"),
            # "Does this official hold a customer?", asked on every call.
            models.Index(fields=["called_by", "state"], name="tickets_held_by"),
            # "Is this space held?", asked for each space a call looks at.
            models.Index(fields=["space", "state"], name="tickets_in_space"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["token"], name="one_ticket_per_token"),
            models.UniqueConstraint(
                fields=["queue", "day", "number"], name="one_number_per_queue_day"
            ),
            # A space serves one customer at a time: the database refuses a second.
            models.UniqueConstraint(
                fields=["space"],
                condition=Q(state__in=["called", "in_service"], space__isnull=False),
                name="one_active_ticket_per_space",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def wait_start(self):
        return self.priority_since or self.queued_at

    #: Fields the call order is computed from; saving any of them refreshes ``order_*``.
    ORDER_SOURCES = frozenset({"kind", "queued_at", "priority_since", "due_at"})
    ORDER_FIELDS = ("order_start", "order_due", "order_aged")

    def refresh_order_fields(self) -> None:
        """Recompute ``order_*`` from kind, queued_at, priority_since and due_at."""
        f = order_fields_of(self)
        self.order_start, self.order_due, self.order_aged = f.start, f.due, f.aged

    def save(self, *args, update_fields=None, **kwargs):
        if update_fields is None or self.ORDER_SOURCES & set(update_fields):
            self.refresh_order_fields()
            if update_fields is not None:
                update_fields = {*update_fields, *self.ORDER_FIELDS}
        super().save(*args, update_fields=update_fields, **kwargs)


class Call(models.Model):
    """A number called to a space: what displays show (number and place, nothing personal)."""

    # No index of its own: the (site, id) index that displays read leads with it.
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="calls", db_index=False)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="calls")
    # Written on every call and read only through the call (displays join it by key):
    # no index of its own; deleting a space may read the calls to clear it.
    space = models.ForeignKey(
        Space, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    number = models.CharField(max_length=12)
    label = models.CharField(max_length=60)
    agency_code = models.CharField(max_length=12, blank=True)
    recall = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["site", "id"])]

    def __str__(self) -> str:
        return f"{self.number} → {self.label}"


class DeskSession(models.Model):
    """An official at work: which services, where, on site or by video."""

    official = models.ForeignKey(
        StaffProfile, on_delete=models.CASCADE, related_name="desk_sessions"
    )
    site = models.ForeignKey(
        Site,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        verbose_name=_("site"),
        help_text=_("Empty for remote service: the official serves all their sites."),
    )
    services = models.ManyToManyField(Service, blank=True, verbose_name=_("services"))
    advice = models.BooleanField(_("serves the info desk queue"), default=False)
    remote = models.BooleanField(_("serving remotely"), default=False)
    # The booth the official took for the session: call-next gives it while it is free.
    space = models.ForeignKey(
        Space,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("own booth"),
    )
    paused_at = models.DateTimeField(
        _("on a break since"),
        null=True,
        blank=True,
        help_text=_("Set while the official is on a break: no customer is called."),
    )
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["official"],
                condition=Q(ended_at__isnull=True),
                name="one_open_desk_session",
            ),
            # One official per booth at a time.
            models.UniqueConstraint(
                fields=["space"],
                condition=Q(ended_at__isnull=True, space__isnull=False),
                name="one_open_session_per_space",
            ),
        ]


class Handover(models.Model):
    """A customer passed on from one service to another in one visit (``ticket_transfer``).

    The ticket itself moves on (its service, queue and call times are the new
    queue's); this row keeps the step for the statistics of chained visits: from
    which agency (None: the info desk) to which, when, and when the next agency
    called them; and the space the step ended was served in, from its call, for the
    space use (``monitoring.space_use``). No personal data.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="handovers")
    from_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    handed_at = models.DateTimeField()
    #: Set when the next agency calls the customer (``calling._call``).
    called_at = models.DateTimeField(null=True, blank=True)
    #: The space the step just ended held, from its call until ``handed_at``.
    served_in = models.ForeignKey(
        Space, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    served_from = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")
        ordering = ("handed_at", "pk")


class TicketStep(models.Model):
    """A later service on a walk-in's one number: several matters in one visit.

    When the service before it is finished, the ticket moves on to the first step's
    queue as a passed-on customer (it keeps its place in line, ``Kind.CHAIN``) and the
    step is gone; the number stays the same throughout. No personal data.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("next service on the ticket")
        verbose_name_plural = _("next services on the ticket")
        ordering = ("position",)
        constraints = [
            models.UniqueConstraint(fields=["ticket", "position"], name="one_step_per_position")
        ]
