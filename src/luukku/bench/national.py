"""The national-scale data set the booking benchmark runs on, generated once and kept.

A country's worth of service points, officials, spaces and a million existing bookings
over eight weeks, every random choice seeded, bulk-loaded with the no-overlap
constraint deferred and checked again afterwards.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone
from tqdm import tqdm

from luukku.booking import days as reserved_days
from luukku.booking import tasks  # noqa: F401  (loaded before the clients fork; see _warm_up)
from luukku.booking.models import Booking, Reservation, Visit
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
    print("reserved-day summaries:", reserved_days.rebuild(), "rows", file=sys.stderr)
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
                        f"V{vid:09d}",
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


_VISIT = (
    "id",
    "code",
    "name",
    "phone",
    "email",
    "language",
    "interpreter_language",
    "group_size",
    "needs_accessible",
    "token_hash",
    "created_at",
)
_BOOKING = (
    "id",
    "visit_id",
    "code",
    "position",
    "service_id",
    "site_id",
    "channel",
    "start",
    "end",
    "state",
    "official_id",
    "space_id",
    "video_url",
    "created_at",
    "updated_at",
)
_RESERVATION = ("resource_id", "booking_id", "start", "end")


def _columns(model, given: tuple[str, ...]) -> tuple[str, tuple]:
    """The generated columns, then every other column with its default.

    The rows go past the models (COPY, executemany), so a field added later would
    otherwise break the generator with a not-null violation.
    """
    rest = [f for f in model._meta.concrete_fields if f.column not in given and not f.primary_key]
    extra = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
    names = [connection.ops.quote_name(c) for c in (*given, *(f.column for f in rest))]
    return f"({', '.join(names)})", extra


def _flush(visits, bookings, reservations) -> None:
    if not bookings:
        return
    tables = [
        (model, *_columns(model, given), rows)
        for model, given, rows in (
            (Visit, _VISIT, visits),
            (Booking, _BOOKING, bookings),
            (Reservation, _RESERVATION, reservations),
        )
    ]
    with transaction.atomic(), connection.cursor() as cur:
        for model, cols, extra, rows in tables:
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                with cur.cursor.copy(f"COPY {table} {cols} FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row((*row, *extra))
            else:
                marks = ",".join(["%s"] * (len(rows[0]) + len(extra)))
                cur.executemany(
                    f"INSERT INTO {table} {cols} VALUES ({marks})", [(*r, *extra) for r in rows]
                )


def constraint_present() -> bool:
    """A kept data set is reused only if the no-overlap constraint is in force (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_constraint WHERE conname = 'reservation_no_overlap'")
        return cur.fetchone() is not None


def reset_sequences() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Visit, Booking, Reservation]):
            cur.execute(sql)


def reset() -> None:
    """Empty the benchmark database (it is the benchmark's own)."""
    call_command("flush", interactive=False, verbosity=0)


# -- measures -----------------------------------------------------------------------


def regions_of_existing() -> dict:
    regions: dict[str, list[int]] = {}
    for pk, name in Site.objects.filter(slug__startswith="bench-").values_list("pk", "name_fi"):
        regions.setdefault(name.rsplit(" ", 2)[0], []).append(pk)
    first = Booking.objects.filter(code__startswith="B0").aggregate(m=Min("start"))["m"]
    start_day = (
        first.astimezone(ZoneInfo(HELSINKI)).date() if first else next_monday(timezone.localdate())
    )
    return {"regions": regions, "start_day": start_day}
