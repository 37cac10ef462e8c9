"""The display stream under ASGI: one hub per process, fanned out to every display.

Drives ``stream.DisplayEvents`` as an ASGI server would (a scope, ``receive`` and
``send``) in an event loop of the test's own, against the real database: the hub's
reads run on its own thread and connection, so these tests are transactional. They
wait for behaviour with generous time-outs and never time anything. The PostgreSQL
listener's tests run when the suite runs on PostgreSQL (CI runs both).
"""

from __future__ import annotations

import asyncio
import json

import pytest
from django.db import connection, connections

from luukku.queueing import events
from luukku.queueing.models import Call
from luukku.queueing.services import ticket_call_next, ticket_create
from luukku.queueing.stream import EVENTS_PATH, DisplayEvents

from .helpers import serve, service

pytestmark = pytest.mark.django_db(transaction=True)
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="LISTEN/NOTIFY is PostgreSQL's"
)
#: Long enough for a busy CI machine; a working hub answers well within it.
PATIENCE = 20.0


def in_thread(fn, *args, **kwargs):
    """Run database work off the event loop, on a connection closed afterwards."""

    def run():
        try:
            return fn(*args, **kwargs)
        finally:
            connections.close_all()

    return asyncio.to_thread(run)


def take_and_call(site, code: str, username: str):
    """A number taken and called: (ticket, its call's id)."""
    t = ticket_create(site=site, service=service(code))
    me, scope = serve(username, code)
    assert ticket_call_next(official=me, scope=scope).ticket == t
    return t, Call.objects.filter(ticket=t).latest("id").pk


class Display:
    """One open display: an ASGI request to the app, its answer read as it comes."""

    def __init__(self, app, path="/sites/pori/display/events/", query="", headers=()):
        self.app = app
        self.scope = {
            "type": "http",
            "method": "GET",
            "path": path,
            "query_string": query.encode(),
            "headers": [(b"host", b"testserver"), *[(k.encode(), v.encode()) for k, v in headers]],
        }
        self.status = None
        self.text = ""
        self._grew = asyncio.Event()
        self._gone = asyncio.Event()
        self.task = None

    async def receive(self):
        await self._gone.wait()
        return {"type": "http.disconnect"}

    async def send(self, message):
        if message["type"] == "http.response.start":
            self.status = message["status"]
        else:
            self.text += message.get("body", b"").decode()
        self._grew.set()

    def open(self):
        self.task = asyncio.ensure_future(self.app(self.scope, self.receive, self.send))
        return self

    async def until(self, predicate, timeout: float = PATIENCE) -> str:
        async with asyncio.timeout(timeout):
            while not predicate(self.text):
                self._grew.clear()
                if self.task.done():
                    self.task.result()
                    assert predicate(self.text), self.text
                await self._grew.wait()
        return self.text

    def calls(self) -> list[tuple[str, dict]]:
        out = []
        for block in self.text.split("\n\n"):
            fields = dict(x.split(": ", 1) for x in block.splitlines() if not x.startswith(":"))
            if fields.get("event") == "call":
                out.append((fields["id"], json.loads(fields["data"])))
        return out

    async def close(self):
        self._gone.set()
        await asyncio.wait_for(self.task, PATIENCE)


async def _not_django(scope, receive, send):
    raise AssertionError(f"{scope['path']} went to Django")


def run(coro_fn, **hub):
    """Run ``coro_fn(app)`` in a fresh event loop with a hub of its own."""

    async def main():
        app = DisplayEvents(_not_django, hub_factory=lambda: events.DisplayHub(**hub))
        try:
            return await coro_fn(app)
        finally:
            await app.close()

    return asyncio.run(main())


@pytest.mark.django_db
def test_events_path_is_the_urlconfs():
    from django.urls import reverse

    path = reverse("queueing:display_events", args=["pori-2_x"])
    assert EVENTS_PATH.match(path)["slug"] == "pori-2_x"


def test_stream__every_display_gets_the_call_from_one_read_per_interval(demo):
    """SQLite's poll (and PostgreSQL's listener): one read for all displays of the process."""
    pori = demo["pori"]

    async def scenario(app):
        displays = [Display(app).open() for _ in range(25)]
        for d in displays:
            await d.until(lambda text: "event: board" in text)
        hub = app.hub
        assert len(hub._channels) == 1 and hub._channels["pori"].subscribers == 25
        t, call_id = await in_thread(take_and_call, pori, "passport", "poliisi.pori1")
        for d in displays:
            await d.until(
                lambda text, n=t.number: f'"number":"{n}"' in text and "event: call" in text
            )
            assert [(i, c["number"]) for i, c in d.calls()] == [(str(call_id), t.number)]
        # One statement per read, however many displays: the displays cost no query each.
        assert hub.stats["queries"] == hub.stats["reads"] + 2  # + the site and its board once
        for d in displays:
            await d.close()
        assert "pori" not in hub._channels  # the last display gone: nothing kept

    run(scenario, poll_seconds=0.05)


def test_stream__last_event_id_catches_up_without_repeats(demo):
    pori = demo["pori"]

    async def scenario(app):
        first, first_id = await in_thread(take_and_call, pori, "passport", "poliisi.pori1")
        second, second_id = await in_thread(take_and_call, pori, "housing-allowance", "kela.pori1")
        d = Display(app, query="after=0", headers=[("last-event-id", str(first_id))]).open()
        await d.until(lambda text: "event: call" in text)
        assert [(i, c["number"]) for i, c in d.calls()] == [(str(second_id), second.number)]
        assert first.number in d.text  # still on the board, not a new call
        await d.close()
        fresh = Display(app).open()  # no id at all: from now on, nothing old flashes
        await fresh.until(lambda text: "event: board" in text)
        assert fresh.calls() == []
        await fresh.close()

    run(scenario, poll_seconds=0.05)


