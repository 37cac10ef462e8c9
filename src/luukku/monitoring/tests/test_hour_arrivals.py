"""Arrivals per local hour: the planner's hour-of-day and weekday profiles from a day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from luukku.booking.models import BookingState
from luukku.monitoring.models import DailyHourArrivals
from luukku.monitoring.services import LOCAL, day_aggregate, day_bounds, local_hour_of
from luukku.monitoring.tests.test_aggregate import _service, booking, local, ticket
from luukku.queueing.models import Kind, TicketState

pytestmark = pytest.mark.django_db

FIELDS = ("day", "site_id", "agency_id", "hour", "walk_in", "chained", "booked")


def hour_rows() -> list[tuple]:
    return list(DailyHourArrivals.objects.order_by(*FIELDS[:4]).values_list(*FIELDS))


def test_day_aggregate__arrivals_per_local_hour(demo):
    pori, day = demo["pori"], date(2026, 11, 10)
    ticket(pori, local(2026, 11, 10, 9, 10))
    ticket(pori, local(2026, 11, 10, 9, 50), wait_min=None, state=TicketState.NO_SHOW)
    ticket(pori, local(2026, 11, 10, 12, 5), kind=Kind.CHAIN, remote=True)
    early = booking(pori, local(2026, 11, 10, 13))
    early.checked_in_at = local(2026, 11, 10, 12, 52)
    early.save()
    ticket(pori, local(2026, 11, 10, 12, 52), kind=Kind.BOOKING)  # its ticket: not twice
    booking(pori, local(2026, 11, 10, 14))  # no check-in recorded: at the booked time
    booking(pori, local(2026, 11, 10, 15), state=BookingState.NO_SHOW)
    booking(pori, local(2026, 11, 10, 15), state=BookingState.CANCELLED)
    ticket(pori, local(2026, 11, 11, 9))  # the next day
    day_aggregate(day=day)
    agency = _service().agency_id
    assert hour_rows() == [
        (day, pori.pk, agency, 9, 2, 0, 0),  # a walk-in who did not show up still came
        (day, pori.pk, agency, 12, 0, 1, 1),
        (day, pori.pk, agency, 14, 0, 0, 1),
    ]
    assert sum(r.arrivals for r in DailyHourArrivals.objects.all()) == 5


def test_day_aggregate__recomputing_gives_the_same_hour_rows(demo):
    pori, day = demo["pori"], date(2026, 11, 10)
    for h in range(8, 17):
        ticket(pori, local(2026, 11, 10, h, 15))
        booking(pori, local(2026, 11, 10, h, 30))
    day_aggregate(day=day)
    first = hour_rows()
    assert [r[3] for r in first] == list(range(8, 17))
    day_aggregate(day=day)
    assert hour_rows() == first
    assert DailyHourArrivals.objects.count() == len(first)


def test_day_aggregate__the_repeated_autumn_hour_counts_once_summed(demo):
    pori = demo["pori"]
    # 25 October 2026: 03:30 EEST (00:30 UTC) and 03:30 EET (01:30 UTC) are both hour 3.
    ticket(pori, datetime(2026, 10, 25, 0, 30, tzinfo=UTC))
    ticket(pori, datetime(2026, 10, 25, 1, 30, tzinfo=UTC))
    ticket(pori, datetime(2026, 10, 25, 21, 30, tzinfo=UTC))  # 23:30 local
    day_aggregate(day=date(2026, 10, 25))
    assert [(r[3], r[4]) for r in hour_rows()] == [(3, 2), (23, 1)]


@pytest.mark.parametrize("day", [date(2026, 3, 29), date(2026, 10, 25), date(2026, 11, 10)])
def test_local_hour_of__agrees_with_the_time_zone_all_day(day):
    start, end = day_bounds(day)
    hour_of = local_hour_of(start, end)
    at = start - timedelta(minutes=50)  # and a little outside the day
    while at < end + timedelta(hours=1):
        assert hour_of(at) == at.astimezone(LOCAL).hour, at
        at += timedelta(minutes=7)
