"""Daily space use: reservations and served customers per space type, recomputed the same."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from luukku.audit.retention import personal_data_purge
from luukku.booking.models import BookingState, Reservation, Visit
from luukku.core.monitoring.utilisation import HOUR
from luukku.monitoring.models import DailySpaceUse
from luukku.monitoring.services import LOCAL, day_aggregate
from luukku.monitoring.tests.test_aggregate import booking, local, ticket
from luukku.queueing.models import Handover, Ticket, TicketState
from luukku.registry.models import SERVICE_SPACE_TYPES, Space, SpaceType

pytestmark = pytest.mark.django_db

TUESDAY = date(2026, 11, 10)  # Pori open 8–16; the bus at two stops, 9–11:30 and 12:30–15
FIELDS = ("day", "site_id", "space_type", "spaces", "open_s", "capacity_s", "used_s",
          "used_open_s")  # fmt: skip


def space_rows() -> list[tuple]:
    return sorted(DailySpaceUse.objects.values_list(*FIELDS))


def _space(site, kind, n=0) -> Space:
    return Space.objects.filter(site=site, space_type=kind, active=True).order_by("pk")[n]


def reserve(site, space, start, end, state=BookingState.DONE):
    b = booking(site, start, state=state)
    Reservation.objects.create(resource=space.resource, booking=b, start=start, end=end)
    return b


def served_in(space, called, minutes, state=TicketState.DONE):
    t = ticket(space.site, called - timedelta(minutes=5), wait_min=5, service_min=minutes)
    Ticket.objects.filter(pk=t.pk).update(
        space=space, state=state, service_ended_at=called + timedelta(minutes=minutes)
    )
    return t


def test_day_aggregate__space_use_per_type_counts_overlaps_once(demo):
    pori = demo["pori"]
    booth, other_booth = (
        _space(pori, SpaceType.SCREENED_BOOTH),
        _space(pori, SpaceType.SCREENED_BOOTH, 1),
    )
    room = _space(pori, SpaceType.SERVICE_ROOM)
    # The booked customer called into the booked booth: 9:00–9:45 reserved, 9:30–10:00 served.
    reserve(pori, booth, local(2026, 11, 10, 9), local(2026, 11, 10, 9, 45))
    served_in(booth, local(2026, 11, 10, 9, 30), 30)
    # A missed booking left its room empty; a customer served past closing time counts
    # in full, within opening hours only until 16.
    reserve(
        pori, other_booth, local(2026, 11, 10, 11), local(2026, 11, 10, 12), BookingState.NO_SHOW
    )
    served_in(room, local(2026, 11, 10, 15, 30), 60)
    day_aggregate(day=TUESDAY)
    rows = {r.space_type: r for r in DailySpaceUse.objects.filter(site=pori, day=TUESDAY)}
    booths = Space.objects.filter(site=pori, space_type=SpaceType.SCREENED_BOOTH, active=True)
    b = rows[SpaceType.SCREENED_BOOTH]
    assert (b.spaces, b.open_s, b.used_s, b.used_open_s) == (booths.count(), 8 * HOUR, HOUR, HOUR)
    assert b.capacity_s == booths.count() * 8 * HOUR
    r = rows[SpaceType.SERVICE_ROOM]
    assert (r.used_s, r.used_open_s) == (HOUR, HOUR // 2)
    # Only the spaces a customer is served in; none of the support spaces.
    assert set(rows) <= SERVICE_SPACE_TYPES and SpaceType.ENTRANCE_LOBBY not in rows


def test_day_aggregate__space_use_follows_each_points_opening_hours(demo):
    day_aggregate(day=TUESDAY)
    bus = DailySpaceUse.objects.get(site=demo["satakunta-bus"], day=TUESDAY)
    assert bus.open_s == 5 * HOUR and bus.used_s == 0  # at its stops only
    saturday = date(2026, 11, 14)  # Pori closed; the library point open 10–14
    day_aggregate(day=saturday)
    open_points = set(
        DailySpaceUse.objects.filter(day=saturday).values_list("site__slug", flat=True)
    )
    assert open_points == {"kankaanpaa"}


def test_day_aggregate__space_use_recomputed_the_same_and_after_the_retention_purge(demo):
    pori = demo["pori"]
    old = (timezone.now() - timedelta(days=60)).astimezone(LOCAL).replace(hour=9, minute=0)
    booth = _space(pori, SpaceType.SCREENED_BOOTH)
    for i in range(3):
        at = old + timedelta(hours=i)
        reserve(pori, booth, at, at + timedelta(minutes=40))
        served_in(_space(pori, SpaceType.SERVICE_ROOM), at, 20)
    Visit.objects.update(created_at=old)
    day = old.date()
    day_aggregate(day=day)
    before = space_rows()
    assert sum(r[6] for r in before) == 3 * (40 + 20) * 60
    day_aggregate(day=day)
    assert space_rows() == before
    assert personal_data_purge().visits == 3
    assert space_rows() == before
    day_aggregate(day=day)
    assert space_rows() == before


def test_day_aggregate__a_passed_on_customers_earlier_service_holds_its_space(demo):
    """Passing on clears the ticket's space; the hand-over row keeps it for the day's use."""
    pori = demo["pori"]
    booth, room = _space(pori, SpaceType.SCREENED_BOOTH), _space(pori, SpaceType.SERVICE_ROOM)
    t = served_in(room, local(2026, 11, 10, 10, 30), 15)  # the last step: 10:30–10:45
    Handover.objects.create(
        ticket=t,
        from_agency=t.service.agency,
        to_agency=t.service.agency,
        handed_at=local(2026, 11, 10, 10, 20),
        served_in=booth,
        served_from=local(2026, 11, 10, 10, 0),  # the first step: 10:00–10:20 in a booth
    )
    day_aggregate(day=TUESDAY)
    rows = {r.space_type: r for r in DailySpaceUse.objects.filter(site=pori, day=TUESDAY)}
    assert rows[SpaceType.SCREENED_BOOTH].used_s == 20 * 60
    assert rows[SpaceType.SERVICE_ROOM].used_s == 15 * 60
