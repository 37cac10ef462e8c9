"""What a display shows (issue 17 item 5) and its stream's answers under WSGI.

One line per customer called and not finished, with the recall mark; only the number
and the room, in the display's languages side by side; the counts waiting right after
each change. The stream's input is refused with a 400 that names the field.
"""

from __future__ import annotations

import json

import pytest

from luukku.queueing import selectors
from luukku.queueing.models import Call
from luukku.queueing.services import (
    ticket_call_next,
    ticket_create,
    ticket_finish,
    ticket_no_show,
    ticket_park,
    ticket_recall,
    ticket_transfer,
)
from luukku.registry.models import Agency

from .helpers import serve, service

pytestmark = pytest.mark.django_db
EVENTS = "/sites/pori/display/events/"


def called(code: str = "housing-allowance", username: str = "kela.pori1"):
    """A number taken at Pori and called by ``username``: (ticket, official)."""
    t = ticket_create(site=_pori(), service=service(code))
    me, scope = serve(username, code)
    assert ticket_call_next(official=me, scope=scope).ticket == t
    t.refresh_from_db()
    return t, me


def _pori():
    from luukku.registry.models import Site

    return Site.objects.get(slug="pori")


def board():
    return selectors.display_board(_pori())


def events_of(body: str) -> list[tuple[str, str | None, dict]]:
    """(event, id, data) of each Server-Sent Event in ``body``."""
    out = []
    for block in body.split("\n\n"):
        fields = dict(
            line.split(": ", 1) for line in block.splitlines() if not line.startswith(":")
        )
        if "event" in fields:
            out.append((fields["event"], fields.get("id"), json.loads(fields["data"])))
    return out


def stream(client, query: str = "max=0", **headers) -> str:
    r = client.get(f"{EVENTS}?{query}", **headers)
    assert r.status_code == 200 and r["Content-Type"] == "text/event-stream"
    return b"".join(r.streaming_content).decode()


# -- the board -------------------------------------------------------------------


def test_board__a_recall_is_not_a_new_line_and_keeps_its_mark(client, demo):
    t, me = called()
    ticket_recall(ticket=t, official=me)
    ticket_recall(ticket=t, official=me)
    assert Call.objects.filter(ticket=t).count() == 3
    lines = [c for c in board()["calls"] if c["number"] == t.number]
    assert len(lines) == 1 and lines[0]["recall"] is True
    assert lines[0]["id"] == Call.objects.filter(ticket=t).latest("id").pk
    # After a reload the page still shows it once, with the mark.
    html = client.get("/sites/pori/display/").content.decode()
    assert html.count(f'data-number="{t.number}"') == 1
    item = html.split(f'data-number="{t.number}"')[1].split("</li>")[0]
    assert 'class="again"' in item and "uudelleen" in item and "igen" in item


def test_board__newest_call_first_one_line_per_customer(demo):
    first, me1 = called("housing-allowance", "kela.pori1")
    second, _me2 = called("passport", "poliisi.pori1")
    ticket_recall(ticket=first, official=me1)  # the recall moves the line up
    numbers = [c["number"] for c in board()["calls"]]
    assert numbers == [first.number, second.number]


@pytest.mark.parametrize("how", ["finish", "no_show", "park", "transfer"])
def test_board__a_customer_no_longer_called_is_gone(demo, settings, how):
    settings.LUUKKU_NO_SHOW_AFTER_RECALLS = 0
    t, me = called()
    assert t.number in [c["number"] for c in board()["calls"]]
    if how == "finish":
        ticket_finish(ticket=t, official=me)
    elif how == "no_show":
        ticket_no_show(ticket=t, official=me)
    elif how == "park":
        ticket_park(ticket=t, official=me, minutes=5)
    else:
        ticket_transfer(ticket=t, official=me, service_code="benefit-advice")
    assert t.number not in [c["number"] for c in board()["calls"]]


def test_board__counts_are_right_right_after_a_call(client, demo):
    t = ticket_create(site=_pori(), service=service("housing-allowance"))
    letter = t.queue.letter
    assert {"letter": letter, "waiting": 1} in board()["queues"]
    me, scope = serve("kela.pori1", "housing-allowance")
    ticket_call_next(official=me, scope=scope)
    assert all(q["letter"] != letter for q in board()["queues"])
    html = client.get("/sites/pori/display/").content.decode()
    assert "Kukaan ei odota." in html and "Ingen väntar." in html
    # The stream's board says the same at once.
    boards = [d for e, _i, d in events_of(stream(client)) if e == "board"]
    assert boards[-1]["queues"] == [] and boards[-1]["calls"][0]["number"] == t.number


def test_display__only_the_number_and_the_room_no_agency(client, demo):
    t, _me = called("passport", "poliisi.pori1")
    police = Agency.objects.get(code=t.service.agency.code)
    html = client.get("/sites/pori/display/").content.decode()
    body = stream(client, "after=0&max=0")
    for text in (html, body):
        for revealing in (police.code, police.name_fi, police.name_sv, police.name_en):
            assert revealing and revealing not in text
    call = next(c for c in board()["calls"] if c["number"] == t.number)
    assert set(call) == {"id", "number", "place", "recall", "time"}


