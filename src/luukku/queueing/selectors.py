"""Reads of the queueing capability: queue state, waiting-time estimates, calls for displays.

Waiting-time estimate (ticket, kiosk and display), with ``core.queueing.estimate``:

- **Position**: the ticket's place in the call order (``order_queue``) of every
  waiting ticket for the services that the same officials serve.
- **Servers**: officials with an open desk session for the service (on site at
  this site, or remotely for a site they serve and a ticket that can go by video),
  not on a break. When nobody has signed in yet, the officials rostered for the service at the
  site are counted instead (basis ``rostered``), so the kiosk can still give a
  number before the first official starts; with none of either, no estimate.
- **Service time**: the trimmed mean of the last 20 finished services; fewer
  than 5 (a new site or a new service) falls back to the service's configured
  default duration (basis ``fallback``: "estimate based on typical service time").
- Customers in service count by their expected remaining time; bookings becoming
  due in the next three hours go ahead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Case, Count, Exists, F, Max, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from luukku.booking.models import Booking, BookingState, Reservation
from luukku.core.queueing import estimate as core_estimate
from luukku.core.queueing import policy as core_policy
from luukku.queueing.localtime import local_day, local_hhmm
from luukku.queueing.models import (
    ADVICE_SERVICE_ID,
    HOLDING_STATES,
    POLICY,
    Call,
    DeskSession,
    Kind,
    Queue,
    Ticket,
    TicketState,
)
from luukku.registry.models import Interpreter, Service, Site, StaffProfile

RECENT = core_estimate.WINDOW
LOOKAHEAD = timedelta(hours=3)
ADVICE_MINUTES = 10  # typical info-desk conversation when nothing is observed yet


@dataclass(frozen=True)
class Scope:
    """What an official is serving now: service ids (0 = info desk), site ids, remote."""

    services: frozenset[int]
    sites: frozenset[int]
    remote: bool
    #: The booth the official took for the session (call-next gives it while it is free).
    space: int | None = None
    #: On a break: nobody is called.
    on_break: bool = False


#: The ticket fields the core policy reads, in ``to_waiting``'s order.
WAITING_FIELDS = (
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
    """Map a ticket row (``WAITING_FIELDS`` order) to the core's ``Waiting``."""
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


def waiting_rows(scope: Scope) -> QuerySet[Ticket]:
    """The waiting tickets an official with ``scope`` may call, parked ones included."""
    service_ids = [s for s in scope.services if s != ADVICE_SERVICE_ID]
    match = Q(service_id__in=service_ids)
    if ADVICE_SERVICE_ID in scope.services:
        match |= Q(service__isnull=True)
    qs = Ticket.objects.filter(match, state=TicketState.WAITING, site_id__in=scope.sites)
    return qs.filter(remote_ok=True) if scope.remote else qs.filter(remote_only=False)


def _tier_conditions(tiers: tuple[core_policy.Tier, ...], bounds) -> list[Q]:
    """Each tier's condition, as SQL ``CASE`` tries them: in order, the first that holds.

    Tried in order, a tier after the overdue one needs not say "not overdue" again.
    """
    overdue_before, due_until = bounds
    conditions = []
    for i, tier in enumerate(tiers):
        q = Q()
        if tier.overdue:
            q &= Q(order_start__lt=overdue_before)
        elif not any(t.overdue and t.booking is t.due is None for t in tiers[:i]):
            q &= Q(order_start__gte=overdue_before)
        if tier.booking is not None:
            q &= Q(kind=Kind.BOOKING) if tier.booking else ~Q(kind=Kind.BOOKING)
        if tier.due is not None:
            q &= Q(order_due__lte=due_until) if tier.due else Q(order_due__gt=due_until)
        conditions.append(q)
    return conditions


def served_elsewhere(booking) -> QuerySet[Ticket]:
    """The tickets of the visit of ``booking`` (its id, or an ``OuterRef`` to one) being
    served now: a chain customer still at an earlier agency's desk is not called to
    the next one (they keep their place)."""
    return Ticket.objects.filter(booking__visit__bookings=booking, state__in=HOLDING_STATES)


