"""Requests per second under load: Butler behind gunicorn against two yardsticks.

All are served by gunicorn with two sync workers on a loopback port and loaded by
``wrk`` (Debian's package) with the same threads, connections and duration, one after
the other in the same run. Butler is measured logged in as a site manager (the session
cookie is taken from a real login), on the resident list of a 2,000-resident site and
its search as you type. The fair baseline (``bench/fair.py``) reads the same residents
from the same database with the same statements, logged in through Flask-Login; the
minimal page (``bench/minimal.py``) renders the same 50-row table from memory. The
figures are the ratios (goals: ≥ 0.9 × the fair baseline, ≥ 0.5 × the minimal page).
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
WORKERS = 2
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "10"))
CONNECTIONS = 8
THREADS = 2


@dataclass(frozen=True)
class Load:
    label: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not listen on {port} within {seconds} s")


class Gunicorn:
    """``gunicorn <app>`` with two workers on a free loopback port, for a ``with`` block."""

    def __init__(self, app: str, env: dict[str, str]) -> None:
        self.app, self.env, self.port = app, env, _free_port()

    def __enter__(self) -> Gunicorn:
        self.process = subprocess.Popen(
            [
                str(GUNICORN),
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                self.app,
            ],
            cwd=ROOT,
            env={**os.environ, **self.env},
        )
        _wait_for(self.port, self.process)
        return self

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def session_cookie(port: int, username: str, password: str) -> str:
    """Log in through the login form and return the ``Cookie`` header it earned."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/login")
    page = conn.getresponse()
    body = page.read().decode()
    cookies = _cookies(page.getheaders())
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body)
    form = {"username": username, "password": password}
    if token:
        form["csrf_token"] = token.group(1)
    conn.request(
        "POST",
        "/login",
        body=urlencode(form),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        },
    )
    answer = conn.getresponse()
    answer.read()
    if answer.status != 302:
        raise RuntimeError(f"logging in as {username} answered {answer.status}")
    cookies |= _cookies(answer.getheaders())
    conn.close()
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def _cookies(headers: list[tuple[str, str]]) -> dict[str, str]:
    found = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            pair = value.split(";", 1)[0]
            key, _, val = pair.partition("=")
            found[key.strip()] = val.strip()
    return found


def check(port: int, path: str, headers: dict[str, str]) -> int:
    """The size of one answer; fails unless it is a 200 (wrk would count errors quietly)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers=headers)
    answer = conn.getresponse()
    body = answer.read()
    conn.close()
    if answer.status != 200:
        raise RuntimeError(f"{path} answered {answer.status}")
    return len(body)


def wrk(label: str, port: int, path: str, headers: dict[str, str]) -> Load:
    args = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run(
        [*args, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return Load(
        label,
        rps,
        _latency(out, "50%"),
        _latency(out, "99%"),
        int(non_2xx.group(1)) if non_2xx else 0,
    )


def _latency(out: str, percentile: str) -> float:
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)\b", out).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def available() -> str | None:
    """Why the throughput cannot be measured here, or None."""
    if shutil.which("wrk") is None:
        return "wrk is not installed (Debian package wrk; `make bench` installs it)"
    if not GUNICORN.exists():
        return f"gunicorn is not in {GUNICORN.parent}"
    return None


SEARCH = "q=%E9%99%B3%E5%AE%B6"  # 陳家: the name search of the pages' timings


def run(database_url: str, database: str, slug: str, username: str, password: str) -> list[Load]:
    """Butler's resident list (page, htmx partial, search as you type), the same list of
    the fair baseline (``bench/fair.py``, same database), and the minimal page, under load."""
    env = {
        "BUTLER_ENV": "production",
        "SECRET_KEY": "bench-throughput",
        "DATABASE_URL": database_url,
    }
    page = f"/s/{slug}/residents/"
    search = f"{page}?{SEARCH}"
    htmx = {"HX-Request": "true", "HX-Target": "resident-results"}
    loads = []
    with Gunicorn("wsgi:app", env) as butler:
        cookie = {"Cookie": session_cookie(butler.port, username, password)}
        for label, path, headers in (
            (LIST, page, cookie),
            (PARTIAL, page, {**cookie, **htmx}),
            (SEARCH_FRAGMENT, search, {**cookie, **htmx}),
        ):
            check(butler.port, path, headers)
            loads.append(wrk(f"{database}: Butler {label}", butler.port, path, headers))
    with Gunicorn("bench.fair:app", env) as fair:
        cookie = {"Cookie": fair_cookie(fair.port, username)}
        for label, path, headers in (
            (LIST, page, cookie),
            (SEARCH_FRAGMENT, search, {**cookie, **htmx}),
        ):
            check(fair.port, path, headers)
            loads.append(wrk(f"{database}: {FAIR} {label}", fair.port, path, headers))
    with Gunicorn("bench.minimal:app", {}) as minimal:
        check(minimal.port, "/", {})
        loads.append(wrk(MINIMAL, minimal.port, "/", {}))
    return loads


LIST = "resident list (50 rows)"
PARTIAL = "resident list, htmx partial"
SEARCH_FRAGMENT = "search as you type, htmx fragment"
FAIR = "fair baseline (Flask + SQLAlchemy + Flask-Login)"
MINIMAL = "minimal Flask page, same 50-row table"


def fair_cookie(port: int, username: str) -> str:
    """The session cookie of the fair baseline's login."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", f"/login?{urlencode({'username': username})}")
    answer = conn.getresponse()
    answer.read()
    conn.close()
    if answer.status != 200:
        raise RuntimeError(f"the fair baseline's login answered {answer.status}")
    return "; ".join(f"{k}={v}" for k, v in _cookies(answer.getheaders()).items())


def ratios(run: list[Load]) -> list[str]:
    """Each of Butler's loads against the minimal page, and against the fair baseline's
    same page where it has one (goals: ≥ 0.5 and ≥ 0.9)."""
    minimal = next(load for load in run if load.label == MINIMAL)
    fair = {load.label.rpartition(f"{FAIR} ")[2]: load for load in run if FAIR in load.label}
    lines = []
    for load in run:
        if load is minimal or FAIR in load.label:
            continue
        line = (
            f"- {load.label}: {load.requests_per_second / minimal.requests_per_second:.2f} × "
            "the minimal page"
        )
        same = fair.get(load.label.rpartition("Butler ")[2])
        if same is not None:
            line += (
                f", {load.requests_per_second / same.requests_per_second:.2f} × the fair baseline"
            )
        lines.append(line)
    return lines


def table(loads: list[Load]) -> str:
    lines = [
        "| served | requests/s | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|",
    ]
    for load in loads:
        lines.append(
            f"| {load.label} | {load.requests_per_second:,.0f} | {load.p50_ms:.1f} "
            f"| {load.p99_ms:.1f} | {load.non_2xx} |"
        )
    return "\n".join(lines)
