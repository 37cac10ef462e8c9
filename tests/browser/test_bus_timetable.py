"""The bus timetable suggestions in the browser (issue 16 item 5): the route's site manager
sees a suggestion with its evidence, accepts it, and sees the new timetable; axe-clean."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from luukku.monitoring.models import DailyStopUse
from luukku.monitoring.services import local_today
from luukku.registry.models import BusStop
from tests.browser.conftest import axe_violations
from tests.browser.test_day_at_pori import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def busy_ulvila(demo):
    """Ten busy Tuesdays at Ulvila (9.00–11.30): 97 % in service, two turned away a day."""
    stop = BusStop.objects.get(site=demo["satakunta-bus"], place="K-Supermarket Ulvila")
    today = local_today(timezone.now())
    last_tuesday = today - timedelta(days=(today.weekday() - 1) % 7 or 7)
    DailyStopUse.objects.bulk_create(
        DailyStopUse(
            day=last_tuesday - timedelta(weeks=i),
            site=stop.site,
            stop=stop,
            walk_ins=9,
            bookings=1,
            served=8,
            turned_away=2,
            service_s=145 * 60,
            open_s=150 * 60,
        )
        for i in range(10)
    )
    return stop


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_bus_timetable__suggestion_with_evidence__accepted_into_the_timetable(
    live_server, busy_ulvila, new_page, language
):
    page = new_page(language)
    sign_in(page, live_server.url, "bussi.esihenkilo", start=None)
    page.goto(f"{live_server.url}/monitoring/reports/")
    page.click("a[href='/monitoring/sites/satakunta-bus/bus/']")
    row = page.locator(f"#stop-{busy_ulvila.pk}")
    assert "97 %" in row.inner_text()  # the evidence: time in service
    assert "9.00–12.00" in row.locator(".proposal").inner_text()
    assert row.locator(".reasons li").count() == 2  # busy, and walk-ins turned away
    assert axe_violations(page) == []

    label = page.locator(f"label[for=effective-{busy_ulvila.pk}]").inner_text()
    effective = row.get_by_label(label)
    day = datetime.fromisoformat(effective.input_value()).date()
    assert day > local_today(timezone.now()) and day.weekday() == 0  # the coming Monday
    row.locator("button[type=submit]").click()
    page.wait_for_url(lambda url: "changed=" in url)
    assert page.locator("[role=status]").is_visible()
    new = BusStop.objects.get(place=busy_ulvila.place, valid_from=day)
    timetable = page.locator(f"#timetable + ul li[data-stop='{new.pk}']")
    assert "9.00–12.00" in timetable.inner_text()
    assert f"{day.day}.{day.month}.{day.year}" in timetable.inner_text()
    ended = page.locator(f"#timetable + ul li[data-stop='{busy_ulvila.pk}']")
    before = day - timedelta(days=1)
    assert f"{before.day}.{before.month}.{before.year}" in ended.inner_text()
    assert axe_violations(page) == []


def test_bus_timetable__a_past_day__refused_naming_the_field__at_320_px(
    live_server, busy_ulvila, new_page
):
    page = new_page("fi")
    sign_in(page, live_server.url, "bussi.esihenkilo", start=None)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server.url}/monitoring/sites/satakunta-bus/bus/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320  # the table scrolls
    field = page.locator(f"#effective-{busy_ulvila.pk}")
    # The browser's own check (min) would stop a past day; a typed-in form could not.
    field.evaluate("el => { el.removeAttribute('min'); el.value = '2020-01-06'; }")
    page.locator(f"#stop-{busy_ulvila.pk} button[type=submit]").click()
    alert = page.locator("#accept-errors")
    alert.wait_for()
    label = page.locator(f"label[for=effective-{busy_ulvila.pk}]").inner_text()
    assert label in alert.inner_text()
    assert page.locator(f"#effective-{busy_ulvila.pk}").get_attribute("aria-invalid") == "true"
    assert axe_violations(page) == []
