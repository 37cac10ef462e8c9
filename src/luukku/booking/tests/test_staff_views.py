"""An official's pages of their customers' bookings: scope, contact on demand, audit events."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from luukku.audit.models import AccessAction, AccessEvent
from luukku.booking.models import BookingState
from luukku.queueing.models import Ticket

from .staff_helpers import EMAIL, NAME, PHONE, login, make_booking

pytestmark = pytest.mark.django_db


@pytest.fixture
def soon():
    return timezone.now() + timedelta(minutes=10)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a request leaves for after commit (the test itself never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _events(**kw):
    return list(AccessEvent.objects.filter(**kw))


def test_staff_list__shows_own_agency_at_own_sites_with_needs__not_contact(
    client, demo, soon, committed
):
    mine = make_booking(demo["pori"], "benefit-advice", soon, interpreter="so", accessible=True)
    other_agency = make_booking(demo["pori"], "tax-card", soon, name="Ville Verovieras")
    other_site = make_booking(demo["rauma"], "benefit-advice", soon, name="Raili Raumalainen")
    user = login(client, "kela.pori1")
    with committed():
        resp = client.get(reverse("staff:bookings"))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert NAME in html and mine.code in html
    assert "Ville Verovieras" not in html and other_agency.code not in html
    assert "Raili Raumalainen" not in html and other_site.code not in html
    assert "so" in html and PHONE not in html and EMAIL not in html
    listed = _events(action=AccessAction.LIST, booking_id=mine.pk)
    assert len(listed) == 1
    event = listed[0]
    assert (event.actor_id, event.actor_username, event.remote_addr) == (
        user.pk,
        "kela.pori1",
        "127.0.0.1",
    )
    assert (event.site_id, event.agency_id, event.visit_id) == (
        demo["pori"].pk,
        mine.service.agency_id,
        mine.visit_id,
    )
    assert not _events(booking_id__in=[other_agency.pk, other_site.pk])


def test_staff_booking__open_then_contact__each_audited(client, demo, soon, committed):
    b = make_booking(demo["pori"], "benefit-advice", soon)
    login(client, "kela.pori1")
    with committed():
        page = client.get(reverse("staff:booking", kwargs={"code": b.code}))
    assert page.status_code == 200 and NAME in page.content.decode()
    assert PHONE not in page.content.decode()
    with committed():
        shown = client.post(reverse("staff:contact", kwargs={"code": b.code}))
    assert shown.status_code == 200
    assert PHONE in shown.content.decode() and EMAIL in shown.content.decode()
    actions = sorted(e.action for e in _events(booking_id=b.pk))
    assert actions == [AccessAction.CONTACT, AccessAction.OPEN]


def test_staff_booking__another_agencys_or_missing__same_404(client, demo, soon):
    foreign = make_booking(demo["pori"], "tax-card", soon)
    login(client, "kela.pori1")
    for code in (foreign.code, "ZZZZZZZZ"):
        assert client.get(reverse("staff:booking", kwargs={"code": code})).status_code == 404
        assert client.post(reverse("staff:contact", kwargs={"code": code})).status_code == 404
    assert not _events(booking_id=foreign.pk)


def test_staff_search__by_code__opens_the_booking(client, demo, soon):
    b = make_booking(demo["pori"], "benefit-advice", soon)
    login(client, "kela.pori1")
    resp = client.get(reverse("staff:bookings"), {"code": b.code.lower()})
    assert resp.status_code == 302 and resp["Location"].endswith(f"/staff/bookings/{b.code}/")
    miss = client.get(reverse("staff:bookings"), {"code": "ZZZZ-ZZZZ"}, follow=True)
    assert (
        "None of your bookings has this code." in miss.content.decode() or miss.status_code == 200
    )


def test_staff_check_in__for_the_customer__gives_a_number_and_is_audited(
    client, demo, soon, committed
):
    b = make_booking(demo["pori"], "benefit-advice", soon)
    login(client, "kela.pori1")
    with committed():
        resp = client.post(reverse("staff:check_in", kwargs={"code": b.code}))
    assert resp.status_code == 302
    b.refresh_from_db()
    assert b.state == BookingState.CHECKED_IN
    ticket = Ticket.objects.get(booking=b)
    assert ticket.site_id == demo["pori"].pk and ticket.kind == "booking"
    assert _events(booking_id=b.pk, action=AccessAction.CHECK_IN)


def test_staff_check_in__too_early__refused_with_the_reason(client, demo):
    b = make_booking(demo["pori"], "benefit-advice", timezone.now() + timedelta(days=2))
    login(client, "kela.pori1")
    resp = client.post(reverse("staff:check_in", kwargs={"code": b.code}))
    assert resp.status_code == 409
    b.refresh_from_db()
    assert b.state == BookingState.BOOKED and not Ticket.objects.filter(booking=b).exists()


def test_staff_cancel__with_reason__cancelled_told_and_audited(client, demo, soon, committed):
    b = make_booking(demo["pori"], "benefit-advice", soon)
    user = login(client, "kela.pori1")
    refused = client.post(reverse("staff:cancel", kwargs={"code": b.code}), {"reason": "  "})
    assert refused.status_code == 400 and "reason" in refused.content.decode().lower()
    b.refresh_from_db()
    assert b.state == BookingState.BOOKED
    with committed():
        resp = client.post(
            reverse("staff:cancel", kwargs={"code": b.code}), {"reason": "Asiakas soitti"}
        )
    assert resp.status_code == 302
    b.refresh_from_db()
    assert b.state == BookingState.CANCELLED
    assert b.cancel_reason == "Asiakas soitti" and b.cancelled_by.user_id == user.pk
    assert b.visit.deliveries.filter(kind="cancellation").exists()  # the customer is told
    assert _events(booking_id=b.pk, action=AccessAction.CANCEL)


def test_staff_pages__other_roles_refused(client, demo, soon):
    b = make_booking(demo["pori"], "benefit-advice", soon)
    anonymous = client.get(reverse("staff:bookings"))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    for username in ("neuvoja", "esihenkilo", "kirjasto", "suunnittelija"):
        login(client, username)
        assert client.get(reverse("staff:bookings")).status_code in (403, 404), username
        assert client.get(reverse("staff:booking", kwargs={"code": b.code})).status_code in (
            403,
            404,
        ), username
    assert not AccessEvent.objects.exists()


def test_staff_list__queries_do_not_grow_with_the_bookings(client, demo, soon):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, "kela.pori1")
    client.get(reverse("staff:bookings"))  # the session and the profile, once

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("staff:bookings")).status_code == 200
        return len(ctx.captured_queries)

    make_booking(demo["pori"], "benefit-advice", soon)
    few = count()
    for i in range(5):
        make_booking(
            demo["pori"], "housing-allowance", soon + timedelta(minutes=i), accessible=True
        )
    assert count() == few


def test_desk__links_an_official_to_their_bookings(client, demo):
    login(client, "kela.pori1")
    assert reverse("staff:bookings") in client.get(reverse("queueing:desk")).content.decode()


def test_staff_pages__in_finnish_and_swedish(client, demo, soon):
    b = make_booking(demo["pori"], "benefit-advice", soon)
    login(client, "kela.pori1")
    assert "Asiakkaideni varaukset" in client.get(reverse("staff:bookings")).content.decode()
    page = client.get(reverse("staff:booking", kwargs={"code": b.code}), HTTP_ACCEPT_LANGUAGE="sv")
    assert "Visa kontaktuppgifter" in page.content.decode()
