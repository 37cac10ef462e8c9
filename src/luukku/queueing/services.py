"""Writes of the queueing capability: tickets, check-in, calls and the desk's actions.

Call-next is safe against two officials pressing at the same moment on both
databases, and stays fast when twenty press together:

- **The database sorts the queue.** Each ticket keeps the parts of its call-order key
  that do not depend on the time (``order_start``, ``order_due``, ``order_aged``,
  computed by the core policy when the ticket is saved); the call-next query orders
  by the policy's tiers at ``now`` from those, so no waiting list is read into Python.
  A test checks that this order equals ``core.queueing.policy.order_queue``.
- **PostgreSQL**: that query locks the first ticket no other official holds
  (``FOR UPDATE SKIP LOCKED LIMIT 1``); one more statement locks the best free space
  the same way (in the core's rank order), marks the ticket called and writes the
  display's call. Twenty officials get twenty customers and twenty spaces without
  waiting for each other. Should a space have been given out in the instant between
  the statement's snapshot and its lock, the partial unique index refuses it and the
  call is repeated.
- **SQLite**: every ``transaction.atomic()`` begins with ``BEGIN IMMEDIATE``
  (settings), so call transactions are serialized; the ``luukku.db.sqlite3``
  backend queues the writers on a file lock so that they do not sleep in SQLite's
  busy handler.
- **Both**: the state change is a conditional ``UPDATE … WHERE state='waiting'``, and a
  partial unique index lets a space hold only one called or in-service ticket, so
  even without locks neither a customer nor a space is given twice.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from luukku.booking.models import TRANSITIONS, Booking, BookingState, Channel
from luukku.booking.selectors import LONGEST_RESERVATION
from luukku.booking.services import booking_transition
from luukku.core.queueing import policy as core_policy
from luukku.core.queueing.allocation import SpaceInfo, SpaceNeed, rank_spaces
from luukku.integration.notify import Message, get_notifier
from luukku.integration.video import get_video_provider
from luukku.queueing.models import (
    ADVICE_SERVICE_ID,
    BOOKING_INDEX,
    HOLDING_STATES,
    OVERDUE_INDEX,
    POLICY,
    WALK_IN_INDEX,
    Call,
    DeskSession,
    Kind,
    Queue,
    QueueCounter,
    Ticket,
    TicketState,
)
from luukku.registry.models import (
    Agency,
    RegistryVersion,
    Service,
    Site,
    Space,
    SpaceType,
    StaffProfile,
)
from luukku.registry.snapshot import RegistrySnapshot, registry_current, registry_snapshot

HELSINKI = ZoneInfo("Europe/Helsinki")

#: Letters of each agency's number series; others get their code's first free letter.
LETTERS = {
    "KELA": "K",
    "POLIISI": "P",
    "MIGRI": "M",
    "VERO": "V",
    "DVV": "D",
    "TE": "T",
    "AVI": "A",
    "ELY": "E",
    "MML": "L",
    "OA/EV": "O",
    "RISE": "R",
    "SATA": "S",
    "UO": "U",
}
ADVICE_LETTER = "N"
ADVICE_SPACE_TYPES = frozenset({SpaceType.ADVICE_POINT, SpaceType.INFO_DESK})
PARK_MINUTES_MAX = 120
CODE_RE = re.compile(r"[A-Z0-9]{8}")


def _literals(*values: str) -> str:
    """Code constants (states, kinds) written into SQL as literals, not parameters.

    SQLite uses a partial index (``state = 'waiting'``, the held states) only when the
    query's own text implies the index's condition; a bound parameter does not.
    """
    assert all(re.fullmatch(r"[a-z_]+", v) for v in values), values
    return ", ".join(f"'{v}'" for v in values)


class QueueError(Exception):
    """A refused queue action: the field at fault, a message for people, an HTTP status."""

    def __init__(self, field: str, message: str, status: int = 409):
        super().__init__(message)
        self.field, self.message, self.status = field, message, status


@dataclass(frozen=True)
class CallResult:
    """What a call gave the official: a ticket, or why not (``empty`` or ``no_space``)."""

    ticket: Ticket | None
    reason: str
    first_in_line: Ticket | None = None


@dataclass(frozen=True)
class Scope:
    """What an official is serving now: service ids (0 = info desk), site ids, remote."""

    services: frozenset[int]
    sites: frozenset[int]
    remote: bool


def local_day(at: datetime) -> date:
    return timezone.localtime(at, HELSINKI).date()


def local_hhmm(at: datetime) -> str:
    """The clock time of ``at`` in Helsinki, as the kiosk, desk and display show it."""
    return timezone.localtime(at, HELSINKI).strftime("%H:%M")


def _letter_for(site: Site, agency: Agency | None) -> str:
    if agency is None:
        return ADVICE_LETTER
    letter = LETTERS.get(agency.code)
    if letter:
        return letter
    used = set(Queue.objects.filter(site=site).values_list("letter", flat=True)) | set(
        LETTERS.values()
    )
    for ch in agency.code.upper() + "BCFGHJQWXYZ":
        if ch.isalpha() and ch not in used:
            return ch
    return agency.code[:2].upper()


def queue_for(*, site: Site, agency: Agency | None) -> Queue:
    """Return the site's queue for ``agency`` (None: the info desk), creating it once."""
    queue = Queue.objects.filter(site=site, agency=agency).first()
    if queue is None:
        queue, _created = Queue.objects.get_or_create(
            site=site, agency=agency, defaults={"letter": _letter_for(site, agency)}
        )
    return queue


def _next_number(queue: Queue, day: date) -> str:
    """Take the next number of ``queue`` on ``day``; the counter row is locked until commit."""
    QueueCounter.objects.get_or_create(queue=queue, day=day)
    counter = QueueCounter.objects.select_for_update().get(queue=queue, day=day)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{queue.letter}-{counter.last:03d}"


def _agency_at(site: Site, agency: Agency) -> str | None:
    """Return "on_site", "remote" or None for how ``agency`` serves at ``site``."""
    if site.agencies_on_site.filter(pk=agency.pk).exists():
        return "on_site"
    if site.agencies_remote.filter(pk=agency.pk).exists():
        return "remote"
    return None


def _channel_flags(site: Site, service: Service | None) -> tuple[bool, bool]:
    """Return (remote_ok, remote_only) for a walk-in of ``service`` at ``site``."""
    if service is None:
        return False, False
    how = _agency_at(site, service.agency)
    if how is None:
        raise QueueError("service", _("This service is not available at this service point."), 400)
    can_video = service.remote and not service.in_person_only
    if how == "remote":
        if not can_video:
            raise QueueError(
                "service", _("This service needs a visit in person; it is not available here."), 400
            )
        return True, True
    return can_video, False


def ticket_create(
    *,
    site: Site,
    service: Service | None,
    now: datetime | None = None,
    language: str = "fi",
    kind: str = Kind.WALK_IN,
    booking: Booking | None = None,
    due_at: datetime | None = None,
) -> Ticket:
    """Give a number in the service's agency queue (None: ask the info desk)."""
    now = now or timezone.now()
    if service is not None and not service.walk_in and booking is None:
        raise QueueError(
            "service", _("This service is by appointment only: please book a time."), 400
        )
    remote_ok, remote_only = _channel_flags(site, service)
    if booking is not None and booking.channel == Channel.REMOTE:
        remote_ok, remote_only = True, True
    with transaction.atomic():
        queue = queue_for(site=site, agency=service.agency if service else None)
        day = local_day(now)
        ticket = Ticket.objects.create(
            site=site,
            queue=queue,
            service=service,
            number=_next_number(queue, day),
            day=day,
            kind=kind,
            booking=booking,
            queued_at=now,
            due_at=due_at,
            remote_ok=remote_ok,
            remote_only=remote_only,
            video_url=booking.video_url if booking else "",
            language=language[:8],
        )
        from luukku.queueing.selectors import ticket_estimate

        estimate = ticket_estimate(ticket, now=now)
        if estimate.known:
            ticket.estimate_minutes = estimate.minutes
            ticket.save(update_fields=["estimate_minutes"])
    return ticket


