"""The report page in the browser: its charts and tables pass axe-core in fi and sv, the
charts' figures open beside them, and at 320 px the page does not scroll sideways."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from luukku.monitoring.history import seed_history
from luukku.monitoring.services import local_today
from tests.browser.conftest import axe_violations
from tests.browser.test_day_at_pori import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def history(demo):
    today = local_today(timezone.now())
    seed_history(days=45, today=today)
    return {
        "date_from": (today - timedelta(days=42)).isoformat(),
        "date_to": (today - timedelta(days=1)).isoformat(),
    }


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_reports__charts_and_tables__accessible(live_server, history, new_page, language):
    page = new_page(language)
    sign_in(page, live_server.url, "esihenkilo", start=None)
    query = "&".join(f"{k}={v}" for k, v in history.items())
    page.goto(f"{live_server.url}/monitoring/reports/?{query}&period=week")
    assert page.locator("svg.chart").count() == 3
    page.locator("figure.report-chart summary").first.click()
    assert page.locator("figure.report-chart table").first.is_visible()
    assert axe_violations(page) == []


def test_reports__at_320_px__the_page_does_not_scroll_sideways(live_server, history, new_page):
    page = new_page("fi")
    sign_in(page, live_server.url, "esihenkilo", start=None)
    query = "&".join(f"{k}={v}" for k, v in history.items())
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server.url}/monitoring/reports/?{query}&level=region")
    page.wait_for_selector("svg.chart")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
