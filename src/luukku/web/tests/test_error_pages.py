"""Error pages a citizen or an official can read: in their language, with a way on."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from luukku.access.testing import sign_in

pytestmark = pytest.mark.django_db


def test_404__in_the_page_language_with_a_way_to_the_front_page(client, demo):
    resp = client.get("/sites/no-such-point/")
    html = resp.content.decode()
    assert resp.status_code == 404
    assert "Sivua ei löytynyt" in html and 'href="/"' in html and 'lang="fi"' in html


def test_403__says_whom_to_ask(client, demo):
    sign_in(client, "esihenkilo", verified=False)
    resp = client.get("/planning/")
    html = resp.content.decode()
    assert resp.status_code == 403
    assert "Ei sallittu" in html and "esihenkilöltä" in html


def test_500__renders_without_a_request():
    with translation.override("sv"):
        html = render_to_string("500.html")
    assert 'lang="sv"' in html and "Något gick fel" in html