def parse_booking_code(text: str) -> str:
    """Return the booking code in what was typed or scanned: a code, or a URL holding one."""
    cleaned = (text or "").strip().upper()
    if not cleaned:
        raise QueueError("code", _("Type the booking code from your confirmation."), 400)
    compact = re.sub(r"[\s-]", "", cleaned)
    if CODE_RE.fullmatch(compact):
        return compact
    found = CODE_RE.findall(cleaned.replace("-", ""))
    if not found:
        raise QueueError("code", _("That is not a booking code: it has 8 letters and digits."), 400)
    return found[-1]


@dataclass(frozen=True)
class CheckIn:
    ticket: Ticket
    late: bool
    already: bool = False


def booking_check_in(
    *, site: Site, code: str, now: datetime | None = None, language: str = "fi"
) -> CheckIn:
    """Check a booking in at the kiosk; a customer too late joins the walk-in queue."""
    now = now or timezone.now()
    raw = parse_booking_code(code)
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("service__agency", "site", "visit")
            .filter(code=raw)
            .first()
        )
        if booking is None:
            raise QueueError(
                "code", _("No booking has this code. Check the code or ask the info desk."), 404
            )
        if booking.site_id != site.pk:
            raise QueueError(
                "code",
                _("This booking is for another service point: %(site)s.")
                % {"site": booking.site.name},
                400,
            )
        existing = booking.tickets.exclude(
            state__in=[TicketState.DONE, TicketState.NO_SHOW]
        ).first()
        if existing is not None:
            return CheckIn(existing, late=existing.kind == Kind.WALK_IN, already=True)
        if booking.state != BookingState.BOOKED:
            raise QueueError(
                "code",
                _("This booking cannot be checked in: it is %(state)s.")
                % {"state": booking.get_state_display()},
                409,
            )
        _check_in_day(booking.start, now)
        late = booking.start + timedelta(minutes=settings.LUUKKU_CHECKIN_LATE_MINUTES)
        too_late = now > late
        booking_transition(booking=booking, to=BookingState.CHECKED_IN, now=now)
        ticket = ticket_create(
            site=site,
            service=booking.service,
            now=now,
            language=language,
            kind=Kind.WALK_IN if too_late else Kind.BOOKING,
            booking=booking,
            due_at=None if too_late else booking.start,
        )
    return CheckIn(ticket, late=too_late)


def _check_in_day(start: datetime, now: datetime) -> None:
    """Refuse a check-in before the booking's window opens or on a later day than its own.

    The refusal names the booking's date whenever it is not today: "at 08:00" alone,
    read at the kiosk two days early, sends the customer to wait for a time that is not
    theirs. A customer late on the booking's own day joins the walk-in queue (the
    caller); one who comes on a later day is told to take a number or book again.
    """
    local = timezone.localtime(start, HELSINKI)
    today = local_day(now)
    when = {"date": local.strftime("%d.%m.%Y"), "time": local_hhmm(start)}
    if local.date() < today:
        raise QueueError(
            "code",
            _("Your booking was on %(date)s at %(time)s. Take a number, or book a new time.")
            % when,
            409,
        )
    early = start - timedelta(minutes=settings.LUUKKU_CHECKIN_EARLY_MINUTES)
    if now >= early:
        return
    when["from"] = local_hhmm(early)
    if local.date() > today:
        message = _(
            "Your booking is on %(date)s at %(time)s. Please come back that day:"
            " you can check in from %(from)s."
        )
    else:
        message = _("Your booking is at %(time)s. You can check in from %(from)s.")
    raise QueueError("code", message % when, 409)


# -- desk sessions -------------------------------------------------------------


def desk_session_start(
    *,
    official: StaffProfile,
    services: Collection[Service],
    remote: bool,
    site: Site | None = None,
    advice: bool = False,
) -> DeskSession:
    """Start serving: end any open session, then record what the official serves now."""
    allowed = set(official.services.values_list("pk", flat=True))
    chosen = [s for s in services if s.pk in allowed]
    if len(chosen) != len(list(services)):
        raise QueueError("services", _("You can only serve services you are trained for."), 400)
    if not chosen and not advice:
        raise QueueError("services", _("Choose at least one service."), 400)
    if remote and not official.serves_remotely:
        raise QueueError("remote", _("You do not serve remotely."), 400)
    if not remote:
        site = site or official.home_site
        if site is None or not official.sites.filter(pk=site.pk).exists():
            raise QueueError("site", _("Choose a service point where you work."), 400)
    with transaction.atomic():
        DeskSession.objects.filter(official=official, ended_at__isnull=True).update(
            ended_at=timezone.now()
        )
        session = DeskSession.objects.create(
            official=official, site=None if remote else site, remote=remote, advice=advice
        )
        session.services.set(chosen)
    return session


def desk_session_end(*, official: StaffProfile) -> None:
    DeskSession.objects.filter(official=official, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )


def session_scope(session: DeskSession) -> Scope:
    services = set(session.services.values_list("pk", flat=True))
    if session.advice:
        services.add(ADVICE_SERVICE_ID)
    if session.remote:
        sites = frozenset(session.official.sites.values_list("pk", flat=True))
    else:
        sites = frozenset({session.site_id})
    return Scope(frozenset(services), sites, session.remote)


# -- calling -------------------------------------------------------------------

_ROW = (
    "id",
    "kind",
    "service_id",
    "queued_at",
    "priority_since",
    "due_at",
    "site_id",
    "remote_ok",
    "needs_safe_room",
    "parked_until",
)


def to_waiting(row: tuple) -> core_policy.Waiting:
    """Map a ticket row (``_ROW`` order) to the core's ``Waiting``."""
    pk, kind, service_id, queued_at, priority_since, due_at, site_id, remote_ok, safe, parked = row
    return core_policy.Waiting(
        id=pk,
        kind=core_policy.Kind(kind),
        service_id=service_id if service_id is not None else ADVICE_SERVICE_ID,
        queued_at=queued_at,
        priority_since=priority_since,
        due_at=due_at,
        site_id=site_id,
        remote_ok=remote_ok,
        needs_safe_room=safe,
        parked_until=parked,
    )


def waiting_rows(scope: Scope):
    """The waiting tickets an official with ``scope`` may call (a queryset)."""

    service_ids = [s for s in scope.services if s != ADVICE_SERVICE_ID]
    match = Q(service_id__in=service_ids)
    if ADVICE_SERVICE_ID in scope.services:
        match |= Q(service__isnull=True)
    qs = Ticket.objects.filter(match, state=TicketState.WAITING, site_id__in=scope.sites)
    if scope.remote:
        qs = qs.filter(remote_ok=True)
    else:
        qs = qs.filter(remote_only=False)
    return qs


def _refuse_while_holding(official: StaffProfile) -> None:
    """Nobody is called while the official still has a called or in-service customer."""
    if _holds_customer(official):
        raise QueueError("official", _("Finish or park your current customer first."))


def _holds_customer(official: StaffProfile) -> bool:
    """Whether the official has a called or in-service customer (one query)."""
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT 1 FROM {Ticket._meta.db_table} WHERE called_by_id = %s"
            f" AND state IN ({_literals(*HOLDING_STATES)}) LIMIT 1",
            [official.pk],
        )
        return cur.fetchone() is not None


