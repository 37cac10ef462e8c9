"""The booking flow in the browser: no WCAG 2.1 A/AA violation of any impact, in fi, sv, en.

Issue 17 item 8 asks every public page to pass axe-core with no violation at all in
every language it offers, not only the serious and critical ones: here the landing
page, the search and its free times (one service, a chain, the bus), the contact step,
the confirmation, the booking's own page, moving and cancelling it.
"""

from __future__ import annotations

import pytest

from tests.browser.flows import booking_walk
from tests.browser.test_public_pages import PATIENCE_MS, wcag_violations

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_booking_flow__every_language__no_wcag_violation(live_server, demo, new_page, language):
    page = new_page(language)
    page.set_default_timeout(PATIENCE_MS)
    base = live_server.url
    found = {}

    def check(label: str) -> None:
        violations = wcag_violations(page)
        if violations:
            found[label] = violations

    for path in [
        "/",
        "/book/",
        "/book/?service=benefit-advice",
        "/book/?service=passport&also=benefit-advice",
        "/book/?service=benefit-advice&site=satakunta-bus",
    ]:
        page.goto(f"{base}{path}")
        check(path)

    booking_walk(page, base, check)
    assert found == {}
