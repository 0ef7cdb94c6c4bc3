"""The plugin's suite on Butler's test kit: the ``core.testing`` pytest plugin (installed
with Butler) gives ``app``, ``client``, ``make``, ``auth``, a clean database per test.

Here the application finds the plugin as any installation does, through its entry point,
and talks to a fake gateway on this machine that the suite starts.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

API_KEY = "test-key-7f3a"


@dataclass
class FakeGateway:
    """An SMS gateway on 127.0.0.1: keeps what it is sent, answers as the test scripts."""

    url: str = ""
    received: list[dict] = field(default_factory=list)
    # (status, JSON answer, seconds to wait first) for the next requests; then 200.
    script: list[tuple[int, dict, float]] = field(default_factory=list)

    def answer(self) -> tuple[int, dict, float]:
        return self.script.pop(0) if self.script else (200, {"id": "msg-1"}, 0.0)


def handler_for(gateway: FakeGateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # the name http.server calls
            length = int(self.headers.get("Content-Length", 0))
            gateway.received.append(
                {"headers": dict(self.headers), "json": json.loads(self.rfile.read(length))}
            )
            status, answer, wait = gateway.answer()
            time.sleep(wait)
            body = json.dumps(answer).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the plugin stopped waiting: what a timeout test wants

        def log_message(self, *args) -> None:
            pass

    return Handler


@pytest.fixture(scope="session")
def gateway_server() -> Iterator[FakeGateway]:
    gateway = FakeGateway()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(gateway))
    server.daemon_threads = True
    gateway.url = f"http://127.0.0.1:{server.server_port}/v1/messages"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield gateway
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def gateway(gateway_server: FakeGateway) -> Iterator[FakeGateway]:
    gateway_server.received.clear()
    gateway_server.script.clear()
    yield gateway_server


@pytest.fixture(scope="session")
def butler_config(gateway_server: FakeGateway) -> dict:
    return {
        "BUTLER_LOAD_ENTRY_POINTS": True,
        "SMS_GATEWAY_URL": gateway_server.url,
        "SMS_GATEWAY_API_KEY": API_KEY,
        "SMS_GATEWAY_SENDER": "Harbour",
        "SMS_GATEWAY_TIMEOUT": 0.5,
        "SMS_GATEWAY_TRIES": 2,
        "SMS_GATEWAY_BACKOFF": 0.05,
    }
