"""The point's clock: times are stored in UTC and shown in Helsinki time."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

HELSINKI = ZoneInfo("Europe/Helsinki")


def local_day(at: datetime) -> date:
    return timezone.localtime(at, HELSINKI).date()


def local_hhmm(at: datetime) -> str:
    """The clock time of ``at`` in Helsinki, as the kiosk, desk and display show it."""
    return timezone.localtime(at, HELSINKI).strftime("%H:%M")
