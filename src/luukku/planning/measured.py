"""Planning from measured usage: a point's last year, read from the daily aggregates.

The planner can start from what a point really had instead of the national
defaults: its visits per agency over the last 12 months (scaled to a year when fewer
days are on record), its space stock from the registry, and, beside the plan, what
was measured — service times, waits and the share called within the target — against
what the plan assumes. The aggregates hold no personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Sum

from luukku.core.monitoring.figures import Figures
from luukku.core.planning.inputs import AGENCIES, Defaults
from luukku.monitoring.models import DailyAggregate
from luukku.registry.models import Agency, Site, Space, SpaceType

#: Registry space types as the planner counts them.
PLANNER_TYPE = {
    SpaceType.SCREENED_BOOTH: "booth",
    SpaceType.SERVICE_ROOM: "service_room",
    SpaceType.REMOTE_SERVICE_ROOM: "remote_room",
    SpaceType.SAFE_ROOM: "safe_room",
    SpaceType.MEETING_ROOM: "meeting_room",
    SpaceType.SELF_SERVICE_TERMINAL: "terminal",
    SpaceType.ADVICE_POINT: "advice_point",
    SpaceType.BACK_OFFICE: "workstation",
}


@dataclass(frozen=True)
class AgencyMeasured:
    code: str
    name: str
    visits_per_year: float
    service_min: float | None
    planned_service_min: float | None
    mean_wait_min: float | None
    within_target: float | None


@dataclass(frozen=True)
class Measured:
    site: Site
    date_from: date
    date_to: date
    days: int
    agencies: list[AgencyMeasured]

    def visits(self) -> dict[str, float]:
        return {a.code: round(a.visits_per_year) for a in self.agencies}


def measured_usage(site: Site, today: date, defaults: Defaults) -> Measured:
    """The point's last 12 months per planner agency (visits, service and waiting times)."""
    date_to = today - timedelta(days=1)
    date_from = date_to - timedelta(days=364)
    qs = DailyAggregate.objects.filter(site=site, day__gte=date_from, day__lte=date_to)
    days = qs.values("day").distinct().count()
    working_days = sum(
        1 for i in range(365) if (date_from + timedelta(days=i)).weekday() < 5
    )  # the year the forecast means
    scale = working_days / days if days else 0.0
    per_agency: dict[int, Figures] = {}
    for row in qs.values_list(
        "agency_id", "walk_in", "booked", "chained", "cancelled", "wait_count", "wait_sum_s",
        "wait_hist", "service_count", "service_sum_s",
    ).iterator(chunk_size=5000):  # fmt: skip
        agency_id, walk_in, booked, chained, cancelled, wc, ws, hist, sc, ss = row
        f = per_agency.setdefault(agency_id, Figures())
        f += Figures(walk_in=walk_in, booked=booked, chained=chained, cancelled=cancelled,
                     wait_count=wc, wait_sum_s=ws, wait_hist=hist, service_count=sc,
                     service_sum_s=ss)  # fmt: skip
        per_agency[agency_id] = f
    agencies = {a.pk: a for a in Agency.objects.filter(code__in=AGENCIES)}
    out = []
    for agency_id, agency in sorted(agencies.items(), key=lambda kv: AGENCIES.index(kv[1].code)):
        f = per_agency.get(agency_id, Figures())
        visits = f.walk_in + f.chained + f.booked - f.cancelled
        planned = defaults.agencies.get(agency.code)
        out.append(
            AgencyMeasured(
                agency.code,
                agency.name,
                visits * scale,
                f.mean_service_min(),
                planned.service_time_min if planned else None,
                f.mean_wait_min(),
                f.within_target_share(),
            )
        )
    return Measured(site, date_from, date_to, days, out)


def site_stock(site: Site) -> dict[str, tuple[int, float]]:
    """The point's active spaces as the planner's existing stock: (count, m²) per type."""
    stock: dict[str, tuple[int, float]] = {}
    rows = (
        Space.objects.filter(site=site, active=True)
        .values("space_type")
        .annotate(n=Count("pk"), m2=Sum("area_m2"))
    )
    for r in rows:
        kind = PLANNER_TYPE.get(r["space_type"])
        if kind:
            count, m2 = stock.get(kind, (0, 0.0))
            stock[kind] = (count + r["n"], m2 + float(r["m2"] or 0))
    return stock
