"""Call-next policy: who an official calls when they press "call next".

The order, applied to the waiting items that qualify (service in the official's
``services``, site in ``sites`` when given, not parked at ``now``):

1. **Nobody waits for ever.** Anyone who has waited longer than ``max_wait`` goes
   first, oldest first. Waiting counts from ``priority_since`` when set (a transfer
   keeps the customer's place), else ``queued_at``; for a booking it counts from the
   later of check-in and the moment it became due (``due_at - booking_early``), so
   an early check-in earns no extra priority.
2. **Bookings due now.** A checked-in booking is due from ``due_at - booking_early``;
   due bookings go before walk-ins, earliest ``due_at`` first.
3. and 4. **Chains, then walk-ins, by ageing score.** ``score = waited minutes *
   ageing_per_minute``, plus ``chain_bonus_min`` points for a customer passed on
   within a chain. Highest score first; ties by waiting start, then id. With the
   defaults a chain customer goes ahead of any walk-in who has not waited 15
   minutes longer, so chains come first in normal conditions, yet a walk-in is
   never overtaken for ever: rule 1 caps everyone's wait at ``max_wait``.
5. **Bookings not yet due** are called only when nobody else qualifies (the
   official would otherwise sit idle); ``serve_early_bookings=False`` holds them
   until due.

A booking without ``due_at`` is treated as due from its check-in. The order within
tiers 3–4 does not depend on ``now`` (only the tier boundaries do), so displays
that re-sort once a minute stay stable.

``choose_next`` is a single linear pass (no sort) because it runs inside the
caller's locked transaction; ``order_queue`` sorts the same keys for displays and
estimates, so ``choose_next(...) is order_queue(...)[0]`` always holds.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

__all__ = [
    "Kind",
    "OrderFields",
    "Policy",
    "TIERS",
    "Tier",
    "Waiting",
    "ageing_score",
    "choose_next",
    "order_fields",
    "order_key",
    "order_queue",
    "qualifies",
    "tier_bounds",
    "tier_of",
    "tiers",
]


class Kind(StrEnum):
    """How the customer came to be waiting."""

    BOOKING = "booking"
    CHAIN = "chain"
    WALK_IN = "walk_in"


@dataclass(frozen=True, slots=True)
class Waiting:
    """One customer waiting to be called (a ticket, a checked-in booking or a pass-on)."""

    id: int
    kind: Kind
    service_id: int
    queued_at: datetime
    priority_since: datetime | None = None
    due_at: datetime | None = None
    site_id: int = 0
    remote_ok: bool = False
    needs_safe_room: bool = False
    parked_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class Policy:
    """Tunable constants of the call-next policy (see the module docstring)."""

    booking_early: timedelta = timedelta(minutes=5)
    ageing_per_minute: float = 1.0
    chain_bonus_min: float = 15.0
    max_wait: timedelta = timedelta(minutes=45)
    serve_early_bookings: bool = True

    def __post_init__(self) -> None:
        # A non-positive ageing rate would let a walk-in be overtaken for ever by
        # chains; reject it rather than silently ordering by bonus alone.
        if not self.ageing_per_minute > 0:
            raise ValueError("ageing_per_minute must be positive")
        if self.chain_bonus_min < 0:
            raise ValueError("chain_bonus_min must not be negative")
        if self.max_wait <= timedelta(0):
            raise ValueError("max_wait must be positive")
        if self.booking_early < timedelta(0):
            raise ValueError("booking_early must not be negative")


_DEFAULT_POLICY = Policy()

# Tiers, lowest called first.
_OVERDUE, _DUE_BOOKING, _AGED, _EARLY_BOOKING = 0, 1, 2, 3


def _wait_start(item: Waiting, booking_early: timedelta) -> datetime:
    """Return when this item's waiting started to count."""
    start = item.priority_since if item.priority_since is not None else item.queued_at
    if item.kind is Kind.BOOKING and item.due_at is not None:
        due_from = item.due_at - booking_early
        if due_from > start:
            start = due_from
    return start


def ageing_score(item: Waiting, *, now: datetime, policy: Policy = _DEFAULT_POLICY) -> float:
    """Return the rule 3–4 score (for displays and audit; ordering uses an equivalent key)."""
    waited = (now - _wait_start(item, policy.booking_early)).total_seconds() / 60.0
    bonus = policy.chain_bonus_min if item.kind is Kind.CHAIN else 0.0
    return max(waited, 0.0) * policy.ageing_per_minute + bonus


def qualifies(
    item: Waiting,
    *,
    services: Collection[int],
    now: datetime,
    sites: Collection[int] | None = None,
    remote: bool = False,
) -> bool:
    """Return whether ``item`` may be called by this official at ``now``."""
    return (
        item.service_id in services
        and (sites is None or item.site_id in sites)
        and (not remote or item.remote_ok)
        and (item.parked_until is None or item.parked_until <= now)
    )


@dataclass(frozen=True, slots=True)
class OrderFields:
    """The parts of an item's call-order key that do not depend on ``now``.

    Kept with each ticket so that the database can sort a queue itself (the
    call-next statement orders and locks in one go): ``start`` is when waiting
    counts from (for a booking, not before it is due), ``due`` a booking's due time
    (its check-in when it has none; None for others), ``aged`` the start moved
    earlier by the chain bonus (None for bookings).
    """

    start: datetime
    due: datetime | None
    aged: datetime | None


