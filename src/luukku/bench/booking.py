"""National-scale booking benchmark: ``luukku bench booking --scale national --db sqlite|postgres``.

Generates a country's worth of service points, officials, spaces and a million
existing bookings over eight weeks, then measures earliest-slot search, a
three-agency chain search, booking throughput with 32 concurrent clients, and
counts double bookings from the database afterwards. Everything random is seeded.
"""

from __future__ import annotations

import json
import multiprocessing
import random
import statistics
import sys
import time as clock
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, connections, transaction
from django.db.models import Min
from django.utils import timezone
from tqdm import tqdm

from luukku.booking import tasks  # noqa: F401  (loaded before the clients fork; see _warm_up)
from luukku.booking.models import Booking, Reservation, Visit
from luukku.booking.selectors import (
    SearchFilters,
    availability,
    buffer,
    chain_availability,
    day_bounds,
)
from luukku.booking.services import (
    BookingConflict,
    Customer,
    Leg,
    double_bookings,
    manage_url,
    visit_book,
)
from luukku.registry.models import (
    Agency,
    BusStop,
    Equipment,
    RegistryVersion,
    Resource,
    Role,
    Service,
    Site,
    Space,
    StaffProfile,
)
from luukku.registry.services import demo_region_seed
from luukku.registry.snapshot import registry_snapshot

HELSINKI = "Europe/Helsinki"
REGIONS = [
    "Uusimaa",
    "Varsinais-Suomi",
    "Satakunta",
    "Kanta-Häme",
    "Pirkanmaa",
    "Päijät-Häme",
    "Kymenlaakso",
    "Etelä-Karjala",
    "Etelä-Savo",
    "Pohjois-Savo",
    "Pohjois-Karjala",
    "Keski-Suomi",
    "Etelä-Pohjanmaa",
    "Pohjanmaa",
    "Keski-Pohjanmaa",
    "Pohjois-Pohjanmaa",
    "Kainuu",
    "Lappi",
    "Ahvenanmaa",
]


@dataclass(frozen=True)
class Scale:
    sites: dict[str, int]  # size → count
    spaces: dict[str, int]  # size → service spaces per site
    officials: dict[str, int]  # size → on-site officials per site
    remote_officials: int
    weeks: int
    bookings: int
    searches: int
    chains: int
    clients: int
    bookings_per_client: int


SCALES = {
    # ≥150 sites, 2,500 officials, 4,000 spaces, 8 weeks, 1,000,000 bookings (the figures).
    "national": Scale(
        sites={"L": 12, "M": 40, "S": 60, "XS": 40},
        spaces={"L": 120, "M": 55, "S": 4, "XS": 2},
        officials={"L": 90, "M": 23, "S": 0, "XS": 0},
        remote_officials=500,
        weeks=8,
        bookings=1_000_000,
        searches=400,
        chains=150,
        clients=32,
        bookings_per_client=40,
    ),
    "small": Scale(
        sites={"L": 1, "M": 2, "S": 2, "XS": 1},
        spaces={"L": 20, "M": 10, "S": 2, "XS": 1},
        officials={"L": 15, "M": 5, "S": 0, "XS": 0},
        remote_officials=10,
        weeks=2,
        bookings=2_000,
        searches=30,
        chains=10,
        clients=4,
        bookings_per_client=5,
    ),
}


def progress(iterable=None, **kw):
    return tqdm(iterable, file=sys.stderr, dynamic_ncols=True, **kw)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def next_monday(today: date) -> date:
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


# -- data generation ----------------------------------------------------------------


