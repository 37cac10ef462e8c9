"""The info desk's knowledge bank (per service) and life-event bundles of services."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from luukku.registry.models import Service


class ServiceGuide(models.Model):
    """What an advisor tells a customer about a service: what to bring, fees, online."""

    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, related_name="guide", verbose_name=_("service")
    )
    what_to_bring = models.TextField(_("what to bring"), blank=True)
    fees = models.TextField(_("fees"), blank=True)
    online_url = models.URLField(_("online service address"), blank=True)
    online_note = models.TextField(_("what can be done online"), blank=True)
    keywords = models.TextField(
        _("further search words"),
        blank=True,
        help_text=_("Words customers use for this matter, besides the service's own keywords."),
    )

    class Meta:
        verbose_name = _("service guide")
        verbose_name_plural = _("service guides")
        ordering = ("service__agency__code", "service__code")

    def __str__(self) -> str:
        return str(self.service)


class LifeEvent(models.Model):
    """A situation in life that takes a customer to several agencies in turn."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("life event")
        verbose_name_plural = _("life events")
        ordering = ("position", "code")

    def __str__(self) -> str:
        return self.name


class LifeEventStep(models.Model):
    """One service of a life event, in the order the customer usually needs them."""

    life_event = models.ForeignKey(
        LifeEvent, on_delete=models.CASCADE, related_name="steps", verbose_name=_("life event")
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="+", verbose_name=_("service")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ("position", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("life_event", "service"), name="advice_step_service_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.life_event}: {self.service}"


class Outcome(models.TextChoices):
    """How an info-desk contact ended (the concept's *neuvonnan tilastointi*)."""

    SOLVED = "solved", _("solved by advice")
    DIGITAL_SUPPORT = "digital_support", _("digital support given")
    ROUTED_ON_SITE = "routed_on_site", _("routed to an agency on site")
    REMOTE_SERVICE = "remote_service", _("remote service")
    BOOKING_MADE = "booking_made", _("booking made")
    REFERRED = "referred", _("referred elsewhere")


class ContactChannel(models.TextChoices):
    IN_PERSON = "in_person", _("face to face")
    REMOTE = "remote", _("remote video")
    PHONE = "phone", _("phone")


class Persona(models.TextChoices):
    """The concept's customer personas, recorded only when the advisor chooses one."""

    A = "A", _("A: needs support with several matters")
    B = "B", _("B: needs support with one matter")
    C = "C", _("C: independent, several matters")
    D = "D", _("D: independent, one matter")


class AdviceContact(models.Model):
    """One info-desk contact, for statistics: never who the customer was.

    What was asked (a service and its agency, or a life event), how it ended, in which
    channel and language, and how long it took — the figures the concept asks the
    point to keep "within the normal flow", with no personal data to delete later.
    """

    site = models.ForeignKey(
        "registry.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("site")
    )
    advisor = models.ForeignKey(
        "registry.StaffProfile",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("advisor"),
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("service")
    )
    agency = models.ForeignKey(
        "registry.Agency",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("agency"),
    )
    life_event = models.ForeignKey(
        LifeEvent, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("life event")
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=ContactChannel.choices)
    language = models.CharField(_("language"), max_length=8)
    persona = models.CharField(_("persona"), max_length=1, choices=Persona.choices, blank=True)
    started_at = models.DateTimeField(_("started at"))
    recorded_at = models.DateTimeField(_("recorded at"))
    duration_s = models.PositiveIntegerField(_("duration (seconds)"))

    class Meta:
        verbose_name = _("advice contact")
        verbose_name_plural = _("advice contacts")
        indexes = [models.Index(fields=("site", "recorded_at"))]

    def __str__(self) -> str:
        return f"{self.site_id} {self.recorded_at:%Y-%m-%d %H:%M} {self.outcome}"


class HelpRequest(models.Model):
    """A customer pressed "I need help" at a kiosk or terminal: someone should come.

    No personal data: where (the point and the terminal), when, and who took it.
    """

    site = models.ForeignKey(
        "registry.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("site")
    )
    place = models.CharField(_("where"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("asked at"))
    taken_by = models.ForeignKey(
        "registry.StaffProfile",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("taken by"),
    )
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)

    class Meta:
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        indexes = [models.Index(fields=("taken_at", "site"))]

    def __str__(self) -> str:
        return f"{self.site_id} {self.place} {self.created_at:%H:%M}"


class VisitPlan(models.Model):
    """The visit an advisor planned with a customer: numbers for today, bookings for later.

    Today's services share one number (``ticket`` with its ``TicketStep`` rows), so the
    customer moves from agency to agency keeping their place; the rest are one chained
    booking (``visit``). Group size, interpreter and accessibility go to every step.
    Personal data here is only the contact the plan was sent to, and the hand-over
    note; both go with the visit's personal data (:mod:`luukku.audit.retention`).
    """

    site = models.ForeignKey(
        "registry.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("site")
    )
    created_by = models.ForeignKey(
        "registry.StaffProfile",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("advisor"),
    )
    created_at = models.DateTimeField(_("made at"))
    #: The language the customer reads the plan in (one of the kiosk's languages).
    language = models.CharField(_("language"), max_length=8)
    group_size = models.PositiveSmallIntegerField(_("group size"), default=1)
    needs_accessible = models.BooleanField(_("step-free access"), default=False)
    interpreter_language = models.CharField(_("interpreter"), max_length=8, blank=True)
    ticket = models.ForeignKey(
        "queueing.Ticket",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plans",
        verbose_name=_("number"),
    )
    visit = models.ForeignKey(
        "booking.Visit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plans",
        verbose_name=_("booking"),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("visit plan")
        verbose_name_plural = _("visit plans")
        indexes = [models.Index(fields=("created_at",))]

    def __str__(self) -> str:
        return f"{self.site_id} {self.created_at:%Y-%m-%d %H:%M}"


class PlanWhen(models.TextChoices):
    TODAY = "today", _("today, on the same number")
    LATER = "later", _("booked for later")


class VisitPlanItem(models.Model):
    """One service of a plan, in the order the customer goes through them."""

    plan = models.ForeignKey(
        VisitPlan, on_delete=models.CASCADE, related_name="items", verbose_name=_("plan")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    when = models.CharField(_("when"), max_length=5, choices=PlanWhen.choices)
    booking = models.ForeignKey(
        "booking.Booking",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("booking"),
    )

    class Meta:
        verbose_name = _("step of a plan")
        verbose_name_plural = _("steps of a plan")
        ordering = ("plan", "position")
        constraints = [
            models.UniqueConstraint(fields=("plan", "position"), name="advice_plan_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}.{self.position} {self.service_id}"


class HandoverNote(models.Model):
    """A short note on the customer's situation, so they need not tell it to every agency.

    Written only with the customer's consent, recorded here: who asked for it, when,
    and for which agencies. Only officials of those agencies (and only of agencies in
    the plan) read it; every read is an audit event; it is deleted with the plan's
    personal data.
    """

    plan = models.OneToOneField(
        VisitPlan, on_delete=models.CASCADE, related_name="note", verbose_name=_("plan")
    )
    text = models.TextField(_("note"), max_length=1000)
    agencies = models.ManyToManyField(
        "registry.Agency", related_name="+", verbose_name=_("may be read by")
    )
    consent_asked_by = models.ForeignKey(
        "registry.StaffProfile",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("consent asked by"),
    )
    consent_at = models.DateTimeField(_("consent given at"))

    class Meta:
        verbose_name = _("hand-over note")
        verbose_name_plural = _("hand-over notes")

    def __str__(self) -> str:
        return f"note of plan {self.plan_id}"


class DocumentDropOff(models.Model):
    """Documents a customer left at the info desk for an agency, against a dated receipt.

    The matter starts even when none of the agency's officials is on site: they see it
    in their list and mark it received. Personal data: the customer's name and contact
    and what the documents are; emptied after the retention time
    (:mod:`luukku.audit.retention`), the rest kept for the statistics.
    """

    site = models.ForeignKey(
        "registry.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("site")
    )
    agency = models.ForeignKey(
        "registry.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    service = models.ForeignKey(
        Service,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("service"),
    )
    documents = models.CharField(_("documents left"), max_length=300)
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    receipt_code = models.CharField(_("receipt code"), max_length=16, unique=True)
    left_at = models.DateTimeField(_("left at"))
    recorded_by = models.ForeignKey(
        "registry.StaffProfile",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        "registry.StaffProfile",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("received by"),
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("document drop-off")
        verbose_name_plural = _("document drop-offs")
        ordering = ("-left_at",)
        indexes = [models.Index(fields=("agency", "site", "received_at"))]

    def __str__(self) -> str:
        return self.receipt_code
