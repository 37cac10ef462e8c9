"""The kiosk and its API give numbers only while the point is open (fixed clock, Helsinki)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone

from luukku.queueing.localtime import HELSINKI
from luukku.queueing.models import Ticket
from luukku.queueing.opening import kiosk_hours
from luukku.registry.models import OpeningException

pytestmark = pytest.mark.django_db
API = "/api/v1/queueing"

# Pori is open Mon, Tue, Wed, Fri 8–16 and Thu 8–18; the bus runs Tue–Thu (demo data).
TUE_EVENING = datetime(2026, 3, 3, 21, 25, tzinfo=HELSINKI)
TUE_MORNING = datetime(2026, 3, 3, 10, 0, tzinfo=HELSINKI)
TUE_LUNCH = datetime(2026, 3, 3, 11, 45, tzinfo=HELSINKI)  # the bus drives Ulvila -> Nakkila


@pytest.fixture
def clock(settings, monkeypatch):
    """Turn the opening-hours rule on and stop the clock at a chosen moment."""
    settings.LUUKKU_KIOSK_OPENING_HOURS = True

    def set_to(at: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: at)

    return set_to


def _fi(client):
    client.cookies["django_language"] = "fi"
    return client


def test_kiosk__closed__says_when_it_opens_and_offers_booking(client, demo, clock):
    clock(TUE_EVENING)
    html = _fi(client).get("/sites/pori/kiosk/").content.decode()
    assert 'id="kiosk-closed"' in html
    assert "ke 4.3.2026 klo 8.00" in html
    assert 'href="/book/?site=pori"' in html
    assert 'data-service="advice"' not in html and 'data-agency="KELA"' not in html
    assert 'id="check-in"' in html  # a booked customer may still check in early


def test_kiosk__closed__agency_page_shows_no_services(client, demo, clock):
    clock(TUE_EVENING)
    html = _fi(client).get("/sites/pori/kiosk/?agency=KELA").content.decode()
    assert 'id="kiosk-closed"' in html and 'data-service="housing-allowance"' not in html


def test_kiosk__closed__take_is_refused_and_nothing_written(client, demo, clock):
    clock(TUE_EVENING)
    r = _fi(client).post("/sites/pori/kiosk/take/", {"service": "housing-allowance"})
    assert r.status_code == 409
    assert 'id="kiosk-closed"' in r.content.decode()
    assert not Ticket.objects.exists()


def test_api__closed__ticket_refused_409_naming_site(client, demo, clock):
    clock(TUE_EVENING)
    r = client.post(
        f"{API}/tickets",
        {"site": "pori", "service": "housing-allowance"},
        content_type="application/json",
        headers={"accept-language": "en"},
    )
    assert r.status_code == 409
    detail = r.json()["detail"][0]
    assert detail["loc"][-1] == "site"
    assert "opens Wed 4 Mar 2026 at 8:00" in detail["msg"]
    assert not Ticket.objects.exists()


def test_kiosk__open__gives_a_number_and_says_until_when(client, demo, clock):
    clock(TUE_MORNING)
    html = _fi(client).get("/sites/pori/kiosk/").content.decode()
    assert 'id="kiosk-closed"' not in html and "16.00" in html
    r = client.post("/sites/pori/kiosk/take/", {"service": "housing-allowance"})
    assert r.status_code == 302 and Ticket.objects.count() == 1
    r = client.post(
        f"{API}/tickets", {"site": "pori", "service": "passport"}, content_type="application/json"
    )
    assert r.status_code == 201


def test_kiosk__closing_day_exception__next_opening_skips_it(demo, clock):
    OpeningException.objects.create(site=demo["pori"], date=date(2026, 3, 4), closed=True)
    hours = kiosk_hours(demo["pori"], at=TUE_EVENING)
    assert not hours.is_open
    assert timezone.localtime(hours.next_opens, HELSINKI) == datetime(
        2026, 3, 5, 8, 0, tzinfo=HELSINKI
    )


def test_kiosk__holiday__closed_all_day(demo, clock):
    # Friday 3 April 2026 is Good Friday; Easter Monday 6 April too: next opening Tue 7 April.
    hours = kiosk_hours(demo["pori"], at=datetime(2026, 4, 3, 10, 0, tzinfo=HELSINKI))
    assert not hours.is_open
    assert timezone.localtime(hours.next_opens, HELSINKI).date() == date(2026, 4, 7)


def test_bus_kiosk__at_a_stop__says_where_and_until_when(client, demo, clock):
    clock(TUE_MORNING)
    html = _fi(client).get("/sites/satakunta-bus/kiosk/").content.decode()
    assert 'id="kiosk-hours"' in html
    assert "K-Supermarket Ulvila" in html and "11.30" in html
    assert "Nakkilan tori" in html  # where it goes next


def test_bus_kiosk__between_stops__says_where_next_and_refuses_numbers(client, demo, clock):
    clock(TUE_LUNCH)
    html = _fi(client).get("/sites/satakunta-bus/kiosk/").content.decode()
    assert 'id="kiosk-closed"' in html
    assert "Nakkilan tori" in html and "ti 3.3.2026 klo 12.30" in html and "15.00" in html
    r = client.post(
        f"{API}/tickets",
        {"site": "satakunta-bus", "service": "advice"},
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json()["detail"][0]["loc"][-1] == "site"


def test_kiosk__hours_rule_off__always_open(client, demo, settings, monkeypatch):
    settings.LUUKKU_KIOSK_OPENING_HOURS = False
    monkeypatch.setattr(timezone, "now", lambda: TUE_EVENING)
    assert kiosk_hours(demo["pori"]).is_open
    assert client.post("/sites/pori/kiosk/take/", {"service": "passport"}).status_code == 302
