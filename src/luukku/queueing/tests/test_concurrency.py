"""Officials pressing "call next" at the same moment never get the same customer.

Transactional tests with real threads, each on its own database connection, on
whichever database the run uses (CI runs SQLite and PostgreSQL).
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, connections

from luukku.queueing.models import Call, Ticket, TicketState
from luukku.queueing.services import ticket_call_next, ticket_create, ticket_finish

from .helpers import serve, service

OFFICIALS = ["kela.pori1", "kela.pori2", "virkailija"]


def _run(workers):
    errors = []

    def wrap(fn):
        def inner():
            try:
                fn()
            except Exception as exc:  # surfaced by the assertion below
                errors.append(exc)
            finally:
                connections.close_all()

        return inner

    threads = [threading.Thread(target=wrap(w)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors


@pytest.mark.django_db(transaction=True)
def test_call_next__concurrent_officials__never_the_same_customer(demo):
    pori = demo["pori"]
    svc = service("housing-allowance")
    for _ in range(24):
        ticket_create(site=pori, service=svc)
    sessions = [serve(name, "housing-allowance", site=pori) for name in OFFICIALS]
    called: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(sessions))

    def worker(official, scope):
        def run():
            barrier.wait()
            while True:
                result = ticket_call_next(official=official, scope=scope)
                if result.ticket is None:
                    assert result.reason == "empty", result.reason
                    return
                with lock:
                    called.append(result.ticket.pk)
                ticket_finish(ticket=result.ticket, official=official)

        return run

    _run([worker(o, s) for o, s in sessions])
    assert len(called) == 24
    assert not [pk for pk, n in Counter(called).items() if n > 1]
    assert Call.objects.count() == 24
    assert Ticket.objects.filter(state=TicketState.DONE).count() == 24
    assert connection.vendor in ("sqlite", "postgresql")


@pytest.mark.django_db(transaction=True)
def test_take_number__concurrent_kiosks__numbers_never_repeat(demo):
    pori = demo["pori"]
    svc = service("student-aid")

    def kiosk():
        for _ in range(10):
            ticket_create(site=pori, service=svc)

    _run([kiosk] * 4)
    numbers = list(Ticket.objects.values_list("number", flat=True))
    assert len(numbers) == 40 and len(set(numbers)) == 40
