"""The API docs page works without internet: Swagger UI from django-ninja's own files."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_api_docs__render_with_every_outside_request_refused(live_server, new_page):
    page = new_page("en")
    ours = urlsplit(live_server.url).netloc
    outside: list[str] = []

    def only_ours(route):
        if urlsplit(route.request.url).netloc == ours:
            route.continue_()
        else:  # as on a network with no way out
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_ours)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/api/v1/docs")
    # Swagger UI has read the OpenAPI document and drawn its title and operations.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Luukku API", timeout=15_000)
    expect(page.locator(".opblock").first).to_be_visible()
    assert outside == []
    assert errors == []