def _space_infos(snap: RegistrySnapshot, site_id: int) -> list[SpaceInfo]:
    """The core's view of a site's spaces, from the registry snapshot (no query)."""
    language = get_language()
    return [
        SpaceInfo(
            id=s.id,
            space_type=s.space_type,
            capacity=s.capacity,
            equipment=s.equipment,
            zone=s.zone,
            earmarked_agency=snap.agency_codes.get(s.earmarked_agency_id),
            is_safe_room=s.space_type == SpaceType.SAFE_ROOM,
            accessible=s.accessible,
            label=s.label(language),
        )
        for s in snap.sites[site_id].spaces
    ]


class _RankCache:
    """The core's space rankings for one registry snapshot: per (site, need, language),
    and per scope (``_ScopeSpaces``).

    The ranking depends only on the registry and the need, not on who holds a space
    now (the database filters those), so twenty calls for the same kind of customer
    rank once. A new snapshot (any registry change) starts empty caches.
    """

    def __init__(self) -> None:
        self.snap: RegistrySnapshot | None = None
        self.ranked: dict[tuple, list[SpaceInfo]] = {}
        self.scopes: dict[tuple, _ScopeSpaces] = {}

    def of(self, snap: RegistrySnapshot) -> _RankCache:
        if self.snap is not snap:
            self.snap, self.ranked, self.scopes = snap, {}, {}
        return self


_rank_cache = _RankCache()


def _ranked(snap: RegistrySnapshot, site_id: int, need: SpaceNeed) -> list[SpaceInfo]:
    cache = _rank_cache.of(snap)
    key = (site_id, need, get_language())
    ranked = cache.ranked.get(key)
    if ranked is None:
        ranked = cache.ranked[key] = rank_spaces(_space_infos(snap, site_id), need)
    return ranked


_HELD_BOOKING_STATES = (
    BookingState.BOOKED,
    BookingState.CHECKED_IN,
    BookingState.CALLED,
    BookingState.IN_SERVICE,
)


#: A space ``s`` that nobody holds now: no called or in-service ticket, no booking
#: running at ``now`` other than this customer's own (named parameters: now,
#: booking, and since = now − ``LONGEST_RESERVATION``, which bounds the bookings looked
#: at to the last day's instead of the site's whole history). Every give-space
#: statement uses it.
_FREE_NOW = f"""
    NOT EXISTS (
        SELECT 1 FROM {Ticket._meta.db_table} h
        WHERE h.space_id = s.id AND h.state IN ({_literals(*HOLDING_STATES)}))
    AND NOT EXISTS (
        SELECT 1 FROM {Booking._meta.db_table} b
        WHERE b.space_id = s.id AND b.site_id = s.site_id
          AND b.state IN ({_literals(*_HELD_BOOKING_STATES)})
          AND b.start <= %(now)s AND b.start > %(since)s AND b."end" > %(now)s
          AND b.id <> %(booking)s)
"""


@dataclass(frozen=True)
class _Giving:
    """What a call writes: the ticket's new state and the display's call row."""

    ticket: Ticket
    official: StaffProfile
    remote: bool
    video: str
    agency_code: str
    now: datetime


#: What a call writes to the ticket's row, in every give-space statement (each adds the
#: space, and how the customer is served).
_MARK_CALLED = f"""state = {_literals(TicketState.CALLED)}, called_at = %(now)s,
        called_by_id = %(official)s, parked_until = NULL"""

#: Only a waiting ticket is called.
_STILL_WAITING = f"t.state = {_literals(TicketState.WAITING)}"

#: The display's call row.
_CALL_COLUMNS = f"""{Call._meta.db_table}
    (site_id, ticket_id, space_id, number, label, agency_code, recall, created_at)"""


#: One statement, constant text (so the driver parses it once): lock the best free space
#: in rank order, mark the ticket called and write the display's call.
_GIVE_SPACE_POSTGRESQL = f"""
WITH sp AS (
    SELECT s.id FROM {Space._meta.db_table} s
    WHERE s.id = ANY(%(ranked)s::bigint[]) AND {_FREE_NOW}
    ORDER BY array_position(%(ranked)s::bigint[], s.id)
    LIMIT 1 FOR UPDATE OF s SKIP LOCKED
), called AS (
    UPDATE {Ticket._meta.db_table} t
    SET {_MARK_CALLED}, space_id = sp.id, remote = %(remote)s, video_url = %(video)s
    FROM sp WHERE t.id = %(ticket)s AND {_STILL_WAITING}
    RETURNING t.id AS ticket_id, sp.id AS space_id
)
INSERT INTO {_CALL_COLUMNS}
SELECT %(site)s, c.ticket_id, c.space_id, %(number)s,
       (%(labels)s::text[])[array_position(%(ranked)s::bigint[], c.space_id)],
       %(agency)s, false, %(created)s
FROM called c
RETURNING space_id
"""


def _fetch_one(sql: str, params: dict) -> tuple | None:
    """Run one of call-next's statements and return its first row.

    On PostgreSQL the statement is prepared once per connection and its plan kept:
    planning the walk along four indexes costs more than running it. Django's own
    cursors bind parameters on the client and never prepare, so this one cursor
    binds them on the server (``prepare_threshold`` in settings allows it).
    The statements hold no literal ``%``.
    """
    if connection.vendor == "sqlite":
        # SQLite names parameters ``:name`` itself; Django's cursor would convert the
        # text with a regular expression on every execution.
        connection.ensure_connection()
        with connection.wrap_database_errors:
            return connection.connection.execute(_colon_named(sql), params).fetchone()
    raw, names = _numbered(sql)
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.RawCursor(connection.connection) as cur:
        cur.execute(raw, [params[n] for n in names], prepare=True)
        return cur.fetchone()


@functools.lru_cache(maxsize=256)
def _colon_named(sql: str) -> str:
    return re.sub(r"%\((\w+)\)s", r":\1", sql)


@functools.lru_cache(maxsize=256)
def _numbered(sql: str) -> tuple[str, tuple[str, ...]]:
    """``sql`` with its ``%(name)s`` parameters as PostgreSQL's ``$1, $2 ...``, and the names.

    psycopg converts a query's placeholders on every execution once the text is longer
    than its cache holds (the walk is); converted once here, the statement goes to the
    server as it is (``RawCursor``).
    """
    names: list[str] = []

    def number(match: re.Match) -> str:
        name = match.group(1)
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    return re.sub(r"%\((\w+)\)s", number, sql), tuple(names)


def _free_at(now: datetime) -> dict:
    """The parameters of ``_FREE_NOW`` that say when: now, and the earliest start of a
    booking that may still be running."""
    return {"now": _dt(now), "since": _dt(now - LONGEST_RESERVATION)}


def _give_space_postgresql(ranked: list[SpaceInfo], g: _Giving) -> SpaceInfo | None:
    """Lock the best free space, mark the ticket called and write the call: one statement.

    A space is held by a called or in-service ticket, or by a booking running now
    (other than this customer's own). Nothing else can give this ticket out (the
    caller holds its row lock), and the space row is locked with ``FOR UPDATE SKIP
    LOCKED`` in the core's rank order, so officials calling at the same moment get
    different spaces without waiting for each other. In the rare case that an official
    who held the space committed between this statement's snapshot and its lock, the
    partial unique index refuses the update and the caller repeats the call.
    """
    params = {
        "ranked": [s.id for s in ranked],
        "labels": [s.label for s in ranked],
        "site": g.ticket.site_id,
        **_free_at(g.now),
        "booking": g.ticket.booking_id or 0,
        "official": g.official.pk,
        "remote": g.remote,
        "video": g.video,
        "ticket": g.ticket.pk,
        "number": g.ticket.number,
        "agency": g.agency_code,
        "created": timezone.now(),
    }
    row = _fetch_one(_GIVE_SPACE_POSTGRESQL, params)
    return None if row is None else next(s for s in ranked if s.id == row[0])


