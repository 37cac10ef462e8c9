"""Writes: recompute the daily aggregates of one local day from tickets and bookings."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from luukku.booking.models import Booking, BookingState, Channel
from luukku.core.monitoring.chains import ChainFigures, count_sequences
from luukku.core.monitoring.figures import Figures
from luukku.monitoring.models import (
    DailyAggregate,
    DailyChainSequence,
    DailyHourArrivals,
    DailySpaceUse,
    DailyStopUse,
)
from luukku.monitoring.space_use import space_use_rows
from luukku.monitoring.stop_use import stop_use_rows
from luukku.queueing.models import Handover, Kind, Ticket, TicketState

#: Reports count days in the network's own time zone.
LOCAL = ZoneInfo("Europe/Helsinki")


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC-aware start and end of a local day (23 or 25 hours long on DST days)."""
    start = datetime.combine(day, time.min, tzinfo=LOCAL).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=LOCAL).astimezone(UTC)
    return start, end


def local_hour_of(start: datetime, end: datetime):
    """A fast ``at -> local hour`` for instants of the day ``[start, end)``.

    Helsinki's offsets are whole hours, so the day's UTC hours map one to one onto
    its local hours (23 or 25 of them on DST days); an instant outside the day is
    converted the slow way.
    """
    hours = []
    at = start
    while at < end:
        hours.append(at.astimezone(LOCAL).hour)
        at += timedelta(hours=1)

    def hour(at: datetime) -> int:
        i = int((at - start).total_seconds() // 3600)
        return hours[i] if 0 <= i < len(hours) else at.astimezone(LOCAL).hour

    return hour


#: An hour's arrivals: walk-in, passed-on and booked customers.
WALK_IN, CHAINED, BOOKED = 0, 1, 2


def _figures_of_day(day: date) -> tuple[dict[tuple, Figures], dict[tuple, list[int]]]:
    """The day's figures per cell and its arrivals per (site, agency, local hour)."""
    start, end = day_bounds(day)
    hour_of = local_hour_of(start, end)
    cells: dict[tuple, Figures] = {}
    arrivals: dict[tuple, list[int]] = {}

    def arrived(site_id, agency_id, at: datetime, what: int) -> None:
        key = (site_id, agency_id, hour_of(at))
        if key not in arrivals:
            arrivals[key] = [0, 0, 0]
        arrivals[key][what] += 1

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
        agency_id = queue_agency or service_agency
        f = cell(site_id, agency_id, service_id, channel)
        if kind == Kind.WALK_IN:
            f.walk_in += 1
            arrived(site_id, agency_id, queued_at, WALK_IN)
        elif kind == Kind.CHAIN:
            f.chained += 1
            arrived(site_id, agency_id, queued_at, CHAINED)
        if state == TicketState.DONE:
            f.served += 1
        if state == TicketState.NO_SHOW and kind != Kind.BOOKING:
            f.no_show += 1  # a booked customer's no-show is counted from the booking
        if called_at is not None:
            f.add_wait(max(0.0, (called_at - (since or queued_at)).total_seconds()))
        if started is not None and ended is not None:
            f.add_service(max(0.0, (ended - started).total_seconds()))

    bookings = Booking.objects.filter(start__gte=start, start__lt=end).values_list(
        "site_id", "service__agency_id", "service_id", "channel", "state", "start", "checked_in_at"
    )
    for site_id, agency_id, service_id, channel, state, at, checked_in in bookings.iterator(
        chunk_size=2000
    ):
        f = cell(site_id, agency_id, service_id, channel)
        if state == BookingState.CANCELLED:
            f.cancelled += 1
        else:
            f.booked += 1
            if state == BookingState.NO_SHOW:
                f.no_show += 1
            else:  # a booked arrival: at its check-in, else at the booked time
                arrived(site_id, agency_id, checked_in or at, BOOKED)
    return cells, arrivals


def hour_rows(day: date, arrivals: dict[tuple, list[int]]) -> list[DailyHourArrivals]:
    """The day's arrivals per (site, agency, hour) as rows, in a fixed order."""
    return [
        DailyHourArrivals(
            day=day,
            site_id=site_id,
            agency_id=agency_id,
            hour=hour,
            walk_in=n[WALK_IN],
            chained=n[CHAINED],
            booked=n[BOOKED],
        )  # fmt: skip
        for (site_id, agency_id, hour), n in sorted(
            arrivals.items(), key=lambda kv: (kv[0][0], kv[0][1] or -1, kv[0][2])
        )
    ]


def _seconds(later: datetime | None, earlier: datetime | None) -> float | None:
    return (later - earlier).total_seconds() if later and earlier else None


def _passed_on(start: datetime, end: datetime) -> dict[int, list[list]]:
    """Per site, each passed-on ticket's agencies in order with their hand-over times."""
    visits: dict[int, dict[int, list]] = {}
    rows = (
        Handover.objects.filter(ticket__queued_at__gte=start, ticket__queued_at__lt=end)
        .order_by("ticket_id", "handed_at", "pk")
        .values_list(
            "ticket_id",
            "ticket__site_id",
            "from_agency__code",
            "to_agency__code",
            "handed_at",
            "called_at",
        )  # fmt: skip
    )
    for ticket_id, site_id, source, target, handed, called in rows.iterator(chunk_size=2000):
        steps = visits.setdefault(site_id, {}).setdefault(ticket_id, [])
        if not steps and source:  # from the info desk (no agency) the chain starts at target
            steps.append((source, None))
        steps.append((target, _seconds(called, handed)))
    return {site: list(tickets.values()) for site, tickets in visits.items()}


def _booked(start: datetime, end: datetime) -> dict[int, list[list]]:
    """Per site, each visit served by several booked services of the day, in order."""
    legs = list(
        Booking.objects.filter(start__gte=start, start__lt=end, state=BookingState.DONE)
        .order_by("visit_id", "start", "position")
        .values_list("pk", "visit_id", "site_id", "service__agency__code")
    )
    times = {
        booking_id: (called, ended)
        for booking_id, called, ended in Ticket.objects.filter(
            booking_id__in=[pk for pk, *_rest in legs]
        ).values_list("booking_id", "called_at", "service_ended_at")
    }
    visits: dict[tuple[int, int], list] = {}
    for pk, visit_id, site_id, agency in legs:
        visits.setdefault((site_id, visit_id), []).append((pk, agency))
    out: dict[int, list[list]] = {}
    for (site_id, _visit), steps in visits.items():
        if len(steps) < 2:
            continue
        chain, previous_end = [], None
        for pk, agency in steps:
            called, ended = times.get(pk, (None, None))
            chain.append((agency, _seconds(called, previous_end)))
            previous_end = ended
        out.setdefault(site_id, []).append(chain)
    return out


def _chains_of_day(day: date) -> list[DailyChainSequence]:
    start, end = day_bounds(day)
    rows = []
    for kind, per_site in (
        (DailyChainSequence.Kind.PASSED_ON, _passed_on(start, end)),
        (DailyChainSequence.Kind.BOOKED, _booked(start, end)),
    ):
        for site_id, visits in sorted(per_site.items()):
            found: dict[str, ChainFigures] = count_sequences(visits)
            rows += [
                DailyChainSequence(
                    day=day,
                    site_id=site_id,
                    kind=kind,
                    sequence=sequence[:200],
                    visits=f.visits,
                    handovers=f.handovers,
                    handover_sum_s=f.handover_sum_s,
                )
                for sequence, f in sorted(found.items())
            ]
    return rows


def aggregate_row(day: date, site_id, agency_id, service_id, channel, f: Figures):
    """One daily row of one cell's figures (also the demo history's, ``history``)."""
    return DailyAggregate(
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


def day_aggregate(*, day: date) -> int:
    """Recompute the aggregates of one local day; the same data give the same rows.

    Returns the number of rows written. The day's rows are replaced in one
    transaction, so a report never sees half a day.
    """
    cells, arrivals = _figures_of_day(day)
    rows = [
        aggregate_row(day, site_id, agency_id, service_id, channel, f)
        for (site_id, agency_id, service_id, channel), f in sorted(
            cells.items(),
            key=lambda kv: tuple(-1 if k is None else k for k in kv[0][:3]) + (kv[0][3],),
        )
    ]
    hours = hour_rows(day, arrivals)
    chains = _chains_of_day(day)
    space_use = space_use_rows(day, *day_bounds(day))
    stop_use = stop_use_rows(day, *day_bounds(day))
    day_rows_replace(
        {
            DailyAggregate: rows,
            DailyChainSequence: chains,
            DailySpaceUse: space_use,
            DailyStopUse: stop_use,
            DailyHourArrivals: hours,
        },
        day=day,
    )
    return len(rows)


def day_rows_replace(rows_by_model: dict, **where) -> None:
    """Replace each aggregate table's rows matching ``where`` (a day, or a point's day)
    with the new ones, all in one transaction, so a report never sees half a day."""
    with transaction.atomic():
        for model, rows in rows_by_model.items():
            model.objects.filter(**where).delete()
            model.objects.bulk_create(rows, batch_size=1000)


def local_today(now: datetime) -> date:
    return now.astimezone(LOCAL).date()
