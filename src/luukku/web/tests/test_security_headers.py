"""Security headers on every page, and pages that keep a CSP without inline script or style.

The browser tests (tests/browser) fail on any CSP violation in the console; this test
checks the markup itself, so that a new inline script is caught without a browser.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from luukku.queueing.services import ticket_create

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"", re.I)
HANDLER = re.compile(r"\son[a-z]+=\"", re.I)
HTMX_EVAL = re.compile(r"\shx-on[:-]|hx-trigger=\"[^\"]*\[|\"js:", re.I)


def _pages(client, demo) -> list[str]:
    ticket = ticket_create(site=demo["pori"], service=None)
    return [
        "/",
        "/book/",
        "/book/?q=passi",
        "/book/?service=passport&site=pori",
        "/sites/pori/kiosk/",
        "/sites/pori/display/",
        f"/sites/pori/kiosk/t/{ticket.token}/",
        "/accounts/login/",
        "/admin/login/",
    ]


def _check(resp, url: str) -> None:
    assert resp.status_code == 200, url
    csp = resp["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ):
        assert directive in csp, (url, directive)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert resp["Referrer-Policy"] == "same-origin"
    assert resp["X-Frame-Options"] == "DENY"
    html = resp.content.decode()
    for pattern in (INLINE_SCRIPT, INLINE_STYLE, HANDLER, HTMX_EVAL):
        found = pattern.search(html)
        assert found is None, (url, html[max(found.start() - 80, 0) : found.end() + 80])


def test_public_pages__csp_and_headers__no_inline_script_or_style(client, demo):
    for url in _pages(client, demo):
        _check(client.get(url), url)


def test_signed_in_pages__csp_and_headers__no_inline_script_or_style(client, demo):
    user = get_user_model().objects.get(username="kela.pori1")
    client.force_login(user)
    _check(client.get("/desk/"), "/desk/")
    client.post("/desk/session/", {"services": ["benefit-advice"], "mode": "site"})
    _check(client.get("/desk/"), "/desk/ (serving)")


def test_planner_page__no_inline_style(client, demo):
    client.force_login(get_user_model().objects.get(username="suunnittelija"))
    _check(client.get("/planning/"), "/planning/")


def test_api__headers_too(client, demo):
    resp = client.get("/api/v1/booking/services")
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in resp["Content-Security-Policy"]