def _give_space_sqlite(ranked: list[SpaceInfo], g: _Giving) -> SpaceInfo | None:
    """The same as the PostgreSQL statement in two: SQLite's write lock is held throughout."""
    row = _fetch_one(
        _GIVE_SPACE_SQLITE,
        {
            "ranked": json.dumps([s.id for s in ranked]),
            **_free_at(g.now),
            "booking": g.ticket.booking_id or 0,
            "official": g.official.pk,
            "remote": g.remote,
            "video": g.video,
            "ticket": g.ticket.pk,
        },
    )
    if row is None:
        return None
    space = next(s for s in ranked if s.id == row[0])
    _fetch_one(
        _CALL_INSERT_SQLITE,
        {
            "site": g.ticket.site_id,
            "ticket": g.ticket.pk,
            "space": space.id,
            "number": g.ticket.number,
            "label": space.label,
            "agency": g.agency_code,
            "created": _dt(timezone.now()),
        },
    )
    return space


def _give_space_sqlite_sql(returning: str) -> str:
    """Give the ticket the first free space of ``%(ranked)s`` (the ranked space ids as a
    JSON array: SQLite has no arrays) and mark it called, in one statement; ``returning``
    comes back (the space's id, or with ``_CALLED_RETURNING`` the whole called ticket
    too). A ``%(video)s`` of None keeps the ticket's own video link.

    One text for every ranking: SQLite compiles a statement the first time a connection
    runs its text (0.6 ms for this one), and it would do so inside the write lock for
    every new ranking.
    """
    return f"""
        UPDATE {Ticket._meta.db_table} AS t
        SET {_MARK_CALLED}, space_id = f.id, remote = %(remote)s,
            video_url = COALESCE(%(video)s, t.video_url)
        FROM (SELECT s.id FROM json_each(%(ranked)s) AS r
              JOIN {Space._meta.db_table} s ON s.id = r.value
              WHERE {_FREE_NOW}
              ORDER BY r.key LIMIT 1) AS f
        WHERE t.id = %(ticket)s AND {_STILL_WAITING}
        RETURNING {returning}
    """


_CALL_INSERT_SQLITE = f"""
    INSERT INTO {_CALL_COLUMNS}
    VALUES (%(site)s, %(ticket)s, %(space)s, %(number)s, %(label)s, %(agency)s, 0, %(created)s)
    RETURNING id
"""


def _need(snap: RegistrySnapshot, ticket: Ticket, remote: bool) -> SpaceNeed:
    group, accessible = 1, False
    if ticket.booking_id:
        visit = ticket.booking.visit
        group, accessible = visit.group_size, visit.needs_accessible
    return _need_of(snap, ticket.service_id, ticket.needs_safe_room, remote, group, accessible)


def _need_of(
    snap: RegistrySnapshot,
    service_id: int | None,
    safe_room: bool,
    remote: bool,
    group: int = 1,
    accessible: bool = False,
) -> SpaceNeed:
    """What space a customer of ``service_id`` needs (None: the info desk)."""
    if service_id is None or service_id == ADVICE_SERVICE_ID:
        return SpaceNeed(
            space_types=ADVICE_SPACE_TYPES,
            group_size=group,
            needs_safe_room=safe_room,
            needs_accessible=accessible,
        )
    service = snap.services[service_id]
    return SpaceNeed(
        space_types=service.space_types,
        equipment=service.equipment,
        group_size=max(group, service.group_size),
        agency=snap.agency_codes.get(service.agency_id),
        needs_safe_room=safe_room,
        needs_accessible=accessible,
        remote=remote,
    )


def _lock_waiting(pk: int) -> Ticket | None:
    qs = Ticket.objects.filter(pk=pk, state=TicketState.WAITING)
    if connection.vendor == "postgresql":
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return qs.first()


def _dt(value: datetime):
    """A datetime as the database stores it (SQLite: naive UTC text), for raw SQL."""
    return connection.ops.adapt_datetimefield_value(value)


#: The ticket's columns in the model's field order (what ``Ticket.from_db`` expects).
_TICKET_FIELDS = [f.attname for f in Ticket._meta.concrete_fields]
_TICKET_COLUMNS = ", ".join(f't."{f.column}"' for f in Ticket._meta.concrete_fields)

#: The space and then the ticket's columns, as SQLite's ``UPDATE … RETURNING`` names them
#: (unqualified: SQLite's RETURNING knows no table alias).
_CALLED_RETURNING = "space_id, " + ", ".join(f'"{f.column}"' for f in Ticket._meta.concrete_fields)

#: SQLite's give-space statements: the general path's (the space comes back), and the
#: quick path's (the whole called ticket too).
_GIVE_SPACE_SQLITE = _give_space_sqlite_sql("space_id")
_CALL_SPACE_SQLITE = _give_space_sqlite_sql(_CALLED_RETURNING)


#: Which of those columns are datetimes (SQLite returns them naive, PostgreSQL aware).
_TICKET_DATETIMES = [f.get_internal_type() == "DateTimeField" for f in Ticket._meta.concrete_fields]


def _scope_where(scope: Scope, now: datetime) -> tuple[list[str], dict]:
    """WHERE terms (named parameters) for the waiting tickets ``scope`` may call at ``now``."""
    return list(_scope_terms(*_shape(scope))), _scope_params(scope, now)


def _shape(scope: Scope) -> tuple[int, int, bool, bool]:
    """What the text of a scope's SQL depends on: how many sites and services, advice, remote."""
    advice = ADVICE_SERVICE_ID in scope.services
    return len(scope.sites), len(scope.services) - advice, advice, scope.remote


def _scope_params(scope: Scope, now: datetime) -> dict:
    params: dict = {f"site{i}": x for i, x in enumerate(sorted(scope.sites))}
    services = sorted(x for x in scope.services if x != ADVICE_SERVICE_ID)
    params |= {f"service{i}": x for i, x in enumerate(services)}
    params |= _free_at(now)
    return params


@functools.lru_cache(maxsize=64)
def _scope_terms(sites: int, services: int, advice: bool, remote: bool) -> tuple[str, ...]:
    service_match = [f"t.service_id IN ({_names('service', services)})"] if services else []
    if advice:
        service_match.append("t.service_id IS NULL")
    # One site (nearly every official) is an equality, which lets an index that leads
    # with the site give its rows in order.
    site_match = {0: "1 = 0", 1: "t.site_id = %(site0)s"}.get(
        sites, f"t.site_id IN ({_names('site', sites)})"
    )
    return (
        f"t.state = {_literals(TicketState.WAITING)}",
        site_match,
        f"({' OR '.join(service_match)})" if service_match else "1 = 0",
        "t.remote_ok" if remote else "NOT t.remote_only",
        "(t.parked_until IS NULL OR t.parked_until <= %(now)s)",
    )


def _names(prefix: str, count: int) -> str:
    return ", ".join(f"%({prefix}{i})s" for i in range(count))


_BOOKING = _literals(Kind.BOOKING)


