"""Integer-second span arithmetic that narrows calendars before the slot search reads them.

A span is a half-open ``(start, end)`` pair of epoch seconds. The booking search
turns reservations into free gaps, clips them to working hours and opening hours,
and drops what can never hold a slot on the grid, so that the many spaces of a large
service point are read and compiled only where an official could also be.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from .model import Interval

Span = tuple[int, int]


def grid_up(t: int, step: int) -> int:
    """Round up to the next start on the UTC-epoch step grid."""
    return -(-t // step) * step


def union(spans: Iterable[Span]) -> list[Span]:
    """Merge sorted spans into disjoint ones; overlapping and touching spans become one."""
    out: list[Span] = []
    for a, b in spans:
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def intersect(a: Sequence[Span], b: Sequence[Span]) -> list[Span]:
    """The time common to two sorted lists of disjoint spans."""
    out: list[Span] = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo < hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def fitting(spans: Sequence[Span], need: int, step: int) -> list[Span]:
    """Keep the sorted spans whose run of touching spans holds ``need`` from a grid start.

    The core only starts a slot on the ``step`` grid, inside one run of touching free
    spans. A densely booked calendar is full of gaps long enough for the service but
    not aligned with the grid (a booking ending at 8:20 with the next at 8:45); no slot
    can ever start in them, so they need not be read or compiled at all.
    """
    out: list[Span] = []
    i, n = 0, len(spans)
    while i < n:
        j, end = i, spans[i][1]
        while j + 1 < n and spans[j + 1][0] <= end:
            j += 1
            end = max(end, spans[j][1])
        if grid_up(spans[i][0], step) + need <= end:
            out.extend(spans[i : j + 1])
        i = j + 1
    return out


Neighbour = tuple[int, int, int | None, bool]
"""A reservation (start, end), the end of the one before it (None for the first), and
whether it is the last: one row of the booking search's free-gaps query."""


def free_gaps(
    rows: Iterable[Neighbour], lo: int, hi: int, need: int, pad: int, step: int
) -> list[Span]:
    """Free time in [lo, hi) of one resource that a slot of ``need`` seconds could start in.

    ``rows`` are the resource's reservations in start order, each with its predecessor's
    end, as the database reads them; it may leave out any row but the first and the last
    whose gap before it is shorter than ``need + pad``. A reservation's end already
    includes the buffer after it; ``pad`` (the buffer) is kept free before each one. A
    gap is kept only if a slot could start in it on the ``step`` grid. An empty ``rows``
    (no reservations at all) leaves the whole period free.
    """
    out: list[Span] = []
    empty = True
    for start, end, prev_end, last in rows:
        empty = False
        at = lo if prev_end is None else max(lo, prev_end)
        stop = min(start - pad, hi)
        if grid_up(at, step) + need <= stop:
            out.append((at, stop))
        if last:
            at = max(lo, end)
            if grid_up(at, step) + need <= hi:
                out.append((at, hi))
    if empty and grid_up(lo, step) + need <= hi:
        out.append((lo, hi))
    return out


def to_intervals(spans: Iterable[Span]) -> tuple[Interval, ...]:
    """Intervals from trusted spans (sorted, each non-empty), skipping re-validation.

    The spans come from this module's own arithmetic, already checked; building tens
    of thousands of validated records was most of a dense search's time.
    """
    new, put, at = object.__new__, object.__setattr__, datetime.fromtimestamp
    out = []
    for a, b in spans:
        iv = new(Interval)
        put(iv, "start", at(a, UTC))
        put(iv, "end", at(b, UTC))
        out.append(iv)
    return tuple(out)


def spans_of(intervals: Iterable[Interval]) -> list[Span]:
    """Whole-second spans of intervals that start and end on whole seconds."""
    return [(int(iv.start.timestamp()), int(iv.end.timestamp())) for iv in intervals]


__all__ = [
    "Neighbour",
    "Span",
    "fitting",
    "free_gaps",
    "grid_up",
    "intersect",
    "spans_of",
    "to_intervals",
    "union",
]
