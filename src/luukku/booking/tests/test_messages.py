from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from luukku.booking.messages import (
    cancellation_message,
    confirmation_message,
    format_local,
    reminder_message,
)
from luukku.booking.models import Booking, Channel, Visit
from luukku.registry.models import Service

HELSINKI = ZoneInfo("Europe/Helsinki")
# 9.15 in Helsinki in winter time.
START = datetime(2026, 11, 30, 7, 15, tzinfo=UTC)

LOCAL_TIME = {
    "fi": "ma 30.11.2026 klo 9.15",
    "sv": "mån 30.11.2026 kl. 9.15",
    "en": "Mon 30 Nov 2026 at 9:15",
}
SERVICE_NAME = {"fi": "Passi", "sv": "Pass", "en": "Passport"}


def _visit(language: str) -> Visit:
    visit = Visit(
        name="Testi Asiakas",
        phone="+358401234567",
        email="asiakas@example.invalid",
        language=language,
    )
    visit.issue_token()
    visit.save()
    return visit


def _book(visit, site, start=START, **extra) -> Booking:
    return Booking.objects.create(
        visit=visit,
        service=Service.objects.get(code="passport"),
        site=site,
        channel=extra.pop("channel", Channel.IN_PERSON),
        start=start,
        end=start + timedelta(minutes=30),
        **extra,
    )


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_format_local__writes_helsinki_time_per_language(language):
    assert format_local(START, language) == LOCAL_TIME[language]


def test_format_local__follows_dst():
    assert format_local(datetime(2026, 3, 30, 6, 0, tzinfo=UTC), "fi") == "ma 30.3.2026 klo 9.00"
    assert format_local(datetime(2026, 10, 26, 7, 0, tzinfo=UTC), "fi") == "ma 26.10.2026 klo 9.00"


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_messages__confirmation__has_local_time_service_code_and_link(demo, language):
    visit = _visit(language)
    booking = _book(visit, demo["pori"])
    message = confirmation_message(visit, [booking], "https://luukku.example/v/tok")
    assert LOCAL_TIME[language] in message.body
    assert SERVICE_NAME[language] in message.body
    assert visit.code in message.body  # the visit's one code, not a leg's
    assert booking.code not in message.body
    assert "https://luukku.example/v/tok" in message.body
    assert message.language == language
    assert (message.to_email, message.to_phone) == (visit.email, visit.phone)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_messages__reminder__has_local_time_in_subject_and_body(demo, language):
    visit = _visit(language)
    booking = _book(visit, demo["pori"])
    message = reminder_message(visit, [booking])
    assert LOCAL_TIME[language] in message.subject
    assert LOCAL_TIME[language] in message.body


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_messages__cancellation__lists_the_cancelled_booking(demo, language):
    visit = _visit(language)
    booking = _book(visit, demo["pori"], state="cancelled")
    message = cancellation_message(visit, [booking])
    assert LOCAL_TIME[language] in message.body
    assert visit.code in message.body


def test_messages__chain__lists_every_booking_in_order_under_one_code(demo):
    visit = _visit("fi")
    first = _book(visit, demo["pori"])
    second = _book(visit, demo["pori"], START + timedelta(minutes=40), position=1)
    message = confirmation_message(visit, [first, second], None)
    body = message.body
    assert body.index("klo 9.15") < body.index("klo 9.55")
    assert body.count(visit.code) == 1
    assert first.code not in body and second.code not in body
    assert "ilmoittaa sinut kaikkiin palveluihisi" in body  # check in once for every leg
    assert [name for name, _content, _mime in message.attachments] == [f"{visit.code}.png"]


def test_messages__remote__gives_the_video_link(demo):
    visit = _visit("en")
    booking = _book(
        visit,
        demo["kankaanpaa"],
        channel=Channel.REMOTE,
        video_url="https://video.example.invalid/luukku/room",
    )
    assert (
        "https://video.example.invalid/luukku/room"
        in confirmation_message(visit, [booking], None).body
    )


def test_messages__no_personal_data_beyond_the_customers_own(demo):
    visit = _visit("fi")
    booking = _book(visit, demo["pori"])
    message = confirmation_message(visit, [booking], None)
    text = message.subject + message.body
    assert "Testi Asiakas" not in text
    assert visit.phone not in text
    assert visit.email not in text