def callable_tickets(scope: Scope, now: datetime) -> QuerySet[Ticket]:
    """The tickets ``scope`` may call at ``now``, in the core policy's call order.

    ``call_order`` without the customers still at another agency's desk
    (``served_elsewhere``).
    """
    # Keyed by the outer ticket's own booking_id: a join in the outer query would put
    # its nullable side under a FOR UPDATE, which PostgreSQL refuses.
    return call_order(scope, now).filter(~Exists(served_elsewhere(OuterRef("booking_id"))))


def call_order(scope: Scope, now: datetime) -> QuerySet[Ticket]:
    """The waiting tickets ``scope`` may call at ``now`` by queue and parking, in the core
    policy's call order.

    The order is the core's table of tiers (``core.queueing.policy.tiers``) turned into
    SQL: the tier, then the field that orders it, then the waiting start and the id,
    from the ``order_*`` fields each ticket keeps. ``test_call_order`` checks that the
    database and ``core.queueing.policy.order_queue`` agree.
    """
    tiers = core_policy.tiers(POLICY)
    conditions = _tier_conditions(tiers, core_policy.tier_bounds(now, POLICY))
    every = len(tiers) == len(core_policy.TIERS)

    def by_tier(value) -> Case:
        """``value(tier)`` for each ticket's tier; with every tier callable, the last
        takes whoever is left (the CASE's default), else those left are in none."""
        whens = [When(q, then=value(t)) for t, q in zip(tiers, conditions, strict=True)]
        return Case(*whens[:-1], default=value(tiers[-1])) if every else Case(*whens)

    rank = by_tier(lambda t: Value(t.rank))
    first = by_tier(lambda t: F(f"order_{t.first}"))
    qs = waiting_rows(scope).filter(Q(parked_until__isnull=True) | Q(parked_until__lte=now))
    qs = qs.alias(tier=rank, first=first)
    if not every:  # some tickets are in no tier: not callable now
        qs = qs.filter(tier__isnull=False)
    return qs.order_by("tier", "first", "order_start", "id")


@dataclass(frozen=True)
class Estimate:
    minutes: int
    low: int
    high: int
    basis: str  # observed, fallback, rostered, no_servers
    position: int

    @property
    def known(self) -> bool:
        return self.basis != "no_servers"


def open_sessions():
    return DeskSession.objects.filter(ended_at__isnull=True).select_related("official")


def desk_session_get(official: StaffProfile) -> DeskSession | None:
    return open_sessions().filter(official=official).first()


def _session_serves(
    session: DeskSession, service_ids: set[int], site_id: int, remote_ok: bool, sites_of
) -> bool:
    if not service_ids & session.service_ids:
        return False
    if session.remote:
        return remote_ok and site_id in sites_of(session.official_id)
    return session.site_id == site_id


MIN_SERVICE_MINUTES = 1.0


def recent_service_minutes(service_id: int | None, limit: int = RECENT) -> list[float]:
    """Durations of the last ``limit`` finished services, oldest first."""
    qs = Ticket.objects.filter(
        state=TicketState.DONE, service_started_at__isnull=False, service_ended_at__isnull=False
    )
    qs = (
        qs.filter(service__isnull=True)
        if service_id in (None, ADVICE_SERVICE_ID)
        else qs.filter(service_id=service_id)
    )
    rows = list(
        qs.order_by("-service_ended_at").values_list("service_started_at", "service_ended_at")[
            :limit
        ]
    )
    minutes = [(end - start).total_seconds() / 60.0 for start, end in reversed(rows)]
    # A "service" shorter than a minute was a mistake or a customer who left at once; it
    # would talk the estimate down to nothing.
    return [m for m in minutes if m >= MIN_SERVICE_MINUTES]


