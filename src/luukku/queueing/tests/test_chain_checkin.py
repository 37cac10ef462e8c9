"""One code per chain visit: one check-in checks in every leg of the day, and a
customer still at one agency's desk is not called to the next (both databases)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import pytest

from luukku.booking.models import Booking, BookingState, Channel, Visit
from luukku.queueing.localtime import local_day
from luukku.queueing.models import Kind, TicketState
from luukku.queueing.selectors import visit_tickets
from luukku.queueing.services import (
    QueueError,
    booking_check_in,
    ticket_call_next,
    ticket_create,
    ticket_finish,
)

from .helpers import serve, service

pytestmark = pytest.mark.django_db

#: Noon in Helsinki, so that "today" cannot change under a test run near midnight.
NOON = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def _chain(site, *legs: tuple[str, datetime]) -> tuple[Visit, list[Booking]]:
    """A visit whose first booking carries the visit's code, as ``visit_book`` makes it."""
    visit = Visit.objects.create(name="Chain Customer", token_hash=secrets.token_hex(32))
    bookings = []
    for position, (code, start) in enumerate(legs):
        extra = {"code": visit.code} if position == 0 else {}
        bookings.append(
            Booking.objects.create(
                visit=visit,
                position=position,
                service=service(code),
                site=site,
                channel=Channel.IN_PERSON,
                start=start,
                end=start + timedelta(minutes=20),
                **extra,
            )
        )
    return visit, bookings


def test_check_in__visit_code__checks_in_every_leg_of_the_day(demo):
    pori = demo["pori"]
    visit, (kela, vero) = _chain(
        pori,
        ("housing-allowance", NOON + timedelta(minutes=10)),
        ("tax-card", NOON + timedelta(minutes=35)),
    )
    result = booking_check_in(site=pori, code=visit.code, now=NOON)
    assert not result.late and not result.already
    assert result.ticket.booking_id == kela.pk and result.ticket.due_at == kela.start
    [later] = result.others
    assert later.booking_id == vero.pk and later.kind == Kind.BOOKING and later.due_at == vero.start
    assert {b.state for b in Booking.objects.filter(visit=visit)} == {BookingState.CHECKED_IN}
    assert [t.pk for t in visit_tickets(result.ticket)] == [later.pk]
    again = booking_check_in(site=pori, code=visit.code, now=NOON)
    assert again.already and again.ticket.pk == result.ticket.pk
    assert [t.pk for t in again.others] == [later.pk]


def test_check_in__a_leg_on_another_day__is_left_for_its_day(demo):
    pori = demo["pori"]
    visit, (today, moved) = _chain(
        pori,
        ("housing-allowance", NOON + timedelta(minutes=10)),
        ("tax-card", NOON + timedelta(days=2)),
    )
    result = booking_check_in(site=pori, code=visit.code, now=NOON)
    assert result.others == ()
    moved.refresh_from_db()
    assert moved.state == BookingState.BOOKED and not moved.tickets.exists()
    with pytest.raises(QueueError) as err:  # the first leg done, the next one's day told
        booking_check_in(site=pori, code=visit.code, now=NOON + timedelta(days=1))
    assert "29.11.2026" in err.value.message


def test_check_in__a_later_legs_own_code__checks_in_that_leg_only(demo):
    pori = demo["pori"]
    visit, (kela, vero) = _chain(
        pori,
        ("housing-allowance", NOON + timedelta(minutes=10)),
        ("tax-card", NOON + timedelta(minutes=35)),
    )
    result = booking_check_in(site=pori, code=vero.code, now=NOON + timedelta(minutes=10))
    assert result.ticket.booking_id == vero.pk and result.others == ()
    kela.refresh_from_db()
    assert kela.state == BookingState.BOOKED


def test_call_next__chain_customer_at_one_desk__is_not_called_to_the_next(demo):
    pori = demo["pori"]
    now = NOON  # both legs on one local day, whatever the hour the test runs at
    visit, (kela, vero) = _chain(
        pori,
        ("housing-allowance", now + timedelta(minutes=5)),
        ("tax-card", now + timedelta(minutes=6)),
    )
    result = booking_check_in(site=pori, code=visit.code, now=now)
    kela_official, kela_scope = serve("kela.pori1")
    vero_official, vero_scope = serve("vero.pori1")
    called = ticket_call_next(
        official=kela_official, scope=kela_scope, now=now + timedelta(minutes=5)
    )
    assert called.ticket.pk == result.ticket.pk
    # While the customer is at Kela's desk, the tax office does not call them.
    later = now + timedelta(minutes=7)
    assert ticket_call_next(official=vero_official, scope=vero_scope, now=later).reason == "empty"
    ticket_finish(ticket=called.ticket, official=kela_official, now=later)
    nxt = ticket_call_next(official=vero_official, scope=vero_scope, now=later)
    assert nxt.ticket.pk == result.others[0].pk and nxt.ticket.state == TicketState.CALLED


def test_call_next__chain_customer_at_one_desk__the_next_in_line_is_called(demo):
    # The booked leg comes first in the tax office's order, but its customer is at
    # Kela's desk: the walk-in behind them is called, and the leg keeps its place.
    pori = demo["pori"]
    now = NOON
    visit, _legs = _chain(
        pori,
        ("housing-allowance", now + timedelta(minutes=5)),
        ("tax-card", now + timedelta(minutes=6)),
    )
    result = booking_check_in(site=pori, code=visit.code, now=now)
    walk_in = ticket_create(site=pori, service=service("tax-card"), now=now + timedelta(minutes=1))
    kela_official, kela_scope = serve("kela.pori1")
    vero_official, vero_scope = serve("vero.pori1")
    at_kela = ticket_call_next(
        official=kela_official, scope=kela_scope, now=now + timedelta(minutes=5)
    )
    assert at_kela.ticket.pk == result.ticket.pk
    later = now + timedelta(minutes=7)
    called = ticket_call_next(official=vero_official, scope=vero_scope, now=later)
    assert called.ticket.pk == walk_in.pk
    leg = result.others[0]
    leg.refresh_from_db()
    assert leg.state == TicketState.WAITING


def test_check_in_api__lists_the_later_legs(client, demo):
    pori = demo["pori"]
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=5)
    visit, (_kela, vero) = _chain(
        pori, ("housing-allowance", soon), ("tax-card", soon + timedelta(seconds=60))
    )
    if local_day(soon) != local_day(vero.start):
        pytest.skip("both legs must fall on one local day")
    r = client.post(
        "/api/v1/queueing/check-in",
        {"site": "pori", "code": visit.code},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    [other] = r.json()["others"]
    assert other["service"] == "tax-card" and other["number"].startswith("V")
