"""The display's event stream under ASGI, in the event loop, before Django's handler.

``/sites/<slug>/display/events/`` is answered here, not by a Django view: Django's
ASGI handler runs every request's middleware and signals on a thread of that
request's own, which an endless stream would keep for as long as the display is open.
Here an open display costs an idle coroutine and a socket; the process's
:class:`~luukku.queueing.events.DisplayHub` reads the database for all of them.
Every other request goes to Django unchanged. Under WSGI (``runserver``, ``make
demo``) the Django view ``queueing.views.display_events`` answers the same address
with the same events and refuses the same input (:func:`parse_stream_params`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
from dataclasses import dataclass

from django.conf import settings
from django.http import QueryDict
from django.http.request import split_domain_port, validate_host
from django.utils.translation import gettext as _

from luukku.queueing import events

log = logging.getLogger(__name__)

#: The address of the stream: ``queueing.urls``' ``display_events`` (a test checks
#: that the two agree); the slug as Django's ``slug`` converter takes it.
EVENTS_PATH = re.compile(r"^/sites/(?P<slug>[-a-zA-Z0-9_]+)/display/events/$")
#: ``max``, the stream's length in seconds (tests, a display that wants to reconnect
#: now and then), is at most this. Without it an ASGI stream never ends.
MAX_STREAM_SECONDS = 3600.0
#: The largest event id (a Call's bigint primary key).
MAX_ID = 2**63 - 1


class BadParameter(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class StreamParams:
    #: Calls up to this id have been shown (None: a fresh display, from now on).
    after: int | None
    #: Seconds until the stream ends (None: never).
    max_seconds: float | None


def parse_stream_params(
    query, last_event_id: str | None, *, default_max: float | None
) -> StreamParams:
    """``after`` (or the ``Last-Event-ID`` header, which wins) and ``max``, or
    :class:`BadParameter` naming the field: not a number, NaN, infinite, negative, huge."""
    after = None
    for field, raw in (("Last-Event-ID", last_event_id), ("after", query.get("after"))):
        if raw is None or raw == "":
            continue
        if not raw.isascii() or not raw.isdigit() or int(raw) > MAX_ID:
            raise BadParameter(field, _("Give the id of the last call shown, a whole number."))
        after = int(raw)
        break
    max_seconds = default_max
    raw = query.get("max")
    if raw is not None:
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and 0.0 <= value <= MAX_STREAM_SECONDS):
            raise BadParameter(
                "max",
                _("Give the stream's length in seconds, from 0 to %(max)s.")
                % {"max": int(MAX_STREAM_SECONDS)},
            )
        max_seconds = value
    return StreamParams(after, max_seconds)


def _allowed_host(host: str) -> bool:
    """Django's ``ALLOWED_HOSTS`` check, as ``HttpRequest.get_host`` makes it."""
    domain, _port = split_domain_port(host)
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    return bool(domain) and validate_host(domain, allowed)


SSE_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache"),
    (b"x-accel-buffering", b"no"),
]


class DisplayEvents:
    """ASGI application: the display streams here, everything else to ``app`` (Django).

    It owns the process's :class:`~luukku.queueing.events.DisplayHub`, made when the
    first display connects (in the server's event loop) and closed at shutdown.
    """

    def __init__(self, app, *, hub_factory=events.DisplayHub) -> None:
        self.app = app
        self.hub_factory = hub_factory
        self.hub: events.DisplayHub | None = None

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            return await self._lifespan(receive, send)
        if scope["type"] == "http":
            match = EVENTS_PATH.match(scope.get("path", ""))
            if match and scope.get("method") in ("GET", "HEAD"):
                return await self._stream(scope, receive, send, match["slug"])
        return await self.app(scope, receive, send)

    async def _lifespan(self, receive, send) -> None:
        """Django's handler speaks HTTP only; the server's start and stop end here."""
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def close(self) -> None:
        if self.hub is not None:
            hub, self.hub = self.hub, None
            await hub.close()

    async def _answer(self, send, status: int, body: dict) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"cache-control", b"no-cache"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": data})

    async def _stream(self, scope, receive, send, slug: str) -> None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if not _allowed_host(headers.get("host", "")):
            return await self._answer(send, 400, {"field": "Host", "message": "Bad Request"})
        try:
            params = parse_stream_params(
                QueryDict(scope.get("query_string", b"").decode("latin-1")),
                headers.get("last-event-id"),
                default_max=None,
            )
        except BadParameter as exc:
            return await self._answer(send, 400, {"field": exc.field, "message": exc.message})
        if self.hub is None:
            self.hub = self.hub_factory()
        hub = self.hub
        try:
            channel = await hub.subscribe(slug)
        except Exception:  # the database is unreachable: the display retries in a second
            log.warning("display stream: cannot read the board", exc_info=True)
            return await self._answer(send, 503, {"message": "Service Unavailable"})
        if channel is None:
            return await self._answer(send, 404, {"field": "slug", "message": "Not Found"})
        try:
            await send({"type": "http.response.start", "status": 200, "headers": SSE_HEADERS})
            if scope["method"] == "HEAD":
                return await send({"type": "http.response.body", "body": b""})
            if await self._feed(channel, params, receive, send):
                await send({"type": "http.response.body", "body": b""})
        except OSError:
            pass  # the display went away mid-write
        finally:
            hub.unsubscribe(channel)

    async def _feed(self, channel: events.SiteChannel, params: StreamParams, receive, send) -> bool:
        """Send the board whenever it changes, heartbeats between, until ``max`` (True)
        or the display disconnects (False; noticed at once: a watcher waits for it)."""
        me = asyncio.current_task()
        gone = False

        async def watch() -> None:
            nonlocal gone
            while (await receive())["type"] != "http.disconnect":
                pass
            gone = True
            me.cancel()

        watcher = asyncio.ensure_future(watch())
        loop = asyncio.get_running_loop()
        deadline = None if params.max_seconds is None else loop.time() + params.max_seconds
        after = channel.board["last"] if params.after is None else params.after
        version = None
        chunk = events.stream_start()
        try:
            while True:
                if channel.version != version:
                    version = channel.version
                    calls, after = events.call_events(channel.board, after)
                    chunk += channel.board_text + calls
                if chunk:
                    await send(
                        {"type": "http.response.body", "body": chunk.encode(), "more_body": True}
                    )
                    chunk = ""
                wait = events.HEARTBEAT_SECONDS
                if deadline is not None:
                    wait = min(wait, deadline - loop.time())
                    if wait <= 0:
                        return True
                if not await channel.wait(version, wait):
                    if deadline is None or loop.time() < deadline:
                        chunk = events.HEARTBEAT
        except asyncio.CancelledError:
            if not gone:
                raise
            me.uncancel()
            return False
        finally:
            watcher.cancel()
