"""Kiosk, display (and its event stream) and desk pages; API answers, including 4xx."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from luukku.queueing.models import Ticket, TicketState
from luukku.queueing.services import ticket_call_next, ticket_create

from .helpers import serve, service

pytestmark = pytest.mark.django_db
API = "/api/v1/queueing"


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize(
    "url",
    [
        "/sites/pori/kiosk/",
        "/sites/pori/kiosk/?agency=KELA",
        "/sites/satakunta-bus/kiosk/",
        "/sites/pori/display/",
    ],
)
def test_public_pages__open_in_each_language(client, demo, url, lang):
    client.cookies["django_language"] = lang
    r = client.get(url)
    assert r.status_code == 200
    assert f'lang="{lang}"' in r.content.decode()


def test_kiosk__service_buttons_are_marked_for_tests(client, demo):
    html = client.get("/sites/pori/kiosk/?agency=KELA").content.decode()
    assert 'data-service="housing-allowance"' in html and 'data-service="advice"' not in html
    assert 'data-service="advice"' in client.get("/sites/pori/kiosk/").content.decode()


def test_kiosk__take_number__shows_ticket_with_estimate(client, demo):
    r = client.post("/sites/pori/kiosk/take/", {"service": "housing-allowance"})
    assert r.status_code == 302
    html = client.get(r["Location"]).content.decode()
    ticket = Ticket.objects.get()
    assert 'id="ticket-number"' in html and ticket.number in html and "Test Customer" not in html


def test_kiosk__unknown_service_or_code__4xx(client, demo):
    assert client.post("/sites/pori/kiosk/take/", {"service": "nope"}).status_code == 400
    assert client.post("/sites/pori/kiosk/check-in/", {"code": "ZZZZ9999"}).status_code == 404
    assert client.get("/sites/nowhere/kiosk/").status_code == 404
    assert client.get("/sites/pori/kiosk/?agency=NOPE").status_code == 404


def test_kiosk__sms__sends_through_notifier(client, demo, caplog):
    t = ticket_create(site=demo["pori"], service=service("tax-card"))
    url = f"/sites/pori/kiosk/t/{t.token}/"
    assert client.post(url, {"phone": "abc"}).status_code == 400
    assert client.post(url, {"phone": "040 123 4567"}).status_code == 302
    t.refresh_from_db()
    assert t.phone == "+358401234567"  # stored in E.164


def test_display_events__yield_a_call_with_id_and_retry(client, demo):
    t = ticket_create(site=demo["pori"], service=service("passport"))
    me, scope = serve("poliisi.pori1")
    ticket_call_next(official=me, scope=scope)
    r = client.get("/sites/pori/display/events/?after=0&max=0")
    assert r["Content-Type"] == "text/event-stream" and r["Cache-Control"] == "no-cache"
    body = b"".join(r.streaming_content).decode()
    assert body.startswith("retry: 1000") and "event: call" in body and t.number in body
    t.refresh_from_db()
    assert t.space.customer_label_fi in body
    # Reconnecting with Last-Event-ID gives no call twice (the board still lists it).
    last = body.split("id: ")[1].split("\n")[0]
    again = b"".join(
        client.get("/sites/pori/display/events/?max=0", HTTP_LAST_EVENT_ID=last).streaming_content
    )
    assert "event: call" not in again.decode() and "event: board" in again.decode()


def test_display__lists_called_numbers(client, demo):
    t = ticket_create(site=demo["pori"], service=service("passport"))
    me, scope = serve("poliisi.pori1")
    ticket_call_next(official=me, scope=scope)
    html = client.get("/sites/pori/display/").content.decode()
    assert (
        f'data-number="{t.number}"' in html
        and 'id="called"' in html
        and 'aria-live="polite"' in html
    )


def test_desk__needs_sign_in(client, demo):
    r = client.get("/desk/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert client.get("/accounts/login/").status_code == 200


def test_desk__session_then_call_next_with_htmx(client, demo):
    user = get_user_model().objects.get(username="kela.pori1")
    client.force_login(user)
    assert (
        "Start" in client.get("/desk/").content.decode() or client.get("/desk/").status_code == 200
    )
    r = client.post(
        "/desk/session/", {"services": ["housing-allowance"], "mode": "on_site", "site": "pori"}
    )
    assert r.status_code == 302
    t = ticket_create(site=demo["pori"], service=service("housing-allowance"))
    html = client.get("/desk/").content.decode()
    assert 'id="call-next"' in html and t.number in html
    r = client.post("/desk/call-next/", HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and t.number in r.content.decode()
    t.refresh_from_db()
    assert t.state == TicketState.CALLED
    r = client.post(f"/desk/tickets/{t.pk}/finish/", {"confirm": "1"})
    assert r.status_code == 302
    t.refresh_from_db()
    assert t.state == TicketState.DONE


def test_desk__each_action_says_what_it_did(client, demo, settings):
    """An official reads what happened to whom, not a bare "done" after every button."""
    settings.LUUKKU_NO_SHOW_AFTER_RECALLS = 1
    client.cookies["django_language"] = "en"
    client.force_login(get_user_model().objects.get(username="kela.pori1"))
    client.post(
        "/desk/session/", {"services": ["housing-allowance"], "mode": "on_site", "site": "pori"}
    )
    first, second = (
        ticket_create(site=demo["pori"], service=service("housing-allowance")) for _ in range(2)
    )

    def act(url: str, data: dict | None = None) -> str:
        r = client.post(url, data or {}, HTTP_HX_REQUEST="true")
        assert r.status_code == 200
        return r.content.decode()

    assert f"Called {first.number}." in act("/desk/call-next/")
    assert f"Called {first.number} again (recall 1)." in act(f"/desk/tickets/{first.pk}/recall/")
    assert f"Service of {first.number} started." in act(f"/desk/tickets/{first.pk}/start/")
    html = act(f"/desk/tickets/{first.pk}/park/", {"minutes": "10"})
    assert f"{first.number} waits aside until " in html and "keeps their place" in html
    act("/desk/call-next/")  # the parked customer waits aside: the second is called
    assert f"{second.number} is passed on to VERO – " in act(
        f"/desk/tickets/{second.pk}/transfer/", {"service": "tax-card", "confirm": "1"}
    )
    assert f"{first.number} will be called to a safe room." in act(
        f"/desk/tickets/{first.pk}/safe-room/", {"needs": "1"}
    )
    Ticket.objects.filter(pk=first.pk).update(parked_until=None)
    act("/desk/call-next/")
    act(f"/desk/tickets/{first.pk}/recall/")
    assert f"{first.number} did not come: marked as a no-show." in act(
        f"/desk/tickets/{first.pk}/no-show/", {"confirm": "1"}
    )
    third = ticket_create(site=demo["pori"], service=service("housing-allowance"))
    act("/desk/call-next/")
    assert f"{third.number} finished: the space is free again." in act(
        f"/desk/tickets/{third.pk}/finish/", {"confirm": "1"}
    )


def test_api__ticket_and_queue_state(client, demo):
    r = client.post(
        f"{API}/tickets", {"site": "pori", "service": "passport"}, content_type="application/json"
    )
    assert r.status_code == 201 and r.json()["number"].startswith("P-")
    token = r.json()["token"]
    assert client.get(f"{API}/tickets/{token}").json()["state"] == "waiting"
    state = client.get(f"{API}/sites/pori").json()
    assert any(q["letter"] == "P" and q["waiting"] == 1 for q in state["queues"])


@pytest.mark.parametrize(
    ("path", "body", "status", "field"),
    [
        ("/tickets", {"site": "nowhere", "service": "passport"}, 404, "site"),
        ("/tickets", {"site": "pori", "service": "nope"}, 404, "service"),
        ("/tickets", {"site": "kankaanpaa", "service": "passport"}, 400, "service"),
        ("/check-in", {"site": "pori", "code": "!!"}, 400, "code"),
        ("/check-in", {"site": "pori", "code": "ZZZZ9999"}, 404, "code"),
    ],
)
def test_api__bad_input__4xx_naming_field(client, demo, path, body, status, field):
    r = client.post(API + path, body, content_type="application/json")
    assert r.status_code == status
    assert r.json()["detail"][0]["loc"][-1] == field


def test_api__desk_flow_and_errors(client, demo):
    assert client.post(f"{API}/desk/call-next").status_code == 401
    client.force_login(get_user_model().objects.get(username="poliisi.pori1"))
    assert client.post(f"{API}/desk/call-next").status_code == 409  # no session yet
    r = client.post(f"{API}/desk/session", {"services": ["nope"]}, content_type="application/json")
    assert r.status_code == 400
    r = client.post(
        f"{API}/desk/session",
        {"services": ["passport"], "site": "pori"},
        content_type="application/json",
    )
    assert r.status_code == 201
    assert client.post(f"{API}/desk/call-next").json()["result"] == "empty"
    t = ticket_create(site=demo["pori"], service=service("passport"))
    r = client.post(f"{API}/desk/call-next")
    assert (
        r.status_code == 200
        and r.json()["ticket"]["number"] == t.number
        and r.json()["ticket"]["space_label"]
    )
    assert client.post(f"{API}/desk/tickets/999999/finish").status_code == 404
    assert client.post(f"{API}/desk/tickets/{t.pk}/no-show").status_code == 409  # recall first
    assert (
        client.post(
            f"{API}/desk/tickets/{t.pk}/park", {"minutes": 0}, content_type="application/json"
        ).status_code
        == 400
    )
    assert (
        client.post(
            f"{API}/desk/tickets/{t.pk}/park", {"minutes": "x"}, content_type="application/json"
        ).status_code
        == 422
    )
    r = client.post(
        f"{API}/desk/tickets/{t.pk}/transfer", {"service": "nope"}, content_type="application/json"
    )
    # The page and the API refuse an unknown service the same way (ticket_transfer).
    assert r.status_code == 400 and "service" in r.json()["detail"][0]["loc"]
    assert client.post(f"{API}/desk/tickets/{t.pk}/start").json()["state"] == "in_service"
    assert client.post(f"{API}/desk/tickets/{t.pk}/finish").json()["state"] == "done"
    assert client.post(f"{API}/desk/tickets/{t.pk}/finish").status_code == 409
