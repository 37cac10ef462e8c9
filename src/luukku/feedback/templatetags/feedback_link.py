"""The feedback link and its QR code for a printed ticket (``luukku.feedback``)."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from luukku.booking.place import qr_svg

register = template.Library()


@register.simple_tag
def feedback_url(ticket) -> str:
    """Absolute, from the public address: the customer opens it later on their phone."""
    path = reverse("feedback:give", kwargs={"slug": ticket.site.slug})
    return f"{settings.LUUKKU_PUBLIC_URL.rstrip('/')}{path}?t={ticket.token}"


@register.simple_tag
def feedback_qr(ticket):
    return qr_svg(feedback_url(ticket), label=_("QR code of the feedback link"))
