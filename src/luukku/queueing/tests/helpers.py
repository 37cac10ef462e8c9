"""Shared set-up for queueing tests: officials, desk sessions and bookings."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from luukku.booking.models import Booking, BookingState, Channel, Visit
from luukku.queueing.services import desk_session_start, session_scope
from luukku.registry.models import Service, Site, StaffProfile


def official(username: str) -> StaffProfile:
    return StaffProfile.objects.select_related("home_site").get(user__username=username)


def serve(
    username: str, *codes: str, remote: bool = False, site: Site | None = None, advice: bool = False
):
    """Open a desk session for ``username`` serving ``codes`` (default: all their services)."""
    profile = official(username)
    services = (
        list(Service.objects.filter(code__in=codes)) if codes else list(profile.services.all())
    )
    session = desk_session_start(
        official=profile, services=services, remote=remote, site=site, advice=advice
    )
    return profile, session_scope(session)


def service(code: str) -> Service:
    return Service.objects.select_related("agency").get(code=code)


def booking(
    site: Site,
    code: str,
    start: datetime,
    *,
    channel: str = Channel.IN_PERSON,
    state=BookingState.BOOKED,
):
    visit = Visit.objects.create(name="Test Customer", token_hash=secrets.token_hex(32))
    return Booking.objects.create(
        visit=visit,
        service=service(code),
        site=site,
        channel=channel,
        start=start,
        end=start + timedelta(minutes=20),
        state=state,
    )
