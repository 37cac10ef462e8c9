"""The demo region loads twice without duplicates; each role's admin pages open."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from luukku.access.testing import sign_in
from luukku.registry.models import Agency, Service, Site, Space, StaffProfile
from luukku.registry.services import demo_region_seed

pytestmark = pytest.mark.django_db


def counts():
    return tuple(
        m.objects.count() for m in (Agency, Service, Site, Space, StaffProfile, get_user_model())
    )


def test_seed_demo__twice__changes_nothing(demo):
    before = counts()
    demo_region_seed()
    assert counts() == before
    agencies, services, sites, spaces, staff, _ = before
    assert agencies >= 13 and services >= 40 and sites == 4 and spaces >= 40 and staff >= 40


def test_seed_demo__sites_and_sizes(demo):
    assert {s: demo[s].size for s in demo} == {
        "pori": "L",
        "rauma": "M",
        "kankaanpaa": "S",
        "satakunta-bus": "XS",
    }
    assert demo["pori"].agencies_on_site.count() == Agency.objects.count()
    assert demo["rauma"].agencies_remote.exists() and demo["rauma"].agencies_on_site.exists()
    assert demo["satakunta-bus"].stops.count() >= 4
    assert {
        t for t in Space.objects.filter(site=demo["pori"]).values_list("space_type", flat=True)
    } >= {
        "screened_booth",
        "service_room",
        "remote_service_room",
        "safe_room",
        "meeting_room",
        "document_point",
        "self_service_terminal",
        "waiting_seats",
        "quiet_room",
        "back_office",
        "meeting_centre_room",
    }


def test_seed_demo__services_named_in_three_languages(demo):
    for svc in Service.objects.all():
        assert svc.name_fi and svc.name_sv and svc.name_en, svc.code


# role user, pages that open, pages refused (the roles that use the admin)
ROLE_PAGES = [
    ("admin", ["registry/site", "registry/space", "registry/staffprofile", "auth/user"], []),
    (
        "esihenkilo",
        ["registry/site", "registry/space", "registry/busstop", "registry/openingexception"],
        ["auth/user"],
    ),
    (
        "kela.paakayttaja",
        ["registry/staffprofile", "registry/service", "auth/user"],
        ["registry/space", "registry/busstop", "registry/openingexception"],
    ),
]


@pytest.fixture
def admin_client(client, demo):
    sign_in(client, "admin")
    return client


@pytest.mark.parametrize(("username", "allowed", "refused"), ROLE_PAGES)
def test_admin__each_role__opens_its_pages(client, demo, username, allowed, refused):
    sign_in(client, username)
    assert client.get(reverse("admin:index")).status_code == 200
    for page in allowed:
        resp = client.get(f"/admin/{page}/")
        assert resp.status_code == 200, page
    for page in refused:
        assert client.get(f"/admin/{page}/").status_code == 403, page


@pytest.mark.parametrize("username", ["suunnittelija", "neuvoja", "kirjasto", "virkailija"])
def test_admin__roles_without_admin__are_refused_and_not_staff(client, demo, username):
    user = sign_in(client, username)
    assert not user.is_staff and not user.is_superuser
    assert client.get(reverse("admin:index")).status_code == 403


def test_admin__site_change_form_opens_in_finnish(admin_client, demo):
    resp = admin_client.get(
        reverse("admin:registry_site_change", args=[demo["pori"].pk]), HTTP_ACCEPT_LANGUAGE="fi"
    )
    assert resp.status_code == 200
    assert "Tallenna" in resp.content.decode()


def test_admin__space_form__remote_room_without_video__error_on_field(admin_client, demo):
    url = reverse("admin:registry_space_add")
    data = {
        "site": demo["pori"].pk,
        "name": "Uusi",
        "customer_label_fi": "Huone 99",
        "space_type": "remote_service_room",
        "zone": "semi_public",
        "security_area": "controlled",
        "capacity": 2,
        "accessible": "on",
        "active": "on",
    }
    resp = admin_client.post(url, data)
    assert resp.status_code == 200
    assert resp.context["adminform"].form.errors["equipment"]
