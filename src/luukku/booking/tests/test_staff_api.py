"""The staff API: the same scope, services and audit events as the staff pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from luukku.audit.models import AccessAction, AccessEvent
from luukku.booking.models import BookingState
from luukku.queueing.models import Ticket

from .staff_helpers import EMAIL, NAME, PHONE, login, make_booking

pytestmark = pytest.mark.django_db
API = "/api/v1/staff"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def soon():
    return timezone.now() + timedelta(minutes=10)


def test_staff_api__list__own_bookings_with_needs_no_contact_and_audited(
    client, demo, soon, committed
):
    mine = make_booking(demo["pori"], "benefit-advice", soon, interpreter="ar", accessible=True)
    foreign = make_booking(demo["pori"], "tax-card", soon)
    login(client, "kela.pori1")
    with committed():
        resp = client.get(f"{API}/bookings", {"days": 2})
    assert resp.status_code == 200, resp.content
    rows = {r["code"]: r for r in resp.json()}
    assert mine.code in rows and foreign.code not in rows
    row = rows[mine.code]
    assert row["name"] == NAME and row["needs"] == ["interpreter:ar", "wheelchair"]
    assert "phone" not in row and "email" not in row and PHONE not in resp.content.decode()
    assert AccessEvent.objects.filter(booking_id=mine.pk, action=AccessAction.LIST).exists()


def test_staff_api__get_and_contact__audited(client, demo, soon, committed):
    b = make_booking(demo["pori"], "benefit-advice", soon)
    login(client, "kela.pori1")
    with committed():
        one = client.get(f"{API}/bookings/{b.code}")
        contact = client.get(f"{API}/bookings/{b.code.lower()}/contact")
    assert one.status_code == 200 and one.json()["code"] == b.code
    assert contact.json() == {"code": b.code, "phone": PHONE, "email": EMAIL}
    actions = sorted(AccessEvent.objects.filter(booking_id=b.pk).values_list("action", flat=True))
    assert actions == [AccessAction.CONTACT, AccessAction.OPEN]


def test_staff_api__foreign_missing_or_malformed_code__404_or_422_never_500(client, demo, soon):
    foreign = make_booking(demo["rauma"], "benefit-advice", soon)
    login(client, "kela.pori1")
    for code in (foreign.code, "ZZZZZZZZ"):
        resp = client.get(f"{API}/bookings/{code}")
        assert resp.status_code == 404 and resp.json()["detail"][0]["loc"] == ["path", "code"]
    assert client.get(f"{API}/bookings/{'A' * 40}").status_code == 422
    assert client.get(f"{API}/bookings", {"days": 400}).status_code == 422
    assert client.get(f"{API}/bookings", {"from": "9999-12-31"}).status_code == 422
    assert client.get(f"{API}/bookings", {"from": "2000-01-01"}).status_code == 422


def test_staff_api__check_in__a_number_for_the_customer(client, demo, soon, committed):
    b = make_booking(demo["pori"], "benefit-advice", soon)
    login(client, "kela.pori1")
    with committed():
        resp = client.post(f"{API}/bookings/{b.code}/check-in")
    assert resp.status_code == 201, resp.content
    assert resp.json()["number"] == Ticket.objects.get(booking=b).number
    again = client.post(f"{API}/bookings/{b.code}/check-in")
    assert again.status_code == 201 and again.json()["already"] is True
    assert AccessEvent.objects.filter(booking_id=b.pk, action=AccessAction.CHECK_IN).exists()


def test_staff_api__cancel__needs_a_reason_then_cancels(client, demo, soon, committed):
    b = make_booking(demo["pori"], "benefit-advice", soon)
    login(client, "kela.pori1")
    for body in ({}, {"reason": ""}, {"reason": "x" * 201}, {"reason": "a\u0007b"}):
        resp = client.post(f"{API}/bookings/{b.code}/cancel", body, content_type="application/json")
        assert resp.status_code in (400, 422), (body, resp.status_code)
        assert "reason" in str(resp.json()), body
    with committed():
        resp = client.post(
            f"{API}/bookings/{b.code}/cancel",
            {"reason": "Asiakas pyysi"},
            content_type="application/json",
        )
    assert resp.status_code == 200, resp.content
    assert resp.json()["state"] == BookingState.CANCELLED
    again = client.post(
        f"{API}/bookings/{b.code}/cancel", {"reason": "uudestaan"}, content_type="application/json"
    )
    assert again.status_code == 409
    assert AccessEvent.objects.filter(booking_id=b.pk, action=AccessAction.CANCEL).count() == 1


def test_staff_api__anonymous_401__other_roles_403(client, demo, soon):
    b = make_booking(demo["pori"], "benefit-advice", soon)
    assert client.get(f"{API}/bookings").status_code == 401
    assert client.post(f"{API}/bookings/{b.code}/check-in").status_code == 401
    for username in ("neuvoja", "esihenkilo", "kirjasto", "kela.paakayttaja"):
        login(client, username)
        assert client.get(f"{API}/bookings").status_code == 403, username
        assert client.get(f"{API}/bookings/{b.code}/contact").status_code == 403, username
    assert not AccessEvent.objects.exists()
