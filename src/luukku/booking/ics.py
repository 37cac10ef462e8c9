"""A calendar file (.ics) for a customer's visit: one event per booking.

Each event names the place to go to (LOCATION, and for remote service that the video
is taken there), carries the booking code in its DESCRIPTION, its QR code as an inline
PNG (ATTACH, RFC 5545 §3.8.1.1) and the booking page, which shows the QR code, as URL.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, timedelta

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event, vBinary

from luukku.booking.models import Booking, Channel
from luukku.booking.place import place_text, qr_png, remote_note

PRODID = "-//Luukku//Booking//EN"


def _check_in(booking: Booking) -> str:
    if booking.bus_stop_id:
        return _("Check in at the service bus at %(place)s.") % {"place": booking.bus_stop.place}
    return _("Check in at the kiosk or the info desk of %(site)s with your booking code.") % {
        "site": booking.site.name
    }


def _description(booking: Booking, manage_url: str | None) -> str:
    # The visit's one code: a chain's every event names the code that checks in all of it.
    lines = [_("Booking code: %(code)s") % {"code": booking.visit.code}, _check_in(booking)]
    if booking.channel == Channel.REMOTE:
        lines.append(remote_note(booking))
    if booking.space_id and booking.channel == Channel.IN_PERSON:
        lines.append(_("Room: %(room)s") % {"room": booking.space.customer_label})
    if booking.channel == Channel.REMOTE and booking.video_url:
        lines.append(
            _("Video link (opened for you in the room): %(url)s") % {"url": booking.video_url}
        )
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
            event.add("location", place_text(booking, language))
            event.add("description", _description(booking, manage_url))
            if manage_url:
                event.add("url", manage_url)
            qr = vBinary(qr_png(booking.visit.code))
            qr.params["FMTTYPE"] = "image/png"
            event.add("attach", qr)
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", str(booking.service.name))
            alarm.add("trigger", timedelta(hours=-1))
            event.add_component(alarm)
            cal.add_component(event)
    return cal.to_ical()
