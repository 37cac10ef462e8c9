"""The planner page in the browser: a plan, its accessibility, its xlsx, a phone's width."""

from __future__ import annotations

import pytest
from django.utils import timezone

from luukku.monitoring.history import seed_history
from luukku.monitoring.services import local_today
from tests.browser.conftest import axe_violations
from tests.browser.test_day_at_pori import sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_planner__calculated_plan__has_no_serious_accessibility_violations(
    live_server, demo, new_page, language
):
    page = new_page(language)
    sign_in(page, live_server.url, "suunnittelija", start="/planning/")
    page.click(".planner-form button[type=submit]:not([name])")
    page.wait_for_selector("#result-heading")
    assert page.locator("svg.chart").count() == 3
    assert axe_violations(page) == []


def test_planner__excel_button__downloads_the_workbook(live_server, demo, new_page):
    page = new_page("en")
    sign_in(page, live_server.url, "suunnittelija", start="/planning/")
    with page.expect_download() as download:
        page.click("button[name=export][value=xlsx]")
    assert download.value.suggested_filename == "tilaohjelma-L.xlsx"


def test_planner__at_320_px__the_page_does_not_scroll_sideways(live_server, demo, new_page):
    page = new_page("fi")
    sign_in(page, live_server.url, "suunnittelija", start="/planning/")
    page.set_viewport_size({"width": 320, "height": 800})
    page.click(".planner-form button[type=submit]:not([name])")
    page.wait_for_selector("#result-heading")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_planner__from_measured_usage__profiles_beside_the_plan(live_server, demo, new_page):
    """Pori's measured load (a simulated month) against its plan: charts, tables, verdict."""
    seed_history(days=30, today=local_today(timezone.now()))
    page = new_page("en")
    sign_in(page, live_server.url, "suunnittelija", start="/planning/")
    page.goto(f"{live_server.url}/planning/?measured=pori")
    page.wait_for_selector("#measured-h")
    assert page.locator("#measured-h ~ figure svg.chart").count() == 2
    assert page.locator(".measured-verdict li").count() >= 1
    page.click(".planner-measured-result details summary")
    assert page.locator(".profile-table").first.is_visible()
    assert axe_violations(page) == []
