"""Shared set-up for the staff views' tests: bookings with a known customer, signed-in staff."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model

from luukku.booking.models import Booking, BookingState, Channel, Visit
from luukku.registry.models import Service, Site

NAME = "Henna Henkilötieto"
PHONE = "+358407654321"
EMAIL = "henna.henkilotieto@example.invalid"


def login(client, username: str):
    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    return user


def make_booking(
    site: Site,
    code: str,
    start: datetime,
    *,
    name: str = NAME,
    state=BookingState.BOOKED,
    interpreter: str = "",
    accessible: bool = False,
) -> Booking:
    visit = Visit.objects.create(
        name=name,
        phone=PHONE,
        email=EMAIL,
        interpreter_language=interpreter,
        needs_accessible=accessible,
        token_hash=secrets.token_hex(32),
    )
    return Booking.objects.create(
        visit=visit,
        service=Service.objects.select_related("agency").get(code=code),
        site=site,
        channel=Channel.IN_PERSON,
        start=start,
        end=start + timedelta(minutes=20),
        state=state,
    )
