"""A resource's reserved day in three numbers, enough to know its free time for most services.

A densely booked official has ten reservations a day for weeks, with short breaks
between them; a search for the earliest free time would read them all to learn that
the only room is before the first or after the last. The booking transaction keeps,
per resource and local day, the three numbers :func:`summarise` gives (seconds from
local midnight): when the first reservation begins, when the last ends, and the
longest run between two of them from a start on the slot grid. For a service whose
length and buffer exceed that run, the day's free time is exactly what lies before the
first and after the last (:func:`free_time`); only a day with a longer break has to be
read reservation by reservation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .intervals import Span, grid_up


@dataclass(frozen=True, slots=True)
class DaySummary:
    """Seconds from local midnight: the first start, the last end, the longest inner run
    (from the grid start after one reservation to the next one's start)."""

    first: int
    last: int
    longest: int


def summarise(busy: Iterable[Span], midnight: int, step: int) -> DaySummary | None:
    """The summary of the reservations (epoch seconds) that touch one local day.

    ``midnight`` is the day's local midnight in epoch seconds (a whole hour in UTC in
    Finland, so on the grid). A reservation reaching over midnight belongs to both
    days (its start is then before 0, or its end after the day). Ends include the
    buffer after; the buffer before is the reader's (:func:`free_time`). ``None`` for a
    day without reservations.
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
    return DaySummary(first=spans[0][0] - midnight, last=end - midnight, longest=longest)


def free_time(
    days: list[DaySummary | None], midnights: list[int], need: int, pad: int
) -> list[Span] | None:
    """Free time over consecutive local days for a slot of ``need`` seconds with ``pad``
    seconds of buffer before each reservation, or ``None`` if a break between two
    reservations on some day might hold it (the reservations must then be read).

    ``midnights`` holds each day's local midnight and the one after the last day. A
    day without reservations (``None``) is free all day; otherwise the free time lies
    before its first reservation (less the buffer, which may reach back into the day
    before) and after its last. This is what the search's own sweep
    (:func:`~luukku.core.scheduling.intervals.free_gaps`) keeps, once both pass
    :func:`~.intervals.fitting`.
    """
    out: list[Span] = []
    need_pad = need + pad
    for day, midnight, next_midnight in zip(days, midnights, midnights[1:], strict=False):
        if day is None:
            start = midnight
        else:
            if day.longest >= need_pad:
                return None
            cut = midnight + day.first - pad
            while out and out[-1][1] > cut:  # the buffer reaches back into the day before
                a, _b = out.pop()
                if a < cut:
                    out.append((a, cut))
                    break
            if cut > midnight:
                if out and out[-1][1] == midnight:
                    out[-1] = (out[-1][0], cut)
                else:
                    out.append((midnight, cut))
            start = midnight + day.last
        if start < next_midnight:
            if out and out[-1][1] >= start:
                out[-1] = (out[-1][0], next_midnight)
            else:
                out.append((start, next_midnight))
    return out


__all__ = ["DaySummary", "free_time", "summarise"]
