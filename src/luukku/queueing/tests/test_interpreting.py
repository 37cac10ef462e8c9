"""An interpreter arranged at the desk for a walk-in (issue 15 item 3): their time is held
like a booking's — one reservation on their resource — so two officials cannot take
them at once and a search does not offer them; the hold ends with the service."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from luukku.access.testing import sign_in
from luukku.booking.models import Reservation
from luukku.queueing.models import Ticket
from luukku.queueing.selectors import interpreter_help
from luukku.queueing.services import (
    Needs,
    QueueError,
    ticket_arrange_interpreter,
    ticket_call_next,
    ticket_create,
    ticket_finish,
    ticket_transfer,
)
from luukku.registry.models import Interpreter

from .helpers import serve, service

pytestmark = pytest.mark.django_db


def _called(demo, username="kela.pori1", code="housing-allowance", language="ar"):
    ticket_create(
        site=demo["pori"], service=service(code), needs=Needs(interpreter_language=language)
    )
    me, scope = serve(username, code)
    result = ticket_call_next(official=me, scope=scope)
    assert result.ticket is not None
    return me, result.ticket


def _amina():
    return Interpreter.objects.get(name="Tulkki Amina Hassan")


def test_arrange__holds_the_interpreters_time_for_the_service(demo):
    me, t = _called(demo)
    now = timezone.now()
    done = ticket_arrange_interpreter(ticket=t, official=me, interpreter_id=_amina().pk, now=now)
    hold = done.interpreter_hold
    assert done.interpreter == _amina() and hold.booking_id is None
    assert hold.resource_id == _amina().resource_id
    assert hold.start == now
    assert hold.end == now + timedelta(minutes=service("housing-allowance").default_duration)


def test_arrange__the_same_interpreter_twice_at_once__409_naming_interpreter(demo):
    me, t = _called(demo)
    ticket_arrange_interpreter(ticket=t, official=me, interpreter_id=_amina().pk)
    other, t2 = _called(demo, "kela.pori2")
    with pytest.raises(QueueError) as err:
        ticket_arrange_interpreter(ticket=t2, official=other, interpreter_id=_amina().pk)
    assert (err.value.field, err.value.status) == ("interpreter", 409)
    help_ = interpreter_help(Ticket.objects.get(pk=t2.pk), other)
    assert _amina().pk in help_.busy
    # Dariush speaks Arabic too, and is free.
    dariush = Interpreter.objects.get(name="Tulkki Dariush Karimi")
    assert ticket_arrange_interpreter(ticket=t2, official=other, interpreter_id=dariush.pk)


@pytest.mark.parametrize("who", ["Tulkki Olena Kovalenko", None])
def test_arrange__an_interpreter_without_the_language__400(demo, who):
    me, t = _called(demo)
    pk = Interpreter.objects.get(name=who).pk if who else "x"
    with pytest.raises(QueueError) as err:
        ticket_arrange_interpreter(ticket=t, official=me, interpreter_id=pk)
    assert (err.value.field, err.value.status) == ("interpreter", 400)
    assert not Reservation.objects.filter(booking__isnull=True).exists()


@pytest.mark.parametrize("end", ["finish", "transfer"])
def test_the_hold_ends_with_the_service(demo, end):
    me, t = _called(demo)
    start = timezone.now() - timedelta(minutes=5)
    ticket_arrange_interpreter(ticket=t, official=me, interpreter_id=_amina().pk, now=start)
    hold_id = Ticket.objects.get(pk=t.pk).interpreter_hold_id
    later = start + timedelta(minutes=3)
    if end == "finish":
        ticket_finish(ticket=t, official=me, now=later)
    else:
        ticket_transfer(ticket=t, official=me, service_code="tax-card", now=later)
    t.refresh_from_db()
    assert t.interpreter_id is None and t.interpreter_hold_id is None
    assert Reservation.objects.get(pk=hold_id).end == later  # the minutes used stay held


def test_desk_page_and_api_arrange(demo):
    me, t = _called(demo)
    page = Client()
    sign_in(page, "kela.pori1")
    html = page.get("/desk/").content.decode()
    assert f'data-interpreter="{_amina().pk}"' in html
    r = page.post(f"/desk/tickets/{t.pk}/interpreter/", {"interpreter": _amina().pk})
    assert r.status_code in (200, 302)
    html = page.get("/desk/").content.decode()
    assert 'id="interpreter-arranged"' in html
    # The API: the other Arabic interpreter instead; a bad id is a 4xx naming the field.
    dariush = Interpreter.objects.get(name="Tulkki Dariush Karimi")
    url = f"/api/v1/queueing/desk/tickets/{t.pk}/interpreter"
    bad = page.post(url, {"interpreter": 0}, content_type="application/json")
    assert bad.status_code == 400 and "interpreter" in str(bad.json())
    ok = page.post(url, {"interpreter": dariush.pk}, content_type="application/json")
    assert ok.status_code == 200
    t.refresh_from_db()
    assert t.interpreter == dariush
    # The first hold was given back when the second was taken.
    assert not Reservation.objects.filter(
        resource=_amina().resource, end__gt=timezone.now()
    ).exists()
