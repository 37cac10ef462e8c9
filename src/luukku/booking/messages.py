"""Plain-text confirmation, reminder and cancellation messages in the customer's language.

A message says only what the customer needs and gave: when, what, where, the
booking code and the link to manage it. It never names the official or the
interpreter, and never repeats the customer's own name or contact details.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from luukku.booking.models import Booking, Channel, Visit
from luukku.booking.place import place_text, qr_png, remote_note
from luukku.integration.notify import Message

HELSINKI = ZoneInfo("Europe/Helsinki")

# Date formats by language; kept here rather than in the .po files because each
# language orders the parts differently and the test pins them down.
_WEEKDAYS = {
    "fi": ("ma", "ti", "ke", "to", "pe", "la", "su"),
    "sv": ("mån", "tis", "ons", "tors", "fre", "lör", "sön"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_local(dt: datetime, language: str) -> str:
    """Show an aware time in Helsinki time the way the language writes it."""
    t = timezone.localtime(dt, HELSINKI)
    lang = language.split("-")[0].lower()
    if lang == "fi":
        return (
            f"{_WEEKDAYS['fi'][t.weekday()]} {t.day}.{t.month}.{t.year} klo {t.hour}.{t.minute:02d}"
        )
    if lang == "sv":
        return (
            f"{_WEEKDAYS['sv'][t.weekday()]} {t.day}.{t.month}.{t.year} kl. {t.hour}.{t.minute:02d}"
        )
    return (
        f"{_WEEKDAYS['en'][t.weekday()]} {t.day} {_MONTHS_EN[t.month - 1]} {t.year}"
        f" at {t.hour}:{t.minute:02d}"
    )


def _booking_lines(booking: Booking, language: str, *, details: bool) -> list[str]:
    # The place is named for every channel: a remote booking is taken in a room there too.
    lines = [
        f"{format_local(booking.start, language)}: {booking.service.name}",
        _("Place: %(place)s") % {"place": place_text(booking, language)},
    ]
    if not details:
        return lines
    if booking.channel == Channel.REMOTE:
        lines.append(remote_note(booking))
        if booking.video_url:
            lines.append(
                _("Video link (opened for you in the room): %(url)s") % {"url": booking.video_url}
            )
    elif booking.space_id:
        lines.append(_("Room: %(room)s") % {"room": booking.space.customer_label})
    return lines


def _body(
    intro: str, visit: Visit, bookings: Sequence[Booking], language: str, *, details: bool
) -> list[str]:
    """The intro, the visit's one code, then each booking; a chain has one code in all."""
    body = [intro, "", _("Booking code: %(code)s") % {"code": visit.code}, ""]
    for booking in bookings:
        body += _booking_lines(booking, language, details=details)
        body.append("")
    if details:
        if len(bookings) > 1:
            body.append(
                _("Check in once at the kiosk with this code: it checks in all your services.")
            )
        else:
            body.append(
                _("Check in at the kiosk with your booking code or the QR code of this message.")
            )
        body.append("")
    return body


def _message(visit: Visit, subject: str, body: list[str], *, qr: bool = False) -> Message:
    return Message(
        to_phone=visit.phone,
        to_email=visit.email,
        subject=subject,
        body="\n".join(body).rstrip() + "\n",
        language=visit.language,
        attachments=_qr_attachments(visit) if qr else (),
    )


def _qr_attachments(visit: Visit) -> tuple[tuple[str, bytes, str], ...]:
    """The QR code of the visit's code as a PNG, for e-mail (an SMS carries the code as text).

    An attachment rather than an inline data image: mail programs show attached images
    but many block ``data:`` images in a message body, and the body stays plain text.
    """
    return ((f"{visit.code}.png", qr_png(visit.code), "image/png"),)


def _manage(manage_url: str | None) -> list[str]:
    if not manage_url:
        return []
    return [_("Cancel or reschedule: %(url)s") % {"url": manage_url}, ""]


def confirmation_message(
    visit: Visit, bookings: Sequence[Booking], manage_url: str | None
) -> Message:
    """Confirm a visit: every booking in it, in order, and the link to manage it."""
    with translation.override(visit.language):
        body = _body(_("Your booking is confirmed."), visit, bookings, visit.language, details=True)
        body += _manage(manage_url)
        body.append(_("Luukku – joint public customer service"))
        return _message(visit, _("Booking confirmed"), body, qr=True)


def reminder_message(
    visit: Visit, bookings: Sequence[Booking], manage_url: str | None = None
) -> Message:
    """Remind of coming bookings; the subject carries the time so an SMS preview shows it."""
    with translation.override(visit.language):
        first = min(bookings, key=lambda b: b.start)
        when = format_local(first.start, visit.language)
        body = _body(
            _("A reminder of your booking."), visit, bookings, visit.language, details=True
        )
        body += _manage(manage_url)
        body.append(_("Luukku – joint public customer service"))
        return _message(visit, _("Reminder: booking %(when)s") % {"when": when}, body, qr=True)


def cancellation_message(
    visit: Visit, bookings: Sequence[Booking], manage_url: str | None = None
) -> Message:
    """Tell the customer which bookings were cancelled and where to book again."""
    with translation.override(visit.language):
        body = _body(
            _("Your booking has been cancelled."), visit, bookings, visit.language, details=False
        )
        if manage_url:
            body += [_("Book a new time: %(url)s") % {"url": manage_url}, ""]
        body.append(_("Luukku – joint public customer service"))
        return _message(visit, _("Booking cancelled"), body)