def _queue_sql(scope: Scope, now: datetime) -> tuple[str, dict]:
    """SQL for all the tickets an official may call now, in call order (for lists).

    The database sorts by the same key as ``core.queueing.policy.order_key``: the tier
    at ``now`` (0 overdue, 1 due booking, 2 chains and walk-ins, 3 early booking),
    then the tier's first value, the waiting start and the id, from the ``order_*``
    fields each ticket keeps. ``test_call_order__database_agrees_with_core`` checks
    that both orders agree.
    """
    where, params = _scope_where(scope, now)
    params["overdue"], params["due"] = (_dt(x) for x in core_policy.tier_bounds(now, POLICY))
    if not POLICY.serve_early_bookings:
        where.append(f"NOT (t.kind = {_BOOKING} AND t.order_due > %(due)s)")
    sql = f"""
        SELECT {_TICKET_COLUMNS} FROM {Ticket._meta.db_table} t WHERE {" AND ".join(where)}
        ORDER BY
          CASE WHEN t.order_start < %(overdue)s THEN 0
               WHEN t.kind = {_BOOKING} AND t.order_due <= %(due)s THEN 1
               WHEN t.kind = {_BOOKING} THEN 3
               ELSE 2 END,
          CASE WHEN t.order_start < %(overdue)s THEN t.order_start
               WHEN t.kind = {_BOOKING} THEN t.order_due
               ELSE t.order_aged END,
          t.order_start, t.id
    """
    return sql, params


#: The call order's parts (``core.queueing.policy.order_key``), in the order they are
#: called, each as (index, WHERE term, ORDER BY): the overdue, due bookings, chains
#: and walk-ins, then (when the policy serves them) bookings that are early.
_TIERS = [
    (OVERDUE_INDEX, "t.order_start < %(overdue)s", "t.order_start, t.id"),
    (
        BOOKING_INDEX,
        f"t.kind = {_BOOKING} AND t.order_start >= %(overdue)s AND t.order_due <= %(due)s",
        "t.order_due, t.order_start, t.id",
    ),
    (
        WALK_IN_INDEX,
        f"NOT (t.kind = {_BOOKING}) AND t.order_start >= %(overdue)s",
        "t.order_aged, t.order_start, t.id",
    ),
] + (
    [
        (
            BOOKING_INDEX,
            f"t.kind = {_BOOKING} AND t.order_start >= %(overdue)s AND t.order_due > %(due)s",
            "t.order_due, t.order_start, t.id",
        )
    ]
    if POLICY.serve_early_bookings
    else []
)


#: Whether official ``%(official)s`` holds a called or in-service customer.
_HOLDS = (
    f"EXISTS (SELECT 1 FROM {Ticket._meta.db_table} h WHERE h.called_by_id = %(official)s"
    f" AND h.state IN ({_literals(*HOLDING_STATES)}))"
)


def _walk_sql(
    scope: Scope, now: datetime, official: StaffProfile, *, unless_holding: bool = True
) -> tuple[str, dict]:
    """SQL giving the id of the first ticket ``official`` may call now, locked on PostgreSQL.

    The call order is walked part by part (``_TIERS``), each part along its own index:
    the first entry that passes the filters, and that no other official has locked
    (``FOR UPDATE SKIP LOCKED``), is the ticket. ``UNION ALL`` under ``LIMIT 1`` runs
    the parts one after another and stops at the first that gives a row, so a call
    reads a few index entries instead of sorting the whole queue. ``test_call_order``
    checks the pick against the core's order.
    """
    params = _scope_params(scope, now)
    params["overdue"], params["due"] = (_dt(x) for x in core_policy.tier_bounds(now, POLICY))
    params["official"] = official.pk
    return _walk_text(_shape(scope), unless_holding, connection.vendor), params


@functools.lru_cache(maxsize=64)
def _walk_text(shape: tuple, unless_holding: bool, vendor: str) -> str:
    where = list(_scope_terms(*shape))
    if unless_holding:
        # Nobody is called while this official still holds a customer (saves a query).
        where.append(f"NOT {_HOLDS}")
    table = Ticket._meta.db_table
    sqlite = vendor == "sqlite"
    walks = []
    for index, term, order in _TIERS:
        hint = f" INDEXED BY {index}" if sqlite else ""
        lock = "" if sqlite else " FOR UPDATE OF t SKIP LOCKED"
        one = (
            f"SELECT t.id FROM {table} t{hint} WHERE {' AND '.join(where)} AND {term}"
            f" ORDER BY {order} LIMIT 1{lock}"
        )
        # A compound's parts may not lock (PostgreSQL) nor sort (SQLite): subqueries may.
        walks.append(f"SELECT w.id FROM ({one}) w")
    return f"{' UNION ALL '.join(walks)} LIMIT 1"


#: The registry's version token (as ``RegistryVersion.current`` reads it), for SQL.
_REGISTRY_TOKEN = (
    f"COALESCE((SELECT token FROM {RegistryVersion._meta.db_table} WHERE id = 1), 'none')"
)


def _next_sql(scope: Scope, now: datetime, official: StaffProfile) -> tuple[str, dict]:
    """The first ticket ``official`` may call now (locked on PostgreSQL), whole.

    The ticket's row is read by its key with the registry version, which saves the
    snapshot's own query.
    """
    walk, params = _walk_sql(scope, now, official)
    return _whole(walk), params


@functools.lru_cache(maxsize=64)
def _whole(walk: str) -> str:
    return f"""
        SELECT {_TICKET_COLUMNS}, {_REGISTRY_TOKEN} AS registry_token
        FROM {Ticket._meta.db_table} t WHERE t.id = ({walk})
    """


def callable_queue(scope: Scope, now: datetime) -> list[Ticket]:
    """The tickets this official may call now, in call order (no locks)."""
    return list(Ticket.objects.raw(*_queue_sql(scope, now)))


def _next_locked(scope: Scope, now: datetime, official: StaffProfile) -> Ticket | None:
    """The first callable ticket that no other official is calling right now, locked.

    PostgreSQL walks the queue and locks the first row it can: twenty officials
    pressing together get twenty different customers, one statement each, and nobody
    waits for anybody. (SQLite: the transaction already holds the write lock.)
    """
    row = _fetch_one(*_next_sql(scope, now, official))
    if row is None:
        return None
    *values, token = row
    ticket = _ticket_of(values)
    ticket.registry_token = token
    return ticket


def _ticket_of(values: list) -> Ticket:
    """A ticket from its columns as ``_TICKET_COLUMNS`` reads them."""
    if connection.vendor == "sqlite":  # Django's own conversion, as a queryset would do
        convert = connection.ops.convert_datetimefield_value
        values = [
            convert(v, None, connection) if is_dt else v
            for is_dt, v in zip(_TICKET_DATETIMES, values, strict=True)
        ]
    return Ticket.from_db(connection.alias, _TICKET_FIELDS, values)


@dataclass(frozen=True)
class _ScopeSpaces:
    """The spaces each walk-in of a scope may get, best first, as SQL parameters.

    One entry per (site, service, safe room): ``keys`` names it, ``ranked`` lists the
    fitting space ids best first (comma-separated), ``agencies`` gives the agency code
    the display shows. ``space_ids``/``labels`` give each space's customer label.
    ``literals`` holds them as PostgreSQL array literals, built once per snapshot: the
    server parses a literal far faster than the driver dumps a list element by element.
    """

    keys: list[str]
    ranked: list[str]
    agencies: list[str]
    space_ids: list[int]
    labels: list[str]

    @functools.cached_property
    def literals(self) -> dict[str, str]:
        return {
            "keys": _array_literal(self.keys),
            "ranked": _array_literal(self.ranked),
            "agencies": _array_literal(self.agencies),
            "space_ids": _array_literal(self.space_ids),
            "labels": _array_literal(self.labels),
        }

    @functools.cached_property
    def by_key(self) -> dict[str, tuple[int, str]]:
        """Each key's position and its ranked space ids as a JSON array (for SQLite)."""
        return {
            key: (i, f"[{ranked}]")
            for i, (key, ranked) in enumerate(zip(self.keys, self.ranked, strict=True))
        }


