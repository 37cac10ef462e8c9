"""Walk-ins with needs (issue 15 item 3): group size, wheelchair access and interpreter
language told at the kiosk reach the ticket, the space chosen at call time, the desk."""

from __future__ import annotations

import pytest
from django.utils import timezone

from luukku.queueing.models import Ticket
from luukku.queueing.selectors import interpreter_help
from luukku.queueing.services import Needs, QueueError, needs_from, ticket_call_next, ticket_create
from luukku.registry.models import Space

from .helpers import official, serve, service

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"group_size": "0"}, "group_size"),
        ({"group_size": "13"}, "group_size"),
        ({"group_size": "many"}, "group_size"),
        ({"interpreter_language": "xx"}, "interpreter_language"),
    ],
)
def test_needs_from__bad_values_name_the_field(data, field):
    with pytest.raises(QueueError) as err:
        needs_from(data)
    assert err.value.field == field and err.value.status == 400


def test_kiosk_take__needs_on_the_ticket(client, demo):
    r = client.post(
        "/sites/pori/kiosk/take/",
        {"service": "housing-allowance", "group_size": "4", "needs_accessible": "on",
         "interpreter_language": "ar"},
    )  # fmt: skip
    assert r.status_code == 302
    t = Ticket.objects.get()
    assert (t.group_size, t.needs_accessible, t.interpreter_language) == (4, True, "ar")


def test_kiosk_take__bad_group__400_back_at_the_services(client, demo):
    r = client.post("/sites/pori/kiosk/take/", {"service": "housing-allowance", "group_size": "0"})
    html = r.content.decode()
    assert r.status_code == 400 and 'data-service="housing-allowance"' in html
    assert 'role="alert"' in html and not Ticket.objects.exists()


def test_api_take__needs(client, demo):
    r = client.post(
        "/api/v1/queueing/tickets",
        {"site": "pori", "service": "housing-allowance", "group_size": 3},
        content_type="application/json",
    )
    assert r.status_code == 201 and Ticket.objects.get().group_size == 3
    r = client.post(
        "/api/v1/queueing/tickets",
        {"site": "pori", "service": "housing-allowance", "group_size": 40},
        content_type="application/json",
    )
    assert r.status_code == 400 and "group_size" in r.content.decode()


def test_call__a_group_gets_a_space_that_seats_it_step_free(demo):
    pori = demo["pori"]
    t = ticket_create(
        site=pori, service=service("housing-allowance"), now=timezone.now(),
        needs=Needs(group_size=5, accessible=True),
    )  # fmt: skip
    assert Space.objects.filter(site=pori, capacity__gte=5, accessible=True).exists()
    me, scope = serve("kela.pori1")
    called = ticket_call_next(official=me, scope=scope)
    assert called.reason == "called" and called.ticket.pk == t.pk
    assert called.ticket.space.capacity >= 5 and called.ticket.space.accessible


def test_interpreter_help__whom_to_ask(demo):
    t = ticket_create(
        site=demo["pori"], service=service("housing-allowance"), now=timezone.now(),
        needs=Needs(interpreter_language="ar"),
    )  # fmt: skip
    kela = official("kela.pori1")
    help_ = interpreter_help(t, kela)
    assert help_.language == "ar" and help_.official_speaks is ("ar" in kela.languages)
    if not help_.official_speaks:
        assert all("ar" in i.languages for i in help_.on_site + help_.remote)
