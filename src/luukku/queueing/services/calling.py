"""Calling customers: "call next" by the policy, or one customer out of turn.

One implementation for both databases, and neither a customer nor a space is ever
given twice, even when twenty officials press at the same moment:

- The first ticket in the policy's order (``selectors.call_order``) is locked with
  ``SELECT … FOR UPDATE SKIP LOCKED``: on PostgreSQL officials pressing together get
  different customers without waiting for each other. On SQLite every transaction
  begins with ``BEGIN IMMEDIATE`` (settings), so calls are serialized and Django
  leaves the lock clause out. A booked customer still at another agency's desk is
  passed over (``_first_callable``).
- The best free space is locked the same way: the official's own booth if they took
  one and it suits the customer, then the core's rank order (booths other officials
  took last).
- The ticket is marked called by a conditional ``UPDATE … WHERE state = 'waiting'``,
  and a partial unique index lets a space hold only one called or in-service ticket.
  Should a PostgreSQL snapshot taken a moment before another call's commit still
  see that call's space as free, the database refuses the second customer and the
  call is made again (``_retrying``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Case, Exists, OuterRef, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from luukku.booking.gaps import LONGEST_RESERVATION
from luukku.booking.models import ACTIVE_STATES, Booking, BookingState
from luukku.booking.services import booking_transition
from luukku.core.queueing.allocation import SpaceInfo, SpaceNeed, rank_groups, rank_spaces
from luukku.integration.notify import Message, get_notifier
from luukku.integration.video import get_video_provider
from luukku.queueing import selectors
from luukku.queueing.events import display_changed
from luukku.queueing.models import (
    HOLDING_STATES,
    Call,
    DeskSession,
    Handover,
    Kind,
    Ticket,
    TicketState,
)
from luukku.queueing.selectors import Scope
from luukku.queueing.services.common import QueueError
from luukku.registry.models import Space, SpaceType, StaffProfile
from luukku.registry.snapshot import RegistrySnapshot, registry_snapshot

ADVICE_SPACE_TYPES = frozenset({SpaceType.ADVICE_POINT, SpaceType.INFO_DESK})
#: A booth seats a customer and a companion; a larger group may take these rooms too.
GROUP_IN_BOOTH = 2
GROUP_ROOMS = frozenset({SpaceType.SERVICE_ROOM, SpaceType.MEETING_ROOM})


@dataclass(frozen=True)
class CallResult:
    """What a call gave the official: a ticket, or why not (``empty`` or ``no_space``)."""

    ticket: Ticket | None
    reason: str
    first_in_line: Ticket | None = None


def ticket_call_next(
    *, official: StaffProfile, scope: Scope, now: datetime | None = None
) -> CallResult:
    """Call the next customer by the documented policy and give them a free space."""
    now = now or timezone.now()
    snap = registry_snapshot()
    # Built before the transaction begins: on SQLite, whose writers take turns, the
    # write lock is then held while the statements run, not while they are built.
    order = _locked(selectors.call_order(scope, now))
    running = _bookings_running(now)

    def call() -> CallResult:
        _refuse_while_holding(official, scope)
        ticket = _first_callable(order)
        if ticket is None:
            return CallResult(None, "empty")
        return _call(snap, ticket, official, scope, now, running)

    return _retrying(call)


def _first_callable(order) -> Ticket | None:
    """The first ticket in ``order`` that is not still at another agency's desk, locked.

    Only a booked customer can be (``selectors.served_elsewhere``), so the call-order
    statement leaves that rule out, and a booking's ticket is checked when it comes
    first; one passed over stays locked until the call commits, so no other official
    calls it meanwhile either (it is not callable for them).
    """
    for offset in itertools.count():
        ticket = next(iter(order[offset : offset + 1]), None)
        if ticket is None or not ticket.booking_id:
            return ticket
        if not selectors.served_elsewhere(ticket.booking_id).exists():
            return ticket
    raise AssertionError("unreachable")


def ticket_call(
    *, ticket_id: int, official: StaffProfile, scope: Scope, now: datetime | None = None
) -> CallResult:
    """Call one waiting customer out of turn (e.g. the official knows they are in a hurry)."""
    now = now or timezone.now()
    snap = registry_snapshot()
    running = _bookings_running(now)

    def call() -> CallResult:
        _refuse_while_holding(official, scope)
        ticket = _locked(selectors.waiting_rows(scope).filter(pk=ticket_id)).first()
        if ticket is not None:
            return _call(snap, ticket, official, scope, now, running)
        if not Ticket.objects.filter(pk=ticket_id).exists():
            raise QueueError("ticket", _("No such ticket."), 404)
        if selectors.waiting_rows(scope).filter(pk=ticket_id).exists():
            raise QueueError("ticket", _("Another official has just called this customer."))
        raise QueueError("ticket", _("This customer is not waiting for your services."))

    return _retrying(call)


def _locked(tickets):
    """The tickets, each locked as it is read; one that another official is calling is skipped."""
    return tickets.select_for_update(skip_locked=True)


def _refuse_while_holding(official: StaffProfile, scope: Scope) -> None:
    """Nobody is called while the official is on a break or still has a customer."""
    if scope.on_break:
        raise QueueError("session", _("You are on a break: end the break to call customers."))
    if Ticket.objects.filter(called_by=official, state__in=HOLDING_STATES).exists():
        raise QueueError("official", _("Finish or park your current customer first."))


def _retrying(action):
    """Run ``action`` in a transaction, again if a concurrent call won a space first."""
    for attempt in range(3):
        try:
            with transaction.atomic():
                return action()
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _call(
    snap: RegistrySnapshot,
    ticket: Ticket,
    official: StaffProfile,
    scope: Scope,
    now: datetime,
    running: QuerySet[Booking],
) -> CallResult:
    """Give ``ticket`` (locked by the caller) the best free space and mark it called.

    No suitable space free: the customer stays first in line (``no_space``).
    ``running`` is ``_bookings_running(now)``.
    """
    remote = scope.remote
    ranked = _ranked(snap, ticket.site_id, _need(snap, ticket, remote))
    space = _free_space(ranked, ticket, running, official, None if remote else scope.space)
    if space is None:
        return CallResult(None, "no_space", first_in_line=ticket)
    video = _video_link(snap, ticket, now) if remote else ticket.video_url
    changes = {
        "state": TicketState.CALLED,
        "called_at": now,
        "called_by": official,
        "parked_until": None,
        "space_id": space.id,
        "remote": remote,
        "video_url": video,
    }
    if not Ticket.objects.filter(pk=ticket.pk, state=TicketState.WAITING).update(**changes):
        raise QueueError("ticket", _("Another official has just called this customer."))
    for name, value in changes.items():
        setattr(ticket, name, value)
    service = snap.services.get(ticket.service_id) if ticket.service_id else None
    Call.objects.create(
        site_id=ticket.site_id,
        ticket=ticket,
        space_id=space.id,
        number=ticket.number,
        label=space.label,
        agency_code=snap.agency_codes.get(service.agency_id, "") if service else "",
    )
    display_changed(ticket.site_id)
    if ticket.kind == Kind.CHAIN:  # passed on: the next agency has now called them
        Handover.objects.filter(ticket=ticket, called_at__isnull=True).update(called_at=now)
    if ticket.booking_id and ticket.booking.state == BookingState.CHECKED_IN:
        booking_transition(booking=ticket.booking, to=BookingState.CALLED, now=now)
    if ticket.phone:
        transaction.on_commit(lambda: _sms_called(ticket, space.label))
    return CallResult(ticket, "called")


def _bookings_running(now: datetime) -> QuerySet[Booking]:
    """The bookings that hold the space ``OuterRef("pk")`` at ``now``: begun, not ended,
    and neither cancelled nor over (bookings looked at start within the last
    ``LONGEST_RESERVATION``, so the (site, start) index reads a day's bookings, not the
    site's history)."""
    return Booking.objects.filter(
        site=OuterRef("site_id"),
        space=OuterRef("pk"),
        state__in=ACTIVE_STATES,
        start__gt=now - LONGEST_RESERVATION,
        start__lte=now,
        end__gt=now,
    )


def _free_space(
    ranked: _Ranking,
    ticket: Ticket,
    running: QuerySet[Booking],
    official: StaffProfile,
    own: int | None,
) -> SpaceInfo | None:
    """Lock the best space of the ranking that nobody holds now, or None.

    One statement: the free spaces, the official's own booth ``own`` first (if it
    suits this customer: the ranking holds only spaces that do), then the booths that
    no other official took for their session, each part in the core's rank order (its
    groups of equal preference, then id); the first that no other official is giving
    out right now locked with ``SKIP LOCKED``. So an official keeps their booth while
    it is free, and another's booth is given only when nothing else is. A space is
    held by a called or in-service ticket, or by a booking running now (``running``)
    other than this customer's own.
    """
    if not ranked.spaces:
        return None
    if ticket.booking_id:
        running = running.exclude(pk=ticket.booking_id)
    free = ranked.in_turn(official.pk, own).filter(~Exists(running)).first()
    return next((s for s in ranked.spaces if s.id == free), None)


def _need(snap: RegistrySnapshot, ticket: Ticket, remote: bool) -> SpaceNeed:
    """What space this customer needs: the service's, their party's and their own."""
    group, accessible = ticket.group_size, ticket.needs_accessible
    if ticket.booking_id:
        visit = ticket.booking.visit
        group = max(group, visit.group_size)
        accessible = accessible or visit.needs_accessible
    if ticket.service_id is None:
        return SpaceNeed(
            space_types=ADVICE_SPACE_TYPES,
            group_size=group,
            needs_safe_room=ticket.needs_safe_room,
            needs_accessible=accessible,
        )
    service = snap.services[ticket.service_id]
    # A group larger than a booth seats is served in a room (the space must still seat it).
    rooms = GROUP_ROOMS if group > GROUP_IN_BOOTH else frozenset()
    return SpaceNeed(
        space_types=service.space_types | rooms,
        equipment=service.equipment,
        group_size=max(group, service.group_size),
        agency=snap.agency_codes.get(service.agency_id),
        needs_safe_room=ticket.needs_safe_room,
        needs_accessible=accessible,
        remote=remote,
    )


@dataclass(frozen=True)
class _Ranking:
    """The spaces that fit a need, best first, and the same as the core's groups of ids.

    Memoized on the registry snapshot (``_ranked``), and so is what ``in_turn`` builds.
    """

    spaces: list[SpaceInfo]
    groups: list[tuple[int, ...]]
    _in_turn: dict = field(default_factory=dict, compare=False, repr=False)

    def in_turn(self, official_id: int, own: int | None) -> QuerySet[int]:
        """The spaces of the ranking that no called or in-service ticket holds, in the
        order ``_free_space`` gives them to ``official_id`` (whose booth is ``own``),
        each locked as it is read, one that another official is giving out skipped.

        Everything in it but the time (the bookings running now, which ``_free_space``
        adds) depends on the registry and the official only: it is built once per
        snapshot, official and booth, and each call adds its own filter to a copy (a
        queryset is never changed by a filter), which spares building it on every call.
        """
        key = (official_id, own)
        built = self._in_turn.get(key)
        if built is not None:
            return built
        held_by_ticket = Ticket.objects.filter(space=OuterRef("pk"), state__in=HOLDING_STATES)
        taken_by_another = DeskSession.objects.filter(
            space=OuterRef("pk"), ended_at__isnull=True
        ).exclude(official_id=official_id)
        ranks = {"another": Exists(taken_by_another)}
        if len(self.groups) > 1:  # one group: every space ranks the same
            ranks["group"] = Case(
                *(When(pk__in=ids, then=Value(i)) for i, ids in enumerate(self.groups))
            )
        if own is not None:
            ranks = {"mine": Case(When(pk=own, then=Value(0)), default=Value(1)), **ranks}
        built = (
            Space.objects.filter(pk__in=[s.id for s in self.spaces])
            .filter(~Exists(held_by_ticket))
            .alias(**ranks)
            .order_by(*ranks, "id")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        self._in_turn[key] = built
        return built


def _ranked(snap: RegistrySnapshot, site_id: int, need: SpaceNeed) -> _Ranking:
    """The core's ranking of the site's spaces for ``need``.

    It depends on the registry only, not on who holds a space now (the database
    filters those), so it is memoized on the snapshot.
    """
    language = get_language()

    def rank() -> _Ranking:
        spaces = _space_infos(snap, site_id, language)
        return _Ranking(rank_spaces(spaces, need), rank_groups(spaces, need))

    return snap.memoized(("ranked", site_id, need, language), rank)


def _space_infos(snap: RegistrySnapshot, site_id: int, language: str | None) -> list[SpaceInfo]:
    """The core's view of a site's spaces, from the registry snapshot (no query)."""
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
