"""Issue 15's "done when", in the browser.

At the demo L point (Pori) an advisor takes an A-persona family of four who need an
Arabic interpreter through a three-agency visit — two agencies today on one number, one
booked for later — records the contact in one press, and the family's plan prints in a
language they chose among the kiosk's. A C-persona customer takes one number for three
services at the kiosk and is called by each agency in turn.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.browser.test_day_at_pori import PATIENCE_MS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOT_NOW = ["residence-permit", "personal-identity-code", "tax-card", "jobseeker-registration"]


@pytest.fixture
def advice_demo(demo):
    from luukku.advice.services import demo_seed

    demo_seed()
    return demo


def _row(page, code: str):
    return page.locator(f'[data-plan-service="{code}"]')


def test_family_of_four_through_a_three_agency_visit(live_server, advice_demo, new_page):
    from luukku.advice.models import AdviceContact, VisitPlan

    page = new_page("en")
    page.set_default_timeout(PATIENCE_MS)
    sign_in(page, live_server.url, "neuvoja")
    page.goto(f"{live_server.url}/advice/")
    page.click('[data-life-event="moving-to-finland"] summary')
    page.click('[data-life-event="moving-to-finland"] a:has-text("Plan this visit")')
    page.wait_for_selector("#plan-form")
    assert page.locator("[data-plan-service]").count() == 7

    # The family: four, Arabic interpreter, the plan in Arabic; done elsewhere or later:
    # the permit (already applied for), the identity code, the tax card, the jobseeker.
    page.fill("#plan-group", "4")
    page.select_option("#plan-interpreter", "ar")
    page.select_option("#plan-language", "ar")
    for code in NOT_NOW:
        _row(page, code).locator("input[name=service]").uncheck()
    page.click("#plan-refresh")
    expect(page.locator("[data-plan-service]")).to_have_count(3)
    # Integration advice is booked for later: untick "today" and update for its times.
    _row(page, "integration-advice").locator("input[name=today]").uncheck()
    page.click("#plan-refresh")
    expect(page.locator("input[name=option]").first).to_be_checked()
    page.fill("#plan-name", "Haddad")
    page.fill("#plan-phone", "040 123 4567")
    page.check("#plan-consent")
    page.fill("#plan-note", "Arrived last week; the parents' documents are in Arabic.")
    assert axe_violations(page) == []
    page.click("#plan-make")
    page.wait_for_selector("#plan-copy")

    plan = VisitPlan.objects.get()
    ticket = plan.ticket
    assert [ticket.service.code, *(s.service.code for s in ticket.steps.all())] == [
        "foreigner-registration",
        "social-security-coverage",
    ]
    assert (ticket.group_size, ticket.interpreter_language) == (4, "ar")
    booking = plan.visit.bookings.get()
    assert booking.service.code == "integration-advice"
    assert (plan.visit.group_size, plan.visit.interpreter_language) == (4, "ar")
    assert sorted(a.code for a in plan.note.agencies.all()) == ["DVV", "ELY", "KELA"]

    # The copy is in Arabic, right to left; printed, only the copy shows.
    copy = page.locator("#plan-copy")
    expect(copy).to_have_attribute("lang", "ar")
    expect(copy).to_have_attribute("dir", "rtl")
    expect(copy).to_contain_text(ticket.number)
    expect(copy).to_contain_text(plan.visit.code)
    assert axe_violations(page) == []
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".advice-record")).to_be_hidden()
    expect(copy).to_be_visible()
    page.emulate_media(media="screen")
    # The family prefer Somali after all: the advisor switches the copy.
    page.select_option("#copy-lang", "so")
    page.click(".plan-language button[type=submit]")
    expect(page.locator("#plan-copy")).to_have_attribute("lang", "so")

    # Served: one press records the contact.
    page.click("button[name=outcome][value=routed_on_site]")
    page.wait_for_selector(".messages")
    contact = AdviceContact.objects.get()
    assert (contact.service.code, contact.outcome) == ("foreigner-registration", "routed_on_site")


def test_one_number_for_three_services_called_by_each_agency(live_server, demo, new_page):
    from luukku.queueing.models import Ticket, TicketState

    kiosk = new_page("fi")
    kiosk.set_default_timeout(PATIENCE_MS)
    kiosk.goto(f"{live_server.url}/sites/pori/kiosk/?several=1")
    for code in ("housing-allowance", "tax-card", "moving-notice"):
        kiosk.check(f'.kiosk-several input[value="{code}"]')
        expect(kiosk.locator(f'.kiosk-several input[value="{code}"]')).to_be_checked()
    kiosk.click("#take-several")
    expect(kiosk.locator("[data-step]")).to_have_count(2)
    ticket = Ticket.objects.get()
    # The kiosk lists the agencies in its own order; the number follows it.
    order = [ticket.service, *(s.service for s in ticket.steps.all())]
    assert sorted(s.code for s in order) == ["housing-allowance", "moving-notice", "tax-card"]

    for service in order:
        username, code = f"{service.agency.code.lower()}.pori1", service.code
        desk = new_page("en")  # each official at their own desk
        desk.set_default_timeout(PATIENCE_MS)
        sign_in(desk, live_server.url, username)
        desk.check("input[name=mode][value=on_site]")
        desk.select_option("select[name=site]", "pori")
        desk.click("form[action$='/desk/session/'] button[type=submit]")
        desk.click("#call-next")
        expect(desk.locator("#current-number")).to_have_text(ticket.number)
        ticket.refresh_from_db()
        assert ticket.service.code == code
        desk.click("#start")
        expect(desk.locator("#desk-notice")).to_contain_text("started")
        desk.click("#finish")
        expect(desk.locator("#confirm-question")).to_be_visible()
        desk.click("#confirm")
        expect(desk.locator("#desk-notice")).to_contain_text(f"{ticket.number} finished")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.DONE
