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
