"""``luukku bench aggregate``: the daily aggregation of a generated national day.

Generates one past local day of ``visits`` (default 40,000: three in four as queue
tickets — walk-ins, passed-on and booked arrivals, most served, with waits and service
times — and one in four as bookings, some missed or cancelled) spread over ``sites``
bench points (copies of the demo Pori point, every agency's queue at each), then times
``day_aggregate`` for that day ``repeats`` times. Each run must give the same rows
(idempotence) and the rows must add up to what was generated; the figures are the
median and the maximum time of the runs.
"""

from __future__ import annotations

import random
import secrets
import statistics
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime

from luukku.booking.models import Booking, BookingState, Channel, Visit
from luukku.monitoring.models import DailyAggregate, DailyChainSequence, DailyHourArrivals
from luukku.monitoring.services import LOCAL, day_aggregate
from luukku.queueing.models import Handover, Kind, Queue, Ticket, TicketState
from luukku.registry.models import Agency, Service, Site

PREFIX = "bench-agg-"
DAY = date(2026, 11, 10)


def _sites(n: int) -> list[Site]:
    template = Site.objects.get(slug="pori")
    have = {s.slug: s for s in Site.objects.filter(slug__startswith=PREFIX)}
    out = []
    for i in range(n):
        slug = f"{PREFIX}{i:03d}"
        if slug not in have:
            site = Site.objects.get(pk=template.pk)
            site.pk = None
            site.slug = slug
            site.name = f"Bench {i:03d}"
            site.municipality = f"Bench municipality {i // 10:02d}"
            site.save()
            have[slug] = site
        out.append(have[slug])
    return out


def _generate(day: date, visits: int, sites: list[Site], rng: random.Random) -> dict[str, int]:
    site_ids = [s.pk for s in sites]
    Ticket.objects.filter(site_id__in=site_ids).delete()
    Booking.objects.filter(site_id__in=site_ids).delete()
    Visit.objects.filter(name="bench").delete()
    services = list(Service.objects.select_related("agency"))
    agencies = list(Agency.objects.all())
    queues = {}
    for site in sites:
        for n, agency in enumerate(agencies):
            q, _ = Queue.objects.get_or_create(
                site=site, agency=agency, defaults={"letter": chr(65 + n % 26)}
            )
            queues[(site.pk, agency.pk)] = q
    opening = datetime.combine(day, dtime(8), tzinfo=LOCAL)
    n_tickets = visits * 3 // 4
    tickets, counters = [], {}
    counts = {"tickets": n_tickets, "bookings": visits - n_tickets, "served": 0}
    for _ in range(n_tickets):
        site = rng.choice(site_ids)
        service = rng.choice(services)
        queue = queues[(site, service.agency_id)]
        counters[queue.pk] = counters.get(queue.pk, 0) + 1
        at = opening + timedelta(seconds=rng.randrange(8 * 3600))
        kind = rng.choices([Kind.WALK_IN, Kind.BOOKING, Kind.CHAIN], [75, 20, 5])[0]
        served = rng.random() < 0.92
        called = at + timedelta(seconds=int(rng.expovariate(1 / 600))) if served else None
        start = called + timedelta(seconds=30) if called else None
        counts["served"] += served
        tickets.append(
            Ticket(
                site_id=site,
                queue=queue,
                service=service,
                number=f"{queue.letter}{counters[queue.pk]}",
                day=day,
                kind=kind,
                state=TicketState.DONE if served else TicketState.NO_SHOW,
                queued_at=at,
                called_at=called,
                service_started_at=start,
                service_ended_at=start + timedelta(seconds=int(rng.gauss(900, 240)) % 3600)
                if start
                else None,
                remote=rng.random() < 0.1,
            )
        )
    Ticket.objects.bulk_create(tickets, batch_size=2000)
    # Each passed-on ticket came from another agency's desk a few minutes before.
    handovers = []
    for t in Ticket.objects.filter(site_id__in=site_ids, kind=Kind.CHAIN).values_list(
        "pk", "queued_at", "called_at", "service__agency_id"
    ):
        pk, at, called, agency_id = t
        source = rng.choice([a for a in agencies if a.pk != agency_id])
        handovers.append(
            Handover(ticket_id=pk, from_agency=source, to_agency_id=agency_id, handed_at=at,
                     called_at=called)
        )  # fmt: skip
    Handover.objects.bulk_create(handovers, batch_size=2000)
    counts["handovers"] = len(handovers)
    visit_rows = [
        Visit(name="bench", token_hash=secrets.token_hex(32)) for _ in range(counts["bookings"])
    ]
    Visit.objects.bulk_create(visit_rows, batch_size=2000)
    visit_ids = list(Visit.objects.filter(name="bench").values_list("pk", flat=True))
    bookings = []
    for visit_id in visit_ids:
        at = opening + timedelta(minutes=15 * rng.randrange(32))
        bookings.append(
            Booking(
                visit_id=visit_id,
                service=rng.choice(services),
                site_id=rng.choice(site_ids),
                channel=Channel.REMOTE if rng.random() < 0.15 else Channel.IN_PERSON,
                start=at,
                end=at + timedelta(minutes=30),
                state=rng.choices(
                    [BookingState.DONE, BookingState.NO_SHOW, BookingState.CANCELLED], [85, 5, 10]
                )[0],
            )
        )
    # One visit in ten chains a second service at the same point half an hour later.
    for first in [b for b in bookings if rng.random() < 0.1]:
        bookings.append(
            Booking(
                visit_id=first.visit_id, position=1, service=rng.choice(services),
                site_id=first.site_id, channel=first.channel,
                start=first.start + timedelta(minutes=30), end=first.end + timedelta(minutes=30),
                state=first.state,
            )
        )  # fmt: skip
    counts["bookings"] = len(bookings)
    Booking.objects.bulk_create(bookings, batch_size=2000)
    return counts


