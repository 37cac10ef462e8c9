from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from luukku.booking.ics import booking_ics
from luukku.booking.models import Booking, Channel, Visit
from luukku.registry.models import BusStop, Service, Space

HELSINKI = ZoneInfo("Europe/Helsinki")


def _visit(language: str = "fi") -> Visit:
    visit = Visit(name="Testi Asiakas", email="asiakas@example.invalid", language=language)
    visit.issue_token()
    visit.save()
    return visit


def _book(visit, site, start, *, minutes=30, channel=Channel.IN_PERSON, **extra) -> Booking:
    return Booking.objects.create(
        visit=visit,
        service=Service.objects.get(code="passport"),
        site=site,
        channel=channel,
        start=start,
        end=start + timedelta(minutes=minutes),
        **extra,
    )


def _events(data: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


@pytest.mark.parametrize(
    "local, utc",
    [
        pytest.param(datetime(2026, 3, 30, 9, 0), datetime(2026, 3, 30, 6, 0), id="summer-time"),
        pytest.param(datetime(2026, 10, 26, 9, 0), datetime(2026, 10, 26, 7, 0), id="winter-time"),
    ],
)
def test_ics__times__are_utc_across_dst(demo, local, utc):
    booking = _book(_visit(), demo["pori"], local.replace(tzinfo=HELSINKI))
    (event,) = _events(booking_ics([booking], language="fi"))
    assert event.decoded("dtstart") == utc.replace(tzinfo=UTC)
    assert event.decoded("dtend") == (utc + timedelta(minutes=30)).replace(tzinfo=UTC)
    assert b"DTSTART:" + utc.strftime("%Y%m%dT%H%M%SZ").encode() in booking_ics(
        [booking], language="fi"
    )


def test_ics__chain__one_event_per_booking_with_uid_summary_location_alarm(demo):
    visit = _visit("sv")
    start = datetime(2026, 11, 30, 9, 15, tzinfo=HELSINKI)
    space = Space.objects.filter(site=demo["pori"], space_type="service_room").first()
    first = _book(visit, demo["pori"], start, space=space)
    second = _book(visit, demo["pori"], start + timedelta(minutes=40), position=1)
    events = _events(booking_ics([first, second], language="sv"))
    assert [str(e["uid"]) for e in events] == [f"{first.code}@luukku", f"{second.code}@luukku"]
    event = events[0]
    assert str(event["summary"]) == "Pass"
    assert demo["pori"].name_sv in str(event["location"])
    assert demo["pori"].address in str(event["location"])
    assert visit.code in str(event["description"])  # the visit's one code
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("trigger") == timedelta(hours=-1)


def test_ics__remote_with_manage_link__describes_video_and_link(demo):
    start = datetime(2026, 11, 30, 9, 15, tzinfo=HELSINKI)
    booking = _book(
        _visit("en"),
        demo["kankaanpaa"],
        start,
        channel=Channel.REMOTE,
        video_url="https://video.example.invalid/luukku/abc",
    )
    data = booking_ics([booking], language="en", manage_url="https://luukku.example/v/tok")
    (event,) = _events(data)
    description = str(event["description"])
    assert "https://video.example.invalid/luukku/abc" in description
    assert "https://luukku.example/v/tok" in description
    assert str(event["summary"]) == "Passport"


def test_ics__bus_stop__is_in_the_location(demo):
    stop = BusStop.objects.filter(site=demo["satakunta-bus"]).first()
    start = datetime(2026, 11, 30, 9, 15, tzinfo=HELSINKI)
    booking = _book(_visit(), demo["satakunta-bus"], start, bus_stop=stop)
    (event,) = _events(booking_ics([booking], language="fi"))
    assert stop.place in str(event["location"])
    assert stop.address in str(event["location"])
    assert "cancel" not in str(event["description"]).lower()
