"""How many queries the busy queueing endpoints make: an N+1 query is a bug with a test.

Counted on a warm process (the registry snapshot built, as on a running server):
each count is what the endpoint needs now, so a change that adds a query per
customer, per call or per space shows up here.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from luukku.queueing.services import ticket_call_next, ticket_create
from luukku.registry.snapshot import registry_snapshot

from .helpers import serve, service

pytestmark = pytest.mark.django_db
API = "/api/v1/queueing"


@pytest.fixture
def warm(demo):
    registry_snapshot()
    return demo


def test_queries__kiosk_ticket(client, warm, django_assert_num_queries):
    # The estimate (5 queries) is made twice: by ticket_create, then for the answer.
    ticket_create(site=warm["pori"], service=service("housing-allowance"))
    with django_assert_num_queries(21):
        r = client.post(
            f"{API}/tickets",
            {"site": "pori", "service": "housing-allowance"},
            content_type="application/json",
        )
    assert r.status_code == 201


def test_queries__call_next(client, warm, django_assert_num_queries):
    client.force_login(get_user_model().objects.get(username="kela.pori1"))
    serve("kela.pori1", "housing-allowance")
    for _ in range(5):
        ticket_create(site=warm["pori"], service=service("housing-allowance"))
    # 17: the answer also names the later services on the number (TicketStep).
    with django_assert_num_queries(17):
        r = client.post(f"{API}/desk/call-next")
    assert r.json()["result"] == "called"


def test_queries__call_next_service_does_not_grow_with_the_queue(warm, django_assert_num_queries):
    profile, scope = serve("kela.pori1", "housing-allowance")
    for _ in range(30):
        ticket_create(site=warm["pori"], service=service("housing-allowance"))
    with django_assert_num_queries(8):
        assert ticket_call_next(official=profile, scope=scope).reason == "called"


def test_queries__display_feed(client, warm, django_assert_num_queries):
    # One waiting queue: its estimate costs 5 of these, once per waiting queue
    # (selectors.queue_overview), which the monitoring work is to replace.
    profile, scope = serve("kela.pori1", "housing-allowance")
    for _ in range(3):
        ticket_create(site=warm["pori"], service=service("housing-allowance"))
    ticket_call_next(official=profile, scope=scope)
    with django_assert_num_queries(11):
        client.get(f"{API}/sites/pori")
