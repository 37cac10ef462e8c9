"""Tickets, check-in windows, the call-next policy, desk actions and space allocation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from luukku.booking.models import BookingState, Channel
from luukku.integration.notify import Notifier
from luukku.queueing.models import Call, Kind, Queue, Ticket, TicketState
from luukku.queueing.selectors import (
    service_estimate,
    ticket_estimate,
    transfer_choices,
    waiting_list,
)
from luukku.queueing.services import (
    QueueError,
    booking_check_in,
    demo_seed,
    parse_booking_code,
    ticket_call,
    ticket_call_next,
    ticket_create,
    ticket_finish,
    ticket_no_show,
    ticket_park,
    ticket_recall,
    ticket_start,
    ticket_transfer,
)
from luukku.registry.models import RegistryVersion, Service, Space, SpaceType

from .helpers import booking, serve, service

pytestmark = pytest.mark.django_db


def walk_in(site, code, minutes_ago=0, **kw):
    return ticket_create(
        site=site,
        service=service(code) if code else None,
        now=timezone.now() - timedelta(minutes=minutes_ago),
        **kw,
    )


def test_ticket__numbers__run_per_queue_and_never_name_anyone(demo):
    pori = demo["pori"]
    a = walk_in(pori, "housing-allowance")
    b = walk_in(pori, "student-aid")
    c = walk_in(pori, "passport")
    d = walk_in(pori, None)
    assert (a.number, b.number, c.number, d.number) == ("K-001", "K-002", "P-001", "N-001")
    assert a.queue == b.queue and c.queue.agency.code == "POLIISI" and d.service is None


def test_ticket__in_person_only_service_at_remote_point__is_refused(demo):
    with pytest.raises(QueueError) as err:
        walk_in(demo["kankaanpaa"], "passport")
    assert err.value.field == "service" and err.value.status == 400
    t = walk_in(demo["kankaanpaa"], "housing-allowance")
    assert t.remote_only and t.remote_ok


def test_demo_seed__is_idempotent(demo):
    demo_seed()
    count = Queue.objects.count()
    assert demo_seed() == {"queues_created": 0}
    assert Queue.objects.count() == count


@pytest.mark.parametrize(
    "text",
    [
        "ABCD2345",
        " abcd-2345 ",
        "https://luukku.example/b/ABCD2345/",
        "luukku:booking?code=ABCD2345",
    ],
)
def test_parse_booking_code__accepts_code_or_qr_url(text):
    assert parse_booking_code(text) == "ABCD2345"


def test_check_in__in_window__makes_booking_ticket_due_at_start(demo):
    pori = demo["pori"]
    b = booking(pori, "housing-allowance", timezone.now() + timedelta(minutes=20))
    result = booking_check_in(site=pori, code=b.code)
    assert (
        not result.late and result.ticket.kind == Kind.BOOKING and result.ticket.due_at == b.start
    )
    b.refresh_from_db()
    assert b.state == BookingState.CHECKED_IN
    again = booking_check_in(site=pori, code=b.code)
    assert again.already and again.ticket.pk == result.ticket.pk


def test_check_in__too_early__is_refused_with_time(demo):
    b = booking(demo["pori"], "housing-allowance", timezone.now() + timedelta(hours=2))
    with pytest.raises(QueueError) as err:
        booking_check_in(site=demo["pori"], code=b.code)
    assert err.value.field == "code"


#: Noon in Helsinki, so that "today" cannot change under a test run near midnight.
NOON = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def test_check_in__too_late__joins_walk_in_queue(demo):
    b = booking(demo["pori"], "housing-allowance", NOON - timedelta(minutes=25))
    result = booking_check_in(site=demo["pori"], code=b.code, now=NOON)
    assert result.late and result.ticket.kind == Kind.WALK_IN and result.ticket.due_at is None


def test_check_in__another_day__names_the_date(demo):
    """Two days early the kiosk says which day; a day late it does not check in."""
    later = booking(demo["pori"], "housing-allowance", NOON + timedelta(days=2))
    with pytest.raises(QueueError) as err:
        booking_check_in(site=demo["pori"], code=later.code, now=NOON, language="en")
    assert "29.11.2026 at 12:00" in err.value.message and err.value.status == 409
    missed = booking(demo["pori"], "housing-allowance", NOON - timedelta(days=1))
    with pytest.raises(QueueError) as err:
        booking_check_in(site=demo["pori"], code=missed.code, now=NOON)
    assert "26.11.2026" in err.value.message
    missed.refresh_from_db()
    assert missed.state == BookingState.BOOKED and not missed.tickets.exists()


def test_check_in__other_site_or_unknown__is_refused(demo):
    b = booking(demo["rauma"], "housing-allowance", timezone.now())
    with pytest.raises(QueueError):
        booking_check_in(site=demo["pori"], code=b.code)
    with pytest.raises(QueueError) as err:
        booking_check_in(site=demo["pori"], code="ZZZZ9999")
    assert err.value.status == 404


def test_call_next__due_booking__then_chain__then_walk_ins_in_order(demo):
    pori = demo["pori"]
    w1 = walk_in(pori, "housing-allowance", minutes_ago=10)
    w2 = walk_in(pori, "student-aid", minutes_ago=5)
    b = booking(pori, "child-benefit", timezone.now() + timedelta(minutes=2))
    bt = booking_check_in(site=pori, code=b.code).ticket
    chain = walk_in(pori, "benefit-advice", minutes_ago=1, kind=Kind.CHAIN)
    me, scope = serve("kela.pori1")
    order = []
    for _ in range(4):
        r = ticket_call_next(official=me, scope=scope)
        order.append(r.ticket.pk)
        ticket_finish(ticket=r.ticket, official=me)
    assert order == [bt.pk, chain.pk, w1.pk, w2.pk]
    assert ticket_call_next(official=me, scope=scope).reason == "empty"
    b.refresh_from_db()
    assert b.state == BookingState.DONE  # finishing the booked customer ends the booking
    finished = Ticket.objects.get(pk=bt.pk)
    assert finished.state == TicketState.DONE and finished.service_ended_at is not None
    assert finished.service_started_at == finished.called_at  # never pressed "start"
    assert waiting_list(scope) == []


def test_call_next__gives_a_suitable_space_and_a_display_call(demo):
    t = walk_in(demo["pori"], "passport")
    me, scope = serve("poliisi.pori1")
    r = ticket_call_next(official=me, scope=scope)
    t.refresh_from_db()
    assert r.ticket.pk == t.pk and t.state == TicketState.CALLED and t.called_by == me
    assert t.space.space_type == SpaceType.SCREENED_BOOTH
    assert {"biometrics", "payment_terminal"} <= set(
        t.space.equipment.values_list("code", flat=True)
    )
    call = Call.objects.get(ticket=t)
    assert call.number == t.number and call.label == t.space.customer_label


class _Recorder(Notifier):
    sent: list = []

    def send(self, message):
        _Recorder.sent.append(message)


def test_call_next__texts_a_customer_who_left_a_phone_number(
    demo, settings, django_capture_on_commit_callbacks
):
    settings.LUUKKU_NOTIFIER = f"{__name__}._Recorder"
    _Recorder.sent.clear()
    t = walk_in(demo["pori"], "passport")
    Ticket.objects.filter(pk=t.pk).update(phone="0401234567")
    me, scope = serve("poliisi.pori1")
    with django_capture_on_commit_callbacks(execute=True):
        r = ticket_call_next(official=me, scope=scope)
    assert r.ticket.pk == t.pk
    [sms] = _Recorder.sent
    assert sms.to_phone == "0401234567" and t.number in sms.body
    assert r.ticket.space.customer_label in sms.body


def test_call_next__refused_while_official_has_a_customer(demo):
    walk_in(demo["pori"], "passport")
    walk_in(demo["pori"], "passport")
    me, scope = serve("poliisi.pori1")
    ticket_call_next(official=me, scope=scope)
    with pytest.raises(QueueError):
        ticket_call_next(official=me, scope=scope)


def test_space__freed_when_service_ends(demo):
    t = walk_in(demo["pori"], "passport")
    me, scope = serve("poliisi.pori1")
    ticket_call_next(official=me, scope=scope)
    t.refresh_from_db()
    space = t.space
    ticket_start(ticket=t, official=me)
    ticket_finish(ticket=t, official=me)
    t.refresh_from_db()
    assert t.state == TicketState.DONE and t.service_ended_at
    assert not Ticket.objects.filter(space=space, state__in=["called", "in_service"]).exists()


def test_space__held_by_a_booking_running_now__not_given_to_a_walk_in(demo):
    me, scope = serve("poliisi.pori1")
    first = walk_in(demo["pori"], "passport")
    best = ticket_call_next(official=me, scope=scope).ticket.space
    ticket_finish(ticket=first, official=me)
    b = booking(demo["pori"], "passport", timezone.now() - timedelta(minutes=5))
    b.space = best
    b.save(update_fields=["space"])
    walk_in(demo["pori"], "passport")
    assert ticket_call_next(official=me, scope=scope).ticket.space != best
    ticket_finish(ticket=Ticket.objects.get(called_by=me, state="called"), official=me)
    b.start = timezone.now() - timedelta(days=2)
    b.end = b.start + timedelta(minutes=20)
    b.save(update_fields=["start", "end"])  # over: the space is the best free one again
    walk_in(demo["pori"], "passport")
    assert ticket_call_next(official=me, scope=scope).ticket.space == best


def test_space__risk_flagged_customer_gets_a_safe_room(demo):
    t = walk_in(demo["pori"], "social-assistance")
    Ticket.objects.filter(pk=t.pk).update(needs_safe_room=True)
    me, scope = serve("kela.pori1")
    r = ticket_call_next(official=me, scope=scope)
    assert r.ticket.space.is_safe_room
    # The display shows the safe room's label like any other room's.
    assert Call.objects.get(ticket=t).label == r.ticket.space.customer_label


def test_space__none_free__official_told_and_customer_stays_first(demo):
    pori = demo["pori"]
    Space.objects.filter(site=pori, space_type=SpaceType.SCREENED_BOOTH).update(active=False)
    RegistryVersion.bump()  # bulk updates bypass the signals that refresh the registry snapshot
    first = walk_in(pori, "passport", minutes_ago=5)
    walk_in(pori, "passport")
    me, scope = serve("poliisi.pori1")
    r = ticket_call_next(official=me, scope=scope)
    assert r.reason == "no_space" and r.first_in_line.pk == first.pk
    first.refresh_from_db()
    assert first.state == TicketState.WAITING
    Space.objects.filter(site=pori, space_type=SpaceType.SCREENED_BOOTH).update(active=True)
    RegistryVersion.bump()
    assert ticket_call_next(official=me, scope=scope).ticket.pk == first.pk


def test_space__remote_call_uses_remote_room_at_customers_site_with_video(demo):
    t = walk_in(demo["kankaanpaa"], "housing-allowance")
    me, scope = serve("kela.eta1", remote=True)
    r = ticket_call_next(official=me, scope=scope)
    assert r.ticket.pk == t.pk and r.ticket.remote
    assert r.ticket.space.site == demo["kankaanpaa"]
    assert r.ticket.space.space_type == SpaceType.REMOTE_SERVICE_ROOM
    assert r.ticket.video_url.startswith("http")


def test_on_site_official__does_not_call_remote_only_tickets(demo):
    b = booking(demo["pori"], "housing-allowance", timezone.now(), channel=Channel.REMOTE)
    booking_check_in(site=demo["pori"], code=b.code)
    me, scope = serve("kela.pori1")
    assert ticket_call_next(official=me, scope=scope).reason == "empty"


def test_recall__then_no_show_only_after_n_recalls(demo, settings):
    settings.LUUKKU_NO_SHOW_AFTER_RECALLS = 2
    b = booking(demo["pori"], "passport", timezone.now())
    t = booking_check_in(site=demo["pori"], code=b.code).ticket
    me, scope = serve("poliisi.pori1")
    ticket_call_next(official=me, scope=scope)
    with pytest.raises(QueueError):
        ticket_no_show(ticket=t, official=me)
    ticket_recall(ticket=t, official=me)
    ticket_recall(ticket=t, official=me)
    assert Call.objects.filter(ticket=t).count() == 3
    ticket_no_show(ticket=t, official=me)
    t.refresh_from_db()
    b.refresh_from_db()
    assert t.state == TicketState.NO_SHOW and b.state == BookingState.NO_SHOW


def test_actions__only_by_the_official_who_called(demo):
    t = walk_in(demo["pori"], "passport")
    me, scope = serve("poliisi.pori1")
    other, _ = serve("poliisi.pori2")
    ticket_call(ticket_id=t.pk, official=me, scope=scope)
    with pytest.raises(QueueError) as err:
        ticket_finish(ticket=t, official=other)
    assert err.value.status == 403


def test_park__keeps_place_and_hides_until_time(demo):
    pori = demo["pori"]
    first = walk_in(pori, "passport", minutes_ago=20)
    second = walk_in(pori, "passport", minutes_ago=10)
    me, scope = serve("poliisi.pori1")
    ticket_call_next(official=me, scope=scope)
    ticket_park(ticket=first, official=me, minutes=10)
    r = ticket_call_next(official=me, scope=scope)
    assert r.ticket.pk == second.pk
    ticket_finish(ticket=r.ticket, official=me)
    later = timezone.now() + timedelta(minutes=11)
    assert ticket_call_next(official=me, scope=scope, now=later).ticket.pk == first.pk


def test_transfer__keeps_priority_in_the_new_queue(demo):
    pori = demo["pori"]
    t = walk_in(pori, "passport", minutes_ago=30)
    newer = walk_in(pori, "housing-allowance", minutes_ago=5)
    police, pscope = serve("poliisi.pori1")
    ticket_call_next(official=police, scope=pscope)
    ticket_start(ticket=t, official=police)
    ticket_transfer(ticket=t, official=police, service_code="housing-allowance")
    t.refresh_from_db()
    assert t.state == TicketState.WAITING and t.kind == Kind.CHAIN and t.number.startswith("P-")
    assert t.priority_since == t.queued_at and t.space is None
    kela, kscope = serve("kela.pori1")
    assert ticket_call_next(official=kela, scope=kscope).ticket.pk == t.pk
    assert newer.state == TicketState.WAITING


def test_advice_ticket__called_by_advisor_and_passed_on(demo):
    t = walk_in(demo["pori"], None)
    advisor, scope = serve("neuvoja", advice=True)
    r = ticket_call_next(official=advisor, scope=scope)
    assert r.ticket.pk == t.pk and r.ticket.space.space_type in {"advice_point", "info_desk"}
    ticket_transfer(ticket=t, official=advisor, service_code="tax-card")
    t.refresh_from_db()
    assert t.service.code == "tax-card" and t.kind == Kind.CHAIN


def test_transfer_choices__only_what_the_site_can_serve(demo):
    """At a remote-only point a customer can be passed on only to services done by video."""
    codes = set(transfer_choices(demo["kankaanpaa"]).values_list("code", flat=True))
    assert "housing-allowance" in codes and "passport" not in codes  # passport: in person
    assert "passport" in set(transfer_choices(demo["pori"]).values_list("code", flat=True))


def test_transfer__to_an_appointment_only_service__is_refused(demo):
    t = walk_in(demo["pori"], None)
    advisor, scope = serve("neuvoja", advice=True)
    ticket_call_next(official=advisor, scope=scope)
    Service.objects.filter(code="tax-card").update(walk_in=False)
    with pytest.raises(QueueError) as err:
        ticket_transfer(ticket=t, official=advisor, service_code="tax-card")
    assert err.value.field == "service" and err.value.status == 400
    t.refresh_from_db()
    assert t.state == TicketState.CALLED and t.called_by == advisor


def test_estimate__fallback_then_observed(demo):
    pori = demo["pori"]
    svc = service("tax-card")
    serve("vero.pori1")
    est = service_estimate(site=pori, service=svc)
    assert est.basis == "fallback" and est.minutes == 0
    for _ in range(3):
        walk_in(pori, "tax-card")
    est = service_estimate(site=pori, service=svc)
    assert est.position == 3 and est.minutes == 3 * svc.default_duration
    me, scope = serve("vero.pori1")
    now = timezone.now()
    for _ in range(6):
        t = walk_in(pori, "tax-card")
        ticket_call_next(official=me, scope=scope, now=now)
        ticket_finish(
            ticket=Ticket.objects.get(called_by=me, state="called"),
            official=me,
            now=now + timedelta(minutes=6),
        )
    t = walk_in(pori, "tax-card")
    assert ticket_estimate(t).basis == "observed"


def test_estimate__nobody_signed_in__uses_rostered_staff(demo):
    est = service_estimate(site=demo["pori"], service=service("passport"))
    assert est.basis == "rostered" and est.known


def test_estimate__instant_finishes__do_not_talk_the_estimate_down(demo):
    from datetime import timedelta

    from django.utils import timezone

    from luukku.queueing.selectors import recent_service_minutes

    pori = demo["pori"]
    now = timezone.now()
    for minutes in (0, 0, 0, 0, 0, 0, 12):
        t = walk_in(pori, "student-aid")
        Ticket.objects.filter(pk=t.pk).update(
            state=TicketState.DONE,
            service_started_at=now - timedelta(minutes=minutes),
            service_ended_at=now,
        )
    assert recent_service_minutes(t.service_id) == [12.0]


def test_space__database_refuses_a_second_customer_in_one_space(demo):
    """The partial unique index itself: even a write that skips every check fails."""
    from django.db import IntegrityError, transaction

    pori = demo["pori"]
    a, b = walk_in(pori, "passport"), walk_in(pori, "passport")
    booth = Space.objects.filter(site=pori, space_type=SpaceType.SCREENED_BOOTH).first()
    Ticket.objects.filter(pk=a.pk).update(state=TicketState.CALLED, space=booth)
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.filter(pk=b.pk).update(state=TicketState.IN_SERVICE, space=booth)
    # Once the first customer is done, the space takes the next one.
    Ticket.objects.filter(pk=a.pk).update(state=TicketState.DONE)
    Ticket.objects.filter(pk=b.pk).update(state=TicketState.CALLED, space=booth)
