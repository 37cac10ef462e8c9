"""Query counts of the busy booking endpoints: an N+1 query is a bug with a test.

The counts are exact and do not grow with the region: a search or a booking costs the
same few queries however many service points, officials and spaces take part. They
are the same on SQLite and PostgreSQL but for the one overlap check SQLite needs
before it inserts reservations (it has no exclusion constraint; see
``overlap.refuse_overlap``).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import holidays
import pytest
from django.db import connection
from django.urls import reverse

from .test_api import API, book, first_slot
from .test_views import contact, first_time_url

pytestmark = pytest.mark.django_db

#: The service; the registry version (the rest of the registry comes from the in-memory
#: snapshot); the officials' reservations; the spaces' and interpreters' reservations;
#: the service points of the slots found.
AVAILABILITY = 5

#: The site and the service of the request; in one transaction the contact's open
#: bookings at the agency (the hoarding limit), the registry version, the free
#: officials and spaces at that time, the visit, the booking and its reservations
#: (SAVEPOINT and RELEASE here, as the test runs inside a transaction), and the
#: reserved-day summaries of its resources: lock, read the day, write (booking.days).
BOOKING = 14

#: django-auditlog's change records of the new visit and its booking (luukku.audit.changes).
CHANGE_RECORDS = 2


@pytest.fixture
def warm_content_types(db):
    """auditlog names a model by its content type, which a running server has cached."""
    from django.contrib.contenttypes.models import ContentType

    from luukku.booking.models import Booking, Visit

    ContentType.objects.get_for_models(Visit, Booking)


def _overlap_check() -> int:
    return 0 if connection.vendor == "postgresql" else 1


def _working_day() -> str:
    """A working Tuesday or Wednesday a few days ahead: today's remaining hours (none,
    late in the afternoon) would make the search read one more day than at noon."""
    day = date.today() + timedelta(days=3)
    closed = holidays.country_holidays("FI", years=range(day.year, day.year + 2))
    while day.weekday() not in (1, 2) or day in closed:
        day += timedelta(days=1)
    return day.isoformat()


@pytest.mark.parametrize(
    ("params", "extra"),
    [
        pytest.param({"service": "passport"}, 0, id="in-person-region-wide"),
        pytest.param({"service": "benefit-advice", "limit": 50}, 0, id="remote-every-site-and-bus"),
        # + the check that the named service point exists
        pytest.param({"service": "tax-card", "site": "kankaanpaa"}, 1, id="one-site"),
    ],
)
def test_availability_api__get__query_count(client, demo, django_assert_num_queries, params, extra):
    params = {**params, "from": _working_day()}
    client.get(f"{API}/availability", params)  # the registry snapshot is built once
    with django_assert_num_queries(AVAILABILITY + extra):
        resp = client.get(f"{API}/availability", params)
    assert resp.status_code == 200 and resp.json()


def test_booking_api__post__query_count(
    client, demo, warm_content_types, django_assert_num_queries
):
    slot = first_slot(client, site="pori")
    # + the answer's bookings
    with django_assert_num_queries(BOOKING + CHANGE_RECORDS + _overlap_check() + 1):
        resp = book(client, slot)
    assert resp.status_code == 201, resp.content


def test_booking_page__post__query_count(
    client, demo, warm_content_types, django_assert_num_queries
):
    page = client.get(first_time_url(client)).content.decode()
    data: dict[str, list[str]] = {}
    for key, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page):
        data.setdefault(key, []).append(unescape(value))
    data.update({k: [v] for k, v in contact().items()})
    # + the form's idempotency key: its claim (SAVEPOINT, INSERT, RELEASE) and its visit (4);
    # the token goes to the done page in a signed cookie, not in a session row.
    with django_assert_num_queries(BOOKING + CHANGE_RECORDS + _overlap_check() + 4):
        resp = client.post(reverse("booking:confirm"), data)
    assert resp.status_code == 302, resp.content
