"""Logging: a request id on every line of a request, JSON lines in production."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from flask import Flask

from core import create_app, logs
from core.config import ConfigError, from_environment
from core.extensions import db

log = logging.getLogger("butler.test_logs")


@pytest.fixture(scope="module")
def noisy_app(app: Flask) -> Iterator[Flask]:
    """An application with one page that writes a line to the log (built once: building
    one takes most of a second)."""
    extra = create_app(dict(app.config))

    @extra.route("/_test/log-a-line")
    def log_a_line():
        log.warning("the lift in tower 2 is stuck")
        return "logged"

    yield extra
    with extra.app_context():
        db.session.remove()
        db.engine.dispose()


def capture(json_lines: bool) -> tuple[logging.Handler, io.StringIO]:
    stream = io.StringIO()
    return logs.make_handler(json_lines, stream), stream


@pytest.fixture
def text_log() -> Iterator[io.StringIO]:
    handler, stream = capture(json_lines=False)
    log.addHandler(handler)
    try:
        yield stream
    finally:
        log.removeHandler(handler)


def test_a_request_id_from_the_proxy_is_kept_on_the_log_line_and_the_answer(noisy_app, text_log):
    answer = noisy_app.test_client().get(
        "/_test/log-a-line", headers={"X-Request-ID": "9f2c1a7e-6b1d-4c55-8d2e-0a1b2c3d4e5f"}
    )

    assert answer.headers["X-Request-ID"] == "9f2c1a7e-6b1d-4c55-8d2e-0a1b2c3d4e5f"
    line = text_log.getvalue().strip()
    assert "[9f2c1a7e-6b1d-4c55-8d2e-0a1b2c3d4e5f] butler.test_logs: the lift" in line


@pytest.mark.parametrize(
    "incoming",
    ["", "two words", "x" * 129, 'quote"d', "line\\nbreak"],
    ids=["none", "space", "too-long", "quote", "backslash"],
)
def test_a_request_without_a_sane_id_gets_a_new_one(noisy_app, text_log, incoming):
    headers = {"X-Request-ID": incoming} if incoming else {}
    answer = noisy_app.test_client().get("/_test/log-a-line", headers=headers)

    given = answer.headers["X-Request-ID"]
    assert given != incoming and len(given) == 32
    assert f"[{given}]" in text_log.getvalue()


def test_two_requests_get_two_ids(noisy_app):
    client = noisy_app.test_client()
    first, second = (client.get("/login").headers["X-Request-ID"] for _ in range(2))
    assert first != second


def test_production_writes_one_json_object_a_line(noisy_app):
    handler, stream = capture(json_lines=True)
    log.addHandler(handler)
    try:
        noisy_app.test_client().get("/_test/log-a-line", headers={"X-Request-ID": "abc123"})
        try:
            raise RuntimeError("the boiler is off")
        except RuntimeError:
            log.exception("outside a request")
    finally:
        log.removeHandler(handler)

    inside, outside = (json.loads(line) for line in stream.getvalue().splitlines())
    assert inside["request_id"] == "abc123"
    assert (inside["level"], inside["logger"]) == ("WARNING", "butler.test_logs")
    assert inside["message"] == "the lift in tower 2 is stuck"
    assert outside["request_id"] == "-"
    assert "RuntimeError: the boiler is off" in outside["exception"]


def test_configuring_twice_leaves_one_handler():
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    try:
        logs.configure(json_lines=False)
        handler = logs.configure(json_lines=True)
        ours = [h for h in root.handlers if getattr(h, "butler", False)]
        assert ours == [handler]
        assert isinstance(handler.formatter, logs.JsonLines)
    finally:
        for extra in [h for h in root.handlers if h not in before]:
            root.removeHandler(extra)
        root.setLevel(level)


def test_an_unknown_log_level_stops_start_up(monkeypatch, tmp_path):
    monkeypatch.setenv("BUTLER_ENV", "development")
    monkeypatch.setenv("BUTLER_LOG_LEVEL", "loud")
    with pytest.raises(ConfigError, match="BUTLER_LOG_LEVEL must be one of DEBUG, INFO"):
        from_environment(tmp_path)
