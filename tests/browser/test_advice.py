"""The info desk's triage in the browser: a search, the knowledge bank, a life event."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations
from tests.browser.test_day_at_pori import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def advice_demo(demo):
    from luukku.advice.services import demo_seed

    demo_seed()
    return demo


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_advice__search_and_life_event__accessible(live_server, advice_demo, new_page, language):
    page = new_page(language)
    sign_in(page, live_server.url, "neuvoja")  # an advisor lands at the desk
    page.goto(f"{live_server.url}/advice/")
    page.fill("#advice-q", "oleskeluluvan")
    page.click(".advice-search button[type=submit]")
    page.wait_for_selector('[data-service="residence-permit"]')
    assert "enterfinland.fi" in page.inner_text('[data-service="residence-permit"]')
    page.click('[data-life-event="moving-to-finland"] summary')
    assert page.locator('[data-life-event="moving-to-finland"] li').count() == 7
    assert axe_violations(page) == []
    # Served: one press of the outcome records the contact (the first match is chosen).
    from luukku.advice.models import AdviceContact

    first = page.get_attribute(".advice-result", "data-service")
    page.click("button[name=outcome][value=routed_on_site]")
    page.wait_for_selector(".messages")
    contact = AdviceContact.objects.get()
    assert (contact.service.code, contact.outcome) == (first, "routed_on_site")
    assert axe_violations(page) == []


def test_advice__at_320_px__the_page_does_not_scroll_sideways(live_server, advice_demo, new_page):
    page = new_page("fi")
    sign_in(page, live_server.url, "neuvoja")
    page.goto(f"{live_server.url}/advice/?q=verokortin")
    page.set_viewport_size({"width": 320, "height": 800})
    page.wait_for_selector('[data-service="tax-card"]')
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


@pytest.mark.django_db(transaction=True)
def test_help_button__reaches_the_advisors_list_without_reloading(
    live_server, advice_demo, new_page
):
    from tests.browser.test_day_at_pori import PATIENCE_MS

    advisor, kiosk = new_page("fi"), new_page("fi")
    advisor.set_default_timeout(PATIENCE_MS)
    sign_in(advisor, live_server.url, "neuvoja")
    advisor.goto(f"{live_server.url}/advice/")
    kiosk.goto(f"{live_server.url}/sites/pori/kiosk/?at=Aula")
    kiosk.click(".kiosk-help button")
    kiosk.wait_for_selector("text=Apu on tulossa")
    advisor.wait_for_selector(".help-requests li:has-text('Aula')")  # the list polls
    advisor.click(".help-requests button")
    advisor.wait_for_selector(".messages")
    assert advisor.locator(".help-requests li").count() == 0
    assert axe_violations(advisor) == []
