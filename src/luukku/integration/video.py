"""Video sessions for remote bookings.

Luukku asks a :class:`VideoProvider` for a link when a remote booking is made and
tells it when the booking is cancelled. The default, :class:`UrlTemplateVideoProvider`,
only builds a link from ``LUUKKU_VIDEO_URL_TEMPLATE``; the room name in it is an
unguessable random id, so a link cannot be derived from a booking code.

An agency plugs in its own platform (Teams, a Jitsi server, a government video
service, ...) by subclassing :class:`VideoProvider`::

    # myagency/video.py
    class MyPlatformProvider(VideoProvider):
        def create_session(self, *, booking_code, start, end, agency_code):
            meeting = my_platform_client.create_meeting(start=start, end=end)
            return meeting.join_url

        def cancel_session(self, link):
            my_platform_client.delete_meeting(link)

and naming it in the settings: ``LUUKKU_VIDEO_PROVIDER = "myagency.video.MyPlatformProvider"``.
The system check ``luukku.E001`` reports a path that does not import.
"""

from __future__ import annotations

import secrets
import string
from abc import ABC, abstractmethod
from datetime import datetime

from django.conf import settings
from django.utils.module_loading import import_string


class VideoProvider(ABC):
    @abstractmethod
    def create_session(
        self, *, booking_code: str, start: datetime, end: datetime, agency_code: str
    ) -> str:
        """Create a session for the booking and return the customer's link."""

    def cancel_session(self, link: str) -> None:  # noqa: B027 - optional hook
        """Release the session; a platform whose links simply expire needs nothing."""


class UrlTemplateVideoProvider(VideoProvider):
    """Fill ``LUUKKU_VIDEO_URL_TEMPLATE``: ``{room}`` always, ``{code}``/``{agency}`` if used."""

    def __init__(self, template: str | None = None) -> None:
        self.template = template or settings.LUUKKU_VIDEO_URL_TEMPLATE

    def create_session(
        self, *, booking_code: str, start: datetime, end: datetime, agency_code: str
    ) -> str:
        fields = {name for _, name, _, _ in string.Formatter().parse(self.template) if name}
        values = {"room": secrets.token_urlsafe(16), "code": booking_code, "agency": agency_code}
        return self.template.format(**{k: v for k, v in values.items() if k in fields})


def get_video_provider() -> VideoProvider:
    """The provider named by ``LUUKKU_VIDEO_PROVIDER``, freshly built."""
    return import_string(settings.LUUKKU_VIDEO_PROVIDER)()
