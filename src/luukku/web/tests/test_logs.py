from __future__ import annotations

import asyncio
import json
import logging
from concurrent.futures import ThreadPoolExecutor

import pytest

from luukku.web.access import AccessLogMiddleware
from luukku.web.logs import JsonFormatter, RedactingFormatter, redact, redact_path

TOKEN = "Zx8kQ2mP9vR4tL7wN3bY6cF1"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (f"/book/manage/{TOKEN}/", "/book/manage/:token/"),
        (f"/book/manage/{TOKEN}/cancel/", "/book/manage/:token/cancel/"),
        (f"/book/manage/{TOKEN}/reschedule/AB12/", "/book/manage/:token/reschedule/AB12/"),
        (
            f"/api/v1/booking/bookings/{TOKEN}/calendar.ics",
            "/api/v1/booking/bookings/:token/calendar.ics",
        ),
        (f"/sites/pori/kiosk/t/{TOKEN}/", "/sites/pori/kiosk/t/:token/"),
        (f"/api/v1/queueing/tickets/{TOKEN}", "/api/v1/queueing/tickets/:token"),
        (f"/anything/{TOKEN}", "/anything/:token"),
        ("/sites/pori/display/", "/sites/pori/display/"),
        ("/api/v1/booking/availability", "/api/v1/booking/availability"),
    ],
)
def test_redact_path__tokens_replaced_other_segments_kept(path, expected):
    assert redact_path(path) == expected


def test_redact_path__drops_the_query_string():
    assert redact_path("/book/?q=Matti+Meikäläinen&phone=0401234567") == "/book/"


def test_redact__inside_a_sentence():
    assert TOKEN not in redact(f"Not Found: /book/manage/{TOKEN}/ (GET)")


def _record(msg: str, *args, **extra) -> logging.LogRecord:
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, msg, args, None)
    record.__dict__.update(extra)
    return record


def test_json_formatter__one_object_per_line_without_the_token():
    line = JsonFormatter().format(
        _record("Not Found: %s", f"/book/manage/{TOKEN}/", path=f"/book/manage/{TOKEN}/")
    )
    data = json.loads(line)
    assert data["level"] == "WARNING"
    assert data["logger"] == "django.request"
    assert data["message"] == "Not Found: /book/manage/:token/"
    assert data["path"] == "/book/manage/:token/"
    assert data["time"].endswith("+00:00")
    assert TOKEN not in line


def test_json_formatter__leaves_out_unknown_extras():
    # Django's request logger attaches the request object; it never reaches the line.
    line = JsonFormatter().format(_record("Server Error", request=object(), status_code=500))
    assert set(json.loads(line)) == {"time", "level", "logger", "message"}


def test_text_formatter__redacts_too():
    fmt = RedactingFormatter("%(name)s %(message)s")
    assert TOKEN not in fmt.format(_record("Not Found: %s", f"/book/manage/{TOKEN}/"))


def test_django_request_logger__configured_formatter_redacts():
    """The project's LOGGING: Django's 404 line about a manage link names no token."""
    # The project's console handler (pytest adds capturing handlers of its own).
    handlers = [
        h for h in logging.getLogger("django.request").handlers if type(h) is logging.StreamHandler
    ]
    assert handlers
    for handler in handlers:
        line = handler.format(_record("Not Found: %s", f"/book/manage/{TOKEN}/"))
        assert TOKEN not in line
        assert "/book/manage/:token/" in line


def test_access_log__method_redacted_path_status_no_query_no_client(caplog):
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b"gone"})

    async def receive():
        return {"type": "http.request"}

    sent = []

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "path": f"/book/manage/{TOKEN}/",
        "query_string": b"email=matti%40example.fi",
        "client": ("192.0.2.7", 50123),
        "headers": [(b"user-agent", b"test")],
    }
    with caplog.at_level(logging.INFO, logger="luukku.access"), ThreadPoolExecutor(1) as pool:
        # In a thread of its own: the browser tests leave an event loop in this one.
        pool.submit(asyncio.run, AccessLogMiddleware(app)(scope, receive, send)).result()
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    (record,) = [r for r in caplog.records if r.name == "luukku.access"]
    assert record.path == "/book/manage/:token/"
    assert (record.method, record.status, record.bytes) == ("GET", 404, 4)
    line = JsonFormatter().format(record)
    for secret in (TOKEN, "matti", "192.0.2.7"):
        assert secret not in line
