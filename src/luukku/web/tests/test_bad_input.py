"""Every bad input of issue 14's findings gets a 4xx naming the field, never a 500.

Run on SQLite and on PostgreSQL (CI runs the suite on both): PostgreSQL refuses NUL
in text and over-long values itself, SQLite stores them, so either way a 500 or a
stored value here is a bug.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from luukku.booking.models import Visit
from luukku.booking.tests.test_api import API, book, first_slot
from luukku.booking.tests.test_views import contact, first_time_url, post_confirm

pytestmark = pytest.mark.django_db

QUEUE = "/api/v1/queueing"
DESK_POSTS = [
    f"{QUEUE}/desk/session",
    f"{QUEUE}/desk/call-next",
    f"{QUEUE}/desk/tickets/1/call",
    f"{QUEUE}/desk/tickets/1/recall",
    f"{QUEUE}/desk/tickets/1/no-show",
    f"{QUEUE}/desk/tickets/1/park",
    f"{QUEUE}/desk/tickets/1/transfer",
    f"{QUEUE}/desk/tickets/1/start",
    f"{QUEUE}/desk/tickets/1/finish",
    f"{QUEUE}/desk/tickets/1/follow-up",
]


def loc(resp) -> list[str]:
    return resp.json()["detail"][0]["loc"]


@pytest.fixture
def debug(settings):
    """The findings' 500s showed with DEBUG on (Django Ninja then answers the traceback)."""
    settings.DEBUG = True


# -- dates outside the supported range -------------------------------------------


@pytest.mark.parametrize("path", ["availability", "chain-availability"])
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "9999-12-30"}, "from"),
        ({"from": "9999-12-31", "to": "9999-12-31"}, "from"),
        ({"to": "9999-12-31"}, "to"),
        ({"from": "0001-01-01"}, "from"),
    ],
)
def test_search__dates_outside_range__422_naming_field(client, demo, debug, path, params, field):
    service = (
        {"service": "tax-card"} if path == "availability" else {"services": "tax-card,passport"}
    )
    resp = client.get(f"{API}/{path}", {**service, **params})
    assert resp.status_code == 422, resp.content
    assert loc(resp)[-1] == field


@pytest.mark.parametrize(
    "start", ["9999-12-31T10:00:00+00:00", "9999-12-31T23:59:59-05:00", "2099-01-05T08:00:00+02:00"]
)
def test_booking__leg_beyond_horizon__422_start(client, demo, debug, start):
    body = {
        "site": "pori",
        "name": "Testi Asiakas",
        "phone": "040 123 4567",
        "legs": [{"service": "passport", "start": start}],
    }
    resp = client.post(f"{API}/bookings", body, content_type="application/json")
    assert resp.status_code == 422, resp.content
    assert loc(resp)[-1] == "start"
    assert not Visit.objects.filter(name="Testi Asiakas").exists()


def test_reschedule__to_year_9999__422_start(client, demo, debug):
    visit = book(client, first_slot(client, site="pori")).json()
    code = visit["bookings"][0]["code"]
    resp = client.post(
        f"{API}/bookings/{visit['token']}/reschedule",
        {"code": code, "start": "9999-12-31T10:00:00+00:00"},
        content_type="application/json",
    )
    assert resp.status_code == 422, resp.content
    assert loc(resp)[-1] == "start"


def test_booking_page__day_far_ahead__names_the_day(client, demo):
    resp = client.get("/book/", {"service": "passport", "site": "pori", "day": "9999-12-30"})
    assert resp.status_code == 200
    assert 'id="id_day_error"' in resp.content.decode()


# -- malformed multipart -----------------------------------------------------------


@pytest.mark.parametrize("path", DESK_POSTS)
def test_desk_api__multipart_without_boundary__400(client, demo, debug, path):
    client.force_login(get_user_model().objects.get(username="kela.pori1"))
    resp = client.generic("POST", path, b"--x\r\n", content_type="multipart/form-data")
    assert resp.status_code == 400, resp.content[:300]
    assert loc(resp) == ["body"]


@pytest.mark.parametrize(
    "path", ["/book/confirm/", "/sites/pori/kiosk/take/", "/desk/session/", "/accounts/login/"]
)
def test_pages__multipart_without_boundary__400(client, demo, debug, path):
    resp = client.generic("POST", path, b"--x\r\n", content_type="multipart/form-data")
    assert resp.status_code == 400


