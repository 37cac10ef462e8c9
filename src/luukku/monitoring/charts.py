"""The report page's charts, each with the table of the figures it draws.

Visits and the service level per period, summed over the places and agencies shown;
the share of opening hours in use per space type over the whole period asked.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from luukku.core.monitoring.figures import TARGET_MINUTES, Figures, combine
from luukku.monitoring.selectors import ReportRow, one_decimal, percent
from luukku.monitoring.space_selectors import UtilisationRow
from luukku.web.charts import column_chart, hbar_chart


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    svg: SafeString
    header: list[str]
    cells: list[list[object]]


def _per_period(rows: list[ReportRow]) -> dict[str, Figures]:
    groups: dict[str, list[Figures]] = {}
    for r in rows[:-1]:  # the last row is the total
        groups.setdefault(r.period, []).append(r.figures)
    return {period: combine(parts) for period, parts in sorted(groups.items())}


def visits_chart(rows: list[ReportRow]) -> Chart | None:
    periods = _per_period(rows)
    if not periods:
        return None
    labels = list(periods)
    series = [
        (_("Walk-in"), [float(f.walk_in) for f in periods.values()]),
        (_("Booked"), [float(f.booked) for f in periods.values()]),
        (_("Passed on"), [float(f.chained) for f in periods.values()]),
    ]
    title = _("Visits per period")
    svg = column_chart("chart-visits", title, labels, series, _("visits"))
    header = [_("Period"), *(name for name, _values in series)]
    cells = [[p, f.walk_in, f.booked, f.chained] for p, f in periods.items()]
    return Chart("visits", title, svg, header, cells)


def service_level_chart(rows: list[ReportRow]) -> Chart | None:
    periods = {p: f for p, f in _per_period(rows).items() if f.wait_count}
    if not periods:
        return None
    title = _("Called within %(minutes)s minutes, per period") % {"minutes": TARGET_MINUTES}
    shares = [100 * (f.within_target_share() or 0.0) for f in periods.values()]
    svg = column_chart(
        "chart-service-level", title, list(periods), [(_("called"), shares)], "%", values=True
    )
    header = [_("Period"), _("Called within 15 min (%)"), _("Mean wait (min)")]
    cells = [
        [p, percent(f.within_target_share()), one_decimal(f.mean_wait_min())]
        for p, f in periods.items()
    ]
    return Chart("service-level", title, svg, header, cells)


def utilisation_chart(rows: list[UtilisationRow]) -> Chart | None:
    """The share of opening hours in use per space type, from the table's total rows."""
    totals = [r for r in rows if r.total and r.figures.use.capacity_s]
    if not totals:
        return None
    shares = [100 * (r.figures.share_of_opening_hours() or 0.0) for r in totals]
    title = _("Share of opening hours in use, per space type")
    svg = hbar_chart(
        "chart-utilisation",
        title,
        [r.label for r in totals],
        [(_("in use"), shares)],
        "%",
        top=100,
    )
    header = [_("Space type"), _("In use of opening hours (%)"), _("Hours in use a week per space")]
    cells = [
        [
            r.label,
            percent(r.figures.share_of_opening_hours()),
            one_decimal(r.figures.hours_per_week_per_space()),
        ]
        for r in totals
    ]
    return Chart("utilisation", title, svg, header, cells)