def order_fields(item: Waiting, policy: Policy = _DEFAULT_POLICY) -> OrderFields:
    """Return the ``now``-independent parts of ``item``'s call-order key."""
    start = item.priority_since if item.priority_since is not None else item.queued_at
    if item.kind is Kind.BOOKING:
        if item.due_at is None:
            return OrderFields(start, start, None)
        due_from = item.due_at - policy.booking_early
        return OrderFields(max(start, due_from), item.due_at, None)
    if item.kind is Kind.CHAIN:
        shift = timedelta(minutes=policy.chain_bonus_min / policy.ageing_per_minute)
        return OrderFields(start, None, start - shift)
    return OrderFields(start, None, start)


def tier_bounds(now: datetime, policy: Policy = _DEFAULT_POLICY) -> tuple[datetime, datetime]:
    """Return ``(overdue_before, due_until)``: the two moments that split the tiers at ``now``.

    An item whose ``start`` is before ``overdue_before`` is overdue (rule 1); a booking
    whose ``due`` is at or before ``due_until`` is due (rule 2), later it is early (rule 5).
    """
    return now - policy.max_wait, now + policy.booking_early


@dataclass(frozen=True, slots=True)
class Tier:
    """One part of the call order: who belongs to it, and which field orders it.

    ``overdue``: waiting started before ``overdue_before``; ``booking``: True for
    bookings, False for everyone else, None for both; ``due``: for bookings, True when
    due by ``due_until``, False when early, None for either. ``first`` names the
    :class:`OrderFields` attribute that orders the tier (then ``start``, then id).
    This table is the call order's only statement: :func:`order_key` reads it here,
    and the database's ordering is built from it (``queueing.selectors.call_order``).
    """

    rank: int
    overdue: bool
    booking: bool | None
    due: bool | None
    first: str

    def holds(self, *, overdue: bool, booking: bool, due: bool) -> bool:
        return (
            self.overdue == overdue
            and (self.booking is None or self.booking == booking)
            and (self.due is None or self.due == due)
        )


TIERS = (
    Tier(_OVERDUE, overdue=True, booking=None, due=None, first="start"),
    Tier(_DUE_BOOKING, overdue=False, booking=True, due=True, first="due"),
    Tier(_AGED, overdue=False, booking=False, due=None, first="aged"),
    Tier(_EARLY_BOOKING, overdue=False, booking=True, due=False, first="due"),
)


def tiers(policy: Policy = _DEFAULT_POLICY) -> tuple[Tier, ...]:
    """The tiers an official may call from, in call order: early bookings only if served."""
    if policy.serve_early_bookings:
        return TIERS
    return tuple(t for t in TIERS if t.rank != _EARLY_BOOKING)


def tier_of(
    item: Waiting,
    fields: OrderFields,
    bounds: tuple[datetime, datetime],
    policy: Policy = _DEFAULT_POLICY,
) -> Tier | None:
    """The tier ``item`` is in at the moment ``bounds`` were taken; None: not callable now."""
    overdue_before, due_until = bounds
    overdue = fields.start < overdue_before
    booking = item.kind is Kind.BOOKING
    due = booking and fields.due <= due_until
    for tier in tiers(policy):
        if tier.holds(overdue=overdue, booking=booking, due=due):
            return tier
    return None


def order_key(
    item: Waiting,
    fields: OrderFields,
    bounds: tuple[datetime, datetime],
    policy: Policy = _DEFAULT_POLICY,
) -> tuple:
    """The sort key (lower is called first): ``(tier, first, start, id)``.

    ``first`` is the start for the overdue, the due time for bookings and the
    aged start for chains and walk-ins. Ordering by a descending score
    ``waited * rate + bonus`` is the same as ordering by an ascending virtual start
    ``start - bonus / rate``, which is what ``aged`` holds.
    """
    tier = tier_of(item, fields, bounds, policy) or TIERS[-1]
    return (tier.rank, getattr(fields, tier.first), fields.start, item.id)


def _candidates(
    items: Sequence[Waiting],
    services: Collection[int],
    now: datetime,
    policy: Policy,
    sites: Collection[int] | None,
    remote: bool,
) -> list[tuple[tuple, Waiting]]:
    """The items that qualify at ``now``, each with its sort key."""
    if not isinstance(services, set | frozenset):
        services = frozenset(services)
    if sites is not None and not isinstance(sites, set | frozenset):
        sites = frozenset(sites)
    bounds = tier_bounds(now, policy)
    out = []
    for item in items:
        if not qualifies(item, services=services, now=now, sites=sites, remote=remote):
            continue
        fields = order_fields(item, policy)
        tier = tier_of(item, fields, bounds, policy)
        if tier is None:  # an early booking the policy holds until due
            continue
        out.append(((tier.rank, getattr(fields, tier.first), fields.start, item.id), item))
    return out


def choose_next(
    items: Sequence[Waiting],
    *,
    services: Collection[int],
    now: datetime,
    policy: Policy = _DEFAULT_POLICY,
    sites: Collection[int] | None = None,
    remote: bool = False,
) -> Waiting | None:
    """Return the item to call next, or None when nobody qualifies.

    ``remote=True`` is for an official serving by video: only ``remote_ok`` items
    qualify (the site filter still applies when ``sites`` is given).
    """
    candidates = _candidates(items, services, now, policy, sites, remote)
    if not candidates:
        return None
    return min(candidates, key=lambda pair: pair[0])[1]


def order_queue(
    items: Sequence[Waiting],
    *,
    services: Collection[int],
    now: datetime,
    policy: Policy = _DEFAULT_POLICY,
    sites: Collection[int] | None = None,
    remote: bool = False,
) -> list[Waiting]:
    """Return the qualifying items in call order (for displays and estimates)."""
    candidates = _candidates(items, services, now, policy, sites, remote)
    candidates.sort(key=lambda pair: pair[0])
    return [item for _key, item in candidates]
