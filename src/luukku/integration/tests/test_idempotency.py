"""Idempotency keys: a retry gets the first answer's ticket or booking, never a second one."""

from __future__ import annotations

import re
import uuid
from html import unescape

import pytest
from django.urls import reverse

from luukku.booking.models import Visit
from luukku.booking.services import Customer, Leg, visit_book
from luukku.booking.tests.helpers import tax_card_remote
from luukku.booking.tests.test_api import API as BOOKING_API
from luukku.booking.tests.test_api import book, first_slot
from luukku.booking.tests.test_concurrency import race
from luukku.booking.tests.test_views import contact, first_time_url
from luukku.integration.models import IdempotencyKey
from luukku.queueing.models import Ticket
from luukku.queueing.services import ticket_create
from luukku.registry.models import Service

TICKETS = "/api/v1/queueing/tickets"
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def _take(client, key: str | None, service: str = "benefit-advice"):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(
        TICKETS,
        {"site": "pori", "service": service},
        content_type="application/json",
        headers=headers,
    )


@pytest.mark.django_db
def test_ticket_api__retry_with_the_same_key__same_ticket(client, demo):
    key = str(uuid.uuid4())
    first, again = _take(client, key), _take(client, key)
    assert first.status_code == again.status_code == 201, first.content
    assert first.json()["token"] == again.json()["token"]
    assert first.json()["number"] == again.json()["number"]
    assert Ticket.objects.count() == 1
    other = _take(client, str(uuid.uuid4()))
    assert other.json()["number"] != first.json()["number"]


@pytest.mark.django_db
def test_ticket_api__same_key_other_request__422_naming_the_header(client, demo):
    key = str(uuid.uuid4())
    assert _take(client, key).status_code == 201
    resp = _take(client, key, service="advice")
    assert resp.status_code == 422
    assert resp.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["short", "x" * 129, "has a space in it, long enough"])
def test_ticket_api__malformed_key__422_naming_the_header(client, demo, key):
    resp = _take(client, key)
    assert resp.status_code == 422, resp.content
    assert resp.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert Ticket.objects.count() == 0


@pytest.mark.django_db
def test_booking_api__retry_with_the_same_key__same_visit_and_working_link(client, demo):
    slot = first_slot(client, site="pori")
    key = str(uuid.uuid4())
    first = client.post(
        f"{BOOKING_API}/bookings",
        book_body(slot),
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )
    again = client.post(
        f"{BOOKING_API}/bookings",
        book_body(slot),
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )
    assert first.status_code == again.status_code == 201, (first.content, again.content)
    assert first.json()["bookings"][0]["code"] == again.json()["bookings"][0]["code"]
    assert first.json()["token"] == again.json()["token"]
    assert Visit.objects.count() == 1
    assert client.get(f"{BOOKING_API}/bookings/{again.json()['token']}").status_code == 200
    # Only digests are kept: neither the key nor the token is in the key's row.
    row = IdempotencyKey.objects.get()
    assert key not in (row.digest, row.fingerprint) and first.json()["token"] not in row.digest


def book_body(slot):
    return {
        "site": slot["site"],
        "name": "Testi Asiakas",
        "phone": "0401234567",
        "legs": [{"service": "passport", "start": slot["start"], "channel": slot["channel"]}],
    }


@pytest.mark.django_db
def test_booking_api__without_a_key__books_each_time(client, demo):
    slot = first_slot(client, site="pori")
    assert book(client, slot).status_code == 201
    assert IdempotencyKey.objects.count() == 0


def _form(html: str) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in HIDDEN.findall(html):
        if name != "csrfmiddlewaretoken":
            data.setdefault(name, []).append(unescape(value))
    return data


@pytest.mark.django_db
def test_booking_page__form_sent_twice__one_booking(client, demo):
    page = client.get(first_time_url(client)).content.decode()
    data = _form(page) | {k: [v] for k, v in contact().items()}
    assert data["idempotency_key"][0]
    first = client.post(reverse("booking:confirm"), data)
    again = client.post(reverse("booking:confirm"), data)
    assert first.status_code == again.status_code == 302
    assert Visit.objects.count() == 1
    done = client.get(reverse("booking:done"))
    assert done.status_code == 200
    assert Visit.objects.get().bookings.get().code in done.content.decode()


@pytest.mark.django_db
def test_booking_page__done_page_token_is_in_a_cookie_not_the_session(client, demo):
    page = client.get(first_time_url(client)).content.decode()
    resp = client.post(
        reverse("booking:confirm"),
        _form(page) | {"name": ["A"], "phone": ["0401234567"], "language": ["fi"]},
    )
    assert resp.status_code == 302
    cookie = resp.cookies["luukku_booked"]
    assert cookie["path"] == reverse("booking:done") and cookie["httponly"]
    assert "booking_token" not in client.session


@pytest.mark.django_db
def test_kiosk_page__form_sent_twice__one_ticket(client, demo):
    page = client.get(reverse("queueing:kiosk", args=["pori"])).content.decode()
    keys = re.findall(r'name="idempotency_key" value="([^"]+)"', page)
    assert keys and len(set(keys)) == len(keys)  # one key per form
    url = reverse("queueing:take", args=["pori"])
    data = {"service": "advice", "idempotency_key": keys[-1]}
    first, again = client.post(url, data), client.post(url, data)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Ticket.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_race__one_key_many_kiosk_retries__one_ticket(demo):
    key = str(uuid.uuid4())
    service = Service.objects.select_related("agency").get(code="benefit-advice")
    site = demo["pori"]
    results = race(lambda i: ticket_create(site=site, service=service, idempotency_key=key))
    assert all(isinstance(r, Ticket) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert Ticket.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_race__one_key_many_booking_retries__one_visit(demo):
    key = str(uuid.uuid4())
    service, site, slot = tax_card_remote(demo)
    customer = Customer(name="Asiakas", phone="0401234567")

    def book_once(i):
        return visit_book(
            site=site,
            legs=[Leg(service, slot.start, "remote")],
            customer=customer,
            idempotency_key=key,
        )

    results = race(book_once)
    assert all(isinstance(r, tuple) for r in results), results
    assert len({visit.pk for visit, _b, _t in results}) == 1
    assert len({token for _v, _b, token in results}) == 1
    assert Visit.objects.count() == 1
