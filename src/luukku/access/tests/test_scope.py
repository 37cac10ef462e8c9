"""Scope: an official acts only on their agency's tickets at their sites, the admin only on
one's own site or agency, and a missing object answers like a foreign one (no id oracle)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from luukku.access import policy
from luukku.access.testing import sign_in
from luukku.queueing.models import Ticket
from luukku.queueing.services import ticket_create
from luukku.queueing.tests.helpers import booking, serve, service
from luukku.registry.models import Role, Space, StaffProfile

pytestmark = pytest.mark.django_db

API = "/api/v1/queueing"


@pytest.fixture
def tickets(demo):
    """A Kela and a Police ticket at Pori, a Kela ticket at Rauma."""
    return {
        "kela_pori": ticket_create(site=demo["pori"], service=service("housing-allowance")),
        "police_pori": ticket_create(site=demo["pori"], service=service("passport")),
        "kela_rauma": ticket_create(site=demo["rauma"], service=service("housing-allowance")),
    }


@pytest.fixture
def kela_desk(client, demo):
    sign_in(client, "kela.pori1", verified=False)
    serve("kela.pori1", "housing-allowance", site=demo["pori"])
    return client


def test_scope__api_call__foreign_agency_site_and_missing_answer_alike(kela_desk, tickets):
    answers = [
        kela_desk.post(f"{API}/desk/tickets/{pk}/call")
        for pk in (tickets["police_pori"].pk, tickets["kela_rauma"].pk, 999_999)
    ]
    assert [r.status_code for r in answers] == [404, 404, 404]
    assert answers[0].json() == answers[1].json() == answers[2].json()
    own = kela_desk.post(f"{API}/desk/tickets/{tickets['kela_pori'].pk}/call")
    assert own.status_code == 200 and own.json()["result"] == "called"


@pytest.mark.parametrize("action", ["recall", "no-show", "start", "finish"])
def test_scope__api_ticket_actions__another_agencys_ticket_is_not_found(kela_desk, tickets, action):
    r = kela_desk.post(f"{API}/desk/tickets/{tickets['police_pori'].pk}/{action}")
    assert r.status_code == 404 and r.json()["detail"][0]["loc"] == ["path", "ticket_id"]


def test_scope__safe_room__only_the_tickets_agency_or_the_advisor(kela_desk, demo, tickets):
    police = tickets["police_pori"]
    r = kela_desk.post(f"/desk/tickets/{police.pk}/safe-room/", {"needs": "1"}, HTTP_HX_REQUEST="1")
    assert r.status_code == 404
    assert not Ticket.objects.get(pk=police.pk).needs_safe_room
    own = tickets["kela_pori"]
    r = kela_desk.post(f"/desk/tickets/{own.pk}/safe-room/", {"needs": "1"}, HTTP_HX_REQUEST="1")
    assert r.status_code == 200 and Ticket.objects.get(pk=own.pk).needs_safe_room

    advisor = Client()
    sign_in(advisor, "neuvoja", verified=False)
    serve("neuvoja", advice=True, site=demo["pori"])
    r = advisor.post(f"/desk/tickets/{police.pk}/safe-room/", {"needs": "1"}, HTTP_HX_REQUEST="1")
    assert r.status_code == 200 and Ticket.objects.get(pk=police.pk).needs_safe_room
    rauma = tickets["kela_rauma"]
    r = advisor.post(f"/desk/tickets/{rauma.pk}/safe-room/", {"needs": "1"}, HTTP_HX_REQUEST="1")
    assert r.status_code == 404 and not Ticket.objects.get(pk=rauma.pk).needs_safe_room


def test_scope__desk_page_call__foreign_and_missing_alike(kela_desk, tickets):
    foreign = kela_desk.post(
        f"/desk/tickets/{tickets['police_pori'].pk}/call/", HTTP_HX_REQUEST="1"
    )
    missing = kela_desk.post("/desk/tickets/999999/call/", HTTP_HX_REQUEST="1")
    assert foreign.status_code == missing.status_code == 404


def test_scope__official__sites_follow_the_agency(demo):
    """An official's sites are those they work at where their agency serves (on site or,
    serving remotely, by video)."""
    scope = policy.scope_for_profile(StaffProfile.objects.get(user__username="kela.pori1"))
    assert scope.on_site == {demo["pori"].pk} and scope.remote == frozenset()
    remote = policy.scope_for_profile(StaffProfile.objects.get(user__username="kela.eta1"))
    assert remote.remote == {s.pk for s in demo.values()}


def test_scope__desk_session__not_at_a_site_one_does_not_work_at(client, demo):
    sign_in(client, "kela.pori1", verified=False)
    r = client.post(
        f"{API}/desk/session",
        {"services": ["housing-allowance"], "site": "rauma"},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["detail"][0]["loc"][-1] == "site"


def test_scope__staff_booking__own_agency_and_site_only__missing_answers_alike(client, demo):
    soon = timezone.now() + timedelta(hours=2)
    own = booking(demo["pori"], "housing-allowance", soon)
    other_agency = booking(demo["pori"], "passport", soon)
    other_site = booking(demo["rauma"], "housing-allowance", soon)
    sign_in(client, "kela.pori1", verified=False)
    assert client.get(f"/api/v1/staff/bookings/{own.code}").status_code == 200
    refused = [
        client.get(f"/api/v1/staff/bookings/{code}")
        for code in (other_agency.code, other_site.code, "ZZZZ2222")
    ]
    assert [r.status_code for r in refused] == [404, 404, 404]
    assert refused[0].json() == refused[1].json() == refused[2].json()
    assert policy.can_view_booking(
        _user("kirjasto"), booking(demo["kankaanpaa"], "tax-card", soon, channel="remote")
    )
    assert not policy.can_view_booking_details(_user("kirjasto"), own)


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


# -- the admin ---------------------------------------------------------------------


def test_admin__site_manager_cannot_change_staff_profiles__the_escalation(client, demo):
    """The finding: esihenkilo saved his own profile as a Police official at every site."""
    me = sign_in(client, "esihenkilo")
    profile = StaffProfile.objects.get(user=me)
    url = f"/admin/registry/staffprofile/{profile.pk}/change/"
    r = client.post(
        url,
        {
            "user": me.pk,
            "role": Role.OFFICIAL,
            "agency": StaffProfile.objects.get(user__username="poliisi.pori1").agency_id,
            "sites": [s.pk for s in demo.values()],
            "languages": '["fi"]',
        },
    )
    assert r.status_code == 403
    profile.refresh_from_db()
    assert profile.role == Role.SITE_MANAGER and profile.agency_id is None
    assert client.get("/admin/registry/staffprofile/add/").status_code == 403


def test_admin__site_manager__own_sites_spaces_only(client, demo):
    sign_in(client, "esihenkilo")
    own = Space.objects.filter(site=demo["pori"]).first()
    foreign = Space.objects.filter(site=demo["rauma"]).first()
    assert client.get(f"/admin/registry/space/{own.pk}/change/").status_code == 200
    # Not in the queryset: the admin answers as for a missing object (to the index).
    r = client.get(f"/admin/registry/space/{foreign.pk}/change/")
    assert r.status_code == 302 and r["Location"] == "/admin/"
    listing = client.get("/admin/registry/space/").content.decode()
    assert own.name in listing and f"@ {demo['rauma'].slug}" not in listing
    assert client.get("/admin/registry/site/add/").status_code == 403
    assert client.get(f"/admin/registry/site/{demo['rauma'].pk}/change/").status_code == 302


def test_admin__agency_admin__own_agency_officials_only(client, demo):
    me = sign_in(client, "kela.paakayttaja")
    kela = StaffProfile.objects.get(user__username="kela.pori1")
    police = StaffProfile.objects.get(user__username="poliisi.pori1")
    assert client.get(f"/admin/registry/staffprofile/{kela.pk}/change/").status_code == 200
    assert client.get(f"/admin/registry/staffprofile/{police.pk}/change/").status_code == 302
    own = StaffProfile.objects.get(user=me)
    assert client.post(f"/admin/registry/staffprofile/{own.pk}/change/", {}).status_code == 403
    form = client.get("/admin/registry/staffprofile/add/").context["adminform"].form
    assert {v for v, _label in form.fields["role"].choices if v} == {Role.OFFICIAL}
    assert set(form.fields["agency"].queryset) == {kela.agency}
    r = client.post(
        f"/admin/registry/staffprofile/{kela.pk}/change/",
        {"user": kela.user_id, "role": Role.ADMIN, "agency": police.agency_id, "languages": "[]"},
    )
    assert r.status_code == 200 and r.context["adminform"].form.errors.keys() >= {"role", "agency"}
    kela.refresh_from_db()
    assert kela.role == Role.OFFICIAL and kela.agency_id != police.agency_id


def test_admin__agency_admin__cannot_give_admin_rights(client, demo):
    sign_in(client, "kela.paakayttaja")
    kela = StaffProfile.objects.get(user__username="kela.pori1").user
    form = client.get(f"/admin/auth/user/{kela.pk}/change/").context["adminform"].form
    assert "is_superuser" not in form.fields and "groups" not in form.fields
    police = StaffProfile.objects.get(user__username="poliisi.pori1").user
    assert client.get(f"/admin/auth/user/{police.pk}/change/").status_code == 302


# -- start pages and the host's day --------------------------------------------------


@pytest.mark.parametrize(
    ("username", "start"),
    [
        ("kela.pori1", "/desk/"),
        ("neuvoja", "/desk/"),
        ("suunnittelija", "/planning/"),
        ("esihenkilo", "/admin/"),
        ("kela.paakayttaja", "/admin/"),
        ("admin", "/admin/"),
        ("kirjasto", "/staff/host/"),
    ],
)
def test_start__each_role_lands_on_its_page(client, demo, username, start):
    sign_in(client, username)
    r = client.get("/staff/start/")
    assert r.status_code == 302 and r["Location"] == start


def test_start__sign_in_form__goes_to_the_start_page(client, demo):
    r = client.post("/accounts/login/", {"username": "suunnittelija", "password": "luukku-demo"})
    assert r.status_code == 302 and r["Location"] == "/staff/start/"
    assert client.get("/staff/start/")["Location"] == "/planning/"


def test_host__day_without_personal_data(client, demo):
    soon = timezone.now() + timedelta(minutes=30)
    b = booking(demo["kankaanpaa"], "tax-card", soon, channel="remote")
    other = booking(demo["pori"], "tax-card", soon)
    sign_in(client, "kirjasto", verified=False)
    r = client.get("/staff/host/")
    page = r.content.decode()
    assert r.status_code == 200
    assert b.service.name in page and b.visit.name not in page
    assert len(r.context["sites"]) == 1 and r.context["sites"][0]["bookings"] == [b]
    assert other not in r.context["sites"][0]["bookings"]


def test_statistics__site_manager__own_site_only(client, demo, tickets):
    sign_in(client, "esihenkilo")
    r = client.get("/staff/sites/pori/statistics/")
    assert r.status_code == 200
    rows = {row["agency"]: row for row in r.context["rows"]}
    assert rows["KELA"]["tickets"] == 1 and rows["POLIISI"]["tickets"] == 1
    assert client.get("/staff/sites/rauma/statistics/").status_code == 404
    assert client.get("/staff/sites/no-such-site/statistics/").status_code == 404
    national = Client()
    sign_in(national, "admin")
    assert national.get("/staff/sites/rauma/statistics/").status_code == 200
