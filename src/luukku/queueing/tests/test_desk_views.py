"""The desk page: a booth for the session, a remote official's default, the break,
clear buttons and a confirmation before what cannot be undone; fi and sv."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from luukku.queueing.models import DeskSession, TicketState
from luukku.queueing.services import ticket_create
from luukku.registry.models import Space, SpaceType

from .helpers import service

pytestmark = pytest.mark.django_db
API = "/api/v1/queueing"


def sign_in(client, username: str, lang: str = "en"):
    client.cookies["django_language"] = lang
    client.force_login(get_user_model().objects.get(username=username))


def start(client, code="passport", **extra):
    return client.post(
        "/desk/session/", {"services": [code], "mode": "on_site", "site": "pori", **extra}
    )


def open_session(username: str) -> DeskSession:
    return DeskSession.objects.get(official__user__username=username, ended_at__isnull=True)


def passport_booth(site) -> Space:
    return (
        Space.objects.filter(site=site, space_type=SpaceType.SCREENED_BOOTH, active=True)
        .filter(equipment__code="biometrics")
        .filter(equipment__code="payment_terminal")
        .order_by("-id")
        .first()
    )


def test_desk__remote_official_starts_remote_and_on_site_one_on_site(client, demo):
    sign_in(client, "vero.eta1")
    html = client.get("/desk/").content.decode()
    assert 'value="remote" checked' in html and 'value="on_site" checked' not in html
    sign_in(client, "vero.pori1")
    html = client.get("/desk/").content.decode()
    assert 'value="on_site" checked' in html and 'value="remote"' not in html


def test_desk__booth_taken_at_start_and_changed_in_the_panel(client, demo):
    booth = passport_booth(demo["pori"])
    sign_in(client, "poliisi.pori1")
    assert f'<option value="{booth.pk}"' in client.get("/desk/").content.decode()
    assert start(client, space=str(booth.pk)).status_code == 302
    assert open_session("poliisi.pori1").space == booth
    t = ticket_create(site=demo["pori"], service=service("passport"))
    client.post("/desk/call-next/", HTTP_HX_REQUEST="true")
    t.refresh_from_db()
    assert t.space == booth
    r = client.post("/desk/booth/", {"space": ""}, HTTP_HX_REQUEST="true")
    assert "any suitable free space" in r.content.decode()
    assert open_session("poliisi.pori1").space is None
    r = client.post("/desk/booth/", {"space": "nope"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 400 and "Choose a booth from the list." in r.content.decode()


def test_desk__booth_of_another_official__refused_on_the_page(client, demo):
    booth = passport_booth(demo["pori"])
    sign_in(client, "poliisi.pori2")
    start(client, space=str(booth.pk))
    sign_in(client, "poliisi.pori1")
    r = start(client, space=str(booth.pk))
    assert r.status_code == 409 and "Another official has taken this booth" in r.content.decode()


def test_desk__break_hides_call_next_and_refuses_calls(client, demo):
    sign_in(client, "poliisi.pori1")
    start(client)
    t = ticket_create(site=demo["pori"], service=service("passport"))
    html = client.post("/desk/pause/", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="on-break"' in html and 'id="call-next"' not in html and 'id="resume"' in html
    r = client.post("/desk/call-next/", HTTP_HX_REQUEST="true")
    assert r.status_code == 409 and "You are on a break" in r.content.decode()
    t.refresh_from_db()
    assert t.state == TicketState.WAITING
    html = client.post("/desk/resume/", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="call-next"' in html
    client.post("/desk/call-next/", HTTP_HX_REQUEST="true")
    t.refresh_from_db()
    assert t.state == TicketState.CALLED


def test_api__break_and_booth(client, demo):
    sign_in(client, "poliisi.pori1")
    booth = passport_booth(demo["pori"])
    r = client.post(
        f"{API}/desk/session",
        {"services": ["passport"], "site": "pori", "space": booth.pk},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["space"] == booth.pk
    r = client.post(f"{API}/desk/session/pause")
    assert r.status_code == 200 and r.json()["on_break"] is True
    r = client.post(f"{API}/desk/call-next")
    assert r.status_code == 409 and r.json()["detail"][0]["loc"] == ["desk", "session"]
    assert client.post(f"{API}/desk/session/resume").json()["on_break"] is False
    t = ticket_create(site=demo["pori"], service=service("passport"))
    r = client.post(f"{API}/desk/call-next")
    assert r.json()["ticket"]["number"] == t.number
    t.refresh_from_db()
    assert t.space == booth
    r = client.post(
        f"{API}/desk/session",
        {"services": ["passport"], "site": "pori", "space": 99999999},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["detail"][0]["loc"] == ["body", "space"]


@pytest.mark.parametrize("action", ["finish", "transfer", "no-show"])
def test_desk__irreversible_action_asks_first(client, demo, settings, action):
    settings.LUUKKU_NO_SHOW_AFTER_RECALLS = 0
    sign_in(client, "kela.pori1")
    start(client, "housing-allowance")
    t = ticket_create(site=demo["pori"], service=service("housing-allowance"))
    client.post("/desk/call-next/", HTTP_HX_REQUEST="true")
    data = {"service": "tax-card"} if action == "transfer" else {}
    url = f"/desk/tickets/{t.pk}/{action}/"
    html = client.post(url, data, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="confirm-question"' in html and 'name="confirm" value="1"' in html
    assert "cannot be undone" in html and "<script" not in html
    t.refresh_from_db()
    assert t.state == TicketState.CALLED  # nothing done yet
    # Without htmx, the same question on a page of its own.
    assert 'id="confirm"' in client.post(url, data).content.decode()
    client.post(url, {**data, "confirm": "1"}, HTTP_HX_REQUEST="true")
    t.refresh_from_db()
    assert t.state != TicketState.CALLED


def test_desk__no_show_before_the_recalls__refused_at_once_without_asking(client, demo):
    sign_in(client, "kela.pori1")
    start(client, "housing-allowance")
    t = ticket_create(site=demo["pori"], service=service("housing-allowance"))
    client.post("/desk/call-next/", HTTP_HX_REQUEST="true")
    r = client.post(f"/desk/tickets/{t.pk}/no-show/", HTTP_HX_REQUEST="true")
    assert r.status_code == 409 and "Recall the number first" in r.content.decode()


def test_desk__safe_room_is_an_action_button_and_its_state_a_tag(client, demo):
    sign_in(client, "kela.pori1")
    start(client, "housing-allowance")
    t = ticket_create(site=demo["pori"], service=service("housing-allowance"))
    html = client.get("/desk/").content.decode()
    assert "Request a safe room" in html and "safe room requested" not in html
    html = client.post(
        f"/desk/tickets/{t.pk}/safe-room/", {"needs": "1"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "safe room requested" in html and "Cancel the safe-room request" in html


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fi", ["Pidä tauko", "Oma koppini", "Pyydä turvahuone", "Siirrä toiseen palveluun"]),
        ("sv", ["Ta en paus", "Min lucka", "Begär ett säkert rum", "Överför till en annan tjänst"]),
    ],
)
def test_desk__reads_in_finnish_and_swedish(client, demo, lang, words):
    sign_in(client, "kela.pori1", lang)
    start(client, "housing-allowance")
    t = ticket_create(site=demo["pori"], service=service("housing-allowance"))
    html = client.get("/desk/").content.decode()
    client.post("/desk/call-next/", HTTP_HX_REQUEST="true")
    html += client.get("/desk/").content.decode()
    for word in words:
        assert word in html, word
    assert t.number in html
