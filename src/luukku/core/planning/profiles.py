"""Measured arrival profiles for the planner: hour-of-day and weekday shares.

The planner sizes every hour of the peak week from the week's visits times the day's
share (``weekday``) times the hour's share (``hourly``), and the busiest hour's load
drives the space need. A point whose visitors crowd into the late morning therefore
needs more desks than the national profile says for the same visits a year, and one
whose visits spread over a long day needs fewer. This module turns a point's counted
arrivals into those shares and puts them, with its measured service times, in place of
the national defaults (``with_measured``); everything else stays as configured.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from .inputs import PROFILE_TOLERANCE, Defaults, PlanningInputError

Hourly = tuple[tuple[int, float], ...]


@dataclass(frozen=True)
class MeasuredProfile:
    """What was measured for one agency; ``None`` keeps the default."""

    hourly: Hourly | None = None
    weekday: tuple[float, ...] | None = None  # Mon..Fri
    service_time_min: float | None = None


def _clamp(hour: int, open_hour: int, close_hour: int) -> int:
    return min(max(hour, open_hour), close_hour - 1)


def _check_hours(open_hour: int, close_hour: int) -> None:
    if not 0 <= open_hour < close_hour <= 24:
        raise PlanningInputError("need 0 <= open < close <= 24", row="opening_hours", field="close")


def hourly_shares(counts: Mapping[int, float], open_hour: int, close_hour: int) -> Hourly | None:
    """Each opening hour's share of the arrivals counted per local hour (0–23).

    An arrival before opening waits for the doors and one after the last hour was let
    in before closing, so an hour outside ``[open_hour, close_hour)`` counts in the
    nearest open hour. Every opening hour is listed, empty ones with 0. ``None`` when
    nothing was counted.
    """
    _check_hours(open_hour, close_hour)
    folded = dict.fromkeys(range(open_hour, close_hour), 0.0)
    for hour, n in counts.items():
        if n < 0:
            raise PlanningInputError(
                "a count cannot be negative", row=f"hour {hour}", field="count"
            )
        folded[_clamp(int(hour), open_hour, close_hour)] += n
    total = sum(folded.values())
    if total <= 0:
        return None
    return tuple((h, n / total) for h, n in folded.items())


def fit_hours(hourly: Hourly, open_hour: int, close_hour: int) -> Hourly:
    """A profile over other opening hours moved onto these (outside hours fold in)."""
    fitted = hourly_shares(dict(hourly), open_hour, close_hour)
    if fitted is None:  # an all-zero profile cannot be valid input; spread it evenly
        n = close_hour - open_hour
        return tuple((h, 1 / n) for h in range(open_hour, close_hour))
    return fitted


def weekday_shares(totals: Sequence[float], days: Sequence[int]) -> tuple[float, ...] | None:
    """Mon–Fri shares of a week's visits from the arrivals counted on each weekday.

    ``totals`` and ``days`` run Monday first (seven values, or five): a weekday's mean
    is its arrivals over its days on record, so a year with one Monday more (or a
    Monday holiday) does not tilt the profile. The planner's week is Monday to Friday:
    weekend arrivals are left out. ``None`` when nothing was counted on a weekday.
    """
    if len(totals) < 5 or len(days) < 5:
        raise PlanningInputError("need a count for each weekday", field="weekday")
    means = [t / d if d > 0 else 0.0 for t, d in zip(totals[:5], days[:5], strict=True)]
    total = sum(means)
    if total <= 0:
        return None
    return tuple(m / total for m in means)


def peak_hour(hourly: Hourly) -> tuple[int, float]:
    """The hour with the largest share (the earliest of equals) and its share."""
    if not hourly:
        raise PlanningInputError("empty hourly profile", field="hourly_profile")
    return max(hourly, key=lambda hs: (hs[1], -hs[0]))


def peak_weekday(weekday: Sequence[float]) -> tuple[int, float]:
    """The weekday (Monday = 0) with the largest share, and its share."""
    if not weekday:
        raise PlanningInputError("empty weekday profile", field="weekday_profile")
    day = max(range(len(weekday)), key=lambda i: (weekday[i], -i))
    return day, weekday[day]


def weighted_hourly(profiles: Sequence[tuple[Hourly, float]]) -> Hourly | None:
    """Several agencies' hourly profiles as one, each weighted by its visits."""
    total = sum(w for _, w in profiles)
    if total <= 0:
        return None
    hours = sorted({h for p, _ in profiles for h, _s in p})
    out = dict.fromkeys(hours, 0.0)
    for p, w in profiles:
        for h, s in p:
            out[h] += s * w / total
    return tuple(out.items())


def weighted_weekday(profiles: Sequence[tuple[Sequence[float], float]]) -> tuple[float, ...] | None:
    """Several agencies' weekday profiles as one, each weighted by its visits."""
    total = sum(w for _, w in profiles)
    if total <= 0:
        return None
    return tuple(sum(p[i] * w for p, w in profiles) / total for i in range(5))


def _checked(values: Sequence[float], row: str, field: str) -> None:
    if any(v < 0 for v in values) or abs(sum(values) - 1.0) > PROFILE_TOLERANCE:
        raise PlanningInputError("profile must be shares summing to 1", row=row, field=field)


def with_measured(
    defaults: Defaults,
    measured: Mapping[str, MeasuredProfile],
    *,
    open_hour: int | None = None,
    close_hour: int | None = None,
    source: str = "measured",
) -> Defaults:
    """The defaults with a point's measured profiles and service times in their place.

    ``open_hour``/``close_hour`` set the plan's opening hours (the point's own); every
    agency's hourly profile, measured or not, is fitted onto them. An agency measured
    without a figure (``None``) keeps its default for that figure; a measured figure's
    source (``Defaults.sources``, shown with the plan) says ``source``.
    """
    open_hour = defaults.open_hour if open_hour is None else open_hour
    close_hour = defaults.close_hour if close_hour is None else close_hour
    _check_hours(open_hour, close_hour)
    agencies, sources = {}, dict(defaults.sources)
    for code, a in defaults.agencies.items():
        m = measured.get(code, MeasuredProfile())
        row = f"measured.{code}"
        hourly = fit_hours(m.hourly or a.hourly, open_hour, close_hour)
        _checked([s for _, s in hourly], row, "hourly_profile")
        weekday = tuple(m.weekday) if m.weekday is not None else a.weekday
        if len(weekday) != 5:
            raise PlanningInputError("need 5 weekday shares (Mon-Fri)", row=row, field="weekday")
        _checked(weekday, row, "weekday_profile")
        service = a.service_time_min if m.service_time_min is None else m.service_time_min
        if not service > 0:
            raise PlanningInputError("must be positive", row=row, field="service_time_min")
        agencies[code] = replace(a, hourly=hourly, weekday=weekday, service_time_min=service)
        for key, value in (
            ("hourly_profile", m.hourly),
            ("weekday_profile", m.weekday),
            ("service_time_min", m.service_time_min),
        ):
            if value is not None:
                sources[f"agencies.{code}.{key}"] = source
    unknown = set(measured) - set(defaults.agencies)
    if unknown:
        raise PlanningInputError(f"no defaults for agency {min(unknown)}", field="agency")
    return replace(
        defaults, agencies=agencies, open_hour=open_hour, close_hour=close_hour, sources=sources
    )