# -- control characters --------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"{API}/services?q=a%00b",
        f"{API}/availability?service=tax%00card",
        f"{API}/availability?service=tax-card&site=po%00ri",
        "/book/?q=a%00b",
        "/book/?service=passport&site=po%00ri",
        f"{QUEUE}/sites/po%00ri",
        f"{QUEUE}/tickets/ab%00cd",
        f"{API}/bookings/{'a' * 15}%00{'b' * 16}",
        "/sites/pori/kiosk/t/ab%00cd/",
        f"/book/manage/{'a' * 15}%00{'b' * 16}/",
        "/book/?q=a%01b",
        "/book/?q=a%7Fb",
    ],
)
def test_control_characters__in_query_or_path__400(client, demo, debug, url):
    resp = client.get(url)
    assert resp.status_code == 400, resp.content[:300]
    if url.startswith("/api/"):
        assert loc(resp)[0] in ("query", "path")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "Ma\u0000tti"}, ["body", "name"]),
        ({"phone": "040\u0000123"}, ["body", "phone"]),
        ({"site": "po\u0000ri"}, ["body", "site"]),
        ({"name": "Ma\ud800tti"}, ["body", "name"]),
        (
            {"legs": [{"service": "pass\u0000port", "start": "2027-01-04T08:00:00+02:00"}]},
            ["body", "legs", "0", "service"],
        ),
    ],
)
def test_control_characters__in_json__400_naming_field(client, demo, debug, change, field):
    body = {
        "site": "pori",
        "name": "Matti",
        "phone": "040 123 4567",
        "legs": [{"service": "passport", "start": "2027-01-04T08:00:00+02:00"}],
        **change,
    }
    resp = client.post(f"{API}/bookings", body, content_type="application/json")
    assert resp.status_code == 400, resp.content
    assert loc(resp) == field


def test_control_characters__in_ticket_api_body__400(client, demo, debug):
    resp = client.post(
        f"{QUEUE}/tickets",
        {"site": "po\u0000ri", "service": "passport"},
        content_type="application/json",
    )
    assert resp.status_code == 400 and loc(resp) == ["body", "site"]


def test_control_characters__in_booking_form__400_and_nothing_stored(client, demo):
    url = first_time_url(client)
    resp = post_confirm(client, url, **contact(name="Ma\x00tti"))
    assert resp.status_code == 400
    assert "name" in resp.content.decode()
    assert not Visit.objects.filter(name__startswith="Ma").exists()


def test_control_characters__in_cookie__400(client, demo):
    client.cookies["sessionid"] = "abc\x00def"
    assert client.get("/book/").status_code == 400


# -- lengths, phone numbers and e-mail addresses -----------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "M" * 100_000}, "name"),
        ({"name": "M" * 121}, "name"),
        ({"phone": "0" * 31}, "phone"),
        ({"phone": "abc"}, "phone"),
        ({"phone": "040"}, "phone"),
        ({"email": "not-an-email", "phone": ""}, "email"),
        ({"email": "a" * 250 + "@example.fi"}, "email"),
        ({"language": "x" * 9}, "language"),
        ({"site": "p" * 61}, "site"),
    ],
)
def test_booking_api__bad_contact__422_naming_field(client, demo, change, field):
    slot = first_slot(client, site="pori")
    resp = book(client, slot, **change)
    assert resp.status_code == 422, resp.content
    assert loc(resp)[-1] == field
    assert not Visit.objects.exists() or not Visit.objects.filter(name__startswith="MMM").exists()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("040 123 4567", "+358401234567"),
        ("0401234567", "+358401234567"),
        ("+358 40 123 4567", "+358401234567"),
        ("(09) 1234 567", "+35891234567"),
        ("+46 70 123 45 67", "+46701234567"),
    ],
)
def test_booking_api__phone__stored_in_e164(client, demo, typed, stored):
    resp = book(client, first_slot(client, site="pori"), phone=typed)
    assert resp.status_code == 201, resp.content
    assert Visit.objects.get(bookings__code=resp.json()["bookings"][0]["code"]).phone == stored


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "M" * 100_000}, "name"),
        ({"phone": "abc"}, "phone"),
        ({"phone": "", "email": "not-an-email"}, "email"),
    ],
)
def test_booking_page__bad_contact__422_with_field_message(client, demo, fields, field):
    resp = post_confirm(client, first_time_url(client), **contact(**fields))
    assert resp.status_code == 422
    assert f'id="id_{field}_error"' in resp.content.decode()
    assert not Visit.objects.exists() or not Visit.objects.filter(phone="abc").exists()


