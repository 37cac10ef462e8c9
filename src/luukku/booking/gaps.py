"""Reads of free time: when resources are free, for a slot of a given length.

One query for any number of resources reads their reserved-day summaries
(:class:`~luukku.booking.models.ResourceDay`, one row per resource and day with
reservations); only a resource with a day whose break between reservations might hold
the slot costs a second query, the sweep over its reservations. A densely booked
region then costs a row per resource and day instead of every reservation.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from math import ceil, floor
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection

from luukku.booking.models import Reservation, ResourceDay
from luukku.core.opening import local_to_utc
from luukku.core.scheduling.days import DaySummary, free_time
from luukku.core.scheduling.intervals import Neighbour, Span, free_gaps

STEP = timedelta(minutes=15)
#: No reservation is longer than this: a booking lies within one service day (opening
#: hours end before midnight), plus its buffers.
LONGEST_RESERVATION = timedelta(days=1)
HELSINKI = ZoneInfo("Europe/Helsinki")


def local_date(at: datetime) -> date:
    return at.astimezone(HELSINKI).date()


def midnight(day: date) -> datetime:
    """A local day's start in UTC (a whole hour, so on the slot grid)."""
    return local_to_utc(day, time(0), HELSINKI)


def buffer() -> timedelta:
    return timedelta(minutes=settings.LUUKKU_BUFFER_MINUTES)


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
    resource_ids: set[int], not_before: datetime, not_after: datetime, duration: timedelta
) -> dict[int, list[Span]]:
    """Free time (epoch seconds) of each resource in the period, for a slot of ``duration``.

    Read from the reserved-day summaries: a day without a row is free, a day whose
    breaks are all too short for the slot is free before its first reservation and
    after its last (:func:`~luukku.core.scheduling.days.free_time`). A resource with a
    day whose break might hold the slot is read from its reservations instead
    (:func:`swept`). Callers keep only spans a slot fits in (``fitting``).
    """
    if not resource_ids:
        return {}
    need, pad = _seconds(duration), _seconds(buffer())
    lo, hi = int(not_before.timestamp()), int(not_after.timestamp())
    # the day after the period too: the buffer before its first reservation may reach back
    first = local_date(not_before)
    days = [
        first + timedelta(days=i)
        for i in range((local_date(not_after + buffer()) - first).days + 1)
    ]
    midnights = [int(midnight(d).timestamp()) for d in [*days, days[-1] + timedelta(days=1)]]
    summaries: dict[int, dict[date, DaySummary]] = {}
    rows = ResourceDay.objects.filter(
        resource_id__in=sorted(resource_ids), day__gte=days[0], day__lte=days[-1]
    ).values_list("resource_id", "day", "first", "last", "longest")
    for rid, day, f, last, longest in rows:
        summaries.setdefault(rid, {})[day] = DaySummary(f, last, longest)
    out: dict[int, list[Span]] = {}
    unread = []
    for rid in sorted(resource_ids):
        mine = summaries.get(rid)
        if mine is None:  # no reservations in the period
            out[rid] = [(lo, hi)]
            continue
        spans = free_time([mine.get(d) for d in days], midnights, need, pad)
        if spans is None:
            unread.append(rid)
        else:
            out[rid] = [(max(a, lo), min(b, hi)) for a, b in spans if a < hi and b > lo]
    out.update(swept(unread, not_before, not_after, duration))
    return out


def swept(
    resource_ids: list[int], not_before: datetime, not_after: datetime, duration: timedelta
) -> dict[int, list[Span]]:
    """Free gaps (epoch seconds) of each resource in the period that can hold ``duration``.

    The database does the sweep (see ``_GAPS_SQL``): of the resources' reservations that
    reach into the period it returns only those that open a gap a slot could start in,
    so a fully booked calendar costs a handful of rows instead of thousands; the core
    then applies the exact test (:func:`~luukku.core.scheduling.intervals.free_gaps`).
    """
    if not resource_ids:
        return {}
    ids = sorted(resource_ids)
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
    return {rid: free_gaps(r, lo, hi, need, gap, step) for rid, r in by_resource.items()}


def _epoch(text: str) -> float:
    """Epoch seconds of a stored time read as text (naive text is UTC, as SQLite stores it).

    Read as text because Django's psycopg loader for timestamps is pure Python: parsing
    the same values with ``fromisoformat`` was a fifth of a dense search's time.
    """
    at = datetime.fromisoformat(text)
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp()


def _seconds(span: timedelta) -> int:
    return int(span.total_seconds())
