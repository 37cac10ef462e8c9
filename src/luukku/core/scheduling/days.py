"""A resource's day at a glance: three numbers that tell a search to skip a full day.

A densely booked official has ten reservations a day for weeks; a search for the
earliest free time would read them all to learn that no slot fits before some day
far ahead. The booking transaction keeps, per resource and local day, the three
numbers :func:`summarise` gives (minutes from local midnight): when the first
reservation begins, when the last ends (rounded up to the slot grid), and the longest
time between two of them from a start on the grid. :func:`full_below` turns a service's length into three bounds;
a day whose numbers are all within them (:func:`is_full`) cannot hold the service
anywhere between ``opens`` and ``closes``, so the search need not read it.

The test is conservative by construction: it knows nothing of the opening hours but
an envelope that contains them, so it may call a full day free (and the search then
reads it) but never a free day full.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .intervals import Span, grid_up


@dataclass(frozen=True, slots=True)
class DaySummary:
    """Minutes from local midnight: the first start, the last end rounded up to the grid,
    and the longest run from a grid start after one reservation to the next's start."""

    first: int
    last: int
    longest: int


@dataclass(frozen=True, slots=True)
class FullBelow:
    """A day is full for a service when ``longest < longest_below``, ``first < first_below``
    and ``last > last_above`` (see :func:`full_below`)."""

    longest_below: int
    first_below: int
    last_above: int


def summarise(busy: Iterable[Span], midnight: int, step: int) -> DaySummary | None:
    """The summary of one day's reservations (epoch seconds, ends including the buffer).

    ``midnight`` is the day's local midnight in epoch seconds (a whole hour in UTC in
    Finland, so on the grid). The buffer kept free before a reservation is left to
    :func:`full_below`, so a changed buffer setting leaves the stored numbers right.
    ``None`` for a day without reservations.
    """
    spans = sorted(busy)
    if not spans:
        return None
    longest = 0
    end = spans[0][1]
    for start, stop in spans[1:]:
        if start > end:
            longest = max(longest, start - grid_up(end, step))
        end = max(end, stop)
    return DaySummary(
        first=(spans[0][0] - midnight) // 60,
        last=-(-(grid_up(end, step) - midnight) // 60),
        longest=max(longest, 0) // 60,
    )


def full_below(need: int, pad: int, opens: int, closes: int, step: int) -> FullBelow:
    """Bounds for a service of ``need`` seconds when the resource works at most from
    ``opens`` to ``closes`` minutes after local midnight.

    Every rounding leans towards "free": minutes are floored where a smaller figure
    makes a day look freer, and the caller floors ``opens`` and ceils ``closes``.
    """
    need_min, pad_min, step_min = need // 60, pad // 60, step // 60
    return FullBelow(
        longest_below=need_min + pad_min,
        first_below=grid_up(opens, step_min) + need_min + pad_min,
        last_above=closes - need_min,
    )


def is_full(day: DaySummary, bounds: FullBelow) -> bool:
    """The rule the booking search's query applies to the stored summaries."""
    return (
        day.longest < bounds.longest_below
        and day.first < bounds.first_below
        and day.last > bounds.last_above
    )


__all__ = ["DaySummary", "FullBelow", "full_below", "is_full", "summarise"]