def _array_literal(values: list) -> str:
    """A PostgreSQL array literal of ``values`` (every element quoted and escaped)."""
    quoted = (str(v).replace("\\", "\\\\").replace('"', '\\"') for v in values)
    return "{" + ",".join(f'"{q}"' for q in quoted) + "}"


def _scope_spaces(snap: RegistrySnapshot, scope: Scope) -> _ScopeSpaces:
    """The core's ranking for every walk-in ``scope`` may call (cached per snapshot)."""
    cache = _rank_cache.of(snap)
    key = (scope.sites, scope.services, get_language())
    found = cache.scopes.get(key)
    if found is not None:
        return found
    keys, ranked, agencies, space_ids, labels = [], [], [], [], []
    for site_id in sorted(scope.sites):
        if site_id not in snap.sites:
            continue
        for s in _space_infos(snap, site_id):
            space_ids.append(s.id)
            labels.append(s.label)
        for service_id in sorted(scope.services):
            service = snap.services.get(service_id)
            if service_id != ADVICE_SERVICE_ID and service is None:
                continue
            for safe in (False, True):
                need = _need_of(snap, service_id, safe, remote=False)
                keys.append(f"{site_id}:{service_id}:{int(safe)}")
                ranked.append(",".join(str(x.id) for x in _ranked(snap, site_id, need)))
                agencies.append(snap.agency_codes.get(service.agency_id, "") if service else "")
    found = cache.scopes[key] = _ScopeSpaces(keys, ranked, agencies, space_ids, labels)
    return found


#: Call-next on PostgreSQL for a walk-in or a customer passed on, as ONE statement in
#: autocommit: walk the queue and lock the first ticket (``_walk_sql``), look up the
#: spaces that fit it (``_ScopeSpaces``, ranked by the core), lock the best free one,
#: mark the ticket called and write the display's call. One round trip, no
#: BEGIN/COMMIT of its own, a plan prepared once per connection: twenty officials
#: pressing at once cost the database and the web workers as little as possible.
#: It gives no space (``fast`` false) to a booked customer (their party and
#: accessibility count), while the official still holds a customer, or when the
#: registry changed since ``%(token)s``; the caller then takes the general path.
#: ``{walk}`` is replaced by the walk's SQL. Keep the plan small: every execution
#: initialises every node of it, which costs more than running most of them. Rows are
#: reached by key through scalar subqueries (``t.id = (SELECT id FROM pick)``), not
#: joins, and the ticket is updated by its row address (locked by this statement, so
#: it cannot move): the plan is made once per connection, and one made while the
#: table looked empty (statistics of a new system's table) found the ticket to update
#: by scanning every waiting ticket, five times slower for as long as it lived.
_CALL_NEXT_POSTGRESQL = f"""
WITH pick AS MATERIALIZED ({{walk}}),
tk AS (
    SELECT t.ctid, t.id, t.site_id, t.number,
           string_to_array((%(ranked)s::text[])[k.i], ',')::bigint[] AS ranked,
           (%(agencies)s::text[])[k.i] AS agency
    FROM {Ticket._meta.db_table} t,
         LATERAL (SELECT array_position(%(keys)s::text[], t.site_id || ':'
                  || COALESCE(t.service_id, {ADVICE_SERVICE_ID}) || ':' || t.needs_safe_room::int)
                  AS i) k
    WHERE t.id = (SELECT id FROM pick) AND k.i IS NOT NULL AND t.booking_id IS NULL
      AND NOT {_HOLDS} AND {_REGISTRY_TOKEN} = %(token)s
),
sp AS (
    SELECT s.id FROM {Space._meta.db_table} s
    WHERE s.id = ANY((SELECT ranked FROM tk)::bigint[]) AND {_FREE_NOW}
    ORDER BY array_position((SELECT ranked FROM tk), s.id)
    LIMIT 1 FOR UPDATE OF s SKIP LOCKED
),
called AS (
    UPDATE {Ticket._meta.db_table} t
    SET {_MARK_CALLED}, space_id = (SELECT id FROM sp), remote = false
    WHERE t.ctid = (SELECT ctid FROM tk) AND EXISTS (SELECT 1 FROM sp) AND {_STILL_WAITING}
    RETURNING t.id, t.space_id
),
shown AS (
    INSERT INTO {_CALL_COLUMNS}
    SELECT tk.site_id, c.id, c.space_id, tk.number,
           (%(labels)s::text[])[array_position(%(space_ids)s::bigint[], c.space_id)],
           tk.agency, false, %(created)s
    FROM called c, tk
    RETURNING space_id
)
SELECT {_TICKET_COLUMNS}, {_REGISTRY_TOKEN}, EXISTS (SELECT 1 FROM tk),
       (SELECT space_id FROM shown)
FROM {Ticket._meta.db_table} t WHERE t.id = (SELECT id FROM pick)
"""


@functools.lru_cache(maxsize=64)
def _call_next_text(walk: str) -> str:
    return _CALL_NEXT_POSTGRESQL.replace("{walk}", walk)


def _call_next_postgresql(scope: Scope, now: datetime, official: StaffProfile) -> CallResult | None:
    """Call-next in one statement (``_CALL_NEXT_POSTGRESQL``); None: take the general path."""
    snap = registry_current() or registry_snapshot()
    spaces = _scope_spaces(snap, scope)
    # The holder check is made once, on the ticket the walk found (a customer held
    # shows as not ``fast``; the general path then tells the official).
    walk, params = _walk_sql(scope, now, official, unless_holding=False)
    params |= spaces.literals
    params |= {
        "token": snap.version,
        "booking": 0,  # a walk-in's space is not held by a booking of their own
        "created": timezone.now(),
    }
    row = _fetch_one(_call_next_text(walk), params)
    if row is None:
        _refuse_while_holding(official)
        return CallResult(None, "empty")
    *values, token, fast, space_id = row
    if token != snap.version:
        registry_snapshot(token)  # the next attempt ranks with the new registry
        return None
    if not fast:
        return None
    ticket = _ticket_of(values)
    if space_id is None:
        return CallResult(None, "no_space", first_in_line=ticket)
    label = spaces.labels[spaces.space_ids.index(space_id)]
    return _quick_called(ticket, official, now, space_id, label)


#: SQLite's call-next, first statement: the ticket the walk finds, the key of the spaces
#: that fit it (as ``_ScopeSpaces.keys`` names them), whether the quick way may call it
#: (a walk-in or a customer passed on, and the official holds nobody), and the
#: registry's version token.
@functools.lru_cache(maxsize=64)
def _pick_text_sqlite(walk: str) -> str:
    return f"""
        SELECT t.id,
               t.site_id || ':' || COALESCE(t.service_id, {ADVICE_SERVICE_ID})
                 || ':' || t.needs_safe_room,
               t.booking_id IS NULL AND NOT {_HOLDS}, {_REGISTRY_TOKEN}
        FROM {Ticket._meta.db_table} t WHERE t.id = ({walk})
    """


#: Where ``_CALLED_RETURNING``'s ticket columns hold the site and the number.
_SITE_AT, _NUMBER_AT = (_TICKET_FIELDS.index(name) for name in ("site_id", "number"))


