"""The public pages in the browser: no WCAG 2.1 A/AA violation of any impact, and 320 px wide.

The point pages and the accessibility statement pass every axe-core rule tagged WCAG 2.1
A or AA in Finnish, Swedish and English (not only the serious and critical ones); every
public page (landing, the booking steps, the point pages, kiosk, display, statement)
fits a 320 px wide screen without sideways scrolling (WCAG 1.4.10 Reflow).
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import AXE
from tests.browser.flows import booking_walk

pytestmark = pytest.mark.browser

WCAG21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: Long enough for a busy CI machine; the pages answer well within it.
PATIENCE_MS = 20_000

POINT_PAGES = [
    "/sites/",
    "/sites/pori/",
    "/sites/rauma/",
    "/sites/kankaanpaa/",
    "/sites/satakunta-bus/",
    "/accessibility/",
]


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


def sideways(page) -> int:
    """How many pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_point_pages_and_statement__every_language__no_wcag_violation(
    live_server, demo, new_page, language
):
    page = new_page(language)
    page.set_default_timeout(PATIENCE_MS)
    found = {}
    for path in POINT_PAGES:
        page.goto(f"{live_server.url}{path}")
        assert page.get_attribute("html", "lang") == language
        violations = wcag_violations(page)
        if violations:
            found[path] = violations
    # The waiting-room displays (every language side by side) and the point list's footer there.
    for path in ["/sites/pori/display/", "/sites/satakunta-bus/display/"]:
        page.goto(f"{live_server.url}{path}")
        violations = wcag_violations(page)
        if violations:
            found[path] = violations
    assert found == {}


def test_statement__linked_from_every_page_footer(live_server, demo, new_page):
    page = new_page("fi")
    for path in ["/", "/book/", "/sites/pori/", "/sites/pori/kiosk/"]:
        page.goto(f"{live_server.url}{path}")
        assert page.locator("footer a[href='/accessibility/']").count() == 1, path
    page.click("footer a[href='/accessibility/']")
    assert page.locator("h1").inner_text() == "Saavutettavuusseloste"
    assert page.locator("a[href^='mailto:']").count() == 1


def test_point_page__reached_from_landing_and_from_the_free_times(live_server, demo, new_page):
    page = new_page("en")
    page.goto(f"{live_server.url}/")
    page.click("a[href='/sites/pori/']")
    assert page.url.endswith("/sites/pori/")
    page.goto(f"{live_server.url}/book/?service=benefit-advice")
    page.locator(".site-times h3 a").first.click()
    assert "/sites/" in page.url
    assert page.locator("#hours-h").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_public_pages__at_320_px__do_not_scroll_sideways(live_server, demo, new_page, language):
    page = new_page(language)
    page.set_default_timeout(PATIENCE_MS)
    page.set_viewport_size({"width": 320, "height": 720})
    base = live_server.url
    wide = {}

    def check(label: str) -> None:
        over = sideways(page)
        if over > 0:
            wide[label] = over

    for path in [
        "/",
        "/book/",
        "/book/?service=benefit-advice",
        "/book/?service=passport&also=benefit-advice",
        "/book/?service=benefit-advice&site=satakunta-bus",
        *POINT_PAGES,
        "/sites/pori/kiosk/",
        "/sites/pori/kiosk/?agency=KELA",
        # The kiosk's own languages, Arabic right to left.
        *(f"/sites/pori/kiosk/?lang={code}" for code in ("ru", "uk", "et", "ar", "so")),
        "/sites/pori/kiosk/?agency=KELA&lang=ar",
        "/sites/satakunta-bus/kiosk/",
        "/sites/pori/display/",
        "/sites/satakunta-bus/display/",
    ]:
        page.goto(f"{base}{path}")
        check(path)

    # The booking's contact step and confirmation, its own page, moving and cancelling it.
    booking_walk(page, base, check)
    # The ticket a kiosk gives.
    page.goto(f"{base}/sites/pori/kiosk/?agency=KELA")
    page.click("button[data-service=benefit-advice]")
    page.wait_for_selector("#ticket-number")
    check("ticket")
    assert wide == {}
