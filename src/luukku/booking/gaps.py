"""Reads of free time: which resources are free when, from their reservations.

Two reads, both one query for any number of resources: :func:`full_resources` asks
the reserved-day summaries (:class:`~luukku.booking.models.ResourceDay`) which
resources have no room on any open day of a period, and :func:`free` reads the free
gaps of the others. A densely booked region is then skipped day by day at the cost of
a few index rows per resource and day, instead of reading every reservation.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from math import ceil, floor

from django.conf import settings
from django.db import connection

from luukku.booking.models import Reservation, ResourceDay
from luukku.core.scheduling.days import DaySummary, FullBelow, full_below, is_full
from luukku.core.scheduling.intervals import Neighbour, Span, free_gaps

STEP = timedelta(minutes=15)
#: No reservation is longer than this: a booking lies within one service day (opening
#: hours end before midnight), plus its buffers.
LONGEST_RESERVATION = timedelta(days=1)


def buffer() -> timedelta:
    return timedelta(minutes=settings.LUUKKU_BUFFER_MINUTES)


def full_resources(
    hours_of: dict[int, dict[date, tuple[int, int]]], duration: timedelta
) -> set[int]:
    """Those resources with no room for ``duration`` on any day they could work.

    ``hours_of`` gives each resource's working days in the period with the day's first
    opening and last closing (minutes from local midnight). The query keeps the days
    with no room between reservations; the core's rule
    (:func:`~luukku.core.scheduling.days.is_full`) then looks at the day's own hours
    before the first and after the last. A day without a row has no reservations.
    A period of one day is not looked up: reading its reservations costs no more.
    """
    days = sorted({d for hours in hours_of.values() for d in hours})
    if len(days) < 2:
        return set()
    need, pad, step = _seconds(duration), _seconds(buffer()), _seconds(STEP)
    full_days: dict[int, int] = {rid: 0 for rid in hours_of}
    bounds: dict[tuple[int, int], FullBelow] = {}
    rows = ResourceDay.objects.filter(
        resource_id__in=sorted(hours_of),
        day__in=days,
        longest__lt=full_below(need, pad, 0, 0, step).longest_below,
    ).values_list("resource_id", "day", "first", "last", "longest")
    for rid, day, first, last, longest in rows:
        hours = hours_of[rid].get(day)
        if hours is None:
            continue
        if hours not in bounds:
            bounds[hours] = full_below(need, pad, *hours, step)
        if is_full(DaySummary(first, last, longest), bounds[hours]):
            full_days[rid] += 1
    return {rid for rid, n in full_days.items() if n == len(hours_of[rid])}


def _minutes(text: str) -> str:
    """SQL for the minute of its day of a UTC time read as text (the same on both databases).

    Both databases give a timestamp as 'YYYY-MM-DD HH:MM:SS…' text (SQLite stores
    that; PostgreSQL prints it so in the UTC session Django opens). Seconds are dropped,
    which only ever keeps a row the exact test in Python then refuses, never loses one.
    """
    return f"(CAST(substr({text}, 12, 2) AS INTEGER) * 60 + CAST(substr({text}, 15, 2) AS INTEGER))"


# Each reservation with its predecessor's end, keeping only the rows that open a gap that
# could hold the service and the buffer starting on the 15-minute grid (the grid in UTC
# minutes of the day is the epoch's), plus each resource's first and last. It replaces
#   Reservation.objects.filter(resource_id__in=ids, start__lt=.., end__gt=.., start__gt=..)
#   .annotate(prev_end=Window(Lag("end"), ...), next_start=Window(Lead("start"), ...))
#   .filter(Q(prev_end=None) | Q(next_start=None) | Q(gap__gte=need))
# whose datetime arithmetic SQLite runs as a Python function per row (a dense search took
# three times as long), and it lets the database drop the gaps off the grid, which are
# most of a dense calendar's. Each time is turned into text once.
_GAPS_SQL = f"""
    SELECT resource_id, s, e, prev_e, last FROM (
        SELECT resource_id, s, e,
               LAG(e) OVER w AS prev_e,
               LEAD(start) OVER w IS NULL AS last
        FROM (
            SELECT resource_id, start, CAST(start AS TEXT) AS s, CAST("end" AS TEXT) AS e
            FROM {Reservation._meta.db_table}
            WHERE resource_id IN ({{ids}}) AND start < %s AND "end" > %s AND start > %s
        ) r
        WINDOW w AS (PARTITION BY resource_id ORDER BY start)
    ) t
    WHERE prev_e IS NULL OR last OR substr(prev_e, 1, 10) <> substr(s, 1, 10)
       OR ({_minutes("prev_e")} + %s) / %s * %s + %s <= {_minutes("s")}
    ORDER BY resource_id, s
"""


def free(
    resource_ids: set[int],
    not_before: datetime,
    not_after: datetime,
    duration: timedelta,
    full: set[int] = frozenset(),
) -> dict[int, list[Span]]:
    """Free gaps (epoch seconds) of each resource in the period that can hold ``duration``.

    The database does the sweep (see ``_GAPS_SQL``): of the resources' reservations that
    reach into the period it returns only those that open a gap a slot could start in,
    so a fully booked calendar costs a handful of rows instead of thousands; the core
    then applies the exact test (:func:`~luukku.core.scheduling.intervals.free_gaps`).
    The ``full`` ones (:func:`full_resources`) are not read: they have no gaps.
    """
    out: dict[int, list[Span]] = {rid: [] for rid in resource_ids if rid in full}
    ids = sorted(rid for rid in resource_ids if rid not in full)
    if not ids:
        return out
    pad = buffer()
    lo, hi = int(not_before.timestamp()), int(not_after.timestamp())
    # The last bound lets the (resource, start, end) index skip a resource's history:
    # a reservation that reaches into the period began at most LONGEST_RESERVATION earlier.
    bounds = [
        connection.ops.adapt_datetimefield_value(at)
        for at in (not_after + pad, not_before, not_before - LONGEST_RESERVATION)
    ]
    step = _seconds(STEP) // 60
    fit = [step - 1, step, step, (_seconds(duration) + _seconds(pad)) // 60]
    by_resource: dict[int, list[Neighbour]] = {rid: [] for rid in ids}
    with connection.cursor() as cur:
        cur.execute(_GAPS_SQL.replace("{ids}", ", ".join(["%s"] * len(ids))), [*ids, *bounds, *fit])
        for rid, start, end, prev_end, last in cur.fetchall():
            by_resource[rid].append(
                (
                    floor(_epoch(start)),
                    ceil(_epoch(end)),
                    None if prev_end is None else ceil(_epoch(prev_end)),
                    bool(last),
                )
            )
    need, gap, step = _seconds(duration), _seconds(pad), _seconds(STEP)
    out.update((rid, free_gaps(r, lo, hi, need, gap, step)) for rid, r in by_resource.items())
    return out


def _epoch(text: str) -> float:
    """Epoch seconds of a stored time read as text (naive text is UTC, as SQLite stores it).

    Read as text because Django's psycopg loader for timestamps is pure Python: parsing
    the same values with ``fromisoformat`` was a fifth of a dense search's time.
    """
    at = datetime.fromisoformat(text)
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp()


def _seconds(span: timedelta) -> int:
    return int(span.total_seconds())
