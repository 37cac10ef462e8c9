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
from luukku.registry.models import Agency, Service, Site, SpaceType


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


class DailyChainSequence(models.Model):
    """Chained visits of one day at one point, per sequence of agencies ("KELA>VERO").

    ``kind``: passed on at the point (a ticket handed over) or booked as a chain.
    Recomputed with the day's other aggregates; no personal data.
    """

    class Kind(models.TextChoices):
        PASSED_ON = "passed_on", _("passed on at the point")
        BOOKED = "booked", _("booked as a chain")

    day = models.DateField(_("day"))
    site = models.ForeignKey("registry.Site", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sequence = models.CharField(_("agencies in order"), max_length=200)
    visits = models.PositiveIntegerField(default=0)
    handovers = models.PositiveIntegerField(default=0)
    handover_sum_s = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=("day", "site"))]
        constraints = [
            models.UniqueConstraint(
                fields=("day", "site", "kind", "sequence"), name="one_chain_row_per_day"
            )
        ]


class DailySpaceUse(models.Model):
    """Time in use of one point's spaces of one type on one day (no personal data).

    ``used_s`` is the union of each space's held times — its bookings' reservations and
    the customers served in it, called to finished — summed over the spaces of the type;
    ``used_open_s`` the part within the point's opening hours, and ``capacity_s`` the
    opening time × ``spaces``. Recomputed with the day's other aggregates
    (:func:`luukku.core.monitoring.utilisation.day_use`).
    """

    day = models.DateField(_("day"))
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+", db_index=False)
    space_type = models.CharField(_("space type"), max_length=30, choices=SpaceType.choices)
    spaces = models.PositiveIntegerField(default=0)
    open_s = models.PositiveIntegerField(default=0)
    capacity_s = models.PositiveIntegerField(default=0)
    used_s = models.PositiveIntegerField(default=0)
    used_open_s = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("daily space use")
        indexes = [models.Index(fields=("day", "site"))]
        constraints = [
            models.UniqueConstraint(
                fields=("site", "day", "space_type"), name="one_space_use_row_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.site_id} {self.space_type}"


class DailyStopUse(models.Model):
    """One bus stop on one day: who came and how much of its time was in service.

    Counts and seconds only (no personal data), so the evidence of the bus timetable
    suggestions survives the retention deletion. A customer belongs to the stop the
    bus stood at (or stood at next) when they took their number or were booked for;
    ``open_s`` is the stop's time that day and ``spaces`` the bus's service spaces
    (serving time = ``open_s`` × ``spaces``). Every stop the bus stood at has a row,
    an idle one too. Recomputed with the day's other aggregates
    (:func:`luukku.monitoring.stop_use.stop_use_rows`).
    """

    day = models.DateField(_("day"))
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+", db_index=False)
    stop = models.ForeignKey(
        "registry.BusStop", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    bookings = models.PositiveIntegerField(default=0)
    walk_ins = models.PositiveIntegerField(default=0)
    served = models.PositiveIntegerField(default=0)
    turned_away = models.PositiveIntegerField(default=0)
    service_s = models.PositiveIntegerField(default=0)
    booked_s = models.PositiveIntegerField(default=0)
    open_s = models.PositiveIntegerField(default=0)
    spaces = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("daily bus stop use")
        indexes = [models.Index(fields=("site", "day"))]
        constraints = [
            models.UniqueConstraint(fields=("stop", "day"), name="one_stop_use_row_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.stop_id}"


class DailyHourArrivals(models.Model):
    """Arrivals at one point for one agency in one local hour of one day (no personal data).

    The planner's hour-of-day and weekday profiles (the weekday is the day's): walk-in
    and passed-on tickets counted at the hour they were queued, booked customers at
    their check-in, or the booking's start when none was recorded; cancelled and
    missed bookings are not arrivals. ``hour`` is 0–23 in Europe/Helsinki; on the
    autumn DST day the repeated hour counts once, summed. Recomputed with the day's
    other aggregates (:func:`luukku.monitoring.services.day_aggregate`).
    """

    day = models.DateField(_("day"))
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+", db_index=False)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    hour = models.PositiveSmallIntegerField(_("hour"))
    walk_in = models.PositiveIntegerField(default=0)
    chained = models.PositiveIntegerField(default=0)
    booked = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("arrivals per hour")
        indexes = [models.Index(fields=("site", "day")), models.Index(fields=("day",))]
        constraints = [
            models.CheckConstraint(condition=models.Q(hour__lte=23), name="arrival_hour_0_23")
        ]

    @property
    def arrivals(self) -> int:
        return self.walk_in + self.chained + self.booked

    def __str__(self) -> str:
        return f"{self.day} {self.site_id} {self.agency_id} {self.hour}"
