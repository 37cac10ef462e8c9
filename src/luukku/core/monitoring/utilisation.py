"""Space use in hours: a day's time in use per space type, and the figures it adds up to.

A day's use of one space is the union of the times it was held — its bookings'
reservations and the customers served in it (called to finished) — so that a booked
customer called into the booked room is not counted twice. Time is in whole seconds
(epoch), as in :mod:`luukku.core.scheduling.intervals`. The daily figures per space
type are sums (``SpaceUse``), so that they add up from a day to a month and from a
point to a region, and everything derived (hours per week, share of opening hours,
cost per hour) is computed from those sums.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields

from luukku.core.scheduling.intervals import Span, intersect, union

HOUR = 3600
WEEK_DAYS = 7
YEAR_DAYS = 365


def clip(spans: Iterable[Span], lo: int, hi: int) -> list[Span]:
    """The non-empty parts of ``spans`` inside [lo, hi), sorted and merged."""
    return union(sorted((max(a, lo), min(b, hi)) for a, b in spans if min(b, hi) > max(a, lo)))


def seconds(spans: Iterable[Span]) -> int:
    return sum(b - a for a, b in spans)


@dataclass
class SpaceUse:
    """The additive figures of one space type at one point on one day (or their sum).

    ``spaces``: how many spaces of the type; ``open_s``: the point's opening time;
    ``capacity_s``: opening time × spaces (summed per day, so a space added mid-month
    counts from then); ``used_s``: time in use; ``used_open_s``: the part of it within
    opening hours, never more than ``capacity_s``.
    """

    spaces: int = 0
    open_s: int = 0
    capacity_s: int = 0
    used_s: int = 0
    used_open_s: int = 0

    def __add__(self, other: SpaceUse) -> SpaceUse:
        return SpaceUse(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


def day_use(
    spaces: Mapping[object, str],
    uses: Mapping[object, Iterable[Span]],
    day: Span,
    opening: Sequence[Span],
) -> dict[str, SpaceUse]:
    """Per space type, a day's use of the ``spaces`` (id → type) from their held times.

    ``uses`` maps a space id to the spans it was held (overlaps allowed, in any order);
    a space not in ``spaces`` is ignored. ``day`` is the local day's [start, end) and
    ``opening`` the point's opening spans; both bound what is counted.
    """
    lo, hi = day
    open_spans = clip(opening, lo, hi)
    open_s = seconds(open_spans)
    out: dict[str, SpaceUse] = {}
    for space_id, kind in spaces.items():
        held = clip(uses.get(space_id, ()), lo, hi)
        used = seconds(held)
        u = out.setdefault(kind, SpaceUse(open_s=open_s))
        u.spaces += 1
        u.capacity_s += open_s
        u.used_s += used
        u.used_open_s += seconds(intersect(held, open_spans))
    return out


@dataclass(frozen=True)
class Utilisation:
    """What the report shows of a sum of daily ``SpaceUse`` over ``days`` calendar days.

    ``spaces`` is the number of spaces the sum is about (per point, the most seen on a
    day of the period; summed over points).
    """

    use: SpaceUse
    spaces: int
    days: int

    @property
    def weeks(self) -> float:
        return self.days / WEEK_DAYS

    def hours_in_use(self) -> float:
        return self.use.used_s / HOUR

    def hours_per_week(self) -> float | None:
        """Mean hours in use a week, all the spaces together."""
        return self.hours_in_use() / self.weeks if self.days else None

    def hours_per_week_per_space(self) -> float | None:
        """Mean hours in use a week of one space of the type."""
        per_week = self.hours_per_week()
        return per_week / self.spaces if per_week is not None and self.spaces else None

    def open_hours_per_week_per_space(self) -> float | None:
        if not self.days or not self.spaces:
            return None
        return self.use.capacity_s / HOUR / self.weeks / self.spaces

    def share_of_opening_hours(self) -> float | None:
        """Time in use within opening hours over the spaces' opening time (0–1)."""
        return self.use.used_open_s / self.use.capacity_s if self.use.capacity_s else None


def cost_per_m2_year(rent_per_year: float, area_m2: float) -> float | None:
    return rent_per_year / area_m2 if area_m2 > 0 else None


def cost_per_hour_of_use(rent_per_year: float, days: int, used_s: int) -> float | None:
    """The rent of ``days`` days over the hours the spaces were in use in them."""
    return rent_per_year * days / YEAR_DAYS / (used_s / HOUR) if used_s > 0 else None
