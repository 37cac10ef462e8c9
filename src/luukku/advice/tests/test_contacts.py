"""Advice statistics in one click (issue 15 item 5): the contact's matter, outcome,
channel, language and duration, with no personal data; at most two clicks."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone

from luukku.access.testing import sign_in
from luukku.advice.forms import started_token
from luukku.advice.models import AdviceContact, Outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def advisor(advice_demo):
    c = Client()
    sign_in(c, "neuvoja")
    return c


def _record_form(html: str) -> dict[str, str]:
    """What the browser sends with the record form as shown: hidden fields, checked
    radios and each select's selected option; the pressed outcome button is added."""
    form = re.search(r'<form method="post" action="/advice/contacts/">(.*?)</form>', html, re.S)
    body = form.group(1)
    data = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', body))
    data |= dict(re.findall(r'<input type="radio" name="([^"]+)" value="([^"]*)" checked', body))
    for name, options in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', body, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', options)
        data[name] = chosen.group(1) if chosen else ""
    return {k: unescape(v) for k, v in data.items()}


def test_record__one_press_after_a_search_records_the_first_match(advisor, advice_demo):
    html = advisor.get("/advice/", {"q": "passia"}).content.decode()
    data = _record_form(html)
    assert data["service"] == "passport" and data["site"] == str(advice_demo["pori"].pk)
    r = advisor.post("/advice/contacts/", {**data, "outcome": Outcome.ROUTED_ON_SITE})
    assert r.status_code == 302 and r["Location"] == "/advice/"
    contact = AdviceContact.objects.get()
    assert contact.service.code == "passport" and contact.agency.code == "POLIISI"
    assert (contact.outcome, contact.channel, contact.language) == (
        "routed_on_site",
        "in_person",
        "fi",
    )
    assert contact.site == advice_demo["pori"] and contact.advisor.user.username == "neuvoja"
    assert 0 <= contact.duration_s < 60


def test_record__duration_runs_from_the_first_search_and_is_capped(advisor, advice_demo):
    started = started_token(timezone.now() - timedelta(minutes=7))
    html = advisor.get("/advice/", {"q": "verokortti", "started": started}).content.decode()
    data = _record_form(html)
    assert data["started"] == started  # carried from search to search
    advisor.post("/advice/contacts/", {**data, "outcome": Outcome.SOLVED})
    assert 7 * 60 <= AdviceContact.objects.get().duration_s < 8 * 60
    old = started_token(timezone.now() - timedelta(hours=5))
    advisor.post("/advice/contacts/", {**data, "started": old, "outcome": Outcome.SOLVED})
    assert AdviceContact.objects.latest("pk").duration_s == 2 * 3600


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("outcome", "lost"),
        ("started", "forged"),
        ("service", "no-such-service"),
        ("language", "xx"),
        ("channel", "pigeon"),
    ],
)
def test_record__bad_input__400_naming_the_field_nothing_recorded(advisor, field, value):
    data = _record_form(advisor.get("/advice/", {"q": "passia"}).content.decode())
    r = advisor.post("/advice/contacts/", {**data, "outcome": Outcome.SOLVED, field: value})
    assert r.status_code == 400
    assert 'role="alert"' in r.content.decode()
    assert not AdviceContact.objects.exists()


def test_record__a_site_outside_the_advisors_is_refused(advisor, advice_demo):
    data = _record_form(advisor.get("/advice/").content.decode())
    data |= {"site": str(advice_demo["rauma"].pk), "outcome": Outcome.SOLVED}
    assert advisor.post("/advice/contacts/", data).status_code == 400
    assert not AdviceContact.objects.exists()


def test_record__general_advice_without_a_search(advisor):
    data = _record_form(advisor.get("/advice/").content.decode())
    assert data["service"] == ""
    r = advisor.post("/advice/contacts/", {**data, "outcome": Outcome.DIGITAL_SUPPORT})
    assert r.status_code == 302
    assert AdviceContact.objects.get().service is None


@pytest.mark.parametrize(("username", "status"), [("kela.pori1", 403), ("esihenkilo", 302)])
def test_record__who_may(advice_demo, username, status):
    c = Client()
    sign_in(c, username, verified=True)
    data = {"outcome": "solved", "channel": "in_person", "language": "fi"}
    data |= {"started": started_token(), "site": str(advice_demo["pori"].pk)}
    assert c.post("/advice/contacts/", data).status_code == status
