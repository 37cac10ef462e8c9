"""Reads for booking: plain calendars for the scheduling core, from the registry snapshot.

A search costs three small queries whatever the size of the region: the registry
version (the rest of the registry comes from the in-memory snapshot), the
reservations of the candidate resources in the searched period, and — only where
a site publishes a bookable share below 100 % — the bookings counted against it.
"""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection

from luukku.booking.models import ACTIVE_STATES, Booking, Channel
from luukku.core.opening import local_to_utc
from luukku.core.scheduling import (
    Chain,
    ChainLeg,
    ChainQuery,
    Interval,
    ResourceCalendar,
    SiteOption,
    Slot,
    SlotQuery,
    find_chains,
    find_slots,
)
from luukku.registry.snapshot import (
    OfficialSnap,
    PolicySnap,
    RegistrySnapshot,
    ServiceSnap,
    SiteSnap,
    SpaceSnap,
    StopSnap,
    registry_snapshot,
)

HELSINKI = ZoneInfo("Europe/Helsinki")
STEP = timedelta(minutes=15)
#: No reservation is longer than this: a booking lies within one service day (opening
#: hours end before midnight), plus its buffers.
LONGEST_RESERVATION = timedelta(days=1)
REMOTE_ROOM = "remote_service_room"


@dataclass(frozen=True)
class SearchFilters:
    """What a customer (or an advisor for them) asks for, beyond the service."""

    sites: tuple[str, ...] = ()
    municipality: str = ""
    channel: str = ""
    language: str = ""
    group_size: int = 1
    accessible: bool = False
    official_id: int | None = None


def buffer() -> timedelta:
    return timedelta(minutes=settings.LUUKKU_BUFFER_MINUTES)


def local_dates(not_before: datetime, not_after: datetime) -> tuple[date, date]:
    return not_before.astimezone(HELSINKI).date(), not_after.astimezone(HELSINKI).date()


def candidate_sites(snap: RegistrySnapshot, filters: SearchFilters) -> list[SiteSnap]:
    sites = list(snap.sites.values())
    if filters.sites:
        wanted = set(filters.sites)
        sites = [s for s in sites if s.slug in wanted]
    if filters.municipality:
        m = filters.municipality.lower()
        sites = [s for s in sites if m in s.municipalities()]
    return sites


def channels_at(site: SiteSnap, service: ServiceSnap, filters: SearchFilters) -> list[str]:
    """The channels by which ``service`` can be had at ``site``."""
    out = []
    if service.in_person and service.agency_id in site.agencies_on_site and site.size in ("L", "M"):
        out.append(Channel.IN_PERSON)
    if service.remote and not service.in_person_only:
        out.append(Channel.REMOTE)
    if filters.channel:
        out = [c for c in out if c == filters.channel]
    return out


def bookable_windows(
    opening: list[tuple[datetime, datetime, object]],
    policy: PolicySnap | None,
    not_before: datetime,
    not_after: datetime,
) -> tuple[Interval, ...]:
    """Opening hours less the daily walk-in-only time, clipped to the search."""
    out = []
    for a, b, _stop in opening:
        a, b = max(a, not_before), min(b, not_after)
        if a >= b:
            continue
        pieces = [(a, b)]
        if policy and policy.walk_in_only_from and policy.walk_in_only_until:
            day = a.astimezone(HELSINKI).date()
            wa = local_to_utc(day, policy.walk_in_only_from, HELSINKI)
            wb = local_to_utc(day, policy.walk_in_only_until, HELSINKI)
            pieces = [(x, y) for x, y in ((a, min(b, wa)), (max(a, wb), b)) if x < y]
        out.extend(Interval(x, y) for x, y in pieces)
    return tuple(out)


def suitable_spaces(
    site: SiteSnap, service: ServiceSnap, channel: str, filters: SearchFilters
) -> list[SpaceSnap]:
    """Spaces of the right type, equipment, size and access, respecting earmarks; smallest first."""
    types = {REMOTE_ROOM} if channel == Channel.REMOTE else service.space_types
    needed = frozenset({"video"}) if channel == Channel.REMOTE else service.equipment
    return [
        s
        for s in site.spaces
        if s.space_type in types
        and s.capacity >= filters.group_size
        and (s.accessible or not filters.accessible)
        and (s.earmarked_agency_id is None or s.earmarked_agency_id == service.agency_id)
        and needed <= s.equipment
    ]


