"""Documents left at the info desk, in the browser: the advisor records them and prints
the receipt; the agency's official finds them from the desk and marks them received."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.browser.test_day_at_pori import PATIENCE_MS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dropoff__receipt_then_received_by_the_agency(live_server, demo, new_page):
    advisor = new_page("fi")
    advisor.set_default_timeout(PATIENCE_MS)
    sign_in(advisor, live_server.url, "neuvoja")
    advisor.goto(f"{live_server.url}/advice/")
    advisor.click("#dropoff-link")
    advisor.select_option("#d-agency", "KELA")
    advisor.fill("#d-documents", "Asumistukihakemus ja vuokrasopimus")
    advisor.fill("#d-name", "Testi Asiakas")
    advisor.fill("#d-phone", "040 123 4567")
    assert axe_violations(advisor) == []
    advisor.click("#dropoff-save")
    code = advisor.locator("#receipt-code").inner_text().strip()
    assert code.startswith("KELA-")
    assert axe_violations(advisor) == []
    advisor.emulate_media(media="print")
    expect(advisor.locator(".site-header")).to_be_hidden()
    expect(advisor.locator("#dropoff-receipt")).to_be_visible()

    official = new_page("en")
    official.set_default_timeout(PATIENCE_MS)
    sign_in(official, live_server.url, "kela.pori1")
    expect(official.locator("#dropoffs-link")).to_contain_text("1")
    official.click("#dropoffs-link")
    row = official.locator(f'[data-dropoff="{code}"]')
    expect(row).to_contain_text("Testi Asiakas")
    assert axe_violations(official) == []
    row.locator("button").click()
    expect(official.locator(".messages")).to_contain_text(code)
    expect(official.locator(f'[data-dropoff="{code}"] button')).to_have_count(0)