def service_estimate(
    *,
    site: Site,
    service: Service | None,
    now: datetime | None = None,
    ticket: Ticket | None = None,
) -> Estimate:
    """Estimate the wait of ``ticket`` (or of a customer taking a number now)."""
    now = now or timezone.now()
    service_id = service.pk if service else ADVICE_SERVICE_ID
    remote_ok = (
        ticket.remote_ok
        if ticket
        else bool(service and service.remote and not service.in_person_only)
    )
    sessions = list(open_sessions().prefetch_related("services"))
    site_cache: dict[int, set[int]] = {}

    def sites_of(official_id: int) -> set[int]:
        if official_id not in site_cache:
            site_cache[official_id] = set(
                StaffProfile.objects.get(pk=official_id).sites.values_list("pk", flat=True)
            )
        return site_cache[official_id]

    for s in sessions:
        s.service_ids = {x.pk for x in s.services.all()} | (
            {ADVICE_SERVICE_ID} if s.advice else set()
        )
    signed_in = [
        s for s in sessions if _session_serves(s, {service_id}, site.pk, remote_ok, sites_of)
    ]
    # An official on a break serves nobody: not a server, and not "nobody signed in yet"
    # either (that would count the rostered staff as if they were serving).
    servers = [s for s in signed_in if s.paused_at is None]
    pool = {service_id}
    for s in servers:
        pool |= s.service_ids
    basis_override = None
    n_servers = len(servers)
    if n_servers == 0 and not signed_in:
        if service is None:
            n_servers = StaffProfile.objects.filter(role="advisor", sites=site).count()
        else:
            n_servers = StaffProfile.objects.filter(
                services=service, sites=site, serves_remotely=False
            ).count()
            if n_servers == 0 and remote_ok:
                n_servers = StaffProfile.objects.filter(
                    services=service, sites=site, serves_remotely=True
                ).count()
        basis_override = "rostered" if n_servers else None
    real_ids = [x for x in pool if x != ADVICE_SERVICE_ID]
    match = Q(service_id__in=real_ids)
    if ADVICE_SERVICE_ID in pool:
        match |= Q(service__isnull=True)
    site_ids = {site.pk} | {x for s in servers if s.remote for x in sites_of(s.official_id)}
    rows = Ticket.objects.filter(
        match, state=TicketState.WAITING, site_id__in=site_ids
    ).values_list(*WAITING_FIELDS)
    items = [to_waiting(r) for r in rows]
    order = core_policy.order_queue(items, services=pool, now=now, policy=POLICY)
    if ticket is not None:
        position = next((k for k, w in enumerate(order) if w.id == ticket.pk), len(order))
    else:
        position = len(order)
    history = recent_service_minutes(service_id)
    fallback = float(service.default_duration if service else ADVICE_MINUTES)
    mean = (
        core_estimate.robust_mean(history)
        if len(history) >= core_estimate.MIN_OBSERVATIONS
        else fallback
    )
    busy = Ticket.objects.filter(
        state__in=HOLDING_STATES, called_by_id__in=[s.official_id for s in servers]
    ).values_list("called_at", flat=True)
    remaining = [
        core_estimate.expected_remaining((now - c).total_seconds() / 60.0, mean) for c in busy if c
    ]
    due = Booking.objects.filter(
        site=site,
        service_id__in=real_ids,
        state=BookingState.BOOKED,
        start__gt=now,
        start__lt=now + LOOKAHEAD,
    ).values_list("start", flat=True)
    early = POLICY.booking_early
    arrivals = [(d - early - now).total_seconds() / 60.0 for d in due]
    est = core_estimate.estimate_wait(
        position=position,
        servers=n_servers,
        recent_service_minutes=history,
        fallback_service_minutes=fallback,
        in_service_remaining=remaining,
        priority_arrivals=[a for a in arrivals if a > 0],
    )
    basis = est.basis
    if basis_override and est.known and basis == "fallback":
        basis = basis_override
    elif basis_override and est.known:
        basis = basis_override
    return Estimate(est.minutes, est.low, est.high, basis, position)


def ticket_estimate(ticket: Ticket, now: datetime | None = None) -> Estimate:
    return service_estimate(site=ticket.site, service=ticket.service, now=now, ticket=ticket)


def ticket_get_by_token(token: str) -> Ticket | None:
    return (
        Ticket.objects.select_related("service__agency", "site", "space")
        .filter(token=token)
        .first()
    )


