"""Template tags for where a booking takes place and its QR code (``booking.place``)."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from luukku.booking.models import Booking, Visit
from luukku.booking.place import place_text, qr_svg, remote_note, stop_window
from luukku.booking.selectors import bus_stop_at
from luukku.registry.models import BusStop, Site
from luukku.registry.snapshot import registry_snapshot

register = template.Library()


@register.simple_tag
def booking_place(booking: Booking) -> str:
    return place_text(booking, get_language() or "fi")


@register.simple_tag
def booking_remote_note(booking: Booking) -> str:
    return remote_note(booking)


@register.simple_tag
def booking_qr(visit: Visit):
    """The QR code of the visit's one code, which the kiosk reads."""
    return qr_svg(visit.code, label=_("QR code of booking code %(code)s") % {"code": visit.code})


@register.simple_tag
def bus_stop_for(site: Site, start: datetime) -> BusStop | None:
    """The stop a bus stands at when a chosen time starts (the rule a booking records)."""
    if not site.is_bus:
        return None
    snap = registry_snapshot()
    stop = bus_stop_at(snap, snap.sites[site.pk], start)
    return BusStop.objects.filter(pk=stop.id).first() if stop else None


@register.simple_tag
def bus_stop_window(stop: BusStop) -> str:
    return stop_window(stop, get_language() or "fi")
