"""Walks through the booking pages that several browser tests share."""

from __future__ import annotations

from collections.abc import Callable


def _first_time(page, base: str, query: str) -> None:
    page.goto(f"{base}/book/?{query}")
    page.locator("a.time-btn").first.click()
    page.wait_for_selector("form.contact")


def _contact(page) -> None:
    """Fill in the contact step and send it; wait for the confirmation's code."""
    page.fill("input[name=name]", "Testi Asiakas")
    page.fill("input[name=email]", "testi@example.fi")
    if not page.locator("input[name=language]:checked").count():
        page.locator("input[name=language]").first.check()
    page.click("form.contact button[type=submit]")
    page.wait_for_selector(".code")


def book(page, base: str, query: str) -> str:
    """Search with ``query``, take the first free time, fill in the contact; the code."""
    _first_time(page, base, query)
    _contact(page)
    return page.locator(".code").first.inner_text().strip()


def booking_walk(page, base: str, check: Callable[[str], None]) -> None:
    """Book, then open the booking's page, moving and cancelling it; ``check`` each step."""
    _first_time(page, base, "service=benefit-advice")
    check("contact step")
    _contact(page)
    check("confirmation")
    # The booking's own page (the link in the confirmation), moving it and cancelling it.
    page.click("a[href*='/book/manage/']")
    page.wait_for_selector("a[href*='/reschedule/']")
    check("manage")
    manage_url = page.url
    page.click("a[href*='/reschedule/']")
    page.wait_for_load_state()
    check("move")
    page.goto(manage_url)
    page.click("a[href$='/cancel/']")
    page.wait_for_load_state()
    check("cancel")
