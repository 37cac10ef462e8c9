"""The live site overview (issue 16 item 1): queues, desks, spaces, bookings of the
hour, numbers only; for the point's site manager and advisors."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import pytest

from luukku.access.testing import sign_in
from luukku.booking.models import Booking, BookingState, Channel, Visit
from luukku.monitoring.live import site_overview
from luukku.queueing.services import ticket_call_next, ticket_create
from luukku.queueing.tests.helpers import serve, service

pytestmark = pytest.mark.django_db


#: Noon in Helsinki, so that "today" and "the next hour" cannot change under the test.
NOON = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def _walk_in(site, code, minutes_ago):
    return ticket_create(
        site=site, service=service(code), now=NOON - timedelta(minutes=minutes_ago)
    )


def _booking(site, code, start, state=BookingState.BOOKED):
    visit = Visit.objects.create(name="Hidden Name", token_hash=secrets.token_hex(32))
    return Booking.objects.create(
        visit=visit,
        service=service(code),
        site=site,
        channel=Channel.IN_PERSON,
        start=start,
        end=start + timedelta(minutes=20),
        state=state,
    )


@pytest.fixture
def busy_pori(demo):
    pori = demo["pori"]
    now = NOON
    _walk_in(pori, "housing-allowance", 12)
    _walk_in(pori, "housing-allowance", 3)
    _walk_in(pori, "passport", 1)
    official, scope = serve("kela.pori1")
    called = ticket_call_next(official=official, scope=scope, now=NOON).ticket
    _booking(pori, "tax-card", now + timedelta(minutes=20))
    _booking(pori, "tax-card", now - timedelta(minutes=7))
    return pori, called


def test_overview__queues_desks_spaces_and_bookings(busy_pori):
    pori, called = busy_pori
    o = site_overview(pori, NOON)
    by_letter = {q.letter: q for q in o.queues}
    assert by_letter["K"].waiting == 1 and by_letter["K"].longest_min >= 2  # 12-min one called
    assert by_letter["P"].waiting == 1
    [desk] = [d for d in o.desks if d.state == "serving"]
    assert desk.number == called.number
    assert o.space_counts["in_use"] == 1
    assert [s.number for s in o.spaces if s.state == "in_use"] == [called.number]
    assert [b.service for b in o.due] == [service("tax-card").name]
    [late] = o.late
    assert 6 <= late.late_min <= 8 and not late.checked_in


def test_live_page__advisor_sees_numbers_never_names(client, busy_pori):
    pori, called = busy_pori
    sign_in(client, "neuvoja")
    html = client.get(f"/monitoring/sites/{pori.slug}/live/").content.decode()
    assert called.number in html and "Hidden Name" not in html
    assert 'data-events-url="/sites/pori/display/events/"' in html
    part = client.get(f"/monitoring/sites/{pori.slug}/live/", {"part": "1"})
    assert part.status_code == 200 and "<html" not in part.content.decode()
    assert called.number in part.content.decode()


@pytest.mark.parametrize(
    ("username", "slug", "status"),
    [
        ("esihenkilo", "pori", 200),
        ("esihenkilo", "rauma", 404),
        ("neuvoja", "rauma", 404),
        ("kela.pori1", "pori", 403),
    ],
)
def test_live_page__only_the_points_own_manager_and_advisors(client, demo, username, slug, status):
    sign_in(client, username, verified=True)
    assert client.get(f"/monitoring/sites/{slug}/live/").status_code == status


def test_live_page__query_count_does_not_grow_with_the_queue(
    client, busy_pori, django_assert_max_num_queries
):
    pori, _called = busy_pori
    sign_in(client, "esihenkilo", verified=True)
    client.get(f"/monitoring/sites/{pori.slug}/live/?part=1")
    for i in range(10):
        _walk_in(pori, "student-aid", i)
    with django_assert_max_num_queries(16):
        assert client.get(f"/monitoring/sites/{pori.slug}/live/?part=1").status_code == 200
