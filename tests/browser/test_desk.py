"""The desk as an official works at it: a remote official starts remote, a booth for the
session, a break, a confirmation before what cannot be undone, a follow-up time chosen
with the customer. No inline script anywhere (the CSP in force refuses them)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.browser.test_day_at_pori import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PATIENCE_MS = 15_000


def test_desk__remote_official_starts_remote(live_server, demo, new_page):
    desk = new_page("en")
    sign_in(desk, live_server.url, "vero.eta1")
    expect(desk.locator("input[name=mode][value=remote]")).to_be_checked()
    expect(desk.locator("input[name=mode][value=on_site]")).not_to_be_checked()


def test_desk__booth_break_confirmation_and_follow_up(live_server, demo, new_page):
    from luukku.queueing.services import ticket_create
    from luukku.registry.models import Service, Space

    housing = Service.objects.get(code="housing-allowance")
    first = ticket_create(site=demo["pori"], service=housing)
    second = ticket_create(site=demo["pori"], service=housing)
    booth = Space.objects.filter(site=demo["pori"], space_type="screened_booth").order_by("-id")[0]

    desk = new_page("en")
    sign_in(desk, live_server.url, "kela.pori1")
    desk.check("input[name=mode][value=on_site]")
    desk.select_option("select[name=site]", "pori")
    desk.select_option("#booth-start", str(booth.pk))
    desk.click("form[action$='/desk/session/'] button[type=submit]")

    # A break: call next is gone until the break ends.
    desk.click("#pause")
    expect(desk.locator("#on-break")).to_be_visible(timeout=PATIENCE_MS)
    expect(desk.locator("#call-next")).to_have_count(0)
    desk.click("#resume")
    desk.click("#call-next", timeout=PATIENCE_MS)
    expect(desk.locator("#current-number")).to_have_text(first.number, timeout=PATIENCE_MS)
    expect(desk.locator(".desk-current")).to_contain_text(booth.customer_label)

    # Finish asks first; nothing is done until confirmed.
    desk.click("#start")
    expect(desk.locator("#desk-notice")).to_contain_text("started", timeout=PATIENCE_MS)
    desk.click("#finish")
    expect(desk.locator("#confirm-question")).to_contain_text("cannot be undone")
    assert axe_violations(desk) == []
    desk.click("#confirm")
    expect(desk.locator("#desk-notice")).to_contain_text(
        f"{first.number} finished", timeout=PATIENCE_MS
    )

    # The follow-up: the times are listed, the customer picks one, it is booked.
    desk.click("#call-next")
    expect(desk.locator("#current-number")).to_have_text(second.number, timeout=PATIENCE_MS)
    desk.click("#follow-up summary")
    desk.click("#follow-up-search")
    radios = desk.locator("#follow-up-times input[name=slot]")
    expect(radios.first).to_be_visible(timeout=PATIENCE_MS)
    assert radios.count() > 2
    radios.nth(2).check()
    desk.fill("#follow-up input[name=name]", "Maija Asiakas")
    desk.fill("#follow-up input[name=phone]", "040 123 4567")
    desk.click("#follow-up-book")
    expect(desk.locator("#desk-notice")).to_contain_text("booking code", timeout=PATIENCE_MS)
    assert axe_violations(desk) == []
