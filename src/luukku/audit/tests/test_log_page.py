"""The audit-log page: each reader sees their own scope."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from luukku.audit.models import AccessAction, AccessEvent
from luukku.audit.services import Actor, access_record
from luukku.booking.tests.staff_helpers import NAME, login, make_booking

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(demo, django_capture_on_commit_callbacks):
    soon = timezone.now() + timedelta(hours=1)
    kela_pori = make_booking(demo["pori"], "benefit-advice", soon)
    kela_rauma = make_booking(demo["rauma"], "benefit-advice", soon)
    vero_pori = make_booking(demo["pori"], "tax-card", soon)
    users = get_user_model().objects
    with django_capture_on_commit_callbacks(execute=True):
        _record(users, kela_pori, kela_rauma, vero_pori)
    assert AccessEvent.objects.count() == 3
    return kela_pori, kela_rauma, vero_pori


def _record(users, kela_pori, kela_rauma, vero_pori):
    access_record(
        actor=Actor(users.get(username="kela.pori1"), "192.0.2.1"),
        action=AccessAction.CONTACT,
        bookings=[kela_pori],
    )
    access_record(
        actor=Actor(users.get(username="kela.rauma1"), "192.0.2.2"),
        action=AccessAction.OPEN,
        bookings=[kela_rauma],
    )
    access_record(
        actor=Actor(users.get(username="vero.pori1"), "192.0.2.3"),
        action=AccessAction.LIST,
        bookings=[vero_pori],
    )


def _page(client, username):
    login(client, username)
    resp = client.get(reverse("audit:log"))
    return resp.status_code, resp.content.decode()


def test_log__site_manager__their_sites_only(client, events):
    status, html = _page(client, "esihenkilo")  # manages Pori
    assert status == 200
    assert "kela.pori1" in html and "vero.pori1" in html and "kela.rauma1" not in html
    assert "192.0.2.1" in html and NAME not in html


def test_log__agency_admin__their_agency_only(client, events):
    status, html = _page(client, "kela.paakayttaja")
    assert status == 200
    assert "kela.pori1" in html and "kela.rauma1" in html and "vero.pori1" not in html


def test_log__national_admin__everything(client, events):
    status, html = _page(client, "admin")
    assert status == 200
    assert all(u in html for u in ("kela.pori1", "kela.rauma1", "vero.pori1"))


def test_log__officials_and_others__refused(client, events):
    for username in ("kela.pori1", "neuvoja", "kirjasto"):
        status, _ = _page(client, username)
        assert status in (403, 404), username
    client.logout()
    assert client.get(reverse("audit:log")).status_code == 302


def test_log__change_records__in_scope_only(demo):
    from luukku.audit.selectors import audit_log

    soon = timezone.now() + timedelta(hours=1)
    pori = make_booking(demo["pori"], "benefit-advice", soon)
    rauma = make_booking(demo["rauma"], "benefit-advice", soon)
    users = get_user_model().objects

    def seen(username):
        return {(r.kind, r.object_id) for r in audit_log(users.get(username=username))}

    manager = seen("esihenkilo")  # manages Pori
    assert {("booking", pori.pk), ("visit", pori.visit_id)} <= manager
    assert ("booking", rauma.pk) not in manager and ("visit", rauma.visit_id) not in manager
    kela = seen("kela.paakayttaja")
    assert {("booking", pori.pk), ("booking", rauma.pk)} <= kela
    assert audit_log(users.get(username="kela.pori1")) is None


def test_log__linked_from_the_admin(client, demo, settings):
    settings.LUUKKU_ADMIN_OTP = False
    login(client, "esihenkilo")
    resp = client.get(reverse("admin:index"))
    assert resp.status_code == 200 and reverse("audit:log") in resp.content.decode()
