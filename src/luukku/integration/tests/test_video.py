from __future__ import annotations

from datetime import UTC, datetime

from django.test import override_settings

from luukku.integration.video import UrlTemplateVideoProvider, VideoProvider, get_video_provider

START = datetime(2026, 11, 30, 7, 15, tzinfo=UTC)
END = datetime(2026, 11, 30, 7, 45, tzinfo=UTC)


def _link(provider: VideoProvider) -> str:
    return provider.create_session(
        booking_code="ABC23456", start=START, end=END, agency_code="KELA"
    )


def test_video__default_template__gives_a_new_unguessable_room_each_call():
    provider = get_video_provider()
    links = {_link(provider) for _ in range(20)}
    assert len(links) == 20
    for link in links:
        assert link.startswith("https://video.example.invalid/luukku/")
        room = link.rsplit("/", 1)[1]
        assert len(room) >= 16
        assert "ABC23456" not in link


@override_settings(LUUKKU_VIDEO_URL_TEMPLATE="https://meet.example.invalid/{agency}/{code}-{room}")
def test_video__template__fills_code_and_agency_when_used():
    link = _link(UrlTemplateVideoProvider())
    assert link.startswith("https://meet.example.invalid/KELA/ABC23456-")
    assert link != _link(UrlTemplateVideoProvider())


def test_video__cancel_session__default_is_a_no_op():
    provider = UrlTemplateVideoProvider()
    assert provider.cancel_session(_link(provider)) is None