def visit_tickets(ticket: Ticket) -> list[Ticket]:
    """The other open tickets of this ticket's visit at its site and day: the chain's
    later legs, each with its own number and time, shown and printed with the first."""
    if ticket.booking_id is None:
        return []
    return list(
        Ticket.objects.filter(
            booking__visit_id=Booking.objects.filter(pk=ticket.booking_id).values("visit_id")[:1],
            site_id=ticket.site_id,
            day=ticket.day,
        )
        .exclude(pk=ticket.pk)
        .exclude(state__in=[TicketState.DONE, TicketState.NO_SHOW])
        .select_related("service__agency", "space")
        .order_by("due_at", "pk")
    )


def waiting_list(scope: Scope, now: datetime | None = None) -> list[tuple[Ticket, float]]:
    """The customers an official with ``scope`` may call, in call order, with minutes
    waited; then those parked for now."""
    now = now or timezone.now()
    related = ("service__agency", "site", "booking")
    callable_now = list(callable_tickets(scope, now).select_related(*related))
    parked = list(waiting_rows(scope).filter(parked_until__gt=now).select_related(*related))
    return [(t, (now - t.wait_start).total_seconds() / 60.0) for t in callable_now + parked]


def current_ticket(official: StaffProfile) -> Ticket | None:
    return (
        Ticket.objects.select_related("service__agency", "space", "booking", "site")
        .filter(called_by=official, state__in=HOLDING_STATES)
        .first()
    )


def calls_after(site: Site | int, after_id: int = 0, limit: int = 50) -> list[Call]:
    site_id = site if isinstance(site, int) else site.pk
    return list(
        Call.objects.filter(site_id=site_id, id__gt=after_id)
        .select_related("space")
        .order_by("id")[:limit]
    )


def call_dict(call: Call, language: str) -> dict:
    """A call as displays show it: number, place and time, nothing personal.

    No agency: on a public board the agency (criminal sanctions, police) would say why
    the customer is there.
    """
    return {
        "id": call.pk,
        "number": call.number,
        "label": call_label(call, language),
        "recall": call.recall,
        "time": local_hhmm(call.created_at),
    }


def last_calls(site: Site, limit: int = 8) -> list[Call]:
    return list(Call.objects.filter(site=site).select_related("space").order_by("-id")[:limit])


def call_label(call: Call, language: str) -> str:
    """The space's customer label in ``language`` (a safe room's looks like any other)."""
    if call.space is not None:
        return (
            getattr(call.space, f"customer_label_{language}", "")
            or call.space.customer_label_fi
            or call.label
        )
    return call.label


def queue_overview(site: Site, now: datetime | None = None) -> list[dict]:
    """Per queue at ``site``: how many wait and about how long a new number waits."""
    now = now or timezone.now()
    counts = dict(
        Ticket.objects.filter(site=site, state=TicketState.WAITING)
        .values("queue_id")
        .annotate(n=Count("id"))
        .values_list("queue_id", "n")
    )
    out = []
    for queue in (
        Queue.objects.filter(site=site, pk__in=counts).select_related("agency").order_by("letter")
    ):
        last = (
            Ticket.objects.filter(queue=queue, state=TicketState.WAITING)
            .select_related("service", "site")
            .order_by("-queued_at")
            .first()
        )
        est = ticket_estimate(last, now=now) if last else None
        out.append({"queue": queue, "waiting": counts[queue.pk], "estimate": est})
    return out


def transfer_choices(site: Site):
    """The services a customer at ``site`` may be passed on to, as ``ticket_transfer`` allows:
    walk-in services of the agencies on site, and of the remote ones where video serves."""
    return (
        Service.objects.filter(walk_in=True)
        .filter(
            Q(agency__in=site.agencies_on_site.all())
            | Q(
                agency__in=site.agencies_remote.all(),
                remote=True,
                in_person_only=False,
            )
        )
        .select_related("agency")
        .order_by("agency__code", "name")
    )


# -- displays ------------------------------------------------------------------

