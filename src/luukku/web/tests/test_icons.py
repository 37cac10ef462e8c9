"""Pictograms are SVG files: a kiosk PC without an emoji font still shows every one."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from luukku.registry import demo_data
from luukku.web.templatetags.luukku_icons import BY_CHARACTER, ICONS, icon_name

ICON_DIR = Path(__file__).resolve().parents[2] / "static" / "luukku" / "icons"


def test_icons__every_named_icon_is_a_small_svg_file():
    for name in ICONS:
        text = (ICON_DIR / f"{name}.svg").read_text()
        assert text.startswith("<svg ") and "<script" not in text and "style=" not in text
        assert len(text) < 2000, name
    assert set(BY_CHARACTER.values()) <= ICONS


def test_icons__every_demo_service_has_its_own_pictogram():
    for row in demo_data.SERVICES:
        character = row[-1].replace("\ufe0f", "")
        assert character in BY_CHARACTER, (row[1], character)
    assert icon_name("") == "document" and icon_name("🦄") == "document"


def _emoji(html: str) -> list[str]:
    return [ch for ch in html if ord(ch) > 0x2000 and unicodedata.category(ch) == "So"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/sites/pori/kiosk/",
        "/sites/pori/kiosk/?agency=KELA",
        "/book/?service=passport&site=pori",
        "/book/?service=benefit-advice&site=satakunta-bus",
    ],
)
def test_pages__show_svg_pictograms_and_no_emoji(client, demo, url):
    html = client.get(url).content.decode()
    assert _emoji(html) == [], url
    assert "luukku/icons/" in html and 'alt=""' in html
