"""Several services on one number (issue 15 item 3, persona C): the kiosk, the API and the
desk pass the same number from agency to agency, each calling it in turn."""

from __future__ import annotations

import pytest
from django.utils import timezone

from luukku.queueing.models import Handover, Kind, Ticket, TicketState, TicketStep
from luukku.queueing.services import (
    QueueError,
    ticket_call_next,
    ticket_create,
    ticket_finish,
    ticket_start,
    ticket_transfer,
)

from .helpers import serve, service

pytestmark = pytest.mark.django_db


def _serve_through(ticket_pk: int, username: str) -> Ticket:
    me, scope = serve(username)
    called = ticket_call_next(official=me, scope=scope)
    assert called.reason == "called" and called.ticket.pk == ticket_pk
    ticket_start(ticket=called.ticket, official=me)
    return ticket_finish(ticket=called.ticket, official=me)


def test_one_number_is_called_by_each_agency_in_turn(demo):
    pori = demo["pori"]
    t = ticket_create(
        site=pori,
        service=service("housing-allowance"),
        then=[service("tax-card"), service("moving-notice")],
        now=timezone.now(),
    )
    number = t.number
    assert [s.service.code for s in t.steps.all()] == ["tax-card", "moving-notice"]
    # A walk-in who came later to the tax office waits behind the passed-on customer.
    other = ticket_create(site=pori, service=service("tax-card"), now=timezone.now())

    after_kela = _serve_through(t.pk, "kela.pori1")
    assert after_kela.state == TicketState.WAITING and after_kela.service.code == "tax-card"
    assert after_kela.kind == Kind.CHAIN and after_kela.number == number
    after_vero = _serve_through(t.pk, "vero.pori1")
    assert after_vero.service.code == "moving-notice"
    done = _serve_through(t.pk, "dvv.pori1")
    assert done.state == TicketState.DONE and not TicketStep.objects.filter(ticket=t).exists()
    hops = list(
        Handover.objects.filter(ticket=t).values_list("from_agency__code", "to_agency__code")
    )
    assert hops == [("KELA", "VERO"), ("VERO", "DVV")]
    # Each hand-over keeps the space and call time of the step it ended (space use).
    for h in Handover.objects.filter(ticket=t):
        assert h.served_in_id is not None and h.served_from <= h.handed_at
    assert Ticket.objects.get(pk=other.pk).state == TicketState.WAITING


@pytest.mark.parametrize(
    "then",
    [["housing-allowance"], ["tax-card", "tax-card"], ["tax-card"] * 5],
)
def test_steps__repeated_or_too_many__refused_naming_then(demo, then):
    with pytest.raises(QueueError) as err:
        ticket_create(
            site=demo["pori"],
            service=service("housing-allowance"),
            then=[service(c) for c in then],
        )
    assert err.value.field == "then" and err.value.status == 400
    assert not Ticket.objects.exists()


def test_steps__a_service_not_served_here__refused(demo):
    site = demo["pori"]
    site.agencies_on_site.remove(service("tax-card").agency)
    with pytest.raises(QueueError) as err:
        ticket_create(site=site, service=service("housing-allowance"), then=[service("tax-card")])
    assert err.value.field == "then"


def test_transfer_to_a_planned_service_takes_it_off_the_plan(demo):
    ticket_create(
        site=demo["pori"],
        service=service("housing-allowance"),
        then=[service("tax-card"), service("moving-notice")],
    )
    me, scope = serve("kela.pori1")
    called = ticket_call_next(official=me, scope=scope)
    moved = ticket_transfer(ticket=called.ticket, official=me, service_code="moving-notice")
    assert moved.service.code == "moving-notice"
    assert [s.service.code for s in moved.steps.all()] == ["tax-card"]


def test_kiosk__several_matters_page_and_one_number(client, demo):
    page = client.get("/sites/pori/kiosk/?several=1").content.decode()
    assert 'id="take-several"' in page and 'data-service="tax-card"' in page
    r = client.post(
        "/sites/pori/kiosk/take/",
        {"service": ["housing-allowance", "tax-card", "moving-notice"], "group_size": "2"},
    )
    assert r.status_code == 302
    t = Ticket.objects.get()
    assert t.service.code == "housing-allowance" and t.group_size == 2
    assert [s.service.code for s in t.steps.all()] == ["tax-card", "moving-notice"]
    html = client.get(r["Location"]).content.decode()
    assert 'data-step="tax-card"' in html and 'data-step="moving-notice"' in html


def test_kiosk__several_with_none_ticked__400_on_the_same_page(client, demo):
    r = client.post("/sites/pori/kiosk/take/", {"group_size": "1"})
    html = r.content.decode()
    assert r.status_code == 400 and 'id="several-error"' in html and 'id="take-several"' in html


def test_api__then_and_its_errors(client, demo):
    r = client.post(
        "/api/v1/queueing/tickets",
        {"site": "pori", "service": "housing-allowance", "then": ["tax-card"]},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["then"] == ["tax-card"]
    r = client.post(
        "/api/v1/queueing/tickets",
        {"site": "pori", "service": "housing-allowance", "then": ["no-such"]},
        content_type="application/json",
    )
    assert r.status_code == 404 and r.json()["detail"][0]["loc"] == ["body", "then"]
    r = client.post(
        "/api/v1/queueing/tickets",
        {"site": "pori", "service": "housing-allowance", "then": ["housing-allowance"]},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["detail"][0]["loc"] == ["body", "then"]
