"""Every message, calendar file and page names the place to go to, and carries the QR code.

A remote booking at the Kankaanpää library or on the bus is taken in a room there, not
at home; the bus booking names its stop and the time the bus stands there.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import mail

from luukku.booking.ics import booking_ics
from luukku.booking.messages import confirmation_message, reminder_message
from luukku.booking.models import Booking, Channel, Visit
from luukku.booking.place import qr_png, qr_svg
from luukku.integration.notify import EmailNotifier
from luukku.registry.models import BusStop, Service

from .test_views import contact, first_time_url, post_confirm

pytestmark = pytest.mark.django_db
HELSINKI = ZoneInfo("Europe/Helsinki")
TUE_10 = datetime(2026, 3, 3, 10, 0, tzinfo=HELSINKI)  # the bus stands at Ulvila 9.00–11.30
PNG = b"\x89PNG\r\n\x1a\n"


def _visit(language: str) -> Visit:
    visit = Visit(name="Testi Asiakas", email="asiakas@example.invalid", language=language)
    visit.issue_token()
    visit.save()
    return visit


def _book(visit, site, *, channel=Channel.IN_PERSON, code="benefit-advice", **extra) -> Booking:
    return Booking.objects.create(
        visit=visit,
        service=Service.objects.get(code=code),
        site=site,
        channel=channel,
        start=TUE_10,
        end=TUE_10 + timedelta(minutes=30),
        **extra,
    )


def _ulvila(demo) -> BusStop:
    return BusStop.objects.get(site=demo["satakunta-bus"], place="K-Supermarket Ulvila")


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fi", ("Kankaanpään kirjasto", "ei kotona")),
        ("sv", ("Kankaanpää bibliotek", "inte hemma")),
        ("en", ("Kankaanpää library", "not at home")),
    ],
)
def test_messages__remote_at_the_library__name_the_library_not_home(demo, language, words):
    booking = _book(_visit(language), demo["kankaanpaa"], channel=Channel.REMOTE)
    for message in (
        confirmation_message(booking.visit, [booking], "https://x.invalid/m/t"),
        reminder_message(booking.visit, [booking]),
    ):
        assert demo["kankaanpaa"].address in message.body
        for word in words:
            assert word in message.body, (word, message.body)
        # The place line is the library, not "remote video session" as before.
        place_line = next(x for x in message.body.splitlines() if demo["kankaanpaa"].address in x)
        assert place_line.split(":")[0] in ("Paikka", "Plats", "Place")


def test_messages__bus__name_the_stop_and_its_time_window(demo):
    stop = _ulvila(demo)
    booking = _book(_visit("fi"), demo["satakunta-bus"], bus_stop=stop)
    body = confirmation_message(booking.visit, [booking], None).body
    assert "K-Supermarket Ulvila, Friitalantie 1, 28400 Ulvila" in body
    assert "9.00–11.30" in body


def test_messages__confirmation_and_reminder_attach_the_qr_code(demo):
    booking = _book(_visit("en"), demo["pori"])
    for message in (
        confirmation_message(booking.visit, [booking], None),
        reminder_message(booking.visit, [booking]),
    ):
        [(name, content, mime)] = message.attachments
        code = booking.visit.code  # the visit's one code
        assert name == f"{code}.png" and mime == "image/png"
        assert content.startswith(PNG) and content == qr_png(code)
        assert "QR code" in message.body and code in message.body


def test_email_notifier__sends_the_attachment(demo):
    booking = _book(_visit("fi"), demo["pori"])
    EmailNotifier().send(confirmation_message(booking.visit, [booking], None))
    [sent] = mail.outbox
    [(name, content, mime)] = sent.attachments
    code = booking.visit.code
    assert name == f"{code}.png" and mime == "image/png" and content.startswith(PNG)


def test_ics__remote_at_the_library__location_note_qr_and_url(demo):
    booking = _book(_visit("en"), demo["kankaanpaa"], channel=Channel.REMOTE)
    data = booking_ics([booking], language="en", manage_url="https://x.invalid/book/manage/t/")
    [event] = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert "Kankaanpää library" in str(event["location"])
    assert demo["kankaanpaa"].address in str(event["location"])
    description = str(event["description"])
    assert booking.visit.code in description and "not at home" in description
    assert str(event["url"]) == "https://x.invalid/book/manage/t/"
    attach = event["attach"]
    assert attach.params["FMTTYPE"] == "image/png" and attach.params["VALUE"] == "BINARY"
    assert event.decoded("attach").startswith(PNG)


def test_ics__bus__location_is_the_stop_with_its_window(demo):
    booking = _book(_visit("fi"), demo["satakunta-bus"], bus_stop=_ulvila(demo))
    [event] = icalendar.Calendar.from_ical(booking_ics([booking], language="fi")).walk("VEVENT")
    location = str(event["location"])
    assert "K-Supermarket Ulvila" in location and "9.00–11.30" in location


def test_qr_svg__is_an_accessible_inline_image_without_style():
    svg = qr_svg("AB12CD34", label="QR <code> AB12CD34")
    assert svg.startswith('<svg role="img" aria-label="QR &lt;code&gt; AB12CD34"')
    assert "style" not in svg and "<script" not in svg


def _book_through_pages(client, **params) -> tuple[str, Booking]:
    url = first_time_url(client, **params)
    resp = post_confirm(client, url, **contact())
    assert resp.status_code == 302, resp.content.decode()[:500]
    return client.get(resp["Location"]).content.decode(), Booking.objects.latest("pk")


def test_pages__remote_at_the_library__confirmation_names_it_and_shows_the_qr(client, demo):
    client.cookies["django_language"] = "fi"
    html, booking = _book_through_pages(
        client, service="benefit-advice", site="kankaanpaa", channel="remote"
    )
    assert booking.channel == Channel.REMOTE and booking.site.slug == "kankaanpaa"
    assert demo["kankaanpaa"].address in html and "ei kotona" in html
    assert re.search(r'<svg role="img" aria-label="[^"]*' + booking.code, html)
    manage = re.search(r'href="(/book/manage/[^"/]+/)"', html).group(1)
    page = client.get(manage).content.decode()
    assert 'class="qr"' in page and demo["kankaanpaa"].address in page


def test_pages__bus__step_3_shows_the_stop(client, demo):
    client.cookies["django_language"] = "fi"
    url = first_time_url(client, service="benefit-advice", site="satakunta-bus")
    html = client.get(url).content.decode()
    stops = BusStop.objects.filter(site=demo["satakunta-bus"])
    shown = [s for s in stops if f'data-stop="{s.pk}"' in html]
    assert len(shown) == 1
    assert shown[0].place in html and shown[0].address in html
    assert "Bussi on" in html


def test_kiosk__check_in_takes_what_the_qr_code_holds(client, demo):
    """The QR code holds the bare booking code: a scanner types it into the code field."""
    from luukku.queueing.tests.helpers import booking as make_booking

    start = datetime.now(tz=HELSINKI).replace(microsecond=0) + timedelta(minutes=10)
    booking = make_booking(demo["pori"], "housing-allowance", start)
    assert qr_svg(booking.code, label="x") == qr_svg(booking.code, label="x")  # deterministic
    r = client.post("/sites/pori/kiosk/check-in/", {"code": booking.code + "\r\n"})
    assert r.status_code == 302 and "checked_in=1" in r["Location"]
