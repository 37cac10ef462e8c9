"""Reads for booking: load plain calendars from the database and ask the scheduling core.

Every search is a handful of queries whatever the number of resources: sites,
officials, spaces and interpreters are fetched in bulk, the reservations of all of
them in one query, and the core does the rest in memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q

from luukku.booking.models import ACTIVE_STATES, Booking, BookingPolicy, Channel, Reservation
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
from luukku.registry.models import (
    Interpreter,
    Role,
    Service,
    Site,
    Size,
    Space,
    SpaceType,
    StaffProfile,
)
from luukku.registry.selectors import schedule_rules, site_opening_intervals, site_schedule

HELSINKI = ZoneInfo("Europe/Helsinki")
#: Languages every official is assumed to be able to serve in only if listed; customers
#: asking for another language get an official who speaks it or an interpreter.
STEP = timedelta(minutes=15)


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


@dataclass
class SiteContext:
    """Everything loaded for one site, reused across legs of a chain."""

    site: Site
    opening: list[tuple[datetime, datetime, object]]
    spaces: list[Space] = field(default_factory=list)


def buffer() -> timedelta:
    return timedelta(minutes=settings.LUUKKU_BUFFER_MINUTES)


def local_dates(not_before: datetime, not_after: datetime) -> tuple[date, date]:
    return not_before.astimezone(HELSINKI).date(), not_after.astimezone(HELSINKI).date()


def candidate_sites(filters: SearchFilters) -> list[Site]:
    qs = Site.objects.select_related("host_organisation__schedule", "schedule").prefetch_related(
        "agencies_on_site", "agencies_remote", "stops"
    )
    if filters.sites:
        qs = qs.filter(slug__in=filters.sites)
    if filters.municipality:
        qs = qs.filter(
            Q(municipality__iexact=filters.municipality)
            | Q(stops__municipality__iexact=filters.municipality)
        )
    return list(qs.distinct())


def site_contexts(
    sites: Iterable[Site], not_before: datetime, not_after: datetime
) -> dict[int, SiteContext]:
    """Opening intervals and active spaces of each site, in few queries."""
    sites = list(sites)
    start, end = local_dates(not_before, not_after)
    national = None
    contexts = {}
    spaces_by_site: dict[int, list[Space]] = defaultdict(list)
    for space in (
        Space.objects.filter(site__in=sites, active=True, space_type__in=_SERVICE_TYPES)
        .select_related("resource")
        .prefetch_related("equipment")
    ):
        spaces_by_site[space.site_id].append(space)
    for site in sites:
        rules = None
        if not site.schedule_id and not (site.size == Size.S and site.host_organisation_id):
            if national is None:
                national = schedule_rules(site_schedule(site))
            rules = national
        opening = site_opening_intervals(site, start, end, rules=rules)
        contexts[site.pk] = SiteContext(site=site, opening=opening, spaces=spaces_by_site[site.pk])
    return contexts


_SERVICE_TYPES = [
    SpaceType.SCREENED_BOOTH,
    SpaceType.SERVICE_ROOM,
    SpaceType.REMOTE_SERVICE_ROOM,
    SpaceType.SAFE_ROOM,
    SpaceType.MEETING_ROOM,
    SpaceType.MEETING_CENTRE_ROOM,
    SpaceType.DOCUMENT_POINT,
]


def channels_at(site: Site, service: Service, filters: SearchFilters) -> list[str]:
    """The channels by which ``service`` can be had at ``site``."""
    agency_ids = {a.pk for a in site.agencies_on_site.all()}
    out = []
    if service.in_person and service.agency_id in agency_ids and site.size in (Size.L, Size.M):
        out.append(Channel.IN_PERSON)
    if service.remote and not service.in_person_only:
        out.append(Channel.REMOTE)
    if filters.channel:
        out = [c for c in out if c == filters.channel]
    return out


def _windows(
    ctx: SiteContext, policy: BookingPolicy | None, not_before: datetime, not_after: datetime
):
    """Bookable windows: opening hours less the daily walk-in-only time, clipped to the search."""
    out = []
    for a, b, _stop in ctx.opening:
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
    ctx: SiteContext, service: Service, channel: str, filters: SearchFilters, eq_codes: set[str]
):
    types = (
        {SpaceType.REMOTE_SERVICE_ROOM}
        if channel == Channel.REMOTE
        else set(service.suitable_space_types())
    )
    needed = {"video"} if channel == Channel.REMOTE else eq_codes
    out = []
    for space in ctx.spaces:
        if space.space_type not in types or space.capacity < filters.group_size:
            continue
        if filters.accessible and not space.accessible:
            continue
        if space.earmarked_agency_id and space.earmarked_agency_id != service.agency_id:
            continue
        if not needed <= {e.code for e in space.equipment.all()}:
            continue
        out.append(space)
    return out


def _officials(service: Service, filters: SearchFilters) -> list[StaffProfile]:
    qs = StaffProfile.objects.filter(role=Role.OFFICIAL, services=service).prefetch_related("sites")
    if filters.official_id:
        qs = qs.filter(pk=filters.official_id)
    return list(qs)


def _busy(
    resource_ids: set[int], not_before: datetime, not_after: datetime
) -> dict[int, list[Interval]]:
    """Existing reservations per resource, widened by the buffer before them.

    A reservation's end already includes the buffer after it, so a new slot that
    avoids [start - buffer, end) keeps the buffer on both sides, as the database
    constraint on stored periods does.
    """
    buf = buffer()
    busy: dict[int, list[Interval]] = defaultdict(list)
    rows = Reservation.objects.filter(
        resource_id__in=resource_ids, start__lt=not_after + buf, end__gt=not_before - buf
    ).values_list("resource_id", "start", "end")
    for rid, start, end in rows:
        busy[rid].append(Interval(start - buf, end))
    return busy


def site_options(
    service: Service,
    contexts: dict[int, SiteContext],
    filters: SearchFilters,
    not_before: datetime,
    not_after: datetime,
    *,
    officials: list[StaffProfile] | None = None,
    interpreters: list[Interpreter] | None = None,
) -> list[SiteOption]:
    """The core's view of where and how ``service`` can be booked."""
    officials = _officials(service, filters) if officials is None else officials
    eq_codes = {e.code for e in service.equipment.all()}
    policies = {
        p.site_id: p
        for p in BookingPolicy.objects.filter(
            agency_id=service.agency_id, site_id__in=list(contexts)
        )
    }
    lang = filters.language
    plans = []
    for ctx in contexts.values():
        site = ctx.site
        for channel in channels_at(site, service, filters):
            if channel == Channel.IN_PERSON:
                staff = [
                    o for o in officials if o.home_site_id == site.pk and not o.serves_remotely
                ]
            else:
                staff = [
                    o
                    for o in officials
                    if o.serves_remotely and any(s.pk == site.pk for s in o.sites.all())
                ]
            spaces = suitable_spaces(ctx, service, channel, filters, eq_codes)
            windows = _windows(ctx, policies.get(site.pk), not_before, not_after)
            if not staff or not spaces or not windows:
                continue
            needs_interp = False
            interp_pool: list[Interpreter] = []
            if lang:
                speaking = [o for o in staff if lang in (o.languages or [])]
                if speaking:
                    staff = speaking
                else:
                    if interpreters is None:
                        interpreters = list(
                            Interpreter.objects.prefetch_related("sites").select_related("resource")
                        )
                    interp_pool = [
                        i
                        for i in interpreters
                        if lang in (i.languages or [])
                        and (
                            i.mode == Interpreter.Mode.REMOTE
                            or any(s.pk == site.pk for s in i.sites.all())
                        )
                    ]
                    if not interp_pool:
                        continue
                    needs_interp = True
            policy = policies.get(site.pk)
            max_parallel = None
            if policy and policy.bookable_share < 1:
                max_parallel = int(len(staff) * float(policy.bookable_share))
                if max_parallel < 1:
                    continue
            plans.append(
                (site, channel, windows, staff, spaces, interp_pool, needs_interp, max_parallel)
            )

    ids = {o.resource_id for p in plans for o in p[3]} | {
        s.resource_id for p in plans for s in p[4]
    }
    ids |= {i.resource_id for p in plans for i in p[5]}
    busy = _busy(ids, not_before, not_after)
    group_busy = _group_busy(service, [p[0].pk for p in plans if p[7]], not_before, not_after)
    whole = (Interval(not_before, not_after),)

    def cal(rid: int) -> ResourceCalendar:
        return ResourceCalendar(rid, whole, tuple(busy.get(rid, ())))

    return [
        SiteOption(
            site_id=site.pk,
            channel=channel,
            windows=windows,
            officials=tuple(cal(o.resource_id) for o in staff),
            spaces=tuple(
                cal(s.resource_id) for s in sorted(spaces, key=lambda s: (s.capacity, s.pk))
            ),
            interpreters=tuple(cal(i.resource_id) for i in interp),
            needs_interpreter=needs,
            max_parallel=maxp,
            group_busy=tuple(group_busy.get(site.pk, ())),
        )
        for site, channel, windows, staff, spaces, interp, needs, maxp in plans
    ]


