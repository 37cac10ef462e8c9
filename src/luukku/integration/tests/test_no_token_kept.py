"""After a booking and its confirmation, the raw manage-link token is in the message only."""

from __future__ import annotations

import logging
import re
from html import unescape

import pytest
from django.db import connection
from django.urls import reverse

from luukku.booking.tests.test_views import contact, first_time_url

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def _all_rows() -> str:
    parts = []
    with connection.cursor() as cur:
        for table in connection.introspection.table_names():
            cur.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            parts.append(f"{table}: {cur.fetchall()!r}")
    return "\n".join(parts)


@pytest.mark.django_db(transaction=True)
def test_booking_page__after_the_confirmation__no_row_and_no_log_line_holds_the_token(
    client, demo, settings, caplog, capsys
):
    # The console notifier in the worker's place; tasks run at once, after the commit.
    settings.LUUKKU_NOTIFIER = "luukku.integration.notify.ConsoleNotifier"
    page = client.get(first_time_url(client)).content.decode()
    data: dict[str, list[str]] = {}
    for name, value in HIDDEN.findall(page):
        if name != "csrfmiddlewaretoken":
            data.setdefault(name, []).append(unescape(value))
    data |= {k: [v] for k, v in contact(email="asiakas@example.invalid").items()}
    with caplog.at_level(logging.DEBUG):
        assert client.post(reverse("booking:confirm"), data).status_code == 302
        done = client.get(reverse("booking:done")).content.decode()
    token = re.search(r'href="/[^"]*/manage/([A-Za-z0-9_-]{32})/"', done).group(1)

    printed = capsys.readouterr()
    assert "Booking confirmed" in printed.out or "Varaus vahvistettu" in printed.out
    shown = printed.out + printed.err + caplog.text
    assert token not in shown
    assert "asiakas@example.invalid" not in shown and "401234567" not in shown
    assert token not in _all_rows()
    # The link the customer has still works.
    assert client.get(reverse("booking:manage", args=[token])).status_code == 200
