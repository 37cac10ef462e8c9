"""The national booking benchmark's generator builds a data set the searches can use.

It writes rows with COPY (PostgreSQL) or plain INSERTs (SQLite), past the models, so a
new not-null column on a visit or booking breaks it; this runs it on the small scale.
"""

from __future__ import annotations

import random

import pytest

from luukku.bench import national
from luukku.booking.models import Booking, Reservation, ResourceDay, Visit

pytestmark = pytest.mark.django_db(transaction=True)


def test_generate__small_scale__bookings_with_codes_and_two_reservations_each():
    national.reset()
    info = national.generate(national.SCALES["small"], random.Random(2026))
    bookings = Booking.objects.count()
    assert 0 < bookings <= national.SCALES["small"].bookings
    assert Reservation.objects.count() == 2 * bookings
    assert Visit.objects.filter(code="").count() == 0
    assert Visit.objects.values("code").distinct().count() == Visit.objects.count()
    assert info["regions"] and info["start_day"]
    # the summaries the search skips full days by are built for the loaded reservations
    assert ResourceDay.objects.count() > 0
