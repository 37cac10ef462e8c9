"""Writes: accept a bus timetable suggestion into the registry (new ``BusStop`` rows).

A stop is never edited in place: its row ends the day before the change
(``valid_until``) and a new row starts on the day (``valid_from``), so the days
already served keep the stop they had, and their evidence stays with it. Bookings
from that day that the new times still hold move to the new row; if any would fall
outside them the change is refused, naming the first day it could take effect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from luukku.booking.models import ACTIVE_STATES, Booking
from luukku.core.monitoring.bus import DROP, KINDS
from luukku.queueing.localtime import HELSINKI
from luukku.registry.models import BusStop


@dataclass(frozen=True)
class StopChange:
    """What the site manager accepted: the kind and, but for a drop, the new stop."""

    kind: str
    effective: date
    weekday: int | None = None
    arrives: time | None = None
    departs: time | None = None


def _held(booking: Booking, change: StopChange) -> bool:
    """Whether the changed stop still stands where and when the booking is."""
    if change.kind == DROP:
        return False
    start = timezone.localtime(booking.start, HELSINKI)
    end = timezone.localtime(booking.end, HELSINKI)
    return (
        start.weekday() == change.weekday
        and change.arrives <= start.time()
        and end.date() == start.date()
        and end.time() <= change.departs
    )


def _log(user, stop: BusStop, flag: int, message: str) -> None:
    """The change in the stop's admin history (who, when, why), as the admin's own edits."""
    if user is not None and getattr(user, "pk", None):
        LogEntry.objects.log_actions(
            user_id=user.pk,
            queryset=[stop],
            action_flag=flag,
            change_message=message,
            single_object=True,
        )


def bus_stop_change(*, stop: BusStop, change: StopChange, today: date, user=None) -> BusStop | None:
    """End ``stop`` the day before ``change.effective`` and, but for a drop, add its
    successor from that day; in one transaction. Returns the new stop (None: dropped).

    Raises ``ValidationError`` keyed by the field at fault: ``effective`` (not in the
    future, outside the stop's validity, or bookings the new times do not hold),
    ``kind``, or the new stop's own fields (a clash with another stop, a weekday the
    route does not run).
    """
    if change.kind not in KINDS:
        raise ValidationError({"kind": _("Unknown kind of change.")})
    if change.effective <= today:
        raise ValidationError({"effective": _("The change must begin after today.")})
    with transaction.atomic():
        old = BusStop.objects.select_for_update().get(pk=stop.pk)
        if old.valid_until is not None:
            raise ValidationError(
                {
                    "effective": _("This stop already ends on %(day)s.")
                    % {"day": _day(old.valid_until)}
                }
            )
        if old.valid_from is not None and old.valid_from >= change.effective:
            raise ValidationError(
                {
                    "effective": _("The stop begins on %(day)s: choose a later day.")
                    % {"day": _day(old.valid_from)}
                }
            )
        bookings = list(
            Booking.objects.select_for_update()
            .filter(bus_stop=old, state__in=ACTIVE_STATES, start__gte=_start_of(change.effective))
            .order_by("start")
        )
        outside = [b for b in bookings if not _held(b, change)]
        if outside:
            last = timezone.localtime(outside[-1].start, HELSINKI).date()
            raise ValidationError(
                {
                    "effective": ngettext(
                        "%(count)d booking at this stop from that day falls outside the new"
                        " times: choose a day after %(day)s.",
                        "%(count)d bookings at this stop from that day fall outside the new"
                        " times: choose a day after %(day)s.",
                        len(outside),
                    )
                    % {"count": len(outside), "day": _day(last)}
                }
            )
        old.valid_until = change.effective - timedelta(days=1)
        old.save(update_fields=["valid_until"])
        _log(
            user,
            old,
            CHANGE,
            f"Timetable suggestion accepted ({change.kind}): ends {old.valid_until}",
        )
        if change.kind == DROP:
            return None
        new = BusStop(
            site=old.site,
            place=old.place,
            address=old.address,
            municipality=old.municipality,
            weekday=change.weekday,
            arrives=change.arrives,
            departs=change.departs,
            valid_from=change.effective,
        )
        new.full_clean()
        new.save()
        Booking.objects.filter(pk__in=[b.pk for b in bookings]).update(bus_stop=new)
        _log(
            user,
            new,
            ADDITION,
            f"Timetable suggestion accepted ({change.kind}): from {new.valid_from}",
        )
        return new


def _day(d: date) -> str:
    return f"{d.day}.{d.month}.{d.year}"


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=HELSINKI)
