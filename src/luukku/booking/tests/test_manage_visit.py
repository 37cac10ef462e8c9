"""One visit, one code: a chain visit's pages, messages and moves (booking/manage_views.py)."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from django.core import mail

from luukku.booking.models import Booking, BookingState, Visit

from .test_views import CONFIRM_LINK, contact, post_confirm, times_page

pytestmark = pytest.mark.django_db

MANAGE = re.compile(r'href="(/book/manage/[^"/]+/)"')


@pytest.fixture(autouse=True)
def _email_notifier(settings):
    settings.LUUKKU_NOTIFIER = "luukku.integration.notify.EmailNotifier"


def _book_chain(client) -> tuple[Visit, str]:
    """Book passport + tax card at Pori through the pages; the visit and its manage path."""
    html = times_page(client, also="tax-card").content.decode()
    resp = post_confirm(
        client, unescape(CONFIRM_LINK.findall(html)[0]), **contact(email="a@example.invalid")
    )
    assert resp.status_code == 302
    manage = MANAGE.search(client.get(resp["Location"]).content.decode()).group(1)
    return Booking.objects.latest("pk").visit, manage


def _forms(html: str) -> list[dict[str, list[str]]]:
    """The hidden fields of each POST form on the page."""
    found = []
    for form in re.findall(r'<form method="post".*?</form>', html, re.S):
        data: dict[str, list[str]] = {}
        for key, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form):
            if key != "csrfmiddlewaretoken":
                data.setdefault(key, []).append(unescape(value))
        found.append(data)
    return found


def test_chain__one_code_on_the_pages_and_in_the_one_confirmation(
    client, demo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        visit, manage = _book_chain(client)
    first, second = visit.bookings.order_by("position")
    assert first.code == visit.code != second.code
    html = client.get(manage).content.decode()
    assert html.count(visit.code) >= 1 and second.code not in html.replace(
        f"/{second.code}/", ""
    )  # a later leg's own code appears only in its links, never as a code to show
    assert html.count('class="qr-code"') == 1
    # One confirmation; the first free time may be within a day, so one reminder at once.
    [message] = [m for m in mail.outbox if m.subject == "Varaus vahvistettu"]
    assert message.body.count(visit.code) == 1 and second.code not in message.body
    assert len([m for m in mail.outbox if m.subject.startswith("Muistutus")]) <= 1


def test_chain__cancel_one_service__the_other_stays(client, demo):
    visit, manage = _book_chain(client)
    first, second = visit.bookings.order_by("position")
    page = client.get(f"{manage}cancel/{second.code}/")
    assert page.status_code == 200 and "pysyvät varattuina" in page.content.decode()
    resp = client.post(f"{manage}cancel/{second.code}/")
    assert resp.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (BookingState.BOOKED, BookingState.CANCELLED)
    assert not second.reservations.exists() and first.reservations.exists()


def test_chain__move_the_whole_visit_to_another_day(
    client, demo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        visit, manage = _book_chain(client)
    before = [(b.pk, b.start) for b in visit.bookings.order_by("position")]
    later = before[0][1].date().toordinal() + 7
    html = client.get(f"{manage}move/", {"day": date.fromordinal(later).isoformat()})
    assert html.status_code == 200
    [chosen, *_rest] = [f for f in _forms(html.content.decode()) if "leg" in f]
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(f"{manage}move/", chosen)
    assert resp.status_code == 302, resp.content.decode()[:2000]
    after = [(b.pk, b.start) for b in visit.bookings.order_by("position")]
    assert [pk for pk, _s in after] == [pk for pk, _s in before]  # the same bookings, moved
    assert all(s.date().toordinal() >= later for _pk, s in after)
    assert after[0][1] < after[1][1]
    assert visit.bookings.filter(state=BookingState.BOOKED).count() == 2
    # the booking's confirmation and the move's
    assert len([m for m in mail.outbox if m.subject == "Varaus vahvistettu"]) == 2


def test_move_one_service__to_another_point(client, demo):
    visit, manage = _book_chain(client)
    passport = visit.bookings.get(position=0)
    html = client.get(f"{manage}reschedule/{passport.code}/", {"site": "rauma"}).content.decode()
    forms = [f for f in _forms(html) if f.get("site") == ["rauma"]]
    assert forms, "no free passport time at Rauma"
    resp = client.post(f"{manage}reschedule/{passport.code}/", forms[0])
    assert resp.status_code == 302
    passport.refresh_from_db()
    assert passport.site.slug == "rauma" and passport.state == BookingState.BOOKED


def test_move_one_service__any_point__offers_several_points(client, demo):
    visit, manage = _book_chain(client)
    passport = visit.bookings.get(position=0)
    html = client.get(f"{manage}reschedule/{passport.code}/", {"site": ""}).content.decode()
    assert len({f["site"][0] for f in _forms(html) if "site" in f}) > 1