#: How many called numbers a display shows.
DISPLAY_CALLS = 8
#: The tickets a display shows: the called ones (and those whose service has started,
#: until it ends) in the list, the waiting ones in the counts. Finished, no-show and
#: passed-on customers are gone from the list.
_DISPLAY_STATES = (TicketState.WAITING, *HOLDING_STATES)


def display_boards(site_ids, now: datetime | None = None) -> dict[int, dict]:
    """What the displays of each site show, in one query for all the sites.

    Per site: the last ``DISPLAY_CALLS`` customers called and not finished, newest
    first, one line per ticket (a recall moves the line up and marks it, it is not a
    line of its own); for each the number, the room's customer label in every
    language and the time of the last call. Nothing else: no agency (it tells the
    waiting room why someone is there), no name. And how many wait in each queue,
    by letter. ``last`` is the newest call id shown, the event id of the stream.
    Today's numbers only: the series start again each day, and yesterday's K-001 left
    unfinished must not stand beside today's.
    """
    languages = [code for code, _name in settings.LANGUAGES]
    labels = [f"space__customer_label_{code}" for code in languages]
    rows = (
        Ticket.objects.filter(
            site_id__in=list(site_ids),
            state__in=_DISPLAY_STATES,
            day=local_day(now or timezone.now()),
        )
        .values("site_id", "id", "state", "number", "recalls", "queue__letter", *labels)
        .annotate(last_call=Max("calls__id"), last_at=Max("calls__created_at"))
        .order_by()
    )
    called: dict[int, list[dict]] = {s: [] for s in site_ids}
    waiting: dict[int, dict[str, int]] = {s: {} for s in site_ids}
    for row in rows:
        site_id = row["site_id"]
        if row["state"] == TicketState.WAITING:
            letter = row["queue__letter"]
            waiting[site_id][letter] = waiting[site_id].get(letter, 0) + 1
        elif row["last_call"] is not None:
            fallback = row[labels[0]] or ""
            called[site_id].append(
                {
                    "id": row["last_call"],
                    "number": row["number"],
                    "place": {
                        code: row[label] or fallback
                        for code, label in zip(languages, labels, strict=True)
                    },
                    "recall": row["recalls"] > 0,
                    "time": local_hhmm(row["last_at"]),
                }
            )
    boards = {}
    for site_id in site_ids:
        calls = sorted(called[site_id], key=lambda c: c["id"], reverse=True)[:DISPLAY_CALLS]
        boards[site_id] = {
            "calls": calls,
            "queues": [
                {"letter": letter, "waiting": n} for letter, n in sorted(waiting[site_id].items())
            ],
            "last": calls[0]["id"] if calls else 0,
        }
    return boards


def display_board(site: Site) -> dict:
    return display_boards([site.pk])[site.pk]


@dataclass(frozen=True)
class InterpreterHelp:
    language: str
    official_speaks: bool
    on_site: list
    remote: list
    #: Interpreters (ids) whose time is held by someone else right now.
    busy: frozenset[int] = frozenset()


def interpreter_help(ticket: Ticket, official: StaffProfile) -> InterpreterHelp | None:
    """Whom to ask when a walk-in needs an interpreter the official does not speak."""
    language = ticket.interpreter_language
    if not language:
        return None
    if language in (official.languages or []):
        return InterpreterHelp(language, True, [], [])
    found = [i for i in Interpreter.objects.prefetch_related("sites") if language in i.languages]
    on_site = [
        i for i in found if i.mode == Interpreter.Mode.ON_SITE and ticket.site in i.sites.all()
    ]
    remote = [i for i in found if i.mode == Interpreter.Mode.REMOTE]
    now = timezone.now()
    held = set(
        Reservation.objects.filter(
            resource_id__in=[i.resource_id for i in (*on_site, *remote)], start__lt=now, end__gt=now
        )
        .exclude(pk=ticket.interpreter_hold_id)
        .values_list("resource_id", flat=True)
    )
    busy = frozenset(i.pk for i in (*on_site, *remote) if i.resource_id in held)
    return InterpreterHelp(language, False, on_site, remote, busy)
