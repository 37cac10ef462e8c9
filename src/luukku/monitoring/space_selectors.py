"""Reads: space utilisation and premises cost, summed from the daily space-use rows.

Utilisation per period × place × space type: hours in use (in total and a week), the
spaces' opening hours a week, and the share of those opening hours the spaces were in
use. A week is 7 calendar days of the period asked, so a month of 30 days is 30/7
weeks however many of its days the point was open. The number of spaces at a point is
the most it had on a day of the period (summed over the points of a place).

Cost per place, where the points record their rent: € per m² a year (rent over the
floor area of the points' spaces in the registry) and € per hour of use (the rent of
the days asked over the hours their service spaces were in use). The rents and areas
are today's registry values, not the past's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Sum
from django.utils.translation import gettext as _

from luukku.core.monitoring.utilisation import (
    HOUR,
    SpaceUse,
    Utilisation,
    cost_per_hour_of_use,
    cost_per_m2_year,
)
from luukku.monitoring.models import DailySpaceUse
from luukku.monitoring.selectors import one_decimal, percent, period_days, period_key, places
from luukku.registry.models import Site, Space, SpaceType

_ORDER = {kind: i for i, kind in enumerate(SpaceType.values)}
_FIELDS = ("spaces", "open_s", "capacity_s", "used_s", "used_open_s")


@dataclass(frozen=True)
class UtilisationRow:
    period: str
    place: str
    space_type: str  # the code
    label: str
    figures: Utilisation
    total: bool = False  # a space type's row over every period and place


def _rows(date_from: date, date_to: date, site_ids: frozenset[int] | None):
    qs = DailySpaceUse.objects.filter(day__gte=date_from, day__lte=date_to)
    if site_ids is not None:
        qs = qs.filter(site_id__in=site_ids)
    return qs


def utilisation_report(
    *,
    date_from: date,
    date_to: date,
    site_ids: frozenset[int] | None,
    period: str = "month",
    level: str = "site",
) -> list[UtilisationRow]:
    """Rows per period × place × space type, then one total row per space type."""
    place_of = places(level)
    days = period_days(date_from, date_to, period)
    total = _("Total")
    days[total] = (date_to - date_from).days + 1
    sums: dict[tuple, list[int]] = {}
    peak: dict[tuple, dict[int, int]] = {}
    periods: dict[date, str] = {}
    for day, site_id, kind, *values in (
        _rows(date_from, date_to, site_ids)
        .values_list("day", "site_id", "space_type", *_FIELDS)
        .iterator(chunk_size=5000)
    ):
        if day not in periods:
            periods[day] = period_key(day, period)
        for key in ((periods[day], place_of[site_id], kind), (total, "", kind)):
            acc = sums.get(key)
            if acc is None:
                sums[key] = list(values)
            else:
                for i, v in enumerate(values):
                    acc[i] += v
            most = peak.setdefault(key, {})
            most[site_id] = max(most.get(site_id, 0), values[0])
    labels = dict(SpaceType.choices)

    def order(key: tuple) -> tuple:
        return (key[0] == total, key[0], key[1], _ORDER.get(key[2], len(_ORDER)))

    return [
        UtilisationRow(
            key[0],
            key[1],
            key[2],
            str(labels.get(key[2], key[2])),
            Utilisation(SpaceUse(*sums[key]), sum(peak[key].values()), days[key[0]]),
            key[0] == total,
        )
        for key in sorted(sums, key=order)
    ]


def utilisation_columns() -> list[str]:
    return [
        _("Period"),
        _("Place"),
        _("Space type"),
        _("Spaces"),
        _("Hours in use"),
        _("Hours in use a week"),
        _("Hours in use a week per space"),
        _("Opening hours a week per space"),
        _("In use of opening hours (%)"),
    ]


def utilisation_table(rows: list[UtilisationRow]) -> list[list[object]]:
    return [
        [
            r.period,
            r.place,
            r.label,
            r.figures.spaces,
            one_decimal(r.figures.hours_in_use()),
            one_decimal(r.figures.hours_per_week()),
            one_decimal(r.figures.hours_per_week_per_space()),
            one_decimal(r.figures.open_hours_per_week_per_space()),
            percent(r.figures.share_of_opening_hours()),
        ]
        for r in rows
    ]


@dataclass(frozen=True)
class CostRow:
    place: str
    points: int
    rent: float
    area_m2: float
    used_s: int
    days: int

    @property
    def per_m2_year(self) -> float | None:
        return cost_per_m2_year(self.rent, self.area_m2)

    @property
    def per_hour_of_use(self) -> float | None:
        return cost_per_hour_of_use(self.rent, self.days, self.used_s)


def cost_report(
    *, date_from: date, date_to: date, site_ids: frozenset[int] | None, level: str = "site"
) -> list[CostRow]:
    """Per place, the points that record their rent: rent, area, € per m² and per hour.

    A last row sums every place when there are several.
    """
    sites = Site.objects.filter(rent_eur_per_year__isnull=False)
    if site_ids is not None:
        sites = sites.filter(pk__in=site_ids)
    rents = dict(sites.values_list("pk", "rent_eur_per_year"))
    if not rents:
        return []
    area = dict(
        Space.objects.filter(site_id__in=rents, active=True, area_m2__isnull=False)
        .order_by()  # the model's ordering would split the groups
        .values("site_id")
        .annotate(m2=Sum("area_m2"))
        .values_list("site_id", "m2")
    )
    used = dict(
        _rows(date_from, date_to, frozenset(rents))
        .order_by()
        .values("site_id")
        .annotate(s=Sum("used_s"))
        .values_list("site_id", "s")
    )
    days = (date_to - date_from).days + 1
    place_of = places(level)
    groups: dict[str, list[int]] = {}
    for site_id in rents:
        groups.setdefault(place_of[site_id], []).append(site_id)

    def row(place: str, ids: list[int]) -> CostRow:
        return CostRow(
            place,
            len(ids),
            float(sum(rents[i] for i in ids)),
            float(sum(area.get(i) or 0 for i in ids)),
            sum(used.get(i) or 0 for i in ids),
            days,
        )

    rows = [row(place, ids) for place, ids in sorted(groups.items())]
    if len(rows) > 1:
        rows.append(row(_("Total"), list(rents)))
    return rows


def cost_columns() -> list[str]:
    return [
        _("Place"),
        _("Points with rent recorded"),
        _("Rent (€ a year)"),
        _("Area (m²)"),
        _("Cost (€/m² a year)"),
        _("Hours in use"),
        _("Cost per hour in use (€)"),
    ]


def cost_table(rows: list[CostRow]) -> list[list[object]]:
    return [
        [
            r.place,
            r.points,
            f"{r.rent:.0f}",
            f"{r.area_m2:.1f}",
            "" if r.per_m2_year is None else f"{r.per_m2_year:.2f}",
            one_decimal(r.used_s / HOUR),
            "" if r.per_hour_of_use is None else f"{r.per_hour_of_use:.2f}",
        ]
        for r in rows
    ]
