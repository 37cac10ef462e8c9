"""Daily aggregates: what a day's tickets and bookings add up to, recomputed the same."""

from __future__ import annotations

import itertools
import secrets
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from luukku.audit.retention import personal_data_purge
from luukku.booking.models import Booking, BookingState, Channel, Visit
from luukku.core.monitoring.figures import EDGES
from luukku.monitoring.models import DailyAggregate
from luukku.monitoring.services import LOCAL, day_aggregate, day_bounds
from luukku.queueing.models import Kind, Queue, Ticket, TicketState
from luukku.registry.models import Service

pytestmark = pytest.mark.django_db

FIELDS = (
    "day", "site_id", "agency_id", "service_id", "channel", "walk_in", "booked", "chained",
    "no_show", "cancelled", "served", "wait_count", "wait_sum_s", "wait_hist",
    "service_count", "service_sum_s",
)  # fmt: skip


def rows() -> list[tuple]:
    return sorted(
        DailyAggregate.objects.values_list(*FIELDS), key=lambda r: tuple(str(x) for x in r)
    )


def _service():
    return Service.objects.order_by("pk").first()


def _queue(site, agency):
    queue, _ = Queue.objects.get_or_create(site=site, agency=agency, defaults={"letter": "Q"})
    return queue


#: Ticket numbers, unique per queue and day as the database demands (a random one clashed).
_NUMBERS = itertools.count(1)


def ticket(site, at: datetime, *, wait_min=5, service_min=10, kind=Kind.WALK_IN, state=None,
           remote=False, phone=""):  # fmt: skip
    service = _service()
    called = at + timedelta(minutes=wait_min) if wait_min is not None else None
    done = state in (None, TicketState.DONE) and called is not None
    return Ticket.objects.create(
        site=site,
        queue=_queue(site, service.agency),
        service=service,
        number=f"Q{next(_NUMBERS)}",
        day=at.astimezone(LOCAL).date(),
        kind=kind,
        state=state or (TicketState.DONE if done else TicketState.WAITING),
        queued_at=at,
        called_at=called,
        service_started_at=called if done else None,
        service_ended_at=called + timedelta(minutes=service_min) if done else None,
        remote=remote,
        phone=phone,
    )


def booking(site, at: datetime, state=BookingState.DONE, channel=Channel.IN_PERSON):
    visit = Visit.objects.create(
        name="Testi Asiakas", phone="0401234567", token_hash=secrets.token_hex(32)
    )
    return Booking.objects.create(
        visit=visit,
        service=_service(),
        site=site,
        channel=channel,
        start=at,
        end=at + timedelta(minutes=30),
        state=state,
    )


def local(y, m, d, hh, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=LOCAL)


def test_day_aggregate__counts_waits_and_service(demo):
    pori = demo["pori"]
    day = date(2026, 11, 10)
    ticket(pori, local(2026, 11, 10, 9), wait_min=5, service_min=10)
    ticket(pori, local(2026, 11, 10, 10), wait_min=20, service_min=6)
    ticket(pori, local(2026, 11, 10, 11), wait_min=None, state=TicketState.NO_SHOW)
    ticket(pori, local(2026, 11, 10, 12), wait_min=2, kind=Kind.CHAIN, remote=True)
    ticket(pori, local(2026, 11, 11, 9))  # the next day
    booking(pori, local(2026, 11, 10, 13))
    booking(pori, local(2026, 11, 10, 14), state=BookingState.NO_SHOW)
    booking(pori, local(2026, 11, 10, 15), state=BookingState.CANCELLED)
    assert day_aggregate(day=day) == 2
    face = DailyAggregate.objects.get(day=day, channel=Channel.IN_PERSON)
    assert (face.walk_in, face.served, face.no_show, face.booked, face.cancelled) == (3, 2, 2, 2, 1)
    assert face.wait_count == 2 and face.wait_sum_s == 25 * 60
    assert face.wait_hist[EDGES.index(5)] == 1 and face.wait_hist[EDGES.index(20)] == 1
    assert (face.service_count, face.service_sum_s) == (2, 16 * 60)
    remote = DailyAggregate.objects.get(day=day, channel=Channel.REMOTE)
    assert (remote.chained, remote.walk_in, remote.served) == (1, 0, 1)


def test_day_aggregate__recomputing_gives_the_same_rows(demo):
    pori = demo["pori"]
    for h in range(9, 15):
        ticket(pori, local(2026, 11, 10, h), wait_min=h)
        booking(pori, local(2026, 11, 10, h, 30))
    day_aggregate(day=date(2026, 11, 10))
    first = rows()
    assert first
    day_aggregate(day=date(2026, 11, 10))
    assert rows() == first
    assert DailyAggregate.objects.count() == len(first)


@pytest.mark.parametrize(
    ("day", "hours"),
    [(date(2026, 3, 29), 23), (date(2026, 10, 25), 25), (date(2026, 11, 10), 24)],
)
def test_day_bounds__local_days_across_dst(day, hours):
    start, end = day_bounds(day)
    assert (end - start) == timedelta(hours=hours)
    assert start.astimezone(LOCAL).hour == 0


def test_day_aggregate__dst_day_takes_its_late_evening_and_leaves_the_next_morning(demo):
    pori = demo["pori"]
    # 25 October 2026: clocks go back at 04:00 EEST; 23:30 local is 21:30 UTC.
    ticket(pori, datetime(2026, 10, 25, 21, 30, tzinfo=UTC))
    ticket(pori, datetime(2026, 10, 24, 21, 30, tzinfo=UTC))  # 00:30 local on the 25th
    ticket(pori, datetime(2026, 10, 25, 22, 30, tzinfo=UTC))  # 00:30 on the 26th
    day_aggregate(day=date(2026, 10, 25))
    assert sum(DailyAggregate.objects.values_list("walk_in", flat=True)) == 2


def test_day_aggregate__unchanged_by_the_retention_purge(demo):
    pori = demo["pori"]
    old = timezone.now() - timedelta(days=60)
    for i in range(4):
        ticket(pori, old + timedelta(minutes=30 * i), wait_min=3 + i, phone="0401234567")
        booking(pori, old + timedelta(minutes=30 * i + 10))
    Visit.objects.update(created_at=old)
    day = old.astimezone(LOCAL).date()
    day_aggregate(day=day)
    before = rows()
    result = personal_data_purge()
    assert result.visits == 4
    assert not Visit.objects.exclude(name="").exists()
    assert rows() == before
    day_aggregate(day=day)  # and recomputed from what the purge left
    assert rows() == before


def test_aggregate_command__day_since_and_bad_input(demo, capsys):
    ticket(demo["pori"], local(2026, 11, 10, 9))
    call_command("aggregate", "--day", "2026-11-10")
    assert "2026-11-10: 1 aggregate row(s)." in capsys.readouterr().out
    yesterday = timezone.now().astimezone(LOCAL).date() - timedelta(days=1)
    call_command("aggregate", "--since", (yesterday - timedelta(days=2)).isoformat())
    assert capsys.readouterr().out.count("aggregate row(s)") == 3
    with pytest.raises(CommandError, match="--day"):
        call_command("aggregate", "--day", "10.11.2026")


def test_aggregate_task__is_in_the_worker_schedule(demo):
    from luukku.integration.worker import run_schedule
    from luukku.monitoring.tasks import aggregate_yesterday

    assert "daily-aggregates" in run_schedule(now=timezone.now())
    result = aggregate_yesterday.enqueue()
    assert result.return_value["rows"] == 0