def officials_at(
    snap: RegistrySnapshot,
    site: SiteSnap,
    service: ServiceSnap,
    channel: str,
    filters: SearchFilters,
):
    pool = snap.officials_by_service.get(service.id, ())
    if filters.official_id:
        pool = tuple(o for o in pool if o.id == filters.official_id)
    if channel == Channel.IN_PERSON:
        return [o for o in pool if o.home_site_id == site.id and not o.remote]
    return [o for o in pool if o.remote and site.id in o.sites]


@dataclass
class _Plan:
    site: SiteSnap
    channel: str
    windows: tuple[Interval, ...]
    staff: list[OfficialSnap]
    spaces: list[SpaceSnap]
    interpreters: list
    needs_interpreter: bool
    max_parallel: int | None


def _plans(snap, service, sites, filters, not_before, not_after) -> list[_Plan]:
    start, end = local_dates(not_before, not_after)
    lang = filters.language
    plans = []
    for site in sites:
        for channel in channels_at(site, service, filters):
            staff = officials_at(snap, site, service, channel, filters)
            if not staff:
                continue
            spaces = suitable_spaces(site, service, channel, filters)
            if not spaces:
                continue
            policy = snap.policies.get((site.id, service.agency_id))
            windows = bookable_windows(
                snap.opening(site.id, start, end), policy, not_before, not_after
            )
            if not windows:
                continue
            needs, interps = False, []
            if lang:
                speaking = [o for o in staff if lang in o.languages]
                if speaking:
                    staff = speaking
                else:
                    interps = [
                        i
                        for i in snap.interpreters
                        if lang in i.languages and (i.remote or site.id in i.sites)
                    ]
                    if not interps:
                        continue
                    needs = True
            max_parallel = None
            if policy and policy.bookable_share < 1:
                max_parallel = int(len(staff) * policy.bookable_share)
                if max_parallel < 1:
                    continue
            plans.append(_Plan(site, channel, windows, staff, spaces, interps, needs, max_parallel))
    return plans


_GAPS_SQL = {
    # Each reservation with its predecessor's end, keeping only the rows that open a gap
    # that holds the service starting on the grid, plus each resource's first and last row.
    "postgresql": """
        SELECT resource_id, s, e, prev_e, last FROM (
            SELECT resource_id,
                   EXTRACT(EPOCH FROM start)::bigint AS s,
                   EXTRACT(EPOCH FROM "end")::bigint AS e,
                   EXTRACT(EPOCH FROM LAG("end") OVER w)::bigint AS prev_e,
                   LEAD(start) OVER w IS NULL AS last
            FROM booking_reservation
            WHERE resource_id = ANY(%s) AND start < %s AND "end" > %s AND start > %s
            WINDOW w AS (PARTITION BY resource_id ORDER BY start)
        ) t
        WHERE prev_e IS NULL OR last OR (prev_e + %s - 1) / %s * %s + %s <= s
        ORDER BY resource_id, s
    """,
    "sqlite": """
        SELECT resource_id, s, e, prev_e, last FROM (
            SELECT resource_id,
                   CAST(strftime('%%s', start) AS INTEGER) AS s,
                   CAST(strftime('%%s', "end") AS INTEGER) AS e,
                   CAST(strftime('%%s', LAG("end") OVER w) AS INTEGER) AS prev_e,
                   LEAD(start) OVER w IS NULL AS last
            FROM booking_reservation
            WHERE resource_id IN ({ids}) AND start < %s AND "end" > %s AND start > %s
            WINDOW w AS (PARTITION BY resource_id ORDER BY start)
        ) t
        WHERE prev_e IS NULL OR last OR (prev_e + %s - 1) / %s * %s + %s <= s
        ORDER BY resource_id, s
    """,
}


if sqlite3.sqlite_version_info >= (3, 38):
    # unixepoch() turns the stored text into seconds directly; strftime formats a string
    # that is then cast back, which was a third of a dense SQLite search's time.
    _GAPS_SQL["sqlite"] = re.sub(
        r"CAST\(strftime\('%%s', (.+?)\) AS INTEGER\)", r"unixepoch(\1)", _GAPS_SQL["sqlite"]
    )


