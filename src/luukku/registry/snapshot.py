"""An immutable, in-memory picture of the registry for the hot paths (slot search, booking).

Sites, spaces, officials and opening hours change a few times a day; searches run
many times a second. Reading them from the database on every search cost most of a
search's time (the City of Helsinki's respa is known for its slow "first reservable
time" for the same reason). So each process keeps one snapshot of plain frozen
records and rebuilds it when :class:`RegistryVersion` moves: every registry write
bumps that counter (see ``signals.py``), and a search checks it with one tiny query.
The snapshot is the only process-wide cache in Luukku, and it is never stale for
longer than that one query.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

import holidays as holidays_lib

from luukku.booking.models import BookingPolicy
from luukku.core.opening import (
    DayException,
    Stop,
    WeeklyRule,
    opening_intervals,
    stop_intervals,
)
from luukku.registry.models import (
    Agency,
    BusStop,
    Interpreter,
    OpeningException,
    OpeningPeriod,
    RegistryVersion,
    Role,
    Schedule,
    Service,
    Site,
    Size,
    Space,
    StaffProfile,
)


@dataclass(frozen=True, slots=True)
class SpaceSnap:
    id: int
    resource_id: int
    site_id: int
    space_type: str
    capacity: int
    accessible: bool
    equipment: frozenset[str]
    earmarked_agency_id: int | None
    zone: str = "semi_public"
    labels: tuple[tuple[str, str], ...] = ()

    def label(self, language: str | None) -> str:
        """The customer label in ``language``, falling back to Finnish."""
        by_lang = dict(self.labels)
        return by_lang.get(language or "fi") or by_lang.get("fi") or ""


@dataclass(frozen=True, slots=True)
class OfficialSnap:
    id: int
    resource_id: int
    agency_id: int | None
    home_site_id: int | None
    sites: frozenset[int]
    remote: bool
    languages: frozenset[str]
    services: frozenset[int]


@dataclass(frozen=True, slots=True)
class InterpreterSnap:
    id: int
    resource_id: int
    languages: frozenset[str]
    remote: bool
    sites: frozenset[int]


@dataclass(frozen=True, slots=True)
class ServiceSnap:
    id: int
    code: str
    agency_id: int
    duration: int
    in_person: bool
    remote: bool
    in_person_only: bool
    bookable: bool
    equipment: frozenset[str]
    space_types: frozenset[str]
    group_size: int = 1


@dataclass(frozen=True, slots=True)
class StopSnap:
    id: int
    place: str
    municipality: str
    day: date | None
    weekday: int | None
    arrives: time
    departs: time
    valid_from: date | None = None
    valid_until: date | None = None


@dataclass(frozen=True, slots=True)
class PolicySnap:
    bookable_share: float
    walk_in_only_from: time | None
    walk_in_only_until: time | None


@dataclass(frozen=True)
class SiteSnap:
    id: int
    slug: str
    municipality: str
    size: str
    tz: str
    agencies_on_site: frozenset[int]
    rules: tuple[WeeklyRule, ...]
    exceptions: dict[date, DayException]
    stops: tuple[StopSnap, ...]
    route_valid_from: date | None
    route_valid_until: date | None
    spaces: tuple[SpaceSnap, ...]

    @property
    def is_bus(self) -> bool:
        return self.size == "XS"

    def municipalities(self, since: date | None = None) -> set[str]:
        """Where the point serves: its own municipality, and its stops' (those not
        ended before ``since``: a dropped stop no longer brings the bus there)."""
        return {self.municipality.lower()} | {
            s.municipality.lower()
            for s in self.stops
            if s.municipality and (since is None or s.valid_until is None or s.valid_until >= since)
        }


@dataclass
class RegistrySnapshot:
    """The registry at one version token; what is derived from it is memoized on it.

    A registry change makes a new snapshot, so nothing memoized here can outlive the
    data it was derived from: this is the one owner of cached registry data.
    """

    version: str
    sites: dict[int, SiteSnap]
    slugs: dict[str, int]
    services: dict[int, ServiceSnap]
    service_codes: dict[str, int]
    officials: dict[int, OfficialSnap]
    officials_by_service: dict[int, tuple[OfficialSnap, ...]]
    interpreters: tuple[InterpreterSnap, ...]
    policies: dict[tuple[int, int], PolicySnap]
    by_resource: dict[int, tuple[str, int]]
    agency_codes: dict[int, str] = field(default_factory=dict)
    _holidays: dict[int, frozenset[date]] = field(default_factory=dict)
    _opening: dict[tuple[int, date, date], list] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _memo: dict = field(default_factory=dict)

    def memoized(self, key: tuple, build):
        """``build()`` once per snapshot and ``key`` (e.g. the core's ranking of a site's
        spaces for one kind of customer): it depends only on the registry."""
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = build()
            return value

    def holidays(self, start: date, end: date) -> frozenset[date]:
        out: set[date] = set()
        for year in range(start.year, end.year + 1):
            if year not in self._holidays:
                self._holidays[year] = frozenset(holidays_lib.Finland(years=year).keys())
            out |= self._holidays[year]
        return frozenset(out)

    def opening(
        self, site_id: int, start: date, end: date
    ) -> list[tuple[datetime, datetime, StopSnap | None]]:
        """When a site is open, in UTC, between two local dates (memoized per snapshot)."""
        key = (site_id, start, end)
        hit = self._opening.get(key)
        if hit is not None:
            return hit
        site = self.sites[site_id]
        hols = self.holidays(start, end)
        exceptions = [e for d, e in site.exceptions.items() if start <= d <= end]
        if site.is_bus:
            out = stop_intervals(
                (
                    Stop(
                        st.day,
                        st.weekday,
                        st.arrives,
                        st.departs,
                        st,
                        valid_from=st.valid_from,
                        valid_until=st.valid_until,
                    )
                    for st in site.stops
                ),
                start=start,
                end=end,
                tz=site.tz,
                closed={e.day for e in exceptions if e.closed} | hols,
                valid_from=site.route_valid_from,
                valid_until=site.route_valid_until,
            )
        else:
            out = [
                (a, b, None)
                for a, b in opening_intervals(
                    site.rules,
                    start=start,
                    end=end,
                    tz=site.tz,
                    exceptions=exceptions,
                    holidays=hols,
                )
            ]
        with self._lock:
            if len(self._opening) > 5000:  # bounded: searches ask for a few ranges per day
                self._opening.clear()
            self._opening[key] = out
        return out


def snapshot_build(version: str) -> RegistrySnapshot:
    """Read the whole registry in a fixed number of queries."""

    rules_by_schedule: dict[int, list[WeeklyRule]] = defaultdict(list)
    for p in OpeningPeriod.objects.all():
        rules_by_schedule[p.schedule_id].append(WeeklyRule(p.weekday, p.opens, p.closes))
    national = Schedule.objects.filter(is_national=True).values_list("pk", flat=True).first()
    exceptions: dict[int, dict[date, DayException]] = defaultdict(dict)
    for e in OpeningException.objects.all():
        exceptions[e.site_id][e.date] = DayException(e.date, e.closed, e.opens, e.closes)
    stops: dict[int, list[StopSnap]] = defaultdict(list)
    for s in BusStop.objects.all():
        stops[s.site_id].append(
            StopSnap(
                s.pk,
                s.place,
                s.municipality,
                s.date,
                s.weekday,
                s.arrives,
                s.departs,
                s.valid_from,
                s.valid_until,
            )
        )
    spaces: dict[int, list[SpaceSnap]] = defaultdict(list)
    space_eq: dict[int, set[str]] = defaultdict(set)
    for space_id, code in Space.equipment.through.objects.values_list(
        "space_id", "equipment__code"
    ):
        space_eq[space_id].add(code)
    by_resource: dict[int, tuple[str, int]] = {}
    for sp in Space.objects.filter(active=True).values(
        "pk",
        "resource_id",
        "site_id",
        "space_type",
        "capacity",
        "accessible",
        "earmarked_agency_id",
        "zone",
        "customer_label_fi",
        "customer_label_sv",
        "customer_label_en",
    ):
        spaces[sp["site_id"]].append(
            SpaceSnap(
                sp["pk"],
                sp["resource_id"],
                sp["site_id"],
                sp["space_type"],
                sp["capacity"],
                sp["accessible"],
                frozenset(space_eq[sp["pk"]]),
                sp["earmarked_agency_id"],
                sp["zone"],
                tuple(
                    (lang, sp[f"customer_label_{lang}"])
                    for lang in ("fi", "sv", "en")
                    if sp[f"customer_label_{lang}"]
                ),
            )
        )
        by_resource[sp["resource_id"]] = ("space", sp["pk"])
    on_site: dict[int, set[int]] = defaultdict(set)
    for site_id, agency_id in Site.agencies_on_site.through.objects.values_list(
        "site_id", "agency_id"
    ):
        on_site[site_id].add(agency_id)
    host_schedule = dict(
        Site.objects.filter(host_organisation__isnull=False).values_list(
            "pk", "host_organisation__schedule_id"
        )
    )
    sites = {}
    for s in Site.objects.all():
        schedule_id = (
            s.schedule_id or (host_schedule.get(s.pk) if s.size == Size.S else None) or national
        )
        sites[s.pk] = SiteSnap(
            id=s.pk,
            slug=s.slug,
            municipality=s.municipality,
            size=s.size,
            tz=s.time_zone,
            agencies_on_site=frozenset(on_site[s.pk]),
            rules=tuple(rules_by_schedule.get(schedule_id, ())),
            exceptions=exceptions[s.pk],
            stops=tuple(sorted(stops[s.pk], key=lambda x: (x.weekday or 0, x.arrives))),
            route_valid_from=s.route_valid_from,
            route_valid_until=s.route_valid_until,
            spaces=tuple(sorted(spaces[s.pk], key=lambda x: (x.capacity, x.id))),
        )
    svc_eq: dict[int, set[str]] = defaultdict(set)
    for service_id, code in Service.equipment.through.objects.values_list(
        "service_id", "equipment__code"
    ):
        svc_eq[service_id].add(code)
    services = {
        s.pk: ServiceSnap(
            s.pk,
            s.code,
            s.agency_id,
            s.default_duration,
            s.in_person,
            s.remote,
            s.in_person_only,
            s.bookable,
            frozenset(svc_eq[s.pk]),
            s.suitable_space_types(),
            s.typical_group_size,
        )
        for s in Service.objects.all()
    }
    prof_services: dict[int, set[int]] = defaultdict(set)
    for pid, sid in StaffProfile.services.through.objects.values_list(
        "staffprofile_id", "service_id"
    ):
        prof_services[pid].add(sid)
    prof_sites: dict[int, set[int]] = defaultdict(set)
    for pid, sid in StaffProfile.sites.through.objects.values_list("staffprofile_id", "site_id"):
        prof_sites[pid].add(sid)
    officials = {}
    by_service: dict[int, list[OfficialSnap]] = defaultdict(list)
    for p in StaffProfile.objects.filter(role=Role.OFFICIAL).values(
        "pk", "resource_id", "agency_id", "home_site_id", "serves_remotely", "languages"
    ):
        o = OfficialSnap(
            p["pk"],
            p["resource_id"],
            p["agency_id"],
            p["home_site_id"],
            frozenset(prof_sites[p["pk"]]),
            p["serves_remotely"],
            frozenset(p["languages"] or ()),
            frozenset(prof_services[p["pk"]]),
        )
        officials[o.id] = o
        by_resource[o.resource_id] = ("official", o.id)
        for sid in o.services:
            by_service[sid].append(o)
    interp_sites: dict[int, set[int]] = defaultdict(set)
    for iid, sid in Interpreter.sites.through.objects.values_list("interpreter_id", "site_id"):
        interp_sites[iid].add(sid)
    interpreters = []
    for i in Interpreter.objects.values("pk", "resource_id", "languages", "mode"):
        interpreters.append(
            InterpreterSnap(
                i["pk"],
                i["resource_id"],
                frozenset(i["languages"] or ()),
                i["mode"] == "remote",
                frozenset(interp_sites[i["pk"]]),
            )
        )
        by_resource[i["resource_id"]] = ("interpreter", i["pk"])
    policies = {
        (p.site_id, p.agency_id): PolicySnap(
            float(p.bookable_share), p.walk_in_only_from, p.walk_in_only_until
        )
        for p in BookingPolicy.objects.all()
    }
    return RegistrySnapshot(
        version=version,
        sites=sites,
        slugs={s.slug: s.id for s in sites.values()},
        services=services,
        service_codes={s.code: s.id for s in services.values()},
        officials=officials,
        officials_by_service={
            k: tuple(sorted(v, key=lambda o: o.id)) for k, v in by_service.items()
        },
        interpreters=tuple(interpreters),
        policies=policies,
        by_resource=by_resource,
        agency_codes=dict(Agency.objects.values_list("pk", "code")),
    )


class _Holder:
    """The process's current snapshot; replaced whole, never mutated."""

    def __init__(self) -> None:
        self.current: RegistrySnapshot | None = None
        self.lock = threading.Lock()


_holder = _Holder()


def registry_snapshot() -> RegistrySnapshot:
    """The registry as of now: one query to check the version, a rebuild only after a change."""
    version = RegistryVersion.current()
    snap = _holder.current
    if snap is not None and snap.version == version:
        return snap
    with _holder.lock:
        snap = _holder.current
        if snap is None or snap.version != version:
            snap = snapshot_build(version)
            _holder.current = snap
    return snap
