"""Booking and kiosk check-in with the keyboard only: Tab to move, Enter or Space to act.

No mouse click and no ``fill``: the test moves the focus with Tab as a keyboard user
does and types into whatever has the focus (WCAG 2.1.1 Keyboard, 2.4.3 Focus Order).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from luukku.queueing.localtime import local_day
from luukku.queueing.tests.helpers import booking

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: Long enough for a busy CI machine.
PATIENCE_MS = 20_000
#: More Tab presses than any of these pages has stops (the booking's service list is long).
MAX_TABS = 400


def tab_to(page, selector: str) -> None:
    """Press Tab until the focused element matches ``selector``; fail if it never does."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => !!document.activeElement?.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


def test_booking__keyboard_only__reaches_the_confirmation(live_server, demo, new_page):
    page = new_page("en")
    page.set_default_timeout(PATIENCE_MS)
    page.goto(f"{live_server.url}/book/")

    tab_to(page, "button.service-btn[value=benefit-advice]")
    page.keyboard.press("Enter")
    page.wait_for_selector("a.time-btn")

    tab_to(page, "a.time-btn")
    page.keyboard.press("Enter")
    page.wait_for_selector("form.contact")

    tab_to(page, "input[name=name]")
    page.keyboard.type("Keyboard Customer")
    tab_to(page, "input[name=email]")
    page.keyboard.type("keyboard@example.fi")
    tab_to(page, "input[name=language]")
    if not page.locator("input[name=language]:checked").count():
        page.keyboard.press("Space")
    tab_to(page, "form.contact button[type=submit]")
    page.keyboard.press("Enter")

    page.wait_for_selector(".code")
    assert re.fullmatch(r"[A-Z0-9]{6,12}", page.locator(".code").first.inner_text().strip())


def test_kiosk_check_in__keyboard_only__gives_the_booking_its_number(live_server, demo, new_page):
    now = timezone.now()
    start = now + timedelta(minutes=10)
    if local_day(start) != local_day(now):  # just before midnight: a booking begun today
        start = now - timedelta(minutes=5)
    b = booking(demo["pori"], "housing-allowance", start)

    page = new_page("fi")
    page.set_default_timeout(PATIENCE_MS)
    page.goto(f"{live_server.url}/sites/pori/kiosk/")
    tab_to(page, "input#code")
    page.keyboard.type(b.code)
    tab_to(page, "button#check-in")
    page.keyboard.press("Enter")

    page.wait_for_selector("#ticket-number")
    assert page.locator("#ticket-number").inner_text().strip()
    b.refresh_from_db()
    assert b.state == "checked_in"