def _rows():
    return list(
        DailyAggregate.objects.filter(day=DAY)
        .order_by("site_id", "agency_id", "service_id", "channel")
        .values_list(
            "site_id",
            "agency_id",
            "service_id",
            "channel",
            "walk_in",
            "booked",
            "chained",
            "no_show",
            "cancelled",
            "served",
            "wait_count",
            "wait_sum_s",
            "wait_hist",
            "service_count",
            "service_sum_s",
        )  # fmt: skip
    )


def _hour_rows():
    return list(
        DailyHourArrivals.objects.filter(day=DAY)
        .order_by("site_id", "agency_id", "hour")
        .values_list("site_id", "agency_id", "hour", "walk_in", "chained", "booked")
    )


def run(*, db: str, visits: int = 40_000, sites: int = 100, repeats: int = 5, seed: int = 2026,
        json_path: str | None = None) -> dict:  # fmt: skip
    rng = random.Random(seed)
    bench_sites = _sites(sites)
    t0 = time.perf_counter()
    generated = _generate(DAY, visits, bench_sites, rng)
    generate_s = time.perf_counter() - t0
    times, first, first_hours = [], None, None
    for _ in range(repeats):
        t = time.perf_counter()
        day_aggregate(day=DAY)
        times.append(time.perf_counter() - t)
        rows, hours = _rows(), _hour_rows()
        if first is None:
            first, first_hours = rows, hours
        elif rows != first or hours != first_hours:
            raise AssertionError("recomputing the day gave different rows")
    bench_ids = {s.pk for s in bench_sites}
    mine = [r for r in first if r[0] in bench_ids]
    served = sum(r[9] for r in mine)
    tickets = sum(r[4] + r[6] for r in mine)  # walk-in + passed on (booked arrivals below)
    booked_rows = sum(r[5] + r[8] for r in mine)
    if served != generated["served"] or booked_rows != generated["bookings"]:
        raise AssertionError(f"aggregates do not add up: {served=} {booked_rows=} {generated=}")
    hour_tickets = sum(r[3] + r[4] for r in first_hours if r[0] in bench_ids)
    if hour_tickets != tickets:
        raise AssertionError(f"arrivals per hour do not add up: {hour_tickets=} {tickets=}")
    result = {
        "benchmark": "aggregate",
        "db": db,
        "day": DAY.isoformat(),
        "visits": visits,
        "tickets": generated["tickets"],
        "bookings": generated["bookings"],
        "sites": sites,
        "aggregate_rows": len(first),
        "handovers": generated["handovers"],
        "chain_rows": DailyChainSequence.objects.filter(day=DAY).count(),
        "hour_rows": len(first_hours),
        "walk_in_and_passed_on": tickets,
        "generate_s": round(generate_s, 2),
        "repeats": repeats,
        "aggregate_median_s": round(statistics.median(times), 3),
        "aggregate_max_s": round(max(times), 3),
        "target_s": 30,
    }
    if json_path:
        import json

        with open(json_path, "w") as fh:
            json.dump(result, fh, indent=2)
    return result
