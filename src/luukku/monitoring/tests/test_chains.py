"""Chained visits in the daily aggregates and the report (issue 16 item 3): how many
customers two or more agencies served in one visit, in which order, hand-over times."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import pytest

from luukku.access.testing import sign_in
from luukku.booking.models import Booking, BookingState, Channel, Visit
from luukku.monitoring.models import DailyChainSequence
from luukku.monitoring.selectors import chain_summary
from luukku.monitoring.services import day_aggregate, local_today
from luukku.queueing.models import Kind, Ticket
from luukku.queueing.services import (
    ticket_call_next,
    ticket_create,
    ticket_finish,
    ticket_start,
    ticket_transfer,
)
from luukku.queueing.tests.helpers import serve, service

pytestmark = pytest.mark.django_db

#: Noon in Helsinki on a past working day.
NOON = datetime(2026, 11, 10, 10, 0, tzinfo=UTC)


def _passed_on_kela_to_vero(pori, now):
    t = ticket_create(site=pori, service=service("housing-allowance"), now=now)
    kela, kscope = serve("kela.pori1")
    assert ticket_call_next(official=kela, scope=kscope, now=now).ticket.pk == t.pk
    ticket_start(ticket=t, official=kela, now=now + timedelta(minutes=1))
    ticket_transfer(
        ticket=t, official=kela, service_code="tax-card", now=now + timedelta(minutes=10)
    )
    vero, vscope = serve("vero.pori1")
    called = ticket_call_next(official=vero, scope=vscope, now=now + timedelta(minutes=14))
    assert called.ticket.pk == t.pk and called.ticket.kind == Kind.CHAIN
    ticket_finish(ticket=called.ticket, official=vero, now=now + timedelta(minutes=20))
    return t


def _booked_chain(pori, start):
    visit = Visit.objects.create(name="Ei näy", token_hash=secrets.token_hex(32))
    legs = []
    for position, (code, offset) in enumerate((("passport", 0), ("tax-card", 30))):
        b = Booking.objects.create(
            visit=visit, position=position, service=service(code), site=pori,
            channel=Channel.IN_PERSON, start=start + timedelta(minutes=offset),
            end=start + timedelta(minutes=offset + 20), state=BookingState.DONE,
        )  # fmt: skip
        legs.append(b)
    for b, (called, ended) in zip(legs, ((0, 15), (18, 30)), strict=True):
        Ticket.objects.create(
            site=pori, queue=ticket_create(site=pori, service=b.service, now=start).queue,
            service=b.service, number=f"X{b.pk}", day=local_today(start), kind=Kind.BOOKING,
            booking=b, state="done", queued_at=start,
            called_at=start + timedelta(minutes=called),
            service_ended_at=start + timedelta(minutes=ended),
        )  # fmt: skip


def test_day_aggregate__chains_passed_on_and_booked(demo):
    pori = demo["pori"]
    now = NOON  # fixed: a chain started at 23:50 would end on the next day
    _passed_on_kela_to_vero(pori, now)
    _booked_chain(pori, now)
    day = local_today(now)
    day_aggregate(day=day)
    rows = {(r.kind, r.sequence): r for r in DailyChainSequence.objects.filter(day=day)}
    passed = rows[("passed_on", "KELA>VERO")]
    assert (passed.visits, passed.handovers, passed.handover_sum_s) == (1, 1, 4 * 60)
    booked = rows[("booked", "POLIISI>VERO")]
    assert (booked.visits, booked.handovers, booked.handover_sum_s) == (1, 1, 3 * 60)
    # Recomputing the day gives the same rows.
    day_aggregate(day=day)
    assert DailyChainSequence.objects.filter(day=day).count() == len(rows)
    summary = chain_summary(date_from=day, date_to=day, site_ids=frozenset([pori.pk]))
    assert (summary.visits, summary.passed_on, summary.booked) == (2, 1, 1)
    assert sorted(n for _a, _b, n in summary.pairs) == [1, 1]


def test_report_page__shows_the_chained_visits(client, demo):
    pori = demo["pori"]
    now = NOON
    _passed_on_kela_to_vero(pori, now)
    day = local_today(now)
    day_aggregate(day=day)
    sign_in(client, "admin")
    html = client.get(
        "/monitoring/reports/", {"date_from": day.isoformat(), "date_to": day.isoformat()}
    ).content.decode()
    section = html[html.index('id="chains-h"') : html.index('id="advice-h"')]
    assert "4.0" in section and "→" in section
