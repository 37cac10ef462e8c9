"""Customers' feedback after a visit: a score of 1–5 and an optional comment, anonymous.

A row says where (the point, and the agency when the customer's number was for one)
and how it was given (kiosk or the link on the ticket), never who: the ticket the
link came from is not kept. The comment is free text a customer may have put their
name in, so it is shown only to the point's staff and emptied by retention.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luukku.registry.models import Agency, Site

COMMENT_MAX = 1000


class Feedback(models.Model):
    class Source(models.TextChoices):
        KIOSK = "kiosk", _("kiosk")
        LINK = "link", _("link on the ticket")

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="+", verbose_name=_("site")
    )
    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("agency"),
    )
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX, blank=True)
    source = models.CharField(_("given at"), max_length=10, choices=Source.choices)
    language = models.CharField(_("language"), max_length=8)
    created_at = models.DateTimeField(_("given"), auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        indexes = [models.Index(fields=("site", "created_at"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="feedback_score_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.score}"
