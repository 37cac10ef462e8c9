"""Where the customer must go for a booking, and the QR code of its booking code.

One wording for the confirmation, the reminder, the calendar file and the pages: the
point's name and address; on the bus, the stop, its address and the time the bus stands
there; for remote service, that the video call is taken in a room at that place, not at
home. The QR code holds the booking code alone, which is what the kiosk's code field
takes (a kiosk scanner types it as keyboard input).
"""

from __future__ import annotations

import io
from datetime import time

import segno
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from luukku.booking.models import Booking, Channel
from luukku.registry.models import BusStop


def _clock(t: time, language: str) -> str:
    sep = "." if language.split("-")[0].lower() in ("fi", "sv") else ":"
    return f"{t.hour}{sep}{t.minute:02d}"


def stop_window(stop: BusStop, language: str) -> str:
    """The local times the bus stands at a stop, e.g. 9.00–11.30."""
    return f"{_clock(stop.arrives, language)}–{_clock(stop.departs, language)}"


def place_text(booking: Booking, language: str) -> str:
    """The place to go to, one line: point and address, or the bus, its stop and times."""
    site = booking.site
    if booking.bus_stop_id:
        stop = booking.bus_stop
        return _("%(bus)s at %(place)s, %(address)s (the bus is there %(window)s)") % {
            "bus": site.name,
            "place": stop.place,
            "address": stop.address,
            "window": stop_window(stop, language),
        }
    return ", ".join(p for p in (site.name, site.address) if p)


def remote_note(booking: Booking) -> str:
    """For remote service: say the video is taken at the place, not at home ('' otherwise)."""
    if booking.channel != Channel.REMOTE:
        return ""
    if booking.bus_stop_id:
        return _(
            "Remote service by video: come to the service bus; the video call is taken in"
            " its room, not at home. You need no device of your own."
        )
    return _(
        "Remote service by video: come to %(site)s; the video call is taken in a room there,"
        " not at home. You need no device of your own."
    ) % {"site": booking.site.name}


def _qr(code: str) -> segno.QRCode:
    # A full QR code (not a Micro QR, which many scanners cannot read), error level M.
    return segno.make_qr(code, error="m")


def qr_svg(code: str, *, label: str) -> SafeString:
    """The booking code as an inline SVG QR code with an accessible name (no inline style)."""
    buf = io.BytesIO()
    _qr(code).save(buf, kind="svg", scale=5, border=4, xmldecl=False, svgclass="qr", light="#fff")
    svg = buf.getvalue().decode()
    head = format_html('<svg role="img" aria-label="{}" ', label)
    # segno writes only the code's modules and its own attributes, so the markup is safe.
    return mark_safe(svg.replace("<svg ", head, 1))  # noqa: S308


def qr_png(code: str) -> bytes:
    """The booking code as a PNG QR code, for an e-mail attachment."""
    buf = io.BytesIO()
    _qr(code).save(buf, kind="png", scale=8, border=4)
    return buf.getvalue()
