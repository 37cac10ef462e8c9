"""Absolute links (messages, calendar files) come from LUUKKU_PUBLIC_URL, nowhere else."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import override_settings

from luukku.booking.services import manage_url

PACKAGE = Path(__file__).resolve().parents[2]


def test_manage_url__built_on_the_public_address():
    with override_settings(LUUKKU_PUBLIC_URL="https://luukku.example.fi/"):
        assert manage_url("abc123") == "https://luukku.example.fi/book/manage/abc123/"


def test_no_hard_coded_address_outside_the_setting():
    pattern = re.compile(r"https?://(127\.0\.0\.1|localhost)(:\d+)?")
    found = [
        f"{path.relative_to(PACKAGE)}:{n}"
        for path in PACKAGE.rglob("*")
        if path.suffix in (".py", ".html", ".txt")
        and "tests" not in path.parts
        and "bench" not in path.parts
        and path.name != "settings.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []
