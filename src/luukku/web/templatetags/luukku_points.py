"""Times and dates on the public point pages, written the way each language writes them."""

from __future__ import annotations

from datetime import datetime, time

from django import template
from django.utils import timezone
from django.utils.translation import get_language

from luukku.booking.messages import format_local
from luukku.queueing.localtime import HELSINKI

register = template.Library()


def _lang() -> str:
    return (get_language() or "fi").split("-")[0].lower()


@register.filter
def clock(value: time | datetime | None) -> str:
    """16.00 in Finnish and Swedish, 16:00 in English (a datetime in Helsinki time)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value, HELSINKI).time()
    sep = "." if _lang() in ("fi", "sv") else ":"
    return f"{value.hour}{sep}{value.minute:02d}"


@register.filter
def when(value: datetime | None) -> str:
    """A weekday, date and clock time in Helsinki time, e.g. "tiistai 8.12.2026 klo 9.00"."""
    return format_local(value, _lang()) if value else ""
