"""Abuse limits: rate limits per client (429 with Retry-After, pages and API alike),
open bookings per contact and agency, and the booking horizon.

The rest of the suite runs with the rate limits off (conftest.py); these tests turn
them on, each with its own client address so that their counts never meet.
"""

from __future__ import annotations

import itertools

import pytest
from django.core.cache import cache
from django.urls import resolve

from luukku.booking.models import Visit
from luukku.booking.tests.test_api import API, book, first_slot
from luukku.booking.tests.test_views import contact, first_time_url, post_confirm
from luukku.web.middleware import LIMITED_VIEWS

pytestmark = pytest.mark.django_db
_addresses = itertools.count(1)


@pytest.fixture
def limits(settings, client):
    """Rate limits on, tight, for a client address no other test uses."""
    settings.RATELIMIT_ENABLE = True
    settings.LUUKKU_RATE_LIMITS = {
        "search": "3/m",
        "booking": "2/h",
        "ticket": "2/m",
        "sign-in": "2/m",
    }
    n = next(_addresses)
    client.defaults["REMOTE_ADDR"] = f"10.14.{n // 250}.{n % 250 + 1}"


def test_limited_views__every_name_resolves():
    """A renamed view must not silently drop out of the limits."""
    paths = {
        "booking:search": "/book/",
        "booking:confirm": "/book/confirm/",
        "queueing:take": "/sites/pori/kiosk/take/",
        "queueing:check_in": "/sites/pori/kiosk/check-in/",
        "login": "/accounts/login/",
        "api:services_search": f"{API}/services",
        "api:availability_get": f"{API}/availability",
        "api:chain_availability_get": f"{API}/chain-availability",
        "api:booking_create": f"{API}/bookings",
        "api:create_ticket": "/api/v1/queueing/tickets",
        "api:check_in": "/api/v1/queueing/check-in",
    }
    assert set(paths) == set(LIMITED_VIEWS)
    for name, path in paths.items():
        assert resolve(path).view_name == name


def test_search_api__over_the_rate__429_with_retry_after(client, demo, limits):
    url = f"{API}/availability?service=tax-card&limit=1"
    assert [client.get(url).status_code for _ in range(3)] == [200] * 3
    resp = client.get(url)
    assert resp.status_code == 429
    assert 1 <= int(resp["Retry-After"]) <= 60
    assert resp.json()["detail"][0]["loc"] == ["client"]
    # another client is not affected
    assert client.get(url, REMOTE_ADDR="10.99.99.99").status_code == 200


def test_search_page__over_the_rate__429_page(client, demo, limits):
    for _ in range(3):
        assert client.get("/book/", {"q": "passi"}).status_code == 200
    resp = client.get("/book/", {"q": "passi"})
    assert resp.status_code == 429 and int(resp["Retry-After"]) >= 1
    assert "<h1>" in resp.content.decode()


def test_booking_api__over_the_rate__429(client, demo, limits, settings):
    settings.LUUKKU_RATE_LIMITS["search"] = ""
    codes = [
        book(client, first_slot(client, site="pori"), phone=f"040 100 00{i:02d}").status_code
        for i in range(3)
    ]
    assert codes == [201, 201, 429]


def test_booking_page__over_the_rate__429(client, demo, limits, settings):
    settings.LUUKKU_RATE_LIMITS["search"] = ""
    for i in range(2):
        url = first_time_url(client)
        resp = post_confirm(client, url, **contact(phone=f"040 200 00{i:02d}"))
        assert resp.status_code == 302
    resp = post_confirm(client, first_time_url(client), **contact(phone="040 2000099"))
    assert resp.status_code == 429 and "Retry-After" in resp


def test_kiosk_ticket__page_and_api__429(client, demo, limits):
    take = "/sites/pori/kiosk/take/"
    assert client.post(take, {"service": "advice"}).status_code == 302
    api = client.post(
        "/api/v1/queueing/tickets",
        {"site": "pori", "service": "advice"},
        content_type="application/json",
    )
    assert api.status_code == 201
    assert client.post(take, {"service": "advice"}).status_code == 429
    api = client.post(
        "/api/v1/queueing/tickets",
        {"site": "pori", "service": "advice"},
        content_type="application/json",
    )
    assert api.status_code == 429 and api["Retry-After"]


def test_sign_in__over_the_rate__429(client, demo, limits):
    for _ in range(2):
        client.post("/accounts/login/", {"username": "x", "password": "y"})
    resp = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert resp.status_code == 429


def test_limits__counted_in_the_database_cache(client, demo, limits, settings):
    """The count lives in the shared database cache, so every server process sees it."""
    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    cache.clear()
    client.get(f"{API}/availability?service=tax-card&limit=1")
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM luukku_cache")
        assert cur.fetchone()[0] >= 1


# -- open bookings per contact -------------------------------------------------------


def test_open_bookings_per_contact__limit_per_agency(client, demo, settings):
    settings.LUUKKU_MAX_OPEN_BOOKINGS_PER_CONTACT = 2
    phones = ["040 123 4567", "+358401234567", "0401234567"]  # one number, three ways
    codes = [
        book(client, first_slot(client, service="tax-card", site="pori"), "tax-card", phone=p)
        for p in phones
    ]
    assert [r.status_code for r in codes] == [201, 201, 422]
    assert codes[2].json()["detail"][0]["loc"][-1] == "phone"
    # another agency still takes the same number
    other = book(client, first_slot(client, site="pori"), "passport", phone="040 123 4567")
    assert other.status_code == 201, other.content


def test_open_bookings_per_contact__email_case_folded_and_cancelled_ones_free(
    client, demo, settings
):
    settings.LUUKKU_MAX_OPEN_BOOKINGS_PER_CONTACT = 1
    first = book(client, first_slot(client, site="pori"), phone="", email="Matti@Example.fi").json()
    resp = book(client, first_slot(client, site="pori"), phone="", email="matti@example.FI")
    assert resp.status_code == 422 and resp.json()["detail"][0]["loc"][-1] == "email"
    assert client.post(f"{API}/bookings/{first['token']}/cancel").status_code == 200
    again = book(client, first_slot(client, site="pori"), phone="", email="matti@example.fi")
    assert again.status_code == 201


def test_open_bookings_per_contact__page_names_the_phone(client, demo, settings):
    settings.LUUKKU_MAX_OPEN_BOOKINGS_PER_CONTACT = 1
    assert post_confirm(client, first_time_url(client), **contact()).status_code == 302
    resp = post_confirm(client, first_time_url(client), **contact())
    assert resp.status_code == 422
    assert 'id="id_phone_error"' in resp.content.decode()
    assert Visit.objects.filter(phone="+358401234567").count() == 1