def generate(scale: Scale, rng: random.Random) -> dict:
    """Build the national registry and the existing bookings; returns what the measures need."""
    with transaction.atomic():
        demo_region_seed()  # agencies, services, equipment, national hours, the Satakunta sites
    agencies = list(Agency.objects.all())
    services = list(Service.objects.select_related("agency"))
    video = Equipment.objects.get(code="video")
    eq_all = list(Equipment.objects.exclude(code="tuve"))
    User = get_user_model()
    sites_by_region: dict[str, list[int]] = {r: [] for r in REGIONS}
    total_sites = sum(scale.sites.values())
    bar = progress(total=total_sites, desc="sites, spaces, officials")
    n = 0
    remote_rooms: dict[str, list[tuple[int, int]]] = {
        r: [] for r in REGIONS
    }  # (site_id, space resource)
    onsite: list[
        tuple[int, int, int, list[int]]
    ] = []  # official resource, space resource, site, service ids
    with transaction.atomic():
        for size, count in scale.sites.items():
            for i in range(count):
                n += 1
                region = REGIONS[n % len(REGIONS)]
                slug = f"bench-{size.lower()}-{i:03d}"
                site, created = Site.objects.get_or_create(
                    slug=slug,
                    defaults={
                        "name": f"{region} {size} {i}",
                        "municipality": f"{region}-{i:03d}",
                        "size": size,
                        "route_weekdays": [0, 1, 2, 3, 4] if size == "XS" else [],
                    },
                )
                sites_by_region[region].append(site.pk)
                if size == "XS":
                    for wd in range(5):
                        BusStop.objects.get_or_create(
                            site=site,
                            weekday=wd,
                            defaults={
                                "place": f"Tori {wd}",
                                "address": "-",
                                "arrives": time(9),
                                "departs": time(15),
                            },
                        )
                here = agencies if size == "L" else rng.sample(agencies, 6) if size == "M" else []
                site.agencies_on_site.set(here)
                site.agencies_remote.set([a for a in agencies if a not in here])
                spaces = []
                for k in range(scale.spaces[size]):
                    if size in ("S", "XS") or k % 10 == 9:
                        stype, eq = "remote_service_room", [video]
                    elif k % 10 == 8:
                        stype, eq = "service_room", eq_all
                    elif k % 10 == 7:
                        stype, eq = "meeting_room", eq_all
                    else:
                        stype, eq = "screened_booth", eq_all
                    res = Resource(kind="space", label=f"{slug}/{k}")
                    spaces.append((res, stype, eq))
                Resource.objects.bulk_create([s[0] for s in spaces])
                rows = Space.objects.bulk_create(
                    Space(
                        site=site,
                        name=f"S{k}",
                        customer_label=f"Huone {k}",
                        customer_label_fi=f"Huone {k}",
                        space_type=stype,
                        capacity=6 if stype == "meeting_room" else 3,
                        resource=res,
                    )
                    for k, (res, stype, _eq) in enumerate(spaces)
                )
                through = Space.equipment.through
                through.objects.bulk_create(
                    through(space_id=row.pk, equipment_id=e.pk)
                    for row, (_r, _t, eq) in zip(rows, spaces, strict=True)
                    for e in eq
                )
                service_spaces = [
                    (row, stype) for row, (_r, stype, _e) in zip(rows, spaces, strict=True)
                ]
                remote_rooms[region].extend(
                    (site.pk, r.resource_id)
                    for r, t in service_spaces
                    if t == "remote_service_room"
                )
                in_person = [r for r, t in service_spaces if t != "remote_service_room"]
                # On-site officials: agencies in turn; each paired with one space for the generator.
                for k in range(scale.officials[size]):
                    agency = here[k % len(here)]
                    user = User.objects.create(username=f"{slug}-o{k}", password="!")
                    res = Resource.objects.create(kind="official", label=user.username)
                    prof = StaffProfile.objects.create(
                        user=user,
                        role=Role.OFFICIAL,
                        agency=agency,
                        languages=["fi", "sv", "en"],
                        home_site=site,
                        resource=res,
                    )
                    agency_services = [s.pk for s in services if s.agency_id == agency.pk]
                    prof.services.set(agency_services)
                    prof.sites.set([site])
                    onsite.append(
                        (
                            res.pk,
                            in_person[k % len(in_person)].resource_id,
                            site.pk,
                            agency_services,
                        )
                    )
                bar.update(1)
        bar.close()
        remote: list[tuple[int, int, int, list[int]]] = []
        for k in progress(range(scale.remote_officials), desc="remote officials"):
            region = REGIONS[k % len(REGIONS)]
            rooms = remote_rooms[region]
            if not rooms or not sites_by_region[region]:
                continue
            agency = agencies[k % len(agencies)]
            home = sites_by_region[region][0]
            user = User.objects.create(username=f"bench-remote-{k}", password="!")
            res = Resource.objects.create(kind="official", label=user.username)
            prof = StaffProfile.objects.create(
                user=user,
                role=Role.OFFICIAL,
                agency=agency,
                languages=["fi", "en"],
                home_site_id=home,
                serves_remotely=True,
                resource=res,
            )
            agency_services = [
                s.pk
                for s in services
                if s.agency_id == agency.pk and s.remote and not s.in_person_only
            ]
            prof.services.set(agency_services)
            prof.sites.set(sites_by_region[region])
            # Pair with one remote room of the region for the generator, so rooms never clash.
            index = k // len(REGIONS)
            if index < len(rooms):
                site_id, room = rooms[index]
                remote.append((res.pk, room, site_id, agency_services))
        RegistryVersion.bump()

    start_day = next_monday(timezone.localdate())
    days = [
        start_day + timedelta(days=d)
        for d in range(scale.weeks * 7)
        if (start_day + timedelta(days=d)).weekday() < 5
    ]
    pairs = [
        p for p in onsite + remote if p[3]
    ]  # officials with no bookable service get no bookings
    per_pair_day = max(1, -(-scale.bookings // (len(pairs) * len(days))))  # ceil: reach the target
    durations = {s.pk: s.default_duration for s in services}
    with _exclusion_deferred():
        _bulk_bookings(pairs, days, per_pair_day, scale.bookings, durations, rng)
    return {
        "regions": {r: ids for r, ids in sites_by_region.items() if ids},
        "start_day": start_day,
    }


class _exclusion_deferred:
    """Load first, then build the no-overlap constraint once (PostgreSQL).

    The constraint is dropped if present and always created again from the model's
    own definition afterwards, so the data set ends with it in force whatever state
    the database was in. Creating it checks every existing row, so the generated data
    set is itself proven free of double bookings before the benchmark starts.
    """

    def _constraint(self):
        return Reservation, next(
            c for c in Reservation._meta.constraints if c.name == "reservation_no_overlap"
        )

    def __enter__(self):
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute(
                    "ALTER TABLE booking_reservation DROP CONSTRAINT IF EXISTS reservation_no_overlap"
                )
        return self

    def __exit__(self, *exc):
        if connection.vendor == "postgresql" and exc[0] is None:
            model, constraint = self._constraint()
            with connection.schema_editor() as editor:
                editor.add_constraint(model, constraint)
        return False


def _bulk_bookings(pairs, days, per_day, target, durations, rng) -> None:
    """Existing bookings, non-overlapping per official and per space, written in bulk."""
    zone = ZoneInfo(HELSINKI)
    buf = timedelta(minutes=5)
    visit_rows, booking_rows, res_rows = [], [], []
    made = 0
    vid = (Visit.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    bid = (Booking.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    space_of = dict(Space.objects.values_list("resource_id", "pk"))
    official_of = dict(StaffProfile.objects.values_list("resource_id", "pk"))
    bar = progress(total=target, desc="bookings")
    now = timezone.now()
    for day in days:
        opens = datetime.combine(day, time(9, 0), tzinfo=zone).astimezone(UTC)
        for official_res, space_res, site_id, service_ids in pairs:
            if made >= target or not service_ids:
                continue
            t = opens
            for _ in range(per_day):
                if made >= target:
                    break
                service = rng.choice(service_ids)
                dur = timedelta(minutes=durations[service])
                t += timedelta(minutes=15 * rng.randint(0, 1))
                end = t + dur
                visit_rows.append(
                    (
                        vid,
                        f"Bench {vid}",
                        "0400000000",
                        "",
                        "fi",
                        "",
                        1,
                        False,
                        f"bench{vid:058d}",
                        now,
                    )
                )
                booking_rows.append(
                    (
                        bid,
                        vid,
                        f"B{bid:09d}",
                        0,
                        service,
                        site_id,
                        "in_person",
                        t,
                        end,
                        "booked",
                        official_of[official_res],
                        space_of[space_res],
                        "",
                        now,
                        now,
                    )
                )
                res_rows.append((official_res, bid, t, end + buf))
                res_rows.append((space_res, bid, t, end + buf))
                vid += 1
                bid += 1
                made += 1
                # Next start on the quarter-hour grid after this booking and its buffer.
                nxt = end + buf
                minutes = (nxt - opens).total_seconds() / 60
                t = opens + timedelta(minutes=15 * -(-minutes // 15))
            if len(booking_rows) >= 50_000:
                _flush(visit_rows, booking_rows, res_rows)
                bar.update(len(booking_rows))
                visit_rows, booking_rows, res_rows = [], [], []
    _flush(visit_rows, booking_rows, res_rows)
    bar.update(len(booking_rows))
    bar.close()


def _flush(visits, bookings, reservations) -> None:
    if not bookings:
        return
    vcols = "(id, name, phone, email, language, interpreter_language, group_size, needs_accessible, token_hash, created_at)"
    bcols = '(id, visit_id, code, position, service_id, site_id, channel, start, "end", state, official_id, space_id, video_url, created_at, updated_at)'
    rcols = '(resource_id, booking_id, start, "end")'
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            raw = cur.cursor
            for table, cols, rows in (
                ("booking_visit", vcols, visits),
                ("booking_booking", bcols, bookings),
                ("booking_reservation", rcols, reservations),
            ):
                with raw.copy(f"COPY {table} {cols} FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        else:
            cur.executemany(
                f"INSERT INTO booking_visit {vcols} VALUES ({','.join(['%s'] * 10)})", visits
            )
            cur.executemany(
                f"INSERT INTO booking_booking {bcols} VALUES ({','.join(['%s'] * 15)})", bookings
            )
            cur.executemany(
                f"INSERT INTO booking_reservation {rcols} VALUES (%s,%s,%s,%s)", reservations
            )


def _constraint_present() -> bool:
    """A kept data set is reused only if the no-overlap constraint is in force (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_constraint WHERE conname = 'reservation_no_overlap'")
        return cur.fetchone() is not None


def _reset_sequences() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Visit, Booking, Reservation]):
            cur.execute(sql)


def _reset() -> None:
    """Empty the benchmark database (it is the benchmark's own)."""
    call_command("flush", interactive=False, verbosity=0)


# -- measures -----------------------------------------------------------------------


def measure_search(
    snapshot_regions: dict, start_day: date, n: int, rng: random.Random, hits: list[bool]
) -> list[float]:
    snap = registry_snapshot()
    slugs = dict(Site.objects.values_list("pk", "slug"))
    services = [s for s in snap.services.values() if s.bookable]
    not_before = day_bounds(start_day)[0] + timedelta(hours=1)
    not_after = day_bounds(start_day + timedelta(weeks=8))[0]
    availability(services[0].id, not_before, not_after, snap=snap)  # warm
    times = []
    for _ in progress(range(n), desc="searches"):
        service = rng.choice(services)
        region = rng.choice(list(snapshot_regions))
        filters = SearchFilters(sites=tuple(slugs[i] for i in snapshot_regions[region]))
        t = clock.perf_counter()
        found = availability(service.id, not_before, not_after, filters)
        times.append((clock.perf_counter() - t) * 1000)
        hits.append(bool(found))
    return times


def measure_chains(regions: dict, start_day: date, n: int, rng: random.Random) -> list[float]:
    snap = registry_snapshot()
    slugs = dict(Site.objects.values_list("pk", "slug"))
    by_agency: dict[int, list[int]] = {}
    for s in snap.services.values():
        by_agency.setdefault(s.agency_id, []).append(s.id)
    not_before = day_bounds(start_day)[0] + timedelta(hours=1)
    not_after = day_bounds(start_day + timedelta(weeks=8))[0]
    times = []
    for _ in progress(range(n), desc="chains"):
        agencies = rng.sample(sorted(by_agency), 3)
        services = [rng.choice(by_agency[a]) for a in agencies]
        region = rng.choice(list(regions))
        filters = SearchFilters(sites=tuple(slugs[i] for i in regions[region]))
        t = clock.perf_counter()
        chain_availability(services, not_before, not_after, filters, limit=3)
        times.append((clock.perf_counter() - t) * 1000)
    return times


_WORKER: dict = {}


def _client_init() -> None:
    """Each client process opens its own connection and loads what it books against."""
    connections.close_all()
    _WORKER["services"] = {s.pk: s for s in Service.objects.select_related("agency")}
    _WORKER["sites"] = {s.pk: s for s in Site.objects.all()}
    registry_snapshot()
    _warm_up()


def _warm_up() -> None:
    """What a server process loads once at start-up: the booking code and the URL conf.

    The first booking builds the customer's link (``reverse``), which imports every
    URL module and the API; without this, each client paid that in its first booking.
    (The booking code itself, services and tasks, is imported with this module.)
    """
    manage_url("warm-up")


def _client(args) -> tuple[int, int, list[float]]:
    """One booking client: book each of its chosen slots, one after another."""
    work, seed = args
    services, sites = _WORKER["services"], _WORKER["sites"]
    ok = conflicts = 0
    latencies = []
    for i, (service_id, site_id, start, channel) in enumerate(work):
        t = clock.perf_counter()
        try:
            visit_book(
                site=sites[site_id],
                legs=[Leg(services[service_id], start, channel)],
                customer=Customer(name=f"Bench {seed}-{i}", phone="0401234567"),
            )
            ok += 1
        except BookingConflict:
            conflicts += 1
        latencies.append((clock.perf_counter() - t) * 1000)
    return ok, conflicts, latencies


def measure_bookings(regions: dict, start_day: date, scale: Scale, rng: random.Random) -> dict:
    """32 clients in parallel processes, each booking slots it found free a moment before."""
    snap = registry_snapshot()
    slugs = dict(Site.objects.values_list("pk", "slug"))
    services = [s for s in snap.services.values() if s.bookable]
    not_after = day_bounds(start_day + timedelta(weeks=scale.weeks))[0]
    candidates = []
    total = scale.clients * scale.bookings_per_client
    bar = progress(total=total, desc="choosing slots")
    # The resources (official, space, interpreter) each chosen slot holds, with the buffer,
    # as the reservations will: a slot sharing one with another chosen slot at an
    # overlapping time is left out, so the only races are the deliberate ones below.
    # (Slots found by separate searches, all before any booking, otherwise often want
    # the same official or room: over half of the attempts ended in conflicts.)
    # Each search offers several times per site, as a customer's list of free times
    # does, so that later customers still find times nobody else was given.
    held: dict[int, list[tuple[datetime, datetime]]] = {}
    buf = buffer()
    searches = 0
    while len(candidates) < total and searches < 50 * total:  # never loop for ever
        searches += 1
        # A customer: a service, a region and a day in the next eight weeks; the first free times.
        service = rng.choice(services)
        region = rng.choice(list(regions))
        day = start_day + timedelta(days=rng.randrange(scale.weeks * 7))
        slots = availability(
            service.id,
            day_bounds(day)[0],
            not_after,
            SearchFilters(sites=tuple(slugs[i] for i in regions[region])),
            per_site=6,
            limit=48,
        )
        for s in slots:
            if len(candidates) >= total:
                break
            span = (s.start, s.end + buf)
            ids = [r for r in (s.official_id, s.space_id, s.interpreter_id) if r]
            if any(a < span[1] and span[0] < b for r in ids for a, b in held.get(r, ())):
                continue
            for r in ids:
                held.setdefault(r, []).append(span)
            candidates.append((service.id, s.site_id, s.start, str(s.channel)))
            bar.update(1)
    bar.close()
    candidates = candidates[:total]
    # Pairs of clients deliberately race for their first three slots: only one gets the
    # official and room; the other is refused (or, at a point with another official and
    # room free at that time, gets those, as a customer would).
    rng.shuffle(candidates)
    work = [candidates[i :: scale.clients] for i in range(scale.clients)]
    for i in range(0, scale.clients - 1, 2):
        work[i + 1][:3] = work[i][:3]
    _warm_up()  # loaded once here, inherited by every forked client
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(scale.clients, initializer=_client_init) as pool:
        pool.map(
            abs, range(scale.clients * 4)
        )  # every client is up and connected before the clock starts
        t = clock.perf_counter()
        results = pool.map(_client, [(w, i) for i, w in enumerate(work)], chunksize=1)
        elapsed = clock.perf_counter() - t
    ok = sum(r[0] for r in results)
    conflicts = sum(r[1] for r in results)
    latencies = [x for r in results for x in r[2]]
    return {
        "bookings_per_s": round(ok / elapsed, 1),
        "booking_attempts": ok + conflicts,
        "booking_booked": ok,
        "booking_conflicts": conflicts,
        "booking_p50_ms": round(statistics.median(latencies), 2),
        "booking_p95_ms": round(percentile(latencies, 95), 2),
        "booking_elapsed_s": round(elapsed, 2),
    }


def run(*, scale_name: str, json_path: str | None, fresh: bool = False, seed: int = 2026) -> dict:
    scale = SCALES[scale_name]
    rng = random.Random(seed)
    marker = f"bench-{scale_name}-{seed}"
    have = (
        Site.objects.filter(slug__startswith="bench-").count() == sum(scale.sites.values())
        and Booking.objects.count() >= scale.bookings
        and _constraint_present()
    )  # the data set is kept between runs; --fresh rebuilds it
    t0 = clock.perf_counter()
    if fresh or not have:
        _reset()
        info = generate(scale, rng)
        _reset_sequences()
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("VACUUM ANALYZE booking_reservation")
                cur.execute("VACUUM ANALYZE booking_booking")
    else:
        info = _regions_of_existing()
    generated_s = clock.perf_counter() - t0
    hits: list[bool] = []
    search = measure_search(info["regions"], info["start_day"], scale.searches, rng, hits)
    chains = measure_chains(info["regions"], info["start_day"], scale.chains, rng)
    booking = measure_bookings(info["regions"], info["start_day"], scale, rng)
    out = {
        "scale": scale_name,
        "db": connection.vendor,
        "marker": marker,
        "sites": Site.objects.count(),
        "officials": StaffProfile.objects.filter(role="official").count(),
        "spaces": Space.objects.count(),
        "existing_bookings": Booking.objects.count(),
        "reservations": Reservation.objects.count(),
        "weeks": scale.weeks,
        "searches": len(search),
        "search_p50_ms": round(statistics.median(search), 2),
        "search_p95_ms": round(percentile(search, 95), 2),
        "search_p99_ms": round(percentile(search, 99), 2),
        "search_found_share": round(sum(hits) / len(hits), 3),
        "chains": len(chains),
        "chain_p50_ms": round(statistics.median(chains), 2),
        "chain_p95_ms": round(percentile(chains, 95), 2),
        **booking,
        "double_bookings": double_bookings(),
        "setup_s": round(generated_s, 1),
        "cpus": multiprocessing.cpu_count(),
    }
    if json_path:
        with open(json_path, "w") as fh:
            json.dump(out, fh, indent=2)
    return out


def _regions_of_existing() -> dict:
    regions: dict[str, list[int]] = {}
    for pk, name in Site.objects.filter(slug__startswith="bench-").values_list("pk", "name_fi"):
        regions.setdefault(name.rsplit(" ", 2)[0], []).append(pk)
    first = Booking.objects.filter(code__startswith="B0").aggregate(m=Min("start"))["m"]
    start_day = (
        first.astimezone(ZoneInfo(HELSINKI)).date() if first else next_monday(timezone.localdate())
    )
    return {"regions": regions, "start_day": start_day}