def test_booking_page__finnish_phone__stored_in_e164(client, demo):
    resp = post_confirm(client, first_time_url(client), **contact(phone="040 123 4567"))
    assert resp.status_code == 302
    assert Visit.objects.filter(phone="+358401234567").exists()


def test_follow_up_api__over_long_name__422(client, demo):
    client.force_login(get_user_model().objects.get(username="kela.pori1"))
    resp = client.post(
        f"{QUEUE}/desk/tickets/1/follow-up",
        {
            "service": "benefit-advice",
            "site": "pori",
            "start": "2030-01-07T10:00:00+02:00",
            "channel": "in_person",
            "name": "M" * 100_000,
            "phone": "abc",
        },
        content_type="application/json",
    )
    assert resp.status_code == 422
    assert {tuple(e["loc"])[-1] for e in resp.json()["detail"]} == {"name", "phone"}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/tickets", {"site": "p" * 61, "service": "passport"}, "site"),
        ("/check-in", {"site": "pori", "code": "C" * 201}, "code"),
    ],
)
def test_queue_api__over_long_text__422(client, demo, path, body, field):
    resp = client.post(f"{QUEUE}{path}", body, content_type="application/json")
    assert resp.status_code == 422, resp.content
    assert loc(resp)[-1] == field


@pytest.mark.parametrize("ticket_id", ["99999999999999999999", "-1", "0"])
def test_desk_api__ticket_id_out_of_range__422(client, demo, ticket_id):
    client.force_login(get_user_model().objects.get(username="kela.pori1"))
    resp = client.post(f"{QUEUE}/desk/tickets/{ticket_id}/finish")
    assert resp.status_code == 422, resp.content
    assert loc(resp)[-1] == "ticket_id"


def test_desk_api__park_minutes_out_of_range__4xx(client, demo):
    client.force_login(get_user_model().objects.get(username="kela.pori1"))
    resp = client.post(
        f"{QUEUE}/desk/tickets/1/park", {"minutes": 10**12}, content_type="application/json"
    )
    assert resp.status_code in (400, 404) and loc(resp)[-1] in ("minutes", "ticket_id")


def test_horizon__search_offers_nothing_beyond_it(client, demo, settings):
    settings.LUUKKU_BOOKING_HORIZON_DAYS = 3
    slots = client.get(f"{API}/availability", {"service": "benefit-advice", "limit": 100}).json()
    last = timezone.localdate() + timedelta(days=3)
    assert slots and all(
        timezone.localdate(timezone.datetime.fromisoformat(s["start"])) <= last for s in slots
    )
    resp = client.get(
        f"{API}/availability",
        {"service": "benefit-advice", "from": (last + timedelta(days=1)).isoformat()},
    )
    assert resp.status_code == 422 and loc(resp)[-1] == "from"


def test_follow_up__days_out_of_range__400_naming_after_days(demo):
    """The desk page parses any integer; the service bounds it (a huge one overflowed)."""
    from luukku.queueing.services import (
        FollowUpNeeds,
        QueueError,
        ticket_call_next,
        ticket_create,
        ticket_follow_up_times,
    )
    from luukku.queueing.tests.helpers import serve, service

    me, scope = serve("kela.pori1")
    ticket_create(site=demo["pori"], service=service("benefit-advice"))
    called = ticket_call_next(official=me, scope=scope).ticket
    with pytest.raises(QueueError) as err:
        ticket_follow_up_times(
            ticket=called,
            official=me,
            service_code="benefit-advice",
            needs=FollowUpNeeds(),
            after_days=10**10,
        )
    assert err.value.field == "after_days" and err.value.status == 400


def test_kiosk_sms__phone_stored_in_e164_and_bad_one_refused(client, demo):
    from luukku.queueing.services import ticket_create
    from luukku.queueing.tests.helpers import service

    t = ticket_create(site=demo["pori"], service=service("tax-card"))
    url = f"/sites/pori/kiosk/t/{t.token}/"
    assert client.post(url, {"phone": "040"}).status_code == 400
    assert client.post(url, {"phone": "0" * 40}).status_code == 400
    assert client.post(url, {"phone": "+46 70 123 45 67"}).status_code == 302
    t.refresh_from_db()
    assert t.phone == "+46701234567"
