"""Book, find a time, move and cancel in the browser, in fi, sv and en (issue 17 item 9).

Also: a remote booking at the Kankaanpää library, whose confirmation names the library
and says the video is taken there, not at home.
"""

from __future__ import annotations

import pytest

from tests.browser.flows import book
from tests.browser.test_public_pages import PATIENCE_MS

pytestmark = pytest.mark.browser

#: What each language's pages say once the booking is cancelled, and the library's name.
WORDS = {
    "fi": {"library": "Kankaanpään kirjasto", "home": "ei kotona"},
    "sv": {"library": "Kankaanpää bibliotek", "home": "inte hemma"},
    "en": {"library": "Kankaanpää library", "home": "not at home"},
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_book_move_cancel__every_language(live_server, demo, new_page, language):
    from luukku.booking.models import Booking, BookingState

    page = new_page(language)
    page.set_default_timeout(PATIENCE_MS)
    base = live_server.url
    code = book(page, base, "service=benefit-advice&site=pori")
    booking = Booking.objects.get(code=code)
    first_start = booking.start

    # The booking's own page, from the link in the confirmation; move it to another time.
    page.click("a[href*='/book/manage/']")
    page.wait_for_selector("a[href*='/reschedule/']")
    manage_url = page.url
    page.click("a[href*='/reschedule/']")
    page.wait_for_selector("form button.time-btn")
    page.locator("form button.time-btn").nth(1).click()
    page.wait_for_load_state()
    booking.refresh_from_db()
    assert booking.state != BookingState.CANCELLED and booking.start != first_start
    assert page.get_attribute("html", "lang") == language

    # Cancel it.
    page.goto(manage_url)
    page.click("a[href$='/cancel/']")
    page.click("form.actions button[type=submit]")
    page.wait_for_load_state()
    booking.refresh_from_db()
    assert booking.state == BookingState.CANCELLED


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_remote_booking_at_the_library__confirmation_names_the_library(
    live_server, demo, new_page, language
):
    page = new_page(language)
    page.set_default_timeout(PATIENCE_MS)
    book(page, live_server.url, "service=benefit-advice&site=kankaanpaa&channel=remote")
    text = page.locator("main").inner_text()
    assert WORDS[language]["library"] in text, text
    assert WORDS[language]["home"] in text
    assert demo["kankaanpaa"].address in text


@pytest.mark.django_db(transaction=True)
def test_chain_visit__one_code_booked_then_checked_in_at_the_kiosk(live_server, demo, new_page):
    """A chain visit has one code end to end: one code and one QR code on the confirmation,
    and that code typed once at the kiosk checks in every service of the day."""
    from datetime import timedelta

    from django.utils import timezone

    from luukku.booking.models import Booking, Visit
    from luukku.registry.models import Service

    page = new_page("en")
    page.set_default_timeout(PATIENCE_MS)
    base = live_server.url
    code = book(page, base, "service=passport&site=pori&also=tax-card")
    visit = Visit.objects.get(code=code)
    assert visit.bookings.count() == 2
    assert page.locator(".code").count() == 1 and page.locator(".qr-code").count() == 1
    assert "One code for your whole visit" in page.locator("main").inner_text()

    # The kiosk on the day: a chain at Pori starting in ten minutes, checked in with its code.
    soon = timezone.now().replace(microsecond=0) + timedelta(minutes=10)
    if timezone.localtime(soon + timedelta(minutes=25)).date() != timezone.localdate():
        pytest.skip("the chain's legs must both be today: not in the last 35 minutes of a day")
    today = Visit.objects.create(name="Chain Customer", token_hash="c" * 64)
    for position, (service, start) in enumerate(
        [("housing-allowance", soon), ("tax-card", soon + timedelta(minutes=25))]
    ):
        Booking.objects.create(
            visit=today,
            position=position,
            service=Service.objects.get(code=service),
            site=demo["pori"],
            channel="in_person",
            start=start,
            end=start + timedelta(minutes=20),
            **({"code": today.code} if position == 0 else {}),
        )
    page.goto(f"{base}/sites/pori/kiosk/")
    page.fill("input[name=code]", today.code.lower())
    page.locator("form[action$='/check-in/'] button[type=submit]").click()
    page.wait_for_selector("#ticket-number")
    tickets = {b.service.code: b.tickets.get().number for b in today.bookings.all()}
    assert page.inner_text("#ticket-number").strip() == tickets["housing-allowance"]
    assert tickets["tax-card"] in page.locator(".ticket-chain").inner_text()
    assert {b.state for b in today.bookings.all()} == {"checked_in"}
