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
