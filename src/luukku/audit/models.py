"""Read events: every time staff see or act on a customer's personal data.

Changes themselves are recorded by django-auditlog (``auditlog.LogEntry``, see
:mod:`luukku.audit.changes`); this table records what auditlog cannot see: who
looked. An event names the booking and the visit by id only — never a name, a
phone number or an e-mail address — so that it may outlive the personal data it
points at (see ``LUUKKU_AUDIT_RETENTION_DAYS``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luukku.registry.models import Agency, Site


class AccessAction(models.TextChoices):
    LIST = "list", _("listed with names")
    OPEN = "open", _("booking opened")
    CONTACT = "contact", _("contact details shown")
    CHECK_IN = "check_in", _("checked in for the customer")
    CANCEL = "cancel", _("cancelled for the customer")
    NOTE = "note", _("hand-over note read")


class AccessEvent(models.Model):
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("who"),
    )
    #: Kept when the account is later removed: the log must still say who it was.
    actor_username = models.CharField(_("user name"), max_length=150)
    action = models.CharField(_("what"), max_length=16, choices=AccessAction.choices)
    # Plain ids, not foreign keys: the event outlives the booking's personal data.
    booking_id = models.BigIntegerField(_("booking id"), null=True)
    visit_id = models.BigIntegerField(_("visit id"), null=True)
    plan_id = models.BigIntegerField(_("visit plan id"), null=True)
    dropoff_id = models.BigIntegerField(_("document drop-off id"), null=True)
    site = models.ForeignKey(
        Site, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("site")
    )
    agency = models.ForeignKey(
        Agency, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("agency")
    )
    remote_addr = models.GenericIPAddressField(_("from (IP address)"), null=True)

    class Meta:
        verbose_name = _("personal-data access")
        verbose_name_plural = _("personal-data accesses")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["at"], name="access_by_time"),
            models.Index(fields=["site", "at"], name="access_by_site"),
            models.Index(fields=["agency", "at"], name="access_by_agency"),
            models.Index(fields=["booking_id"], name="access_by_booking"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_username} {self.action} booking #{self.booking_id}"
