"""Writes: recompute the daily aggregates of one local day from tickets and bookings."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from luukku.booking.models import Booking, BookingState, Channel
from luukku.core.monitoring.figures import Figures
from luukku.monitoring.models import DailyAggregate
from luukku.queueing.models import Kind, Ticket, TicketState

#: Reports count days in the network's own time zone.
LOCAL = ZoneInfo("Europe/Helsinki")


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC-aware start and end of a local day (23 or 25 hours long on DST days)."""
    start = datetime.combine(day, time.min, tzinfo=LOCAL).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=LOCAL).astimezone(UTC)
    return start, end


def _figures_of_day(day: date) -> dict[tuple, Figures]:
    start, end = day_bounds(day)
    cells: dict[tuple, Figures] = {}

    def cell(site_id, agency_id, service_id, channel) -> Figures:
        key = (site_id, agency_id, service_id, channel)
        if key not in cells:
            cells[key] = Figures()
        return cells[key]

    tickets = Ticket.objects.filter(queued_at__gte=start, queued_at__lt=end).values_list(
        "site_id",
        "queue__agency_id",
        "service_id",
        "service__agency_id",
        "remote",
        "kind",
        "state",
        "queued_at",
        "priority_since",
        "called_at",
        "service_started_at",
        "service_ended_at",
    )
    for (
        site_id,
        queue_agency,
        service_id,
        service_agency,
        remote,
        kind,
        state,
        queued_at,
        since,
        called_at,
        started,
        ended,
    ) in tickets.iterator(chunk_size=2000):
        channel = Channel.REMOTE if remote else Channel.IN_PERSON
        f = cell(site_id, queue_agency or service_agency, service_id, channel)
        if kind == Kind.WALK_IN:
            f.walk_in += 1
        elif kind == Kind.CHAIN:
            f.chained += 1
        if state == TicketState.DONE:
            f.served += 1
        if state == TicketState.NO_SHOW and kind != Kind.BOOKING:
            f.no_show += 1  # a booked customer's no-show is counted from the booking
        if called_at is not None:
            f.add_wait(max(0.0, (called_at - (since or queued_at)).total_seconds()))
        if started is not None and ended is not None:
            f.add_service(max(0.0, (ended - started).total_seconds()))

    bookings = Booking.objects.filter(start__gte=start, start__lt=end).values_list(
        "site_id", "service__agency_id", "service_id", "channel", "state"
    )
    for site_id, agency_id, service_id, channel, state in bookings.iterator(chunk_size=2000):
        f = cell(site_id, agency_id, service_id, channel)
        if state == BookingState.CANCELLED:
            f.cancelled += 1
        else:
            f.booked += 1
            if state == BookingState.NO_SHOW:
                f.no_show += 1
    return cells


def day_aggregate(*, day: date) -> int:
    """Recompute the aggregates of one local day; the same data give the same rows.

    Returns the number of rows written. The day's rows are replaced in one
    transaction, so a report never sees half a day.
    """
    cells = _figures_of_day(day)
    rows = [
        DailyAggregate(
            day=day,
            site_id=site_id,
            agency_id=agency_id,
            service_id=service_id,
            channel=channel,
            walk_in=f.walk_in,
            booked=f.booked,
            chained=f.chained,
            no_show=f.no_show,
            cancelled=f.cancelled,
            served=f.served,
            wait_count=f.wait_count,
            wait_sum_s=f.wait_sum_s,
            wait_hist=f.wait_hist,
            service_count=f.service_count,
            service_sum_s=f.service_sum_s,
        )
        for (site_id, agency_id, service_id, channel), f in sorted(
            cells.items(),
            key=lambda kv: tuple(-1 if k is None else k for k in kv[0][:3]) + (kv[0][3],),
        )
    ]
    with transaction.atomic():
        DailyAggregate.objects.filter(day=day).delete()
        DailyAggregate.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def local_today(now: datetime) -> date:
    return now.astimezone(LOCAL).date()
