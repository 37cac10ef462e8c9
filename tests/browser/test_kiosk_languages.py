"""The kiosk in the browser: every language (Arabic right to left) and the closed kiosk
pass axe-core's WCAG 2.1 A and AA rules with no violation of any impact."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from luukku.queueing.kiosk_i18n import KIOSK_LANGUAGES
from luukku.queueing.localtime import HELSINKI
from tests.browser.conftest import AXE

pytestmark = pytest.mark.browser
WCAG21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def wcag_violations(page) -> list[dict]:
    """Every WCAG 2.1 A/AA violation axe-core finds on the page, whatever its impact."""
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        "async (tags) => await axe.run(document,"
        " {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG21_AA,
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
    ]


@pytest.mark.parametrize("lang", [code for code, _name in KIOSK_LANGUAGES])
def test_kiosk__each_language__no_wcag_violation(live_server, demo, new_page, lang):
    page = new_page("fi")
    page.goto(f"{live_server.url}/sites/pori/kiosk/")
    page.click(f".kiosk-languages a[lang={lang}]")
    assert page.get_attribute("html", "lang") == lang
    assert page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else None)
    assert wcag_violations(page) == []
    # The search box (the info desk's search): an inflected Finnish word finds the service.
    page.fill("#kiosk-q", "asumistukea")
    page.click("#kiosk-search")
    found = page.locator("#kiosk-found")
    assert found.locator("button[data-service=housing-allowance]").count() == 1
    assert page.get_attribute("html", "lang") == lang
    assert wcag_violations(page) == []
    # The language carries on to a service list and to the ticket.
    page.click("a[data-agency=KELA]")
    assert page.get_attribute("html", "lang") == lang
    page.click(".kiosk-needs summary")  # group size, wheelchair, interpreter
    page.fill("#group_size", "3")
    assert wcag_violations(page) == []
    page.click("button[data-service=housing-allowance]")
    page.wait_for_selector("#ticket-number")
    assert page.get_attribute("html", "lang") == lang
    assert wcag_violations(page) == []
    # Feedback from the kiosk in the chosen language ("Done" starts afresh in Finnish).
    page.goto(f"{live_server.url}/sites/pori/kiosk/?lang={lang}")
    page.click(".kiosk-feedback a")
    assert page.get_attribute("html", "lang") == lang
    assert wcag_violations(page) == []
    page.check("input[name=score][value='4']")
    page.click(".feedback-form button[type=submit]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == lang


def test_kiosk__closed__offers_booking_and_passes_axe(
    live_server, demo, new_page, settings, monkeypatch
):
    settings.LUUKKU_KIOSK_OPENING_HOURS = True
    evening = datetime(2026, 3, 3, 21, 25, tzinfo=HELSINKI)  # Pori is open 8–16 on Tuesdays
    monkeypatch.setattr(timezone, "now", lambda: evening)
    page = new_page("fi")
    page.goto(f"{live_server.url}/sites/pori/kiosk/")
    closed = page.locator("#kiosk-closed")
    assert "ke 4.3.2026 klo 8.00" in closed.inner_text()
    assert page.locator("[data-service]").count() == 0
    assert wcag_violations(page) == []
    page.click("#book-instead")
    assert page.url.endswith("/book/?site=pori")
    assert page.locator("select[name=site] option[value=pori]").evaluate("o => o.selected")
