"""The database orders the queue exactly as the core policy does.

``selectors.callable_tickets`` sorts tickets in SQL from the ``order_*`` fields each
ticket keeps, by the core's table of tiers; "call next" locks the first of them.
These tests fill a queue with random kinds and times (microseconds included, ties
included) and check both against ``core.queueing.policy.order_queue`` at several
moments, on whichever database the suite runs on.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from luukku.core.queueing import policy as core_policy
from luukku.queueing.models import POLICY, Kind, Ticket, TicketState
from luukku.queueing.selectors import (
    WAITING_FIELDS,
    Scope,
    callable_tickets,
    to_waiting,
    waiting_rows,
)
from luukku.queueing.services import ticket_create
from luukku.queueing.services.calling import _locked

from .helpers import service

pytestmark = pytest.mark.django_db


def _random_queue(site, svc, rng: random.Random, now, n: int = 40) -> None:
    def moment(spread_min: int):
        # Whole minutes now and then, so that ties between tickets occur.
        seconds = rng.randint(-spread_min * 60, spread_min * 60)
        micro = 0 if rng.random() < 0.4 else rng.randint(0, 999_999)
        return now + timedelta(
            seconds=seconds if micro else seconds - seconds % 60, microseconds=micro
        )

    for _ in range(n):
        t = ticket_create(site=site, service=svc, now=now)
        t.kind = rng.choice([Kind.WALK_IN, Kind.BOOKING, Kind.CHAIN])
        t.queued_at = moment(90)
        t.priority_since = moment(90) if rng.random() < 0.3 else None
        t.due_at = moment(60) if t.kind == Kind.BOOKING and rng.random() < 0.8 else None
        t.parked_until = moment(30) if rng.random() < 0.15 else None
        t.save()


@pytest.mark.parametrize("seed", range(6))
def test_call_order__database_agrees_with_core(demo, seed):
    rng = random.Random(seed)
    site, svc = demo["pori"], service("student-aid")
    now = timezone.now()
    _random_queue(site, svc, rng, now)
    scope = Scope(frozenset({svc.pk}), frozenset({site.pk}), False)
    for offset in (0, 7, 33, 61):
        at = now + timedelta(minutes=offset)
        items = [to_waiting(r) for r in waiting_rows(scope).values_list(*WAITING_FIELDS)]
        expected = [
            w.id
            for w in core_policy.order_queue(
                items, services=scope.services, now=at, sites=scope.sites, policy=POLICY
            )
        ]
        got = list(callable_tickets(scope, at).values_list("id", flat=True))
        assert got == expected


def _core_order(scope, at) -> list[int]:
    items = [to_waiting(r) for r in waiting_rows(scope).values_list(*WAITING_FIELDS)]
    ordered = core_policy.order_queue(
        items, services=scope.services, now=at, sites=scope.sites, policy=POLICY
    )
    return [w.id for w in ordered]


@pytest.mark.parametrize("seed", range(6))
def test_call_order__call_next_locks_the_core_first(demo, seed):
    """Call after call, the ticket call-next locks is the core order's first."""
    rng = random.Random(100 + seed)
    site, svc = demo["pori"], service("student-aid")
    now = timezone.now()
    _random_queue(site, svc, rng, now, n=30)
    scope = Scope(frozenset({svc.pk}), frozenset({site.pk}), False)
    for offset in (0, 7, 33, 61):
        at = now + timedelta(minutes=offset)
        for _ in range(6):
            expected = _core_order(scope, at)
            with transaction.atomic():
                picked = _locked(callable_tickets(scope, at)).first()
            assert (picked.id if picked else None) == (expected[0] if expected else None)
            if picked is None:
                break
            Ticket.objects.filter(pk=picked.id).update(state=TicketState.DONE)


def test_call_order__order_fields_follow_every_save(demo):
    svc = service("student-aid")
    t = ticket_create(site=demo["pori"], service=svc, now=timezone.now())
    assert t.order_start == t.queued_at and t.order_aged == t.queued_at
    t.kind, t.priority_since = Kind.CHAIN, t.queued_at - timedelta(minutes=5)
    t.save(update_fields=["kind", "priority_since"])
    t = Ticket.objects.get(pk=t.pk)
    assert t.order_start == t.priority_since
    assert t.order_aged == t.priority_since - timedelta(minutes=POLICY.chain_bonus_min)
