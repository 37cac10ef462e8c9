"""Daily aggregates: the figures reports are computed from (no personal data).

One row per local day (Europe/Helsinki) × site × agency × service × channel. The rows
hold only counts and sums, and a waiting-time histogram in the fixed minute buckets of
:mod:`luukku.core.monitoring.figures`, so they survive the retention deletion and add
up from a point to a region to the whole network. A day is recomputed as a whole
(:func:`luukku.monitoring.services.day_aggregate`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from luukku.booking.models import Channel
from luukku.registry.models import Agency, Service, Site


class DailyAggregate(models.Model):
    day = models.DateField(_("day"))
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+", db_index=False)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    walk_in = models.PositiveIntegerField(default=0)
    booked = models.PositiveIntegerField(default=0)
    chained = models.PositiveIntegerField(default=0)
    no_show = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)
    served = models.PositiveIntegerField(default=0)
    wait_count = models.PositiveIntegerField(default=0)
    wait_sum_s = models.BigIntegerField(default=0)
    wait_hist = models.JSONField(default=list)
    service_count = models.PositiveIntegerField(default=0)
    service_sum_s = models.BigIntegerField(default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("daily aggregate")
        indexes = [models.Index(fields=["site", "day"]), models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.site_id} {self.agency_id} {self.service_id} {self.channel}"
