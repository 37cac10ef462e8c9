"""Keeping the reserved-day summaries the booking search reads free time from.

Every write that adds or removes reservations calls :func:`refresh` in its own
transaction with the resources and the period it touched. The rows of those days are
locked first (in resource and day order, as reservations are taken), then the day's
reservations read and summarised: two transactions that change the same day compute
one after the other, and the later sees what the earlier committed, so a row is never
left other than its day. The rule that reads the rows is the core's
(:func:`luukku.core.scheduling.days.free_time`), applied by :func:`luukku.booking.gaps.free`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import reduce
from operator import or_

from django.db.models import Q

from luukku.booking.gaps import LONGEST_RESERVATION, STEP, local_date, midnight
from luukku.booking.models import Reservation, ResourceDay
from luukku.core.scheduling.days import summarise

GRID = int(STEP.total_seconds())
#: Placeholder numbers of a row about to be computed (in the same transaction).
_FREE = {"first": 0, "last": 0, "longest": 0}


def days_of(start: datetime, end: datetime) -> list[date]:
    """The local days a period lies in (a reservation is filed under every one of them)."""
    first, last = local_date(start), local_date(end)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def refresh(held: Iterable[tuple[int, datetime, datetime]]) -> None:
    """Recompute the summaries of the days these (resource, start, end) periods lie in."""
    refresh_days(sorted({(rid, d) for rid, start, end in held for d in days_of(start, end)}))


def refresh_days(pairs: list[tuple[int, date]]) -> None:
    """Recompute the rows of these (resource, local day) pairs from their reservations."""
    if not pairs:
        return
    pairs = sorted(pairs)
    # Lock every pair's row, making the missing ones: an upsert locks each row it touches.
    ResourceDay.objects.bulk_create(
        [ResourceDay(resource_id=rid, day=d, **_FREE) for rid, d in pairs],
        update_conflicts=True,
        unique_fields=["resource", "day"],
        update_fields=["first", "last", "longest"],
    )
    ids, days = sorted({rid for rid, _ in pairs}), sorted({d for _, d in pairs})
    busy = _busy(ids, days[0], days[-1])
    keep, empty = [], []
    for rid, d in pairs:
        summary = summarise(busy.get((rid, d), ()), int(midnight(d).timestamp()), GRID)
        if summary is None:
            empty.append((rid, d))
        else:
            keep.append(
                ResourceDay(
                    resource_id=rid,
                    day=d,
                    first=summary.first,
                    last=summary.last,
                    longest=summary.longest,
                )
            )
    if keep:
        ResourceDay.objects.bulk_create(
            keep,
            update_conflicts=True,
            unique_fields=["resource", "day"],
            update_fields=["first", "last", "longest"],
        )
    if empty:
        ResourceDay.objects.filter(
            reduce(or_, (Q(resource_id=r, day=d) for r, d in empty))
        ).delete()


def _busy(ids: list[int], first: date, last: date) -> dict[tuple[int, date], list]:
    """Each resource's reservations (epoch seconds) by the local days they touch."""
    out: dict[tuple[int, date], list] = defaultdict(list)
    rows = Reservation.objects.filter(
        resource_id__in=ids,
        start__lt=midnight(last + timedelta(days=1)),
        end__gt=midnight(first),
        start__gt=midnight(first) - LONGEST_RESERVATION,
    ).values_list("resource_id", "start", "end")
    _file(rows, out)
    return out


def _file(rows, out: dict[tuple[int, date], list]) -> None:
    for rid, a, b in rows:
        span = (int(a.timestamp()), int(b.timestamp()))
        for d in days_of(a, b):
            out[(rid, d)].append(span)


def rebuild(since: date | None = None, *, batch: int = 5000) -> int:
    """Recompute every row from ``since`` (default: all), e.g. after a bulk load; the count."""
    qs = Reservation.objects.all()
    old = ResourceDay.objects.all()
    if since:
        qs = qs.filter(end__gt=midnight(since))
        old = old.filter(day__gte=since)
    old.delete()
    busy: dict[tuple[int, date], list] = defaultdict(list)
    _file(qs.values_list("resource_id", "start", "end").iterator(chunk_size=20_000), busy)
    rows = []
    for (rid, d), spans in busy.items():
        if since and d < since:
            continue
        s = summarise(spans, int(midnight(d).timestamp()), GRID)
        rows.append(
            ResourceDay(resource_id=rid, day=d, first=s.first, last=s.last, longest=s.longest)
        )
    ResourceDay.objects.bulk_create(rows, batch_size=batch)
    return len(rows)
