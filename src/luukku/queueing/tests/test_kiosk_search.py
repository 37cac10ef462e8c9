"""The kiosk's search box: the info desk's search, answered with take-number buttons.

The same triage search as the advisor's page and the booking page (inflected Finnish,
typos, fi/sv/en), limited to what this kiosk gives numbers for.
"""

from __future__ import annotations

import re

import pytest

from luukku.queueing.models import Ticket

pytestmark = pytest.mark.django_db


def _found(html: str) -> str:
    m = re.search(r'<section aria-labelledby="found-h".*?</section>', html, re.S)
    assert m, "no results section"
    return m.group(0)


def _buttons(html: str) -> list[str]:
    return re.findall(r'<button type="submit" name="service" value="([^"]+)"', _found(html))


@pytest.mark.parametrize(
    ("query", "service"),
    [
        ("passia", "passport"),
        ("verokortin", "tax-card"),
        ("pasport", "passport"),
        ("skattekort", "tax-card"),
    ],
)
def test_search__inflected_or_misspelt__offers_the_service_as_a_button(
    client, demo, query, service
):
    resp = client.get("/sites/pori/kiosk/", {"q": query})
    assert resp.status_code == 200
    assert (
        service in _buttons(resp.content.decode())[:2]
    )  # "passport" also finds the alien's passport


def test_search__button_takes_a_number_with_the_needs_form(client, demo):
    html = client.get("/sites/pori/kiosk/", {"q": "passia"}).content.decode()
    found = _found(html)
    assert 'name="idem"' in found or "idempotency" in found.lower()
    assert 'name="group_size"' in found  # the needs travel with the number, as on the agency screen
    resp = client.post("/sites/pori/kiosk/take/", {"service": "passport"})
    assert resp.status_code == 302
    assert Ticket.objects.filter(service__code="passport", site__slug="pori").exists()


def test_search__only_what_this_kiosk_gives_numbers_for(client, demo):
    """At the library's remote point a passport (in person only) is not a button here."""
    html = client.get("/sites/kankaanpaa/kiosk/", {"q": "passi"}).content.decode()
    assert "passport" not in _buttons(html)
    assert 'data-book="passport"' in _found(html)  # offered as a booking elsewhere


def test_search__nothing_found__says_so_and_keeps_the_agency_buttons(client, demo):
    html = client.get("/sites/pori/kiosk/", {"q": "qqqxxzz"}).content.decode()
    assert _buttons(html) == [] and 'role="status"' in _found(html)
    assert 'data-agency="KELA"' in html


def test_search__too_long__400_naming_the_field_and_keeping_the_screen(client, demo):
    resp = client.get("/sites/pori/kiosk/", {"q": "x" * 201})
    html = resp.content.decode()
    assert resp.status_code == 400
    assert 'id="kiosk-q-error"' in html and 'aria-invalid="true"' in html
    assert 'data-agency="KELA"' in html


def test_search__in_a_kiosk_only_language__labels_in_it_and_names_in_english(client, demo):
    html = client.get("/sites/pori/kiosk/", {"q": "passport", "lang": "ru"}).content.decode()
    assert _buttons(html)[0] == "passport"  # before the alien's passport
    assert "Passport" in _found(html) and 'name="lang" value="ru"' in _found(html)


def test_search__ignored_on_an_agency_screen(client, demo):
    html = client.get("/sites/pori/kiosk/", {"q": "passia", "agency": "KELA"}).content.decode()
    assert 'aria-labelledby="found-h"' not in html