def _group_busy(service: Service, site_ids: list[int], not_before: datetime, not_after: datetime):
    if not site_ids:
        return {}
    out: dict[int, list[Interval]] = defaultdict(list)
    rows = Booking.objects.filter(
        site_id__in=site_ids,
        service__agency_id=service.agency_id,
        state__in=ACTIVE_STATES,
        start__lt=not_after,
        end__gt=not_before,
    ).values_list("site_id", "start", "end")
    for site_id, start, end in rows:
        out[site_id].append(Interval(start, end))
    return out


def _horizons(not_before: datetime, not_after: datetime) -> list[datetime]:
    """Search a week first, then a month, then the whole range: the earliest slots are near."""
    out = [
        not_before + timedelta(days=d)
        for d in (7, 31)
        if not_before + timedelta(days=d) < not_after
    ]
    return [*out, not_after]


def availability(
    service: Service,
    not_before: datetime,
    not_after: datetime,
    filters: SearchFilters = SearchFilters(),
    *,
    per_site: int = 3,
    limit: int = 20,
) -> list[Slot]:
    """Earliest free slots of ``service`` per site, earliest first."""
    sites = candidate_sites(filters)
    slots: list[Slot] = []
    for horizon in _horizons(not_before, not_after):
        contexts = site_contexts(sites, not_before, horizon)
        options = site_options(service, contexts, filters, not_before, horizon)
        if not options:
            continue
        query = SlotQuery(
            duration=timedelta(minutes=service.default_duration),
            not_before=_ceil(not_before),
            not_after=horizon,
            step=STEP,
            per_site=per_site,
            limit=limit,
        )
        slots = find_slots(query, options)
        found_sites = {s.site_id for s in slots}
        if len(slots) >= limit or found_sites >= {o.site_id for o in options}:
            break
    return slots