def _free(
    resource_ids: set[int], not_before: datetime, not_after: datetime, duration: timedelta
) -> dict[int, list[tuple[int, int]]]:
    """Free gaps (epoch seconds) of each resource that has reservations in the period.

    The database does the sweep: it returns only the reservations that open a gap long
    enough for ``duration`` starting on the grid (plus each resource's first and last
    one), so a fully booked calendar costs a handful of rows instead of thousands; a
    gap the core could never start a slot in (see :func:`_fitting`) is not returned.
    A reservation's end already includes the buffer after it; the buffer before it is
    taken off here. A resource missing from the answer is free for the whole period.
    """
    if not resource_ids:
        return {}
    buf = int(buffer().total_seconds())
    need = int(duration.total_seconds()) + buf
    lo, hi = int(not_before.timestamp()), int(not_after.timestamp())
    step = int(STEP.total_seconds())
    ids = sorted(resource_ids)
    # The last bound lets the (resource, start, end) index skip a resource's history:
    # a reservation that reaches into the window began at most LONGEST_RESERVATION earlier.
    window = (
        not_after + buffer(),
        not_before - buffer(),
        not_before - buffer() - LONGEST_RESERVATION,
    )
    fit = (step, step, step, need)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(_GAPS_SQL["postgresql"], [ids, *window, *fit])
        else:
            sql = _GAPS_SQL["sqlite"].replace("{ids}", ",".join(["%s"] * len(ids)))
            cur.execute(sql, [*ids, *window, *fit])
        rows = cur.fetchall()
    free: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for rid, start, end, prev_end, last in rows:
        gaps = free[rid]
        a = lo if prev_end is None else prev_end
        if _on_grid(a) + need <= start:
            gaps.append((a, start - buf))
        if last and _on_grid(end) + need - buf <= hi:
            gaps.append((end, hi))
    return free