def test_stream__max_ends_it_and_heartbeats_are_comments(demo, monkeypatch):
    monkeypatch.setattr(events, "HEARTBEAT_SECONDS", 0.05)

    async def scenario(app):
        d = Display(app, query="max=0.5").open()
        await asyncio.wait_for(d.task, PATIENCE)
        assert d.status == 200 and d.text.startswith("retry: 1000\n\n")
        assert ": keep-alive\n\n" in d.text and "event: board" in d.text

    run(scenario, poll_seconds=0.05)


@pytest.mark.parametrize(
    "query, headers, status, field",
    [
        ("max=nan", [], 400, "max"),
        ("max=-1", [], 400, "max"),
        ("max=1e400", [], 400, "max"),
        ("max=x", [], 400, "max"),
        ("after=-3", [], 400, "after"),
        ("", [("last-event-id", "1;DROP")], 400, "Last-Event-ID"),
        ("", [("host", "evil.example")], 400, "Host"),
    ],
)
@pytest.mark.django_db  # refused before any database work
def test_stream__bad_input_is_a_400_naming_the_field(query, headers, status, field):
    async def scenario(app):
        d = Display(app, query=query)
        if headers and headers[0][0] == "host":
            d.scope["headers"] = [(b"host", headers[0][1].encode())]
        else:
            d.scope["headers"] += [(k.encode(), v.encode()) for k, v in headers]
        d.open()
        await asyncio.wait_for(d.task, PATIENCE)
        assert d.status == status and json.loads(d.text)["field"] == field

    run(scenario)


def test_stream__unknown_site_is_404(demo):
    async def scenario(app):
        d = Display(app, path="/sites/nowhere/display/events/").open()
        await asyncio.wait_for(d.task, PATIENCE)
        assert d.status == 404

    run(scenario)


@pytest.mark.django_db
def test_stream__other_addresses_go_to_django():
    seen = []

    async def django_app(scope, receive, send):
        seen.append(scope["path"])

    async def main():
        app = DisplayEvents(django_app)
        await app({"type": "http", "method": "GET", "path": "/sites/pori/display/"}, None, None)
        await app(
            {"type": "http", "method": "POST", "path": "/sites/pori/display/events/"}, None, None
        )

    asyncio.run(main())
    assert seen == ["/sites/pori/display/", "/sites/pori/display/events/"]


@postgres_only
def test_listener__a_notice_costs_one_read_for_every_display(demo):
    """No polling on PostgreSQL: nothing is read until a writer notifies."""
    pori = demo["pori"]

    async def scenario(app):
        displays = [Display(app).open() for _ in range(25)]
        for d in displays:
            await d.until(lambda text: "event: board" in text)
        hub = app.hub
        await asyncio.wait_for(hub.listening.wait(), PATIENCE)
        await asyncio.sleep(0.2)  # let the catch-up read after LISTEN finish
        before = dict(hub.stats)
        t, _call_id = await in_thread(take_and_call, pori, "passport", "poliisi.pori1")
        for d in displays:
            await d.until(lambda text, n=t.number: "event: call" in text and n in text)
        # Two notices (the number taken, then called), each read once for all 25
        # displays; never a read per display.
        reads = hub.stats["reads"] - before["reads"]
        assert 1 <= reads <= hub.stats["notifications"] - before["notifications"] <= 2
        assert hub.stats["queries"] - before["queries"] == reads
        for d in displays:
            await d.close()

    run(scenario)


@postgres_only
def test_listener__reconnects_when_its_connection_drops(demo):
    pori = demo["pori"]

    def kill_listener():
        with connection.cursor() as cur:
            cur.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = 'luukku-display-listener' AND datname = current_database()"
            )
            return cur.rowcount

    async def scenario(app):
        d = Display(app).open()
        await d.until(lambda text: "event: board" in text)
        hub = app.hub
        await asyncio.wait_for(hub.listening.wait(), PATIENCE)
        assert await in_thread(kill_listener) == 1
        async with asyncio.timeout(PATIENCE):
            while hub.stats["listener_connects"] < 2 or not hub.listening.is_set():
                await asyncio.sleep(0.05)
        t, _call_id = await in_thread(take_and_call, pori, "passport", "poliisi.pori1")
        await d.until(lambda text: "event: call" in text and t.number in text)
        await d.close()

    run(scenario)


@postgres_only
def test_display_changed__notifies_after_commit_only(demo):
    import psycopg

    listener = psycopg.connect(events.listen_conninfo(), autocommit=True)
    try:
        listener.execute(f"LISTEN {events.CHANNEL}")
        from django.db import transaction

        with pytest.raises(RuntimeError), transaction.atomic():
            events.display_changed(41)
            raise RuntimeError("rolled back")
        with transaction.atomic():
            events.display_changed(42)
        got = [n.payload for n in listener.notifies(timeout=2.0, stop_after=1)]
        assert got == ["42"]
    finally:
        listener.close()


@pytest.mark.django_db
def test_stream__database_unreachable_is_a_503_not_a_500():
    class Down(events.DisplayHub):
        async def subscribe(self, slug):
            raise OSError("the database is down")

    async def main():
        app = DisplayEvents(_not_django, hub_factory=Down)
        try:
            d = Display(app).open()
            await asyncio.wait_for(d.task, PATIENCE)
            return d.status
        finally:
            await app.close()

    assert asyncio.run(main()) == 503