def test_display__languages_side_by_side(client, demo):
    t, _me = called()
    space = t.space
    html = client.get("/sites/pori/display/").content.decode()
    for fi, sv in (("Kutsutut numerot", "Kallade nummer"), ("Ääni päällä", "Ljud på")):
        assert f'<span lang="fi">{fi}</span><span lang="sv">{sv}</span>' in html
    assert f'<span lang="fi">{space.customer_label_fi}</span>' in html
    assert f'<span lang="sv">{space.customer_label_sv}</span>' in html
    # Another pair of languages, chosen by the point; an unknown one is refused.
    html = client.get("/sites/pori/display/?lang=sv,en").content.decode()
    assert f'<span lang="en">{space.customer_label_en}</span>' in html
    assert '<span lang="fi">' not in html and '<html lang="sv">' in html
    r = client.get("/sites/pori/display/?lang=fi,xx")
    assert r.status_code == 400 and r.json()["field"] == "lang"


def test_display__the_same_label_in_two_languages_is_shown_once(client, demo):
    t, _me = called()
    t.space.customer_label_sv = t.space.customer_label_fi
    t.space.save()
    html = client.get("/sites/pori/display/").content.decode()
    item = html.split(f'data-number="{t.number}"')[1].split("</li>")[0]
    assert item.count(t.space.customer_label_fi) == 1


# -- the stream under WSGI -----------------------------------------------------------


def test_events__board_then_a_call_event_per_new_call(client, demo):
    t, _me = called("passport", "poliisi.pori1")
    body = stream(client, "after=0&max=0")
    assert body.startswith("retry: 1000\n\n")
    got = events_of(body)
    assert got[0][0] == "board" and got[0][1] is None
    calls = [(i, d) for e, i, d in got if e == "call"]
    assert [d["number"] for _i, d in calls] == [t.number]
    assert calls[0][0] == str(Call.objects.get(ticket=t).pk)
    assert t.space.customer_label_fi in body


def test_events__last_event_id_catches_up_without_repeats(client, demo):
    first, _me = called("passport", "poliisi.pori1")
    seen = Call.objects.get(ticket=first).pk
    second, _me2 = called("housing-allowance", "kela.pori1")
    body = stream(client, "after=0&max=0", HTTP_LAST_EVENT_ID=str(seen))
    calls = [d["number"] for e, _i, d in events_of(body) if e == "call"]
    assert calls == [second.number]
    # The board still lists both: the display shows everyone called and not finished.
    board_ = next(d for e, _i, d in events_of(body) if e == "board")
    assert [c["number"] for c in board_["calls"]] == [second.number, first.number]
    # Up to date: no call event at all.
    last = Call.objects.get(ticket=second).pk
    body = stream(client, "max=0", HTTP_LAST_EVENT_ID=str(last))
    assert [e for e, _i, _d in events_of(body)] == ["board"]


def test_events__a_fresh_display_gets_no_old_calls_as_new(client, demo):
    called()
    assert [e for e, _i, _d in events_of(stream(client))] == ["board"]


@pytest.mark.parametrize(
    "query, header, field",
    [
        ("max=nan", None, "max"),
        ("max=inf", None, "max"),
        ("max=-1", None, "max"),
        ("max=1e308", None, "max"),
        ("max=99999", None, "max"),
        ("max=abc", None, "max"),
        ("after=-1", None, "after"),
        ("after=abc", None, "after"),
        ("after=1.5", None, "after"),
        ("after=99999999999999999999", None, "after"),
        ("max=0", "abc", "Last-Event-ID"),
    ],
)
def test_events__bad_input_is_a_400_naming_the_field(client, demo, query, header, field):
    extra = {"HTTP_LAST_EVENT_ID": header} if header else {}
    r = client.get(f"{EVENTS}?{query}", **extra)
    assert r.status_code == 400 and r.json()["field"] == field


def test_events__unknown_site_is_404(client, demo):
    assert client.get("/sites/nowhere/display/events/?max=0").status_code == 404


def test_status__counts_without_agency(client, demo):
    ticket_create(site=_pori(), service=service("passport"))
    html = client.get("/sites/pori/display/status/").content.decode()
    assert 'class="count">1<' in html and "POLIISI" not in html.upper()


def test_board__yesterdays_numbers_are_not_shown(demo):
    from datetime import timedelta

    from luukku.queueing.models import Ticket

    old, _me = called()
    waiting = ticket_create(site=_pori(), service=service("passport"))
    Ticket.objects.filter(pk__in=[old.pk, waiting.pk]).update(day=old.day - timedelta(days=1))
    b = board()
    assert b["calls"] == [] and b["queues"] == []


def test_site_queue_api__calls_carry_no_agency(client, demo):
    """The public queue API shows what the board shows: no agency beside a called number."""
    t, _me = called()
    body = client.get("/api/v1/queueing/sites/pori").json()
    [call] = [c for c in body["calls"] if c["number"] == t.number]
    assert set(call) == {"id", "number", "label", "recall", "time"}
