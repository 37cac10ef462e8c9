"""What displays show, pushed: the writers' notice, the stream's events, the hub per process.

A display's stream carries the site's *board* (``selectors.display_boards``: the
numbers called and where to go, the counts waiting) each time it changes, and a
``call`` event with the call's id for each number called since the display's
``Last-Event-ID``, so a display that reconnects misses nothing and repeats nothing.

One :class:`DisplayHub` per server process serves every open display of that
process: it reads the boards of the sites that have displays open, in one query for
all of them, and fans each board out to that site's displays. No display holds a
database connection or a thread of its own. What wakes the hub:

- **PostgreSQL**: ``LISTEN`` on one asynchronous psycopg connection per process,
  opened when the first display connects and reopened if it drops (then every board
  is read again, so nothing missed while it was down is lost). The writers send
  ``pg_notify`` after their commit (:func:`display_changed`).
- **SQLite**: no notifications between processes; the hub reads the boards every
  ``poll_seconds`` while a display is open: one query per interval, however many
  displays are open.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connections, transaction

from luukku.queueing import selectors

log = logging.getLogger(__name__)

#: The PostgreSQL channel the writers notify and the hubs listen on.
CHANNEL = "luukku_display"
#: A comment line this often keeps proxies from closing an idle stream.
HEARTBEAT_SECONDS = 15.0
#: SQLite: how often the hub reads the boards while displays are open.
POLL_SECONDS = 0.25
#: PostgreSQL: an idle listener checks its connection (and reads every board) this often.
HEALTH_SECONDS = 60.0


# -- the writers' notice -------------------------------------------------------


def display_changed(site_id: int, *, using: str = "default") -> None:
    """Tell every server process that what ``site_id``'s displays show has changed.

    The writers (a call, a recall, finishing, parking, passing on, a new number) call
    this inside their transaction; the notice leaves after the commit and never for a
    change rolled back. Outside the transaction, so that PostgreSQL's commit-time lock
    for notifying transactions never serializes officials' calls. On SQLite nothing
    is sent: each process's hub polls.
    """
    if connections[using].vendor != "postgresql":
        return

    def send() -> None:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, str(site_id)])

    # robust: a lost notice must not turn a committed call into an error page; the
    # display catches up at the next notice or reconnect.
    transaction.on_commit(send, using=using, robust=True)


# -- the stream's events ---------------------------------------------------------


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def board_event(board: dict) -> str:
    """The board as one Server-Sent Event (no id: it is a state, not a call)."""
    return f"event: board\ndata: {_json(board)}\n\n"


def call_events(board: dict, after: int) -> tuple[str, int]:
    """A ``call`` event (with its id) for each number on the board called after ``after``,
    oldest first, and the id to continue from."""
    new = [c for c in reversed(board["calls"]) if c["id"] > after]
    text = "".join(f"id: {c['id']}\nevent: call\ndata: {_json(c)}\n\n" for c in new)
    return text, max([after, *(c["id"] for c in new)])


def stream_start() -> str:
    """The first line of every stream: reconnect after a second when it ends."""
    return "retry: 1000\n\n"


HEARTBEAT = ": keep-alive\n\n"


# -- the hub ---------------------------------------------------------------------


class SiteChannel:
    """One site's board in this process and the displays waiting for its next change."""

    def __init__(self, site_id: int, slug: str, board: dict) -> None:
        self.site_id = site_id
        self.slug = slug
        self.subscribers = 0
        self.version = 0
        self._changed = asyncio.Event()
        self._set(board)

    def _set(self, board: dict) -> None:
        self.board = board
        self.board_text = board_event(board)  # encoded once, sent to every display

    def publish(self, board: dict) -> bool:
        """Take a freshly read board; wake the displays if it differs. Whether it did."""
        if board == self.board:
            return False
        self._set(board)
        self.version += 1
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()
        return True

    async def wait(self, version: int, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for a board newer than ``version``."""
        if self.version != version:
            return True
        changed = self._changed
        try:
            async with asyncio.timeout(timeout):
                await changed.wait()
        except TimeoutError:
            return False
        return True


class DisplayHub:
    """Every open display of one server process, fed from one reader of the database.

    Lives on the process's ASGI application (``luukku.queueing.stream``) and works in
    that process's event loop; its database work runs on one thread of its own, so the
    process has at most one connection for its displays (and, on PostgreSQL, the
    listener's).
    """

    def __init__(
        self,
        *,
        using: str = "default",
        poll_seconds: float = POLL_SECONDS,
        health_seconds: float = HEALTH_SECONDS,
    ) -> None:
        self.using = using
        self.poll_seconds = poll_seconds
        self.health_seconds = health_seconds
        self.vendor = connections[using].vendor
        self._channels: dict[str, SiteChannel] = {}
        self._opening: dict[str, asyncio.Future] = {}
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="luukku-displays")
        self._tasks: list[asyncio.Task] = []
        self._dirty: set[int | None] = set()  # None: every watched site
        self._wake = asyncio.Event()
        #: Set while the PostgreSQL listener is listening (tests wait for it).
        self.listening = asyncio.Event()
        #: What the displays cost the database: statements of the hub's reader thread
        #: (counted by an execute wrapper) and of the listener, notices heard, reads.
        self.stats = {
            "queries": 0,
            "reads": 0,
            "listener_connects": 0,
            "listener_statements": 0,
            "notifications": 0,
        }
        self._stats_dir = os.environ.get("LUUKKU_DISPLAY_STATS")

    # -- displays come and go

    async def subscribe(self, slug: str) -> SiteChannel | None:
        """The channel of the site ``slug`` (None: no such site), counted as watched."""
        channel = self._channels.get(slug)
        if channel is None:
            opening = self._opening.get(slug)
            if opening is None:  # the first display of the site: read it once for all
                opening = self._opening[slug] = asyncio.ensure_future(self._open(slug))
                opening.add_done_callback(lambda _f: self._opening.pop(slug, None))
            channel = await asyncio.shield(opening)
            if channel is None:
                return None
        channel.subscribers += 1
        self._start()
        return channel

    def unsubscribe(self, channel: SiteChannel) -> None:
        channel.subscribers -= 1
        if channel.subscribers <= 0 and self._channels.get(channel.slug) is channel:
            del self._channels[channel.slug]  # read afresh when a display comes back

    async def _open(self, slug: str) -> SiteChannel | None:
        found = await self._db(_site_board, slug)
        if found is None:
            return None
        site_id, board = found
        channel = self._channels.get(slug)
        if channel is None:
            channel = self._channels[slug] = SiteChannel(site_id, slug, board)
        self._write_stats()
        return channel

    # -- reading the boards

    async def _db(self, fn, *args):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._run_counted, fn, args)

    def _run_counted(self, fn, args):
        """Run ``fn`` on the hub's thread, counting its statements; then give the
        connection back as Django would at the end of a request (pool or max age)."""

        def count(execute, sql, params, many, context):
            self.stats["queries"] += 1
            return execute(sql, params, many, context)

        try:
            with connections[self.using].execute_wrapper(count):
                return fn(*args)
        finally:
            close_old_connections()

    async def refresh(self, site_ids: set[int] | None = None) -> None:
        """Read the boards of ``site_ids`` (default: every watched site) in one query
        and wake the displays whose board changed."""
        by_id = {c.site_id: c for c in self._channels.values()}
        ids = set(by_id) if site_ids is None else set(site_ids) & set(by_id)
        if not ids:
            return
        boards = await self._db(selectors.display_boards, sorted(ids))
        self.stats["reads"] += 1
        for site_id, board in boards.items():
            by_id[site_id].publish(board)
        self._write_stats()

    def _write_stats(self) -> None:
        """For ``luukku bench display``: this process's figures, when it asks for them."""
        if not self._stats_dir:
            return
        path = Path(self._stats_dir) / f"{os.getpid()}.json"
        tmp = path.with_suffix(".tmp")
        displays = sum(c.subscribers for c in self._channels.values())
        tmp.write_text(
            json.dumps(
                {"pid": os.getpid(), "vendor": self.vendor, "displays": displays, **self.stats}
            )
        )
        tmp.replace(path)

    # -- what wakes the hub

    def _start(self) -> None:
        if self._tasks:
            return
        if self.vendor == "postgresql":
            self._tasks = [
                asyncio.ensure_future(self._listen()),
                asyncio.ensure_future(self._refresher()),
            ]
        else:
            self._tasks = [asyncio.ensure_future(self._poll())]

    async def close(self) -> None:
        """Stop listening or polling (server shutdown, end of a test)."""
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            try:
                await task
            except (asyncio.CancelledError, Exception):
                pass
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, connections.close_all)
        self._executor.shutdown(wait=False)

    async def _poll(self) -> None:
        """SQLite: one read of every watched board per interval, while any is watched."""
        while True:
            if self._channels:
                try:
                    await self.refresh()
                except Exception:
                    log.warning("display hub: reading the boards failed", exc_info=True)
            await asyncio.sleep(self.poll_seconds)

    async def _refresher(self) -> None:
        """PostgreSQL: read the boards of the sites notified since the last read.

        Notices that arrive while a read runs are gathered for the next one, so a burst
        of calls costs a read per burst, not per call.
        """
        while True:
            await self._wake.wait()
            self._wake.clear()
            dirty, self._dirty = self._dirty, set()
            try:
                await self.refresh(None if None in dirty else dirty)
            except Exception:
                log.warning("display hub: reading the boards failed", exc_info=True)
                self._dirty |= dirty
                await asyncio.sleep(1.0)
                self._wake.set()

    def _mark(self, site_id: int | None) -> None:
        self._dirty.add(site_id)
        self._wake.set()

    async def _listen(self) -> None:
        """PostgreSQL: LISTEN on a connection of its own, reopened whenever it drops."""
        import psycopg

        delay = 0.5
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(
                    listen_conninfo(self.using), autocommit=True
                )
            except (psycopg.Error, OSError) as exc:
                log.warning("display listener cannot connect (%s); again in %.1f s", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
                continue
            try:
                await conn.execute(f"LISTEN {CHANNEL}")
                self.stats["listener_connects"] += 1
                self.stats["listener_statements"] += 1
                self._write_stats()
                delay = 0.5
                self.listening.set()
                self._mark(None)  # whatever changed while nobody listened
                while True:
                    heard = False
                    async for note in conn.notifies(timeout=self.health_seconds):
                        heard = True
                        self.stats["notifications"] += 1
                        try:
                            self._mark(int(note.payload))
                        except ValueError:
                            continue
                    if not heard:  # quiet: is the connection still there?
                        await conn.execute("SELECT 1")
                        self.stats["listener_statements"] += 1
                        # And read every board once: heals a notice lost to a crash
                        # between a writer's commit and its notify, or a change made
                        # without one (the admin, a script).
                        self._mark(None)
            except (psycopg.Error, OSError) as exc:
                log.warning("display listener lost its connection (%s); reconnecting", exc)
            finally:
                self.listening.clear()
                await conn.close()
            await asyncio.sleep(delay)


def _site_board(slug: str) -> tuple[int, dict] | None:
    from luukku.registry.models import Site

    site_id = Site.objects.filter(slug=slug).values_list("pk", flat=True).first()
    if site_id is None:
        return None
    return site_id, selectors.display_boards([site_id])[site_id]


def listen_conninfo(using: str = "default") -> str:
    """Where the listener connects: ``LUUKKU_DISPLAY_LISTEN_URL`` if set (a direct
    connection when the application goes through PgBouncer in transaction mode, which
    cannot LISTEN), else the application's own database."""
    from psycopg.conninfo import make_conninfo

    url = os.environ.get("LUUKKU_DISPLAY_LISTEN_URL")
    if url:
        return make_conninfo(url)
    db = settings.DATABASES[using]
    params = {
        "dbname": db.get("NAME") or "postgres",
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": str(db["PORT"]) if db.get("PORT") else None,
    }
    for key, value in (db.get("OPTIONS") or {}).items():
        # libpq's own options (sslmode, connect_timeout, ...), not Django's or the pool's.
        if isinstance(value, str | int) and key not in (
            "isolation_level",
            "server_side_binding",
            "assume_role",
            "prepare_threshold",
        ):
            params[key] = value
    params["application_name"] = "luukku-display-listener"
    return make_conninfo(**{k: v for k, v in params.items() if v is not None})
