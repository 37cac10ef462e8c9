"""The live site overview in the browser: it updates by itself when a number is taken
at the kiosk (the display's stream tells it), and passes axe-core."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations
from tests.browser.test_day_at_pori import PATIENCE_MS, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_live_overview__a_new_number_appears_without_reloading(live_server, demo, new_page):
    base = live_server.url
    manager, kiosk = new_page("fi"), new_page("fi")
    manager.set_default_timeout(PATIENCE_MS)
    sign_in(manager, base, "neuvoja")  # an advisor of the point
    manager.goto(f"{base}/monitoring/sites/pori/live/")
    assert manager.locator('[data-queue="K"]').count() == 0
    assert axe_violations(manager) == []
    kiosk.goto(f"{base}/sites/pori/kiosk/")
    kiosk.click('a[href*="agency=KELA"]')
    kiosk.click('[data-service="benefit-advice"]')
    kiosk.wait_for_selector("#ticket-number")
    manager.wait_for_selector('[data-queue="K"]')
    assert manager.inner_text('[data-queue="K"] td.num >> nth=0').strip() == "1"
