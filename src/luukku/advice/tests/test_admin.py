from __future__ import annotations

import pytest
from django.test import Client

from luukku.access.testing import sign_in
from luukku.advice.models import LifeEvent, ServiceGuide

pytestmark = pytest.mark.django_db


def _client(username):
    c = Client()
    sign_in(c, username, verified=True)
    return c


def test_guide_admin__agency_admin_edits_only_their_agency(advice_demo):
    c = _client("kela.paakayttaja")
    kela = ServiceGuide.objects.get(service__code="benefit-advice")
    vero = ServiceGuide.objects.get(service__code="tax-card")
    listing = c.get("/admin/advice/serviceguide/").content.decode()
    assert f"/admin/advice/serviceguide/{kela.pk}/change/" in listing
    assert f"/admin/advice/serviceguide/{vero.pk}/change/" not in listing
    assert c.get(f"/admin/advice/serviceguide/{kela.pk}/change/").status_code == 200
    assert c.get(f"/admin/advice/serviceguide/{vero.pk}/change/").status_code in (302, 403, 404)


def test_guide_admin__agency_admin_saves_fees_in_three_languages(advice_demo):
    c = _client("kela.paakayttaja")
    guide = ServiceGuide.objects.get(service__code="child-benefit")
    data = {
        "service": guide.service_id,
        "online_url": "https://www.kela.fi/asiointi",
        **{
            f"{f}_{lang}": ""
            for f in ("what_to_bring", "online_note", "keywords")
            for lang in ("fi", "sv", "en")
        },
        "fees_fi": "Maksuton",
        "fees_sv": "Avgiftsfri",
        "fees_en": "Free",
    }
    r = c.post(f"/admin/advice/serviceguide/{guide.pk}/change/", data)
    assert r.status_code == 302, r.content.decode()[:2000]
    guide.refresh_from_db()
    assert (guide.fees_fi, guide.fees_sv, guide.fees_en) == ("Maksuton", "Avgiftsfri", "Free")


def test_life_event_admin__national_admin_only(advice_demo):
    event = LifeEvent.objects.get(code="retiring")
    url = f"/admin/advice/lifeevent/{event.pk}/change/"
    assert _client("admin").get(url).status_code == 200
    assert _client("kela.paakayttaja").get(url).status_code in (302, 403, 404)
    assert _client("esihenkilo").get("/admin/advice/lifeevent/").status_code == 403
