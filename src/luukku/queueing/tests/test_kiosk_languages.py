"""The kiosk and the ticket page in eight languages, chosen at the first screen.

Russian, Ukrainian, Estonian, Arabic (right to left) and Somali are the kiosk's own:
the rest of the site, LANGUAGES and the translated registry fields stay fi/sv/en.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from luukku.queueing.kiosk_i18n import KIOSK_LANGUAGES, KIOSK_ONLY
from luukku.queueing.models import Ticket

pytestmark = pytest.mark.django_db
ALL = [code for code, _name in KIOSK_LANGUAGES]
TAKE_A_NUMBER = {
    "fi": "Ota vuoronumero",
    "sv": "Ta en kölapp",
    "en": "Take a number",
    "ru": "Взять номер",
    "uk": "Взяти номер",
    "et": "Võta järjekorranumber",
    "ar": "خذ رقمًا",
    "so": "Qaado lambar",
}


def _html_tag(html: str) -> str:
    return re.search(r"<html[^>]*>", html).group(0)


@pytest.mark.parametrize("lang", ALL)
def test_kiosk__first_screen_in_each_language(client, demo, lang):
    html = client.get(f"/sites/pori/kiosk/?lang={lang}").content.decode()
    tag = _html_tag(html)
    assert f'lang="{lang}"' in tag
    assert ('dir="rtl"' in tag) is (lang == "ar")
    assert TAKE_A_NUMBER[lang] in html
    for code, name in KIOSK_LANGUAGES:  # every language is offered, named in itself
        assert f'href="?lang={code}" lang="{code}"' in html and name in html
    if lang in KIOSK_ONLY:
        assert 'name="lang" value="' + lang + '"' in html  # the forms carry the choice
        assert f"agency=KELA&amp;lang={lang}" in html


def test_kiosk__unknown_language__is_the_default(client, demo):
    html = client.get("/sites/pori/kiosk/?lang=xx").content.decode()
    assert 'lang="fi"' in _html_tag(html) and TAKE_A_NUMBER["fi"] in html


def test_kiosk__registry_names_in_english_for_kiosk_only_languages(client, demo):
    html = client.get("/sites/pori/kiosk/?agency=KELA&lang=uk").content.decode()
    assert "General housing allowance" in html and "Yleinen asumistuki" not in html
    assert "Назад" in html and "?lang=uk" in html  # back keeps the language


def test_kiosk__number_taken_in_russian__ticket_page_stays_russian(client, demo):
    r = client.post("/sites/pori/kiosk/take/", {"service": "housing-allowance", "lang": "ru"})
    assert r.status_code == 302 and "lang=ru" in r["Location"]
    assert Ticket.objects.get().language == "ru"
    page = client.get(r["Location"])
    html = page.content.decode()
    assert 'lang="ru"' in _html_tag(html) and "Ваш номер" in html
    assert page["Content-Language"] == "ru"
    # "Done" starts the next customer in the point's own language.
    assert re.search(r'href="/sites/pori/kiosk/">Готово', html)


def test_kiosk__check_in_error_in_arabic(client, demo):
    r = client.post("/sites/pori/kiosk/check-in/", {"code": "!!", "lang": "ar"})
    html = r.content.decode()
    assert r.status_code == 400 and 'dir="rtl"' in _html_tag(html)
    assert "هذا ليس رمز حجز" in html


def test_kiosk_languages__not_added_to_the_site(client, demo):
    assert [code for code, _n in settings.LANGUAGES] == ["fi", "sv", "en"]
    from modeltranslation.settings import AVAILABLE_LANGUAGES

    assert list(AVAILABLE_LANGUAGES) == ["fi", "sv", "en"]
    client.cookies["django_language"] = "ru"
    assert 'lang="fi"' in _html_tag(client.get("/book/").content.decode())
    assert 'lang="fi"' in _html_tag(client.get("/sites/pori/kiosk/").content.decode())