def _call_next_sqlite(scope: Scope, now: datetime, official: StaffProfile) -> CallResult | None:
    """Call-next on SQLite doing as little as possible while holding the write lock.

    Writers take SQLite's lock one after another, so what a call does inside it is
    what the last of twenty officials pressing at once waits for, twenty times over.
    Everything that does not depend on the ticket found (the walk's text and
    parameters, the core's ranking of spaces for every ticket the scope may call) is
    ready before the transaction begins; inside it run three statements and a
    dictionary look-up: the walk, the space given and the ticket marked called (the
    ticket comes back whole), the display's call. None: take the general path (a
    booked customer, an official who still holds one, a changed registry, no space).
    """
    snap = registry_current() or registry_snapshot()
    spaces = _scope_spaces(snap, scope)
    walk, params = _walk_sql(scope, now, official, unless_holding=False)
    params["token"] = snap.version
    mark = {"now": params["now"], "since": params["since"], "booking": 0}
    mark |= {"official": official.pk, "remote": False}
    mark |= {"video": None, "created": _dt(timezone.now())}  # None: keep the ticket's link
    with transaction.atomic():
        row = _fetch_one(_pick_text_sqlite(walk), params)
        called = row and _give_and_show_sqlite(row, spaces, snap.version, mark)
    if row is None:
        _refuse_while_holding(official)
        return CallResult(None, "empty")
    if not called:  # a booked or held customer, a changed registry, no free space
        if row[3] != snap.version:
            registry_snapshot(row[3])  # the general path ranks with the new registry
        return None
    space_id, label, values = called
    return _quick_called(_ticket_of(values), official, now, space_id, label)


def _give_and_show_sqlite(
    row: tuple, spaces: _ScopeSpaces, version: str, mark: dict
) -> tuple[int, str, list] | None:
    """Inside SQLite's call transaction: give the ticket ``row`` picked its best free space,
    mark it called and write the display's call; its space, label and columns, or None."""
    ticket_id, key, fast, token = row
    if not fast or token != version or key not in spaces.by_key:
        return None
    i, ranked = spaces.by_key[key]
    mark = mark | {"ticket": ticket_id, "ranked": ranked}
    called = _fetch_one(_CALL_SPACE_SQLITE, mark)
    if called is None:
        return None
    space_id, *values = called
    label = spaces.labels[spaces.space_ids.index(space_id)]
    mark |= {"site": values[_SITE_AT], "space": space_id, "number": values[_NUMBER_AT]}
    _fetch_one(_CALL_INSERT_SQLITE, mark | {"label": label, "agency": spaces.agencies[i]})
    return space_id, label, values


def _quick_called(
    ticket: Ticket, official: StaffProfile, now: datetime, space_id: int, label: str
) -> CallResult:
    """A walk-in called on site by a quick path: the ticket as written, the SMS after commit."""
    _mark_called(ticket, official, now, space_id, remote=False, video=ticket.video_url)
    if ticket.phone:
        transaction.on_commit(lambda: _sms_called(ticket, label))
    return CallResult(ticket, "called")


def _mark_called(
    ticket: Ticket, official: StaffProfile, now: datetime, space_id: int, remote: bool, video: str
) -> None:
    """Set on ``ticket`` what the call statement wrote to its row."""
    ticket.state, ticket.called_at, ticket.called_by = TicketState.CALLED, now, official
    ticket.space_id, ticket.remote, ticket.video_url, ticket.parked_until = (
        space_id,
        remote,
        video,
        None,
    )


def _video_link(snap: RegistrySnapshot, ticket: Ticket, now: datetime) -> str:
    if ticket.video_url:
        return ticket.video_url
    service = snap.services.get(ticket.service_id) if ticket.service_id else None
    return get_video_provider().create_session(
        booking_code=ticket.number.replace("-", "") + ticket.token[:6],
        start=now,
        end=now + timedelta(minutes=service.duration if service else 20),
        agency_code=snap.agency_codes.get(service.agency_id, "") if service else "",
    )


def _call(ticket: Ticket, official: StaffProfile, remote: bool, now: datetime) -> bool:
    """Give ``ticket`` (locked by the caller) the best free space and mark it called.

    False when no suitable space is free: the customer stays first in line.
    """
    # Call-next read the registry version with the ticket; other callers read it now.
    snap = registry_snapshot(getattr(ticket, "registry_token", None))
    ranked = _ranked(snap, ticket.site_id, _need(snap, ticket, remote))
    if not ranked:
        return False
    service = snap.services.get(ticket.service_id) if ticket.service_id else None
    giving = _Giving(
        ticket=ticket,
        official=official,
        remote=remote,
        video=_video_link(snap, ticket, now) if remote else ticket.video_url,
        agency_code=snap.agency_codes.get(service.agency_id, "") if service else "",
        now=now,
    )
    if connection.vendor == "postgresql":
        space = _give_space_postgresql(ranked, giving)
    else:
        space = _give_space_sqlite(ranked, giving)
    if space is None:
        return False
    _mark_called(ticket, official, now, space.id, remote, giving.video)
    if ticket.booking_id and ticket.booking.state == BookingState.CHECKED_IN:
        booking_transition(booking=ticket.booking, to=BookingState.CALLED, now=now)
    if ticket.phone:
        transaction.on_commit(lambda label=space.label: _sms_called(ticket, label))
    return True


def _retrying(action):
    """Run ``action`` in a transaction, again if a concurrent call won a space first.

    On PostgreSQL the partial unique index may refuse a space that another official
    gave out a moment before (see ``_give_space_postgresql``); the whole call is then
    repeated, and the next pass sees that space as held.
    """
    for attempt in range(3):
        try:
            with transaction.atomic():
                return action()
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _sms_called(ticket: Ticket, label: str) -> None:
    get_notifier().send(
        Message(
            to_phone=ticket.phone,
            to_email="",
            subject=_("Your number is called"),
            body=_("Number %(number)s: please come to %(place)s.")
            % {"number": ticket.number, "place": label},
            language=ticket.language,
        )
    )


def ticket_call_next(
    *, official: StaffProfile, scope: Scope, now: datetime | None = None
) -> CallResult:
    """Call the next customer by the documented policy and give them a free space."""
    now = now or timezone.now()
    if not scope.remote:  # one statement (PostgreSQL) or a short write lock (SQLite)
        quick = _call_next_postgresql if connection.vendor == "postgresql" else _call_next_sqlite
        for _attempt in range(3):
            try:
                result = quick(scope, now, official)
            except IntegrityError:  # a space given out a moment before: walk again
                continue
            if result is not None:
                return result
            break

    def call() -> CallResult:
        ticket = _next_locked(scope, now, official)
        if ticket is None:
            _refuse_while_holding(official)
            return CallResult(None, "empty")
        if not _call(ticket, official, scope.remote, now):
            return CallResult(None, "no_space", first_in_line=ticket)
        return CallResult(ticket, "called")

    return _retrying(call)


def ticket_call(
    *, ticket_id: int, official: StaffProfile, scope: Scope, now: datetime | None = None
) -> CallResult:
    """Call one waiting customer out of turn (e.g. the official knows they are in a hurry)."""
    now = now or timezone.now()

    def call() -> CallResult:
        _refuse_while_holding(official)
        row = waiting_rows(scope).filter(pk=ticket_id).values_list(*_ROW).first()
        if row is None:
            if not Ticket.objects.filter(pk=ticket_id).exists():
                raise QueueError("ticket", _("No such ticket."), 404)
            raise QueueError("ticket", _("This customer is not waiting for your services."))
        ticket = _lock_waiting(ticket_id)
        if ticket is None:
            raise QueueError("ticket", _("Another official has just called this customer."))
        if not _call(ticket, official, scope.remote, now):
            return CallResult(None, "no_space", first_in_line=ticket)
        return CallResult(ticket, "called")

    return _retrying(call)


def _own(ticket: Ticket, official: StaffProfile, states: Collection[str]) -> Ticket:
    """Lock and return ``ticket`` if this official holds it in one of ``states``."""
    locked = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("service__agency", "booking")
        .get(pk=ticket.pk)
    )
    if locked.called_by_id != official.pk:
        raise QueueError(
            "ticket", _("This customer is not yours: another official called them."), 403
        )
    if locked.state not in states:
        raise QueueError(
            "ticket",
            _("Not possible: the ticket is %(state)s.") % {"state": locked.get_state_display()},
        )
    return locked


