"""Log records without personal data: redacted paths, JSON lines for production.

Manage links (``/book/manage/<token>/``), kiosk ticket pages and the API's booking and
ticket addresses carry a bearer token in the path: whoever reads it can cancel the
visit. Every formatter here replaces such segments before a line is written, whichever
logger wrote it (Django's request logger names the path of every 404).
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

# A segment following one of these names is a token; any other long mixed segment
# (letters and digits, 20+ characters) is treated as one too.
_TOKEN_AFTER = re.compile(r"(/(?:manage|bookings|tickets|t)/)([^/?#\s\"']+)")
_LONG_SEGMENT = re.compile(
    r"(?<=/)(?=[A-Za-z_-]*\d)(?=[0-9_-]*[A-Za-z])[A-Za-z0-9_-]{20,}(?=[/?#\s\"']|$)"
)
REDACTED = ":token"

# Extra attributes a record may carry into the JSON line (the access log's fields).
_FIELDS = ("method", "path", "status", "duration_ms", "bytes", "task", "task_id")


def redact(text: str) -> str:
    """The text with every token-like path segment replaced."""
    text = _TOKEN_AFTER.sub(lambda m: m.group(1) + REDACTED, text)
    return _LONG_SEGMENT.sub(REDACTED, text)


def redact_path(path: str) -> str:
    """A request path for a log line: tokens replaced, no query string."""
    return redact(path.split("?", 1)[0])


class RedactingFormatter(logging.Formatter):
    """The standard text format, with tokens redacted from the whole line."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, known fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for field in _FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                line[field] = redact(value) if isinstance(value, str) else value
        if record.exc_info:
            line["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False)
