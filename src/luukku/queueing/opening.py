"""Reads for the kiosk: is the point open now, where the bus stands, when it opens next.

The hours are the site's own (weekly rules, dated exceptions, Finnish holidays; for the
bus its stops), read from the registry snapshot (memoized there, so a kiosk page costs
the snapshot's version check and, on the bus, one query for the stops' addresses) and
judged by the core's ``open_state`` in UTC; they are shown in Helsinki time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from luukku.booking.messages import format_local
from luukku.core.opening import open_state
from luukku.queueing.kiosk_i18n import KIOSK_ONLY
from luukku.queueing.localtime import HELSINKI, local_day
from luukku.registry.models import BusStop, Site
from luukku.registry.snapshot import registry_snapshot

#: How far ahead the kiosk looks for the next opening (a bus route may pause for weeks).
LOOKAHEAD_DAYS = 31


def clock_time(at: datetime, language: str) -> str:
    """A Helsinki clock time as the language writes it: 16.00 in Finnish and Swedish, 16:00 else."""
    t = timezone.localtime(at, HELSINKI)
    sep = "." if language.split("-")[0].lower() in ("fi", "sv") else ":"
    return f"{t.hour}{sep}{t.minute:02d}"


@dataclass(frozen=True)
class KioskHours:
    """The point's state at one moment; ``None`` times mean "not known in the next weeks"."""

    site: Site
    is_open: bool
    closes: datetime | None = None
    stop: BusStop | None = None
    next_opens: datetime | None = None
    next_closes: datetime | None = None
    next_stop: BusStop | None = None
    enforced: bool = True

    def until(self, language: str) -> str:
        """When the open period (or the bus's stop) ends, as a clock time."""
        return clock_time(self.closes, language) if self.closes else ""

    def next_when(self, language: str) -> str:
        """When it opens next, the way the language writes a date and time."""
        if self.next_opens is None:
            return ""
        if language.split("-")[0] in KIOSK_ONLY:  # no weekday names there: numbers only
            t = timezone.localtime(self.next_opens, HELSINKI)
            return f"{t.day}.{t.month}.{t.year} {clock_time(self.next_opens, language)}"
        return format_local(self.next_opens, language)

    def next_until(self, language: str) -> str:
        return clock_time(self.next_closes, language) if self.next_closes else ""

    def closed_message(self, language: str) -> str:
        """One sentence for people: closed, and when (and for the bus, where) it opens next."""
        if self.next_opens is None:
            return _("%(site)s is closed now and has no opening hours in the coming weeks.") % {
                "site": self.site.name
            }
        if self.next_stop is not None:
            return _(
                "The service bus is not at a stop now. Next stop: %(place)s, %(address)s,"
                " %(when)s–%(until)s."
            ) % {
                "place": self.next_stop.place,
                "address": self.next_stop.address,
                "when": self.next_when(language),
                "until": self.next_until(language),
            }
        return _("%(site)s is closed now. It opens %(when)s.") % {
            "site": self.site.name,
            "when": self.next_when(language),
        }


def kiosk_hours(site: Site, *, at: datetime | None = None) -> KioskHours:
    """Whether walk-in numbers can be given at ``site`` now (``LUUKKU_KIOSK_OPENING_HOURS``).

    With the setting off (the test suite, load tests at any hour) the point counts as open.
    """
    at = at or timezone.now()
    if not getattr(settings, "LUUKKU_KIOSK_OPENING_HOURS", True):
        return KioskHours(site=site, is_open=True, enforced=False)
    day = local_day(at)
    intervals = registry_snapshot().opening(
        site.pk, day - timedelta(days=1), day + timedelta(days=LOOKAHEAD_DAYS)
    )
    state = open_state(intervals, at)
    current, upcoming = state.current, state.upcoming
    stop_ids = {iv[2].id for iv in (current, upcoming) if iv and iv[2] is not None}
    stops = BusStop.objects.in_bulk(stop_ids) if stop_ids else {}
    return KioskHours(
        site=site,
        is_open=current is not None,
        closes=current[1] if current else None,
        stop=stops.get(current[2].id) if current and current[2] else None,
        next_opens=upcoming[0] if upcoming else None,
        next_closes=upcoming[1] if upcoming else None,
        next_stop=stops.get(upcoming[2].id) if upcoming and upcoming[2] else None,
    )
