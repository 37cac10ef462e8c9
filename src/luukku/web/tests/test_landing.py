from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_landing__lists_demo_sites_in_finnish(client, demo):
    resp = client.get("/", HTTP_ACCEPT_LANGUAGE="fi")
    html = resp.content.decode()
    assert resp.status_code == 200
    for name in ("Suomi-piste Pori", "Suomi-piste Rauma", "Kankaanpää", "Palvelubussi"):
        assert name in html
    assert 'lang="fi"' in html


@pytest.mark.django_db
def test_landing__swedish(client, demo):
    resp = client.get("/", HTTP_ACCEPT_LANGUAGE="sv")
    assert "Suomi-punkten Björneborg" in resp.content.decode()
