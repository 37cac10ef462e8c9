"""A calendar file (.ics) for a customer's visit: one event per booking."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, timedelta

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from luukku.booking.models import Booking, Channel

PRODID = "-//Luukku//Booking//EN"


def _location(booking: Booking) -> str:
    parts = [booking.site.name, booking.site.address]
    if booking.bus_stop_id:
        parts += [booking.bus_stop.place, booking.bus_stop.address]
    return ", ".join(p for p in parts if p)


def _check_in(booking: Booking) -> str:
    if booking.channel == Channel.REMOTE:
        return _("Join the video session from the link a few minutes before the start.")
    if booking.bus_stop_id:
        return _("Check in at the service bus at %(place)s.") % {"place": booking.bus_stop.place}
    return _("Check in at the kiosk or the info desk of %(site)s with your booking code.") % {
        "site": booking.site.name
    }


def _description(booking: Booking, manage_url: str | None) -> str:
    lines = [_("Booking code: %(code)s") % {"code": booking.code}, _check_in(booking)]
    if booking.space_id and booking.channel == Channel.IN_PERSON:
        lines.append(_("Room: %(room)s") % {"room": booking.space.customer_label})
    if booking.channel == Channel.REMOTE and booking.video_url:
        lines.append(_("Video link: %(url)s") % {"url": booking.video_url})
    if manage_url:
        lines.append(_("Cancel or reschedule: %(url)s") % {"url": manage_url})
    return "\n".join(lines)


def booking_ics(
    bookings: Sequence[Booking], *, language: str, manage_url: str | None = None
) -> bytes:
    """Render the bookings as an iCalendar file in the customer's language, times in UTC."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    now = timezone.now().astimezone(UTC)
    with translation.override(language):
        for booking in bookings:
            event = Event()
            event.add("uid", f"{booking.code}@luukku")
            event.add("dtstamp", now)
            event.add("dtstart", booking.start.astimezone(UTC))
            event.add("dtend", booking.end.astimezone(UTC))
            event.add("summary", str(booking.service.name))
            event.add("location", _location(booking))
            event.add("description", _description(booking, manage_url))
            if booking.channel == Channel.REMOTE and booking.video_url:
                event.add("url", booking.video_url)
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", str(booking.service.name))
            alarm.add("trigger", timedelta(hours=-1))
            event.add_component(alarm)
            cal.add_component(event)
    return cal.to_ical()
