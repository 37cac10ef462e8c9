"""The desk session: an official's own booth, a remote official's default, the break."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from luukku.queueing.models import DeskSession, TicketState
from luukku.queueing.selectors import service_estimate
from luukku.queueing.services import (
    QueueError,
    desk_session_pause,
    desk_session_resume,
    desk_session_start,
    desk_session_take_space,
    session_scope,
    ticket_call,
    ticket_call_next,
    ticket_create,
    ticket_finish,
)
from luukku.registry.models import Space, SpaceType

from .helpers import official, serve, service

pytestmark = pytest.mark.django_db


def walk_in(site, code="passport"):
    return ticket_create(site=site, service=service(code), now=timezone.now())


def booths(site):
    """The booths where a passport can be applied for (biometrics and payment), by id."""
    return list(
        Space.objects.filter(site=site, space_type=SpaceType.SCREENED_BOOTH, active=True)
        .filter(equipment__code="biometrics")
        .filter(equipment__code="payment_terminal")
        .order_by("id")
    )


def take(username, space, **kw):
    me = official(username)
    session = desk_session_start(
        official=me, services=list(me.services.all()), remote=False, space=space, **kw
    )
    return me, session_scope(session)


def test_booth__official_keeps_the_booth_they_took_on_every_call(demo):
    pori = demo["pori"]
    mine = booths(pori)[-1]  # not the one the core's ranking would give first
    me, scope = take("poliisi.pori1", mine)
    assert scope.space == mine.pk
    for _ in range(3):
        t = walk_in(pori)
        r = ticket_call_next(official=me, scope=scope)
        assert r.ticket.pk == t.pk and r.ticket.space_id == mine.pk
        ticket_finish(ticket=r.ticket, official=me)


def test_booth__another_officials_booth_is_given_last(demo):
    pori = demo["pori"]
    first, *_rest, last = booths(pori)
    _other, _ = take("poliisi.pori2", first)  # takes the booth the ranking likes best
    me, scope = serve("poliisi.pori1")
    walk_in(pori)
    assert ticket_call_next(official=me, scope=scope).ticket.space_id != first.pk


def test_booth__kept_free_for_its_official_while_others_call(demo):
    pori = demo["pori"]
    mine = booths(pori)[-1]
    other, other_scope = serve("poliisi.pori2")
    me, scope = take("poliisi.pori1", mine)
    walk_in(pori)
    # The other official's customer is given my booth only when nothing else is free.
    held = ticket_call_next(official=other, scope=other_scope).ticket
    assert held.space_id != mine.pk
    walk_in(pori)
    r = ticket_call_next(official=me, scope=scope)
    assert r.ticket.space_id == mine.pk


def test_booth__two_officials_cannot_take_one_booth(demo):
    booth = booths(demo["pori"])[0]
    take("poliisi.pori1", booth)
    with pytest.raises(QueueError) as exc:
        take("poliisi.pori2", booth)
    assert exc.value.field == "space" and exc.value.status == 409
    # The database refuses it too, whoever writes.
    with pytest.raises(IntegrityError), transaction.atomic():
        DeskSession.objects.create(official=official("poliisi.pori2"), space=booth)


def test_booth__of_another_point_or_by_video__is_refused(demo):
    rauma_booth = Space.objects.filter(site=demo["rauma"]).first()
    with pytest.raises(QueueError) as exc:
        take("poliisi.pori1", rauma_booth)
    assert exc.value.field == "space" and exc.value.status == 400
    me = official("kela.eta1")
    with pytest.raises(QueueError) as exc:
        desk_session_start(
            official=me,
            services=list(me.services.all()),
            remote=True,
            space=booths(demo["pori"])[0],
        )
    assert exc.value.field == "space"


def test_booth__taken_and_given_back_during_the_session(demo):
    pori = demo["pori"]
    mine = booths(pori)[-1]
    me, _ = serve("poliisi.pori1")
    desk_session_take_space(official=me, space=mine)
    scope = session_scope(DeskSession.objects.get(official=me, ended_at__isnull=True))
    walk_in(pori)
    assert ticket_call_next(official=me, scope=scope).ticket.space_id == mine.pk
    session = desk_session_take_space(official=me, space=None)
    assert session.space_id is None


def test_break__stops_calls_until_resumed(demo):
    pori = demo["pori"]
    t = walk_in(pori)
    me, _ = serve("poliisi.pori1")
    desk_session_pause(official=me)
    scope = session_scope(DeskSession.objects.get(official=me, ended_at__isnull=True))
    assert scope.on_break
    for call in (
        lambda: ticket_call_next(official=me, scope=scope),
        lambda: ticket_call(ticket_id=t.pk, official=me, scope=scope),
    ):
        with pytest.raises(QueueError) as exc:
            call()
        assert exc.value.status == 409 and exc.value.field == "session"
    t.refresh_from_db()
    assert t.state == TicketState.WAITING
    desk_session_resume(official=me)
    scope = session_scope(DeskSession.objects.get(official=me, ended_at__isnull=True))
    assert ticket_call_next(official=me, scope=scope).ticket.pk == t.pk


def test_break__refused_while_holding_a_customer(demo):
    walk_in(demo["pori"])
    me, scope = serve("poliisi.pori1")
    ticket_call_next(official=me, scope=scope)
    with pytest.raises(QueueError) as exc:
        desk_session_pause(official=me)
    assert exc.value.status == 409


def test_break__official_on_a_break_is_not_counted_as_serving(demo):
    pori = demo["pori"]
    walk_in(pori)
    me, _ = serve("poliisi.pori1")
    assert service_estimate(site=pori, service=service("passport")).basis != "no_servers"
    desk_session_pause(official=me)
    on_break = service_estimate(site=pori, service=service("passport"))
    # Signed in but on a break: no server, and not the rostered staff either.
    assert on_break.basis == "no_servers"
    desk_session_resume(official=me)
    assert service_estimate(site=pori, service=service("passport")).basis != "no_servers"