def _union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge sorted spans into disjoint ones."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _on_grid(epoch_seconds: int) -> int:
    """The first slot start on the grid at or after ``epoch_seconds``."""
    step = int(STEP.total_seconds())
    return -(-epoch_seconds // step) * step


def _fitting(spans: list[tuple[int, int]], need: int) -> list[tuple[int, int]]:
    """Keep the sorted spans that can hold a slot starting on the grid; drop the rest.

    The core only ever starts a slot on the 15-minute grid, inside one run of touching
    free spans. A dense calendar is full of gaps long enough for the service but not
    aligned with the grid (a booking ending at 8:20 with the next at 8:45); they can
    never be booked, so they need not be read for spaces or compiled by the core.
    """
    out: list[tuple[int, int]] = []
    i, n = 0, len(spans)
    while i < n:
        j, end = i, spans[i][1]
        while j + 1 < n and spans[j + 1][0] <= end:
            j += 1
            end = max(end, spans[j][1])
        if _on_grid(spans[i][0]) + need <= end:
            out.extend(spans[i : j + 1])
        i = j + 1
    return out


def _to_intervals(spans: list[tuple[int, int]]) -> tuple[Interval, ...]:
    """Intervals from trusted epoch-second spans (a < b, sorted), skipping re-validation.

    These spans come from the database and this module's own arithmetic, already
    checked; building tens of thousands of validated records was most of a dense
    search's time.
    """
    new, put, at = object.__new__, object.__setattr__, datetime.fromtimestamp
    out = []
    for a, b in spans:
        iv = new(Interval)
        put(iv, "start", at(a, UTC))
        put(iv, "end", at(b, UTC))
        out.append(iv)
    return tuple(out)


def _intersect(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Intersection of two sorted lists of disjoint spans."""
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo < hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def _group_busy(agency_id: int, site_ids: list[int], not_before: datetime, not_after: datetime):
    out: dict[int, list[Interval]] = defaultdict(list)
    if not site_ids:
        return out
    rows = Booking.objects.filter(
        site_id__in=site_ids,
        service__agency_id=agency_id,
        state__in=ACTIVE_STATES,
        start__lt=not_after,
        end__gt=not_before,
    ).values_list("site_id", "start", "end")
    for site_id, start, end in rows:
        out[site_id].append(Interval(start, end))
    return out


def site_options(
    snap: RegistrySnapshot,
    service: ServiceSnap,
    sites: Sequence[SiteSnap],
    filters: SearchFilters,
    not_before: datetime,
    not_after: datetime,
) -> list[SiteOption]:
    """The core's view of where and how ``service`` can be booked."""
    plans = _plans(snap, service, sites, filters, not_before, not_after)
    duration = timedelta(minutes=service.duration)
    need = int(duration.total_seconds())
    whole_s = [(int(not_before.timestamp()), int(not_after.timestamp()))]
    start, end = local_dates(not_before, not_after)
    hours: dict[int | None, list[tuple[int, int]]] = {None: whole_s}

    def working(o: OfficialSnap) -> list[tuple[int, int]]:
        """An official works their home site's hours, wherever the customer is."""
        if o.home_site_id not in hours:
            opening = snap.opening(o.home_site_id, start, end)
            hours[o.home_site_id] = [
                (int(a.timestamp()), int(b.timestamp())) for a, b, _ in opening if a < b
            ]
        return hours[o.home_site_id]

    # Officials first: they are few, and when they are fully booked the many spaces
    # need not be read at all.
    official_free = _free(
        {o.resource_id for p in plans for o in p.staff}, not_before, not_after, duration
    )
    official_spans: dict[int, list[tuple[int, int]]] = {}
    for p in plans:
        for o in p.staff:
            if o.resource_id not in official_spans:
                gaps = official_free.get(o.resource_id)
                spans = working(o) if gaps is None else _intersect(working(o), gaps)
                official_spans[o.resource_id] = _fitting(
                    [(a, b) for a, b in spans if b - a >= need], need
                )
    live, reachable = [], {}
    for p in plans:
        windows = [(int(w.start.timestamp()), int(w.end.timestamp())) for w in p.windows]
        reach = sorted(sp for o in p.staff for sp in official_spans[o.resource_id])
        spans = [(a, b) for a, b in _intersect(windows, _union(reach)) if b - a >= need]
        spans = _fitting(spans, need)
        if spans:
            live.append(p)
            reachable[(p.site.id, p.channel)] = spans
    plans = live
    lo = min((sp[0][0] for sp in reachable.values()), default=whole_s[0][0])
    hi = max((sp[-1][1] for sp in reachable.values()), default=whole_s[0][1])
    other_ids = {s.resource_id for p in plans for s in p.spaces} | {
        i.resource_id for p in plans for i in p.interpreters
    }
    envelope = (datetime.fromtimestamp(lo, UTC), datetime.fromtimestamp(hi, UTC))
    other_free = _free(other_ids, *envelope, duration) if plans else {}
    group = _group_busy(
        service.agency_id, [p.site.id for p in plans if p.max_parallel], not_before, not_after
    )

    def official_cal(rid: int) -> ResourceCalendar:
        return ResourceCalendar(rid, _to_intervals(official_spans[rid]))

    def cal(rid: int, reach: list[tuple[int, int]]) -> ResourceCalendar:
        """A space or interpreter, only where some official of the option could also be."""
        gaps = other_free.get(rid)
        spans = (
            reach if gaps is None else [(a, b) for a, b in _intersect(gaps, reach) if b - a >= need]
        )
        return ResourceCalendar(rid, _to_intervals(spans))

    return [
        SiteOption(
            site_id=p.site.id,
            channel=p.channel,
            windows=p.windows,
            officials=tuple(official_cal(o.resource_id) for o in p.staff),
            spaces=tuple(cal(s.resource_id, reachable[(p.site.id, p.channel)]) for s in p.spaces),
            interpreters=tuple(
                cal(i.resource_id, reachable[(p.site.id, p.channel)]) for i in p.interpreters
            ),
            needs_interpreter=p.needs_interpreter,
            max_parallel=p.max_parallel,
            group_busy=tuple(group.get(p.site.id, ())),
        )
        for p in plans
    ]


def _chunks(not_before: datetime, not_after: datetime) -> list[tuple[datetime, datetime]]:
    """Consecutive periods of 1, 2, 4, 8 ... local days, each starting where the last ended.

    Slots found in one period all come before those of the next, so the search can stop
    as soon as it has enough, and no day is ever read twice. Periods end at local
    midnight, when every service point is closed, so no slot straddles two of them.
    """
    out, start, days = [], not_before, 1
    while start < not_after:
        end_day = start.astimezone(HELSINKI).date() + timedelta(days=days)
        end = min(day_bounds(end_day)[0], not_after)
        out.append((start, end))
        start, days = end, days * 2
    return out


def ceil_to_grid(at: datetime) -> datetime:
    """Round up to the slot grid (15 minutes, which is also a quarter hour in Finland)."""
    at = at.astimezone(UTC)
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    step = int(STEP.total_seconds())
    secs = int((at - epoch).total_seconds())
    return epoch + timedelta(seconds=-(-secs // step) * step)


def availability(
    service: ServiceSnap | int,
    not_before: datetime,
    not_after: datetime,
    filters: SearchFilters = SearchFilters(),
    *,
    per_site: int = 3,
    limit: int = 20,
    snap: RegistrySnapshot | None = None,
) -> list[Slot]:
    """Earliest free slots of ``service`` per site and channel, earliest first."""
    snap = snap or registry_snapshot()
    service = _service(snap, service)
    sites = candidate_sites(snap, filters)
    not_before = ceil_to_grid(not_before)
    possible = {
        (site.id, channel)
        for site in sites
        for channel in channels_at(site, service, filters)
        if officials_at(snap, site, service, channel, filters)
        and suitable_spaces(site, service, channel, filters)
    }
    found: list[Slot] = []
    counts: dict[tuple[int, str], int] = defaultdict(int)
    duration = timedelta(minutes=service.duration)
    for lo, hi in _chunks(not_before, not_after):
        wanted = {key for key in possible if counts[key] < per_site}
        wanted_sites = [
            site
            for site in sites
            if any((site.id, c) in wanted for c in (Channel.IN_PERSON, Channel.REMOTE))
        ]
        options = [
            o
            for o in site_options(snap, service, wanted_sites, filters, lo, hi)
            if (o.site_id, o.channel) in wanted
        ]
        if options:
            query = SlotQuery(
                duration=duration,
                not_before=lo,
                not_after=hi,
                step=STEP,
                per_site=per_site,
                limit=limit,
            )
            for slot in find_slots(query, options):
                key = (slot.site_id, slot.channel)
                if counts[key] < per_site:
                    counts[key] += 1
                    found.append(slot)
        if len(found) >= limit or all(counts[key] >= per_site for key in possible):
            break
    found.sort(key=lambda slot: (slot.start, slot.site_id, slot.channel))
    return found[:limit]


def chain_availability(
    services: Sequence[ServiceSnap | int],
    not_before: datetime,
    not_after: datetime,
    filters: SearchFilters = SearchFilters(),
    *,
    limit: int = 5,
    snap: RegistrySnapshot | None = None,
) -> list[Chain]:
    """Earliest visits in which all ``services`` follow each other at one site on one day."""
    snap = snap or registry_snapshot()
    services = [_service(snap, s) for s in services]
    sites = candidate_sites(snap, filters)
    not_before = ceil_to_grid(not_before)
    chains: list[Chain] = []
    for lo, hi in _chunks(not_before, not_after):
        legs = []
        leg_sites = sites
        for service in services:
            # A chain stays at one site, so a later leg need only be read where every
            # earlier leg can be had; a leg with no option at all ends this period.
            options = site_options(snap, service, leg_sites, filters, lo, hi)
            if not options:
                break
            here = {o.site_id for o in options}
            leg_sites = [s for s in leg_sites if s.id in here]
            legs.append(
                ChainLeg(duration=timedelta(minutes=service.duration), options=tuple(options))
            )
        if len(legs) < len(services):
            continue
        query = ChainQuery(
            legs=tuple(legs),
            not_before=lo,
            not_after=hi,
            max_gap=timedelta(minutes=settings.LUUKKU_CHAIN_MAX_GAP_MINUTES),
            step=STEP,
            limit=limit - len(chains),
        )
        chains.extend(find_chains(query))
        if len(chains) >= limit:
            break
    return chains[:limit]


def _service(snap: RegistrySnapshot, service) -> ServiceSnap:
    if isinstance(service, ServiceSnap):
        return service
    return snap.services[getattr(service, "pk", service)]


def slot_at(
    snap: RegistrySnapshot,
    service: ServiceSnap,
    site: SiteSnap,
    start: datetime,
    channel: str,
    filters: SearchFilters,
) -> Slot | None:
    """A free combination of resources for exactly this start, from fresh reservations."""
    duration = timedelta(minutes=service.duration)
    if channel:
        filters = SearchFilters(**{**filters.__dict__, "channel": channel})
    options = site_options(snap, service, [site], filters, start, start + duration)
    if not options:
        return None
    query = SlotQuery(
        duration=duration, not_before=start, not_after=start + duration, per_site=1, limit=1
    )
    slots = [s for s in find_slots(query, options) if s.start == start]
    return slots[0] if slots else None


def bus_stop_at(snap: RegistrySnapshot, site: SiteSnap, at: datetime) -> StopSnap | None:
    """The stop the bus stands at, at a given moment."""
    day = at.astimezone(HELSINKI).date()
    for a, b, stop in snap.opening(site.id, day, day):
        if a <= at < b:
            return stop
    return None


def day_bounds(day: date) -> tuple[datetime, datetime]:
    return local_to_utc(day, time(0), HELSINKI), local_to_utc(
        day + timedelta(days=1), time(0), HELSINKI
    )
