"""Logging, configured in one place: a request id on every line, JSON lines in production.

Every request gets an id: the one in its ``X-Request-ID`` header when that looks like an
id (a proxy or load balancer set it), else a new one. The id goes back in the response's
``X-Request-ID`` header and on every log line written while the request is handled, so a
line in one server's log can be matched with the proxy's and with the other servers'.
In production each line is one JSON object; elsewhere it is plain text.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from datetime import UTC, datetime
from typing import IO

from flask import Flask, Response, g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
# Letters, digits and the punctuation of UUIDs, hex, base64 and trace ids; nothing that
# could break a log line (spaces, quotes, control characters) and nothing long.
SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:=+/-]{1,128}$")
NO_REQUEST = "-"
TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"


def request_id() -> str:
    """The id of the request being handled, or ``-`` outside a request."""
    if has_request_context():
        return g.get("request_id", NO_REQUEST)
    return NO_REQUEST


class RequestIdFilter(logging.Filter):
    """Gives every record the ``request_id`` of the request it was written in."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id()
        return True


class JsonLines(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, request id, message, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            # The moment the line was written, as the logging module took it.
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", NO_REQUEST),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def make_handler(json_lines: bool, stream: IO[str] | None = None) -> logging.Handler:
    """A handler writing to ``stream`` (standard error), with request ids, as JSON or text."""
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonLines() if json_lines else logging.Formatter(TEXT_FORMAT))
    return handler


def init_app(app: Flask) -> None:
    """Give every request its id, and (outside tests) send the log to standard error."""
    # First of the before-request functions, so that whatever they log carries the id.
    app.before_request_funcs.setdefault(None, []).insert(0, _take_request_id)
    app.after_request(_return_request_id)
    if app.config.get("BUTLER_ENV") != "test":  # pytest captures the log itself
        configure(app.config.get("BUTLER_ENV") == "production", app.config.get("BUTLER_LOG_LEVEL"))


def configure(json_lines: bool, level: str | None = None) -> logging.Handler:
    """Make the root logger write through one handler of ours; the handler.

    Called again (another application in the same process), it replaces its handler
    rather than adding a second one.
    """
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "butler", False)]:
        root.removeHandler(old)
    handler = make_handler(json_lines)
    handler.butler = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level or "INFO")
    return handler


def _take_request_id() -> None:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = incoming if SANE_REQUEST_ID.match(incoming) else uuid.uuid4().hex


def _return_request_id(response: Response) -> Response:
    if "request_id" in g:
        response.headers[REQUEST_ID_HEADER] = g.request_id
    return response
