"""Measured against planned: a point's measured load beside its plan, and the verdict.

*Measured* is what the point had (``measured.measured_usage``): visits, service times
and when in the day and the week its customers came, planned with those in place of
the national defaults. *Planned* is the plan: a forecast (the planner's own, or the
measured visits) with the national defaults. Both are dimensioned by the core and set
against the point's existing stock, so the verdict says where the point is over- or
under-sized for the load it really has. The page and ``luukku plan --measured`` show
the same comparison (``findings`` words it).
"""

from __future__ import annotations

from dataclasses import dataclass

from luukku.core.planning.dimensioning import build_config, development_need, plan
from luukku.core.planning.inputs import (
    Defaults,
    ForecastRow,
    PlanningInputError,
    StockRow,
    forecast_from_pairs,
)
from luukku.core.planning.profiles import (
    Hourly,
    fit_hours,
    peak_hour,
    peak_weekday,
    weighted_hourly,
    weighted_weekday,
)
from luukku.core.planning.results import DevelopmentLine, PlanResult

from .measured import MIN_SERVICES, Measured, measured_defaults


@dataclass(frozen=True)
class AgencyComparison:
    code: str
    name: str
    visits_measured: float
    visits_planned: float
    service_measured: float | None  # the measured plan's figure (None: the default kept)
    service_planned: float
    peak_hour_measured: tuple[int, float] | None
    peak_hour_planned: tuple[int, float]
    peak_day_measured: tuple[int, float] | None
    peak_day_planned: tuple[int, float]
    profile_from: str
    arrivals: int  # counted per hour: the profile's sample


@dataclass(frozen=True)
class SpaceComparison:
    space_type: str
    measured_need: int
    planned_need: int
    existing: int | None  # None: the stock does not say (the registry keeps no seats)

    @property
    def change(self) -> int | None:
        return None if self.existing is None else self.measured_need - self.existing


@dataclass(frozen=True)
class Comparison:
    measured: Measured
    agencies: list[AgencyComparison]
    hours: tuple[int, ...]
    hourly_measured: Hourly | None  # the point's arrivals (None: too few counted)
    hourly_planned: Hourly  # the national profiles over the same hours, by planned visits
    weekday_measured: tuple[float, ...] | None
    weekday_planned: tuple[float, ...]
    measured_forecast: tuple[ForecastRow, ...]
    measured_defaults: Defaults  # the national ones with the point's figures in place
    measured_plan: PlanResult
    planned_plan: PlanResult
    spaces: list[SpaceComparison]
    development: tuple[DevelopmentLine, ...]  # the known stock against the measured need

    @property
    def undersized(self) -> list[DevelopmentLine]:
        return [x for x in self.development if x.change > 0]

    @property
    def oversized(self) -> list[DevelopmentLine]:
        return [x for x in self.development if x.change < 0]


def _forecast(visits: dict[str, float], defaults: Defaults) -> tuple[ForecastRow, ...]:
    rows = [(f"visits.{c}", c, v) for c, v in visits.items() if c in defaults.agencies and v > 0]
    if not rows:
        raise PlanningInputError("no visits on record to plan from", field="visits")
    return forecast_from_pairs(rows)


def compare(
    measured: Measured,
    *,
    defaults: Defaults,
    size: str,
    stock: tuple[StockRow, ...],
    planned_visits: dict[str, float] | None = None,
    planned: PlanResult | None = None,
) -> Comparison:
    """Plan the measured load and the plan (``planned_visits``, else the measured visits)
    side by side against ``stock``; ``planned`` reuses a plan already made of the same."""
    measured_visits = measured.visits()
    planned_visits = measured_visits if planned_visits is None else planned_visits
    mine = measured_defaults(measured, defaults)
    forecast = _forecast(measured_visits, mine)
    measured_plan = plan(build_config(forecast, size, mine), stock)
    if planned is None:
        planned = plan(build_config(_forecast(planned_visits, defaults), size, defaults), stock)
    span = (measured.open_hour, measured.close_hour)
    agencies, weights = [], []
    for a in measured.agencies:
        national = defaults.agencies.get(a.code)
        visits_p = planned_visits.get(a.code, 0)
        if national is None or not (a.visits_per_year or visits_p):
            continue
        hourly_p = fit_hours(national.hourly, *span)
        weights.append((hourly_p, national.weekday, visits_p))
        agencies.append(
            AgencyComparison(
                code=a.code,
                name=a.name,
                visits_measured=a.visits_per_year,
                visits_planned=visits_p,
                service_measured=(
                    mine.agencies[a.code].service_time_min
                    if a.service_count >= MIN_SERVICES
                    else None
                ),
                service_planned=national.service_time_min,
                peak_hour_measured=peak_hour(a.hourly) if a.hourly else None,
                peak_hour_planned=peak_hour(hourly_p),
                peak_day_measured=peak_weekday(a.weekday) if a.weekday else None,
                peak_day_planned=peak_weekday(national.weekday),
                profile_from=a.profile_from,
                arrivals=a.arrivals,
            )
        )
    hourly_planned = weighted_hourly([(h, w) for h, _d, w in weights]) or ()
    weekday_planned = weighted_weekday([(d, w) for _h, d, w in weights]) or ()
    known = {r.space_type for r in stock}
    development = tuple(
        x for x in development_need(measured_plan.pooled, stock) if x.space_type in known
    )
    have = {x.space_type: x.existing for x in development}
    return Comparison(
        measured=measured,
        agencies=agencies,
        hours=tuple(range(*span)),
        hourly_measured=measured.hourly,
        hourly_planned=hourly_planned,
        weekday_measured=measured.weekday,
        weekday_planned=weekday_planned,
        measured_forecast=forecast,
        measured_defaults=mine,
        measured_plan=measured_plan,
        planned_plan=planned,
        spaces=[
            SpaceComparison(m.space_type, m.count, p.count, have.get(m.space_type))
            for m, p in zip(measured_plan.pooled.lines, planned.pooled.lines, strict=True)
        ],
        development=development,
    )
