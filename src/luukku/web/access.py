"""The access log: one line per request, with no personal data.

The server's own access log is off (``luukku serve`` starts uvicorn with
``--no-access-log``): it would write client addresses and full paths, manage-link
tokens included. This ASGI wrapper logs method, redacted path (no query string, which
may hold search input), status, bytes and duration to ``luukku.access``.
"""

from __future__ import annotations

import logging
import time

from luukku.web.logs import redact_path

log = logging.getLogger("luukku.access")


class AccessLogMiddleware:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not log.isEnabledFor(logging.INFO):
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        seen = {"status": 500, "bytes": 0}

        async def logging_send(message):
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
            elif message["type"] == "http.response.body":
                seen["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, logging_send)
        finally:
            path = redact_path(scope.get("path", ""))
            log.info(
                "%s %s %s",
                scope.get("method", ""),
                path,
                seen["status"],
                extra={
                    "method": scope.get("method", ""),
                    "path": path,
                    "status": seen["status"],
                    "bytes": seen["bytes"],
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