def _booking_to(ticket: Ticket, to: str, now: datetime) -> None:
    booking = ticket.booking
    if booking is None:
        return
    booking.refresh_from_db()
    if to == BookingState.DONE and booking.state == BookingState.CALLED:
        booking_transition(booking=booking, to=BookingState.IN_SERVICE, now=now)
    if to in TRANSITIONS[booking.state]:
        booking_transition(booking=booking, to=to, now=now)


def ticket_recall(*, ticket: Ticket, official: StaffProfile, now: datetime | None = None) -> Ticket:
    """Call the same number again (the display shows it once more)."""
    now = now or timezone.now()
    with transaction.atomic():
        t = _own(ticket, official, [TicketState.CALLED])
        t.recalls += 1
        t.save(update_fields=["recalls"])
        Call.objects.create(
            site_id=t.site_id,
            ticket=t,
            space_id=t.space_id,
            number=t.number,
            label=t.space.customer_label if t.space else "",
            agency_code=t.service.agency.code if t.service else "",
            recall=True,
        )
    return t


def ticket_no_show(
    *, ticket: Ticket, official: StaffProfile, now: datetime | None = None
) -> Ticket:
    """Give up on a called customer who did not come, after the set number of recalls."""
    now = now or timezone.now()
    needed = settings.LUUKKU_NO_SHOW_AFTER_RECALLS
    with transaction.atomic():
        t = _own(ticket, official, [TicketState.CALLED])
        if t.recalls < needed:
            raise QueueError(
                "ticket",
                _("Recall the number first: a no-show needs %(n)s recalls.") % {"n": needed},
            )
        t.state = TicketState.NO_SHOW
        t.service_ended_at = now
        t.phone = ""
        t.save(update_fields=["state", "service_ended_at", "phone"])
        _booking_to(t, BookingState.NO_SHOW, now)
    return t


def ticket_park(
    *, ticket: Ticket, official: StaffProfile, minutes: int = 10, now: datetime | None = None
) -> Ticket:
    """Put a customer aside for a while (e.g. to fetch a document); their place is kept."""
    now = now or timezone.now()
    if not 1 <= minutes <= PARK_MINUTES_MAX:
        raise QueueError(
            "minutes", _("Park for 1 to %(max)s minutes.") % {"max": PARK_MINUTES_MAX}, 400
        )
    with transaction.atomic():
        t = _own(ticket, official, HOLDING_STATES)
        t.priority_since = t.wait_start
        t.state = TicketState.WAITING
        t.parked_until = now + timedelta(minutes=minutes)
        t.space = None
        t.called_by = None
        t.recalls = 0
        t.save(
            update_fields=[
                "priority_since",
                "state",
                "parked_until",
                "space",
                "called_by",
                "recalls",
            ]
        )
        if t.booking and t.booking.state == BookingState.CALLED:
            booking_transition(booking=t.booking, to=BookingState.CHECKED_IN, now=now)
    return t


def ticket_transfer(
    *, ticket: Ticket, official: StaffProfile, service: Service, now: datetime | None = None
) -> Ticket:
    """Pass the customer to another service's queue without losing their place in line."""
    now = now or timezone.now()
    with transaction.atomic():
        t = _own(ticket, official, HOLDING_STATES)
        if service.pk == t.service_id:
            raise QueueError("service", _("The customer is already in this queue."), 400)
        if not service.walk_in:
            raise QueueError(
                "service",
                _("This service is by appointment only: book a follow-up visit instead."),
                400,
            )
        remote_ok, remote_only = _channel_flags(t.site, service)
        served = t.state == TicketState.IN_SERVICE or t.service_id is None
        if t.booking_id:
            _booking_to(t, BookingState.DONE, now)
            t.booking = None
            t.due_at = None
        t.priority_since = t.wait_start
        t.kind = Kind.CHAIN if served or t.kind == Kind.BOOKING else t.kind
        t.queue = queue_for(site=t.site, agency=service.agency)
        t.service = service
        t.state = TicketState.WAITING
        t.space = None
        t.called_by = None
        t.called_at = None
        t.recalls = 0
        t.remote = False
        t.video_url = ""
        t.remote_ok, t.remote_only = remote_ok, remote_only
        t.service_started_at = None
        t.save()
    return t


def ticket_start(*, ticket: Ticket, official: StaffProfile, now: datetime | None = None) -> Ticket:
    """The customer has arrived: service starts."""
    now = now or timezone.now()
    with transaction.atomic():
        t = _own(ticket, official, [TicketState.CALLED])
        t.state = TicketState.IN_SERVICE
        t.service_started_at = now
        t.save(update_fields=["state", "service_started_at"])
        _booking_to(t, BookingState.IN_SERVICE, now)
    return t


def ticket_finish(*, ticket: Ticket, official: StaffProfile, now: datetime | None = None) -> Ticket:
    """End the service: the space is free again and the SMS number is forgotten."""
    now = now or timezone.now()
    with transaction.atomic():
        # One conditional UPDATE: on SQLite every official's write waits for this one
        # to commit, so the check and the change are a single statement.
        def end() -> int:
            return Ticket.objects.filter(
                pk=ticket.pk, called_by=official, state__in=HOLDING_STATES
            ).update(
                state=TicketState.DONE,
                service_started_at=Coalesce("service_started_at", "called_at", Value(now)),
                service_ended_at=now,
                phone="",
            )

        if not end():
            _own(ticket, official, HOLDING_STATES)  # tells why not, or it is ours now
            end()
        if ticket.booking_id:
            booked = Ticket.objects.select_related("booking").get(pk=ticket.pk)
            _booking_to(booked, BookingState.DONE, now)
    return Ticket.objects.select_related("service__agency", "booking").get(pk=ticket.pk)


def ticket_flag_safe_room(*, ticket: Ticket, needs: bool) -> Ticket:
    """Staff mark a customer as needing a safe room (never shown to anyone else)."""
    Ticket.objects.filter(pk=ticket.pk).update(needs_safe_room=needs)
    ticket.needs_safe_room = needs
    return ticket


def ticket_sms(*, ticket: Ticket, phone: str) -> None:
    """Send the number to the customer's phone; keep the number only to tell them when called."""
    cleaned = re.sub(r"[\s()-]", "", phone or "")
    if not re.fullmatch(r"\+?[0-9]{6,15}", cleaned):
        raise QueueError("phone", _("Type a phone number, e.g. 040 123 4567."), 400)
    if ticket.state not in (TicketState.WAITING, TicketState.CALLED):
        raise QueueError("ticket", _("This number is no longer in the queue."))
    Ticket.objects.filter(pk=ticket.pk).update(phone=cleaned)
    ticket.phone = cleaned
    from luukku.queueing.selectors import ticket_estimate

    est = ticket_estimate(ticket)
    body = _("Your number is %(number)s.") % {"number": ticket.number}
    if est.known:
        body += " " + _("Expected wait about %(m)s min.") % {"m": est.minutes}
    body += " " + _("We will send another message when you are called.")
    get_notifier().send(
        Message(
            to_phone=cleaned,
            to_email="",
            subject=ticket.number,
            body=body,
            language=ticket.language,
        )
    )


def demo_seed() -> dict[str, int]:
    """Create each demo site's queues: one per agency serving there, and the info desk's."""
    made = 0
    for site in Site.objects.prefetch_related("agencies_on_site", "agencies_remote"):
        agencies = {a.pk: a for a in [*site.agencies_on_site.all(), *site.agencies_remote.all()]}
        for agency in [None, *agencies.values()]:
            if not Queue.objects.filter(site=site, agency=agency).exists():
                queue_for(site=site, agency=agency)
                made += 1
    return {"queues_created": made}
