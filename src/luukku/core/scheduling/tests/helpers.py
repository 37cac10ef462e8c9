"""Builders and a brute-force reference that reads the slot rules literally, grid point by grid point."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from luukku.core.scheduling import (
    Interval,
    ResourceCalendar,
    SiteOption,
    Slot,
    SlotQuery,
    overlaps,
)

HELSINKI = ZoneInfo("Europe/Helsinki")
BASE = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)  # Monday 08:00 in Helsinki
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return BASE + timedelta(minutes=minutes)


def iv(a: int, b: int) -> Interval:
    """Interval from minute offsets after BASE."""
    return Interval(at(a), at(b))


def cal(rid: int, available: Iterable[tuple[int, int]] = ((0, 480),), busy=()) -> ResourceCalendar:
    return ResourceCalendar(
        rid, tuple(iv(a, b) for a, b in available), tuple(iv(a, b) for a, b in busy)
    )


def option(
    site_id: int = 1,
    windows: Iterable[tuple[int, int]] = ((0, 480),),
    officials: Sequence[ResourceCalendar] = (),
    spaces: Sequence[ResourceCalendar] = (),
    **kwargs,
) -> SiteOption:
    return SiteOption(
        site_id=site_id,
        channel=kwargs.pop("channel", "in_person"),
        windows=tuple(iv(a, b) for a, b in windows),
        officials=tuple(officials) or (cal(1),),
        spaces=tuple(spaces) or (cal(101),),
        **kwargs,
    )


def query(duration: int = 30, not_before: int = 0, not_after: int = 24 * 60, **kwargs) -> SlotQuery:
    return SlotQuery(
        duration=timedelta(minutes=duration),
        not_before=at(not_before),
        not_after=at(not_after),
        **kwargs,
    )


# --- the reference ---------------------------------------------------------


def _union(intervals: Iterable[Interval]) -> list[tuple[datetime, datetime]]:
    out: list[list[datetime]] = []
    for i in sorted(intervals, key=lambda i: i.start):
        if out and i.start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], i.end)
        else:
            out.append([i.start, i.end])
    return [(a, b) for a, b in out]


def covered(intervals: Iterable[Interval], s: datetime, e: datetime) -> bool:
    """Is [s, e) inside the intervals (touching ones count as continuous)?"""
    return any(a <= s and e <= b for a, b in _union(intervals))


def resource_ok(c: ResourceCalendar, s: datetime, e: datetime, buffer: timedelta) -> bool:
    padded = Interval(s - buffer, e + buffer)
    return covered(c.available, s, e) and not any(overlaps(b, padded) for b in c.busy)


def peak_ok(o: SiteOption, s: datetime, e: datetime) -> bool:
    """Fewer than max_parallel bookings at every instant of [s, e)."""
    if o.max_parallel is None:
        return True
    points = [s] + [g.start for g in o.group_busy if s < g.start < e]
    return all(sum(g.start <= p < g.end for g in o.group_busy) < o.max_parallel for p in points)


def first_free(pool: Iterable[ResourceCalendar], s, e, buffer) -> int | None:
    ids = [c.resource_id for c in pool if resource_ok(c, s, e, buffer)]
    return min(ids) if ids else None


def grid(not_before: datetime, step: timedelta) -> datetime:
    return EPOCH + step * -((EPOCH - not_before) // step)


def slot_at(o: SiteOption, s: datetime, e: datetime, buffer: timedelta) -> Slot | None:
    """The slot [s, e) at this site with the lowest free ids, if the rules allow one."""
    if not (covered(o.windows, s, e) and peak_ok(o, s, e)):
        return None
    off = first_free(o.officials, s, e, buffer)
    sp = first_free(o.spaces, s, e, buffer)
    ip = first_free(o.interpreters, s, e, buffer) if o.needs_interpreter else None
    if off is None or sp is None or (ip is None and o.needs_interpreter):
        return None
    return Slot(o.site_id, o.channel, s, e, off, sp, ip)


def reference_slots(q: SlotQuery, o: SiteOption, count: int | None = None) -> list[Slot]:
    """Walk every grid start and keep those where the rules hold literally."""
    out: list[Slot] = []
    s = grid(q.not_before, q.step)
    while s + q.duration <= q.not_after and (count is None or len(out) < count):
        slot = slot_at(o, s, s + q.duration, q.buffer)
        if slot is not None:
            out.append(slot)
        s += q.step
    return out


def slot_is_valid(q: SlotQuery | None, o: SiteOption, slot: Slot, buffer: timedelta) -> bool:
    """Check one returned slot against every rule of the brief."""
    s, e = slot.start, slot.end
    if q is not None and not (
        q.not_before <= s
        and e <= q.not_after
        and (s - EPOCH) % q.step == timedelta(0)
        and e - s == q.duration
    ):
        return False
    chosen = [(o.officials, slot.official_id), (o.spaces, slot.space_id)]
    if o.needs_interpreter:
        chosen.append((o.interpreters, slot.interpreter_id))
    elif slot.interpreter_id is not None:
        return False
    for pool, rid in chosen:
        match = [c for c in pool if c.resource_id == rid]
        if not match or not resource_ok(match[0], s, e, buffer):
            return False
    return covered(o.windows, s, e) and peak_ok(o, s, e)


# --- a national-scale input -------------------------------------------------


def local(d, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(d, time(hh, mm), HELSINKI).astimezone(UTC)


def national_input(
    seed: int = 20261127, weeks: int = 8, busy_count: int = 3000, crowded_days: int = 10
):
    """10 sites, 50 officials, 100 spaces, `busy_count` reservations over `weeks` weeks.

    Three in four bookings crowd the first `crowded_days` workdays; with 3 the first
    days are full and the search has to jump over real congestion.
    """
    rng = random.Random(seed)
    start_day = datetime(2026, 11, 30).date()
    days = [start_day + timedelta(days=i) for i in range(weeks * 7)]
    workdays = [d for d in days if d.weekday() < 5]
    hours = tuple(Interval(local(d, 8), local(d, 16)) for d in workdays)
    officials = list(range(1, 51))
    spaces = list(range(1001, 1101))
    busy: dict[int, list[Interval]] = {rid: [] for rid in officials + spaces}
    group: dict[int, list[Interval]] = {site: [] for site in range(10)}
    early = workdays[:crowded_days]
    for n in range(busy_count):
        d = rng.choice(early) if n % 4 else rng.choice(workdays)
        start = local(d, 8) + timedelta(minutes=15 * rng.randrange(0, 30))
        booking = Interval(start, start + timedelta(minutes=rng.choice((30, 45, 60))))
        site = rng.randrange(10)
        busy[officials[site * 5 + rng.randrange(5)]].append(booking)
        busy[spaces[site * 10 + rng.randrange(10)]].append(booking)
        group[site].append(booking)

    def calendar(rid: int) -> ResourceCalendar:
        return ResourceCalendar(rid, hours, tuple(busy[rid]))

    calendars = {rid: calendar(rid) for rid in officials + spaces}
    sites = [
        SiteOption(
            site_id=100 + site,
            channel="in_person",
            windows=hours,
            officials=tuple(calendars[r] for r in officials[site * 5 : site * 5 + 5]),
            spaces=tuple(calendars[r] for r in spaces[site * 10 : site * 10 + 10]),
            max_parallel=4,
            group_busy=tuple(group[site]),
        )
        for site in range(10)
    ]
    not_before = local(start_day, 0)
    not_after = not_before + timedelta(weeks=weeks)
    return sites, not_before, not_after
