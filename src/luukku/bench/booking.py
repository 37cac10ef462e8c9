"""National-scale booking benchmark: ``luukku bench booking --scale national --db sqlite|postgres``.

Generates a country's worth of service points, officials, spaces and a million
existing bookings over eight weeks, then measures earliest-slot search, a
three-agency chain search, booking throughput with 32 concurrent clients, and
counts double bookings from the database afterwards. Everything random is seeded;
the data set itself is ``bench.national``'s.
"""

from __future__ import annotations

import json
import multiprocessing
import random
import statistics
import time as clock
from datetime import date, datetime, timedelta

from django.db import connection, connections

from luukku.bench.national import (
    SCALES,
    Scale,
    constraint_present,
    generate,
    progress,
    regions_of_existing,
    reset,
    reset_sequences,
)
from luukku.booking import tasks  # noqa: F401  (loaded before the clients fork; see _warm_up)
from luukku.booking.gaps import buffer
from luukku.booking.models import Booking, Reservation
from luukku.booking.selectors import (
    SearchFilters,
    availability,
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
    Service,
    Site,
    Space,
    StaffProfile,
)
from luukku.registry.snapshot import registry_snapshot


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


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
                # a phone of its own: the limit of active bookings per contact would refuse the rest
                customer=Customer(name=f"Bench {seed}-{i}", phone=f"040{seed:03d}{i:04d}"),
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
        and constraint_present()
    )  # the data set is kept between runs; --fresh rebuilds it
    t0 = clock.perf_counter()
    if fresh or not have:
        reset()
        info = generate(scale, rng)
        reset_sequences()
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("VACUUM ANALYZE booking_reservation")
                cur.execute("VACUUM ANALYZE booking_booking")
                cur.execute("VACUUM ANALYZE booking_visit")
        else:
            with connection.cursor() as cur:  # statistics, as PostgreSQL keeps by itself
                cur.execute("ANALYZE")
    else:
        info = regions_of_existing()
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
