"""Reads for booking: plain calendars for the scheduling core, from the registry snapshot.

A search costs a few small queries whatever the size of the region: the registry
version (the rest of the registry comes from the in-memory snapshot), and for each
period of days it reads (7, 14, 28 ... until it has enough) the free time of the
officials, then of the spaces and interpreters where an official is free (from the
reserved-day summaries, :mod:`luukku.booking.gaps`), and —
only where a site publishes a bookable share below 100 % — the bookings counted
against it. The span arithmetic is the core's (``luukku.core.scheduling.intervals``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings

from luukku.booking.gaps import (
    HELSINKI,
    STEP,
    _seconds,
    free,
    midnight,
)
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
from luukku.core.scheduling.intervals import (
    Span,
    fitting,
    intersect,
    spans_of,
    to_intervals,
    union,
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

REMOTE_ROOM = "remote_service_room"
FIRST_PERIOD_DAYS = 7


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


def local_dates(not_before: datetime, not_after: datetime) -> tuple[date, date]:
    return not_before.astimezone(HELSINKI).date(), not_after.astimezone(HELSINKI).date()


def candidate_sites(
    snap: RegistrySnapshot, filters: SearchFilters, since: date | None = None
) -> list[SiteSnap]:
    """The sites a search looks at; a bus by the municipalities of its stops from ``since``."""
    sites = list(snap.sites.values())
    if filters.sites:
        wanted = set(filters.sites)
        sites = [s for s in sites if s.slug in wanted]
    if filters.municipality:
        m = filters.municipality.lower()
        sites = [s for s in sites if m in s.municipalities(since)]
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
    need, step = _seconds(duration), _seconds(STEP)
    start, end = local_dates(not_before, not_after)
    hours: dict[int | None, list[Span]] = {
        None: [(int(not_before.timestamp()), int(not_after.timestamp()))]
    }

    def working(o: OfficialSnap) -> list[Span]:
        """An official works their home site's hours, wherever the customer is."""
        if o.home_site_id not in hours:
            opening = snap.opening(o.home_site_id, start, end)
            hours[o.home_site_id] = [
                (int(a.timestamp()), int(b.timestamp())) for a, b, _ in opening if a < b
            ]
        return hours[o.home_site_id]

    # Officials first: they are few, and when they are fully booked the many spaces
    # need not be read at all.
    official_free = free(
        {o.resource_id for p in plans for o in p.staff}, not_before, not_after, duration
    )
    official_spans: dict[int, list[Span]] = {}
    for p in plans:
        for o in p.staff:
            if o.resource_id not in official_spans:
                spans = intersect(working(o), official_free[o.resource_id])
                official_spans[o.resource_id] = fitting(spans, need, step)
    live, reachable = [], {}
    for p in plans:
        reach = union(sorted(sp for o in p.staff for sp in official_spans[o.resource_id]))
        spans = fitting(intersect(spans_of(p.windows), reach), need, step)
        if spans:
            live.append(p)
            reachable[(p.site.id, p.channel)] = spans
    plans = live
    if not plans:
        return []
    # Spaces and interpreters are read only where some official of an option could be.
    lo = min(sp[0][0] for sp in reachable.values())
    hi = max(sp[-1][1] for sp in reachable.values())
    other_free = free(
        {s.resource_id for p in plans for s in p.spaces}
        | {i.resource_id for p in plans for i in p.interpreters},
        datetime.fromtimestamp(lo, UTC),
        datetime.fromtimestamp(hi, UTC),
        duration,
    )
    group = _group_busy(
        service.agency_id, [p.site.id for p in plans if p.max_parallel], not_before, not_after
    )

    def cal(rid: int, reach: list[Span]) -> ResourceCalendar:
        """A space or interpreter, only where some official of the option could also be."""
        return ResourceCalendar(
            rid, to_intervals(fitting(intersect(other_free[rid], reach), need, step))
        )

    return [
        SiteOption(
            site_id=p.site.id,
            channel=p.channel,
            windows=p.windows,
            officials=tuple(
                ResourceCalendar(o.resource_id, to_intervals(official_spans[o.resource_id]))
                for o in p.staff
            ),
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
    """Consecutive periods of 7, 14, 28 ... local days, each starting where the last ended.

    Slots found in one period all come before those of the next, so the search can stop
    as soon as it has enough, and no day is ever read twice. Periods end at local
    midnight, when every service point is closed, so no slot straddles two of them.
    A week first: read from the day summaries a week costs about what a day does, and
    a search that had to go on cost a round of queries per period (measured on the
    national data set: p95 67 ms starting from one day, 54–58 ms from a week).
    """
    out, start, days = [], not_before, FIRST_PERIOD_DAYS
    while start < not_after:
        end_day = start.astimezone(HELSINKI).date() + timedelta(days=days)
        end = min(day_bounds(end_day)[0], not_after)
        out.append((start, end))
        start, days = end, days * 2
    return out


def ceil_to_grid(at: datetime) -> datetime:
    """Round up to the slot grid (15 minutes, which is also a quarter hour in Finland).

    Exact to the microsecond: at 10:00:00.1 the first time offered is 10:15, not 10:00,
    which the booking would refuse as already begun.
    """
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    return epoch - ((epoch - at) // STEP) * STEP


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
    sites = candidate_sites(snap, filters, not_before.astimezone(HELSINKI).date())
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
    sites = candidate_sites(snap, filters, not_before.astimezone(HELSINKI).date())
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
    return midnight(day), midnight(day + timedelta(days=1))