def chain_availability(
    services: Sequence[Service],
    not_before: datetime,
    not_after: datetime,
    filters: SearchFilters = SearchFilters(),
    *,
    limit: int = 5,
) -> list[Chain]:
    """Earliest visits in which all ``services`` follow each other at one site on one day."""
    sites = candidate_sites(filters)
    chains: list[Chain] = []
    for horizon in _horizons(not_before, not_after):
        contexts = site_contexts(sites, not_before, horizon)
        legs = []
        for service in services:
            options = site_options(service, contexts, filters, not_before, horizon)
            legs.append(
                ChainLeg(
                    duration=timedelta(minutes=service.default_duration), options=tuple(options)
                )
            )
        if any(not leg.options for leg in legs):
            continue
        query = ChainQuery(
            legs=tuple(legs),
            not_before=_ceil(not_before),
            not_after=horizon,
            max_gap=timedelta(minutes=settings.LUUKKU_CHAIN_MAX_GAP_MINUTES),
            step=STEP,
            limit=limit,
        )
        chains = find_chains(query)
        if len(chains) >= limit:
            break
    return chains


def _ceil(at: datetime) -> datetime:
    """Round up to the slot grid (15 minutes, which is also a quarter hour in Finland)."""
    at = at.astimezone(UTC)
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    step = int(STEP.total_seconds())
    secs = int((at - epoch).total_seconds())
    return epoch + timedelta(seconds=-(-secs // step) * step)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    return local_to_utc(day, time(0), HELSINKI), local_to_utc(
        day + timedelta(days=1), time(0), HELSINKI
    )
