"""Shared set-up for booking tests."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from luukku.booking.selectors import SearchFilters, availability
from luukku.registry.models import Service


def tax_card_remote(demo):
    """A remote slot at the library: one VERO official serves it, so a second try must fail."""
    service = Service.objects.select_related("agency").get(code="tax-card")
    now = timezone.now()
    slot = availability(
        service,
        now,
        now + timedelta(days=30),
        SearchFilters(sites=("kankaanpaa",), channel="remote"),
    )[0]
    return service, demo["kankaanpaa"], slot
