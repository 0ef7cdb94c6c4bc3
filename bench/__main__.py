"""``python -m bench``: server time of the main pages on SQLite and PostgreSQL.

Loads the demo organisation into a fresh database of each kind, logs in as the demo
butler and manager, and times the pages through the WSGI stack (no network). The table
is printed and written to ``bench/results.md`` with the date and the machine.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench import search, throughput
from bench.timing import Timing, measure, table
from core import clock as core_clock
from core import create_app
from core.extensions import db

PG_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
RESULTS = Path(__file__).resolve().parent / "results.md"
# What the hotel's room board weighs on the wire, per database: (label, bytes, gzipped).
BOARD_WEIGHTS: dict[str, list[tuple[str, int, int]]] = {}


def bench_config(url: str) -> dict:
    return {
        "BUTLER_ENV": "test",
        "SECRET_KEY": "bench",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "BUTLER_LOAD_ENTRY_POINTS": False,
    }


def plugins_under_test() -> tuple[list[str], str]:
    """The plugins whose cost the dashboard ratio measures, and how to name them."""
    from plugins import FIRST_PARTY

    if FIRST_PARTY:
        return [], "every first-party plugin for estates"
    # No first-party plugin exists yet: measure the hook machinery with the test suite's
    # example plugin, which implements every hook (a widget with a query among them).
    return ["tests.example_plugin"], "the example plugin (no first-party plugin yet)"


def set_plugins(app, slug: str, on: bool) -> None:
    from sqlalchemy import select

    from core.models import Site
    from core.plugins.host import host

    with app.test_request_context():
        site = db.session.scalars(select(Site).where(Site.slug == slug)).one()
        for name, plugin in host().plugins.items():
            if not plugin.info.serves(site.kind) or host().is_enabled(site, name) == on:
                continue
            if (host().refusal_to_enable if on else host().refusal_to_disable)(site, name):
                continue
            host().set_enabled(site, name, on)
        db.session.commit()


def run_on(url: str, database: str) -> list[tuple[str, Timing]]:
    from core import demo

    extra, _ = plugins_under_test()
    app = create_app({**bench_config(url), "BUTLER_EXTRA_PLUGINS": extra})
    with app.app_context():
        db.create_all()
        demo.load()
    client = app.test_client()
    rows = []
    for username, pages in (
        ("butler", [("dashboard (butler)", "/s/harbour-view/")]),
        ("manager", [("site picker", "/sites"), ("dashboard (manager)", "/s/harbour-view/")]),
    ):
        client.post("/login", data={"username": username, "password": demo.DEMO_PASSWORD})
        for label, page in pages:
            rows.append((database, measure(client, label, page)))
        client.post("/logout")
    rows.append((database, measure(client, "login page", "/login")))
    client.post("/login", data={"username": "manager", "password": demo.DEMO_PASSWORD})
    for on in (True, False):
        set_plugins(app, "harbour-view", on=on)
        label = f"dashboard, plugins {'on' if on else 'off'}"
        rows.append((database, measure(client, label, "/s/harbour-view/")))
        # Every widget's figures built again on each visit (as after a write).
        app.config["BUTLER_DASHBOARD_CACHE_SECONDS"] = 0
        rows.append((database, measure(client, f"{label}, figures rebuilt", "/s/harbour-view/")))
        app.config.pop("BUTLER_DASHBOARD_CACHE_SECONDS")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return rows


def _seeded(url: str, scale) -> tuple[object, dict, float, int]:
    """An app on ``url`` with ``scale``'s company seeded: (app, counts, seconds, the id of
    the measured estate's first resident)."""
    import time

    from sqlalchemy import select

    from bench.seed import seed
    from core.models import Resident, Site

    app = create_app(bench_config(url))
    with app.app_context():
        db.create_all()
        start = time.perf_counter()
        counts = seed(scale)
        seconds = time.perf_counter() - start
        site = db.session.scalars(select(Site).where(Site.slug == "estate-00")).one()
        resident_id = db.session.scalar(
            select(Resident.id).where(Resident.site_id == site.id).order_by(Resident.id)
        )
    return app, counts, seconds, resident_id


def _close(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


BASE = "/s/estate-00"
PARTIAL = {"HX-Request": "true", "HX-Target": "resident-results"}
# The pages whose p95 is compared at two sizes of the company (the growth ratio).
GROWTH_PAGES = (
    ("dashboard", f"{BASE}/", None),
    ("residents, page 1", f"{BASE}/residents/", None),
    ("search as you type (name)", f"{BASE}/residents/?q=%E9%99%B3%E5%AE%B6", PARTIAL),
)


def _login(app):
    from bench.seed import PASSWORD

    client = app.test_client()
    client.post("/login", data={"username": "manager00", "password": PASSWORD})
    return client


def run_growth(url: str, database: str) -> tuple[list[tuple[str, Timing]], dict]:
    """The company at its small size (``BENCH_GROWTH_FROM``, 10,000 residents), the
    measured estate the same: the pages the growth ratio compares."""
    from bench.seed import Scale

    scale = Scale.from_environment(GROWTH_FROM)
    app, _counts, seconds, _resident = _seeded(url, scale)
    client = _login(app)
    rows = [
        (database, measure(client, f"growth: {label} at {scale.residents:,}", page, 100, 10, h))
        for label, page, h in GROWTH_PAGES
    ]
    _close(app)
    return rows, {"database": database, "residents": scale.residents, "seconds": seconds}


GROWTH_FROM = int(os.environ.get("BENCH_GROWTH_FROM", "10000"))


def run_at_scale(url: str, database: str) -> tuple[list[tuple[str, Timing]], dict]:
    """Seed a large company, then time the butler's main pages on a 2,000-resident site."""
    from bench.seed import PASSWORD, Scale

    app, counts, seconds, resident_id = _seeded(url, Scale.from_environment())
    client = _login(app)
    base = BASE
    rows = [
        (database, measure(client, "scale: dashboard", f"{base}/", runs=100)),
        (database, measure(client, "scale: residents, page 1", f"{base}/residents/", runs=100)),
        (
            database,
            measure(client, "scale: residents, page 40", f"{base}/residents/?page=40", runs=100),
        ),
        (
            database,
            measure(
                client,
                "scale: search as you type (name)",
                f"{base}/residents/?q=%E9%99%B3%E5%AE%B6",
                runs=100,
                headers=PARTIAL,
            ),
        ),
        (
            database,
            measure(
                client,
                "scale: search as you type (phone)",
                f"{base}/residents/?q=912",
                runs=100,
                headers=PARTIAL,
            ),
        ),
        (
            database,
            measure(client, "scale: resident page", f"{base}/residents/{resident_id}", runs=100),
        ),
    ]
    # The dashboard as it costs when its widgets' figures are built again (the first
    # visit after a write, or after BUTLER_DASHBOARD_CACHE_SECONDS).
    app.config["BUTLER_DASHBOARD_CACHE_SECONDS"] = 0
    rows.append(
        (database, measure(client, "scale: dashboard, figures rebuilt", f"{base}/", runs=100))
    )
    app.config.pop("BUTLER_DASHBOARD_CACHE_SECONDS")
    rows += plugin_pages(client, database)
    _close(app)
    loads = []
    if throughput.available() is None:
        loads = throughput.run(url, database, "estate-00", "manager00", PASSWORD)
    else:
        print(f"Throughput not measured: {throughput.available()}", file=sys.stderr)
    return rows, {"database": database, "seconds": seconds, "loads": loads, **counts}


def plugin_pages(client, database: str) -> list[tuple[str, Timing]]:
    """Each first-party plugin's main lists at scale: as the estate's manager, and the
    hotel's as its executive housekeeper."""
    from bench.plugins import modules
    from bench.seed import PASSWORD

    rows = []
    by_kind = {"residential": [], "hotel": []}
    for name, module in modules():
        by_kind[getattr(module, "KIND", "residential")].append((name, module))
    for kind, username, base in (
        ("residential", "manager00", "/s/estate-00"),
        ("hotel", "housekeeper00", "/s/hotel-00"),
    ):
        if not by_kind[kind]:
            continue
        client.post("/logout")
        client.post("/login", data={"username": username, "password": PASSWORD})
        for _name, module in by_kind[kind]:
            for label, page in module.pages(base):
                rows.append((database, measure(client, f"scale: {label}", page, runs=60)))
        if kind == "hotel":
            from bench.plugins.housekeeping import board_weight

            # Last: it changes one room's status.
            BOARD_WEIGHTS[database] = board_weight(client, base)
    return rows


def postgres_database() -> tuple[str, object] | None:
    url = make_url(PG_URL)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"butler_bench_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001 - no PostgreSQL: bench SQLite only
        print(f"PostgreSQL not measured: {error.__class__.__name__}", file=sys.stderr)
        admin.dispose()
        return None

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    rows: list[tuple[str, Timing]] = []
    seeds: list[dict] = []
    with tempfile.TemporaryDirectory() as folder:
        rows += run_on(f"sqlite:///{folder}/bench.db", "SQLite")
        rows += run_growth(f"sqlite:///{folder}/growth.db", "SQLite")[0]
        scale_rows, seeded = run_at_scale(f"sqlite:///{folder}/scale.db", "SQLite")
        rows += scale_rows
        seeds.append(seeded)
        rows += search.run(f"sqlite:///{folder}/search.db", "SQLite")
    for phase in (run_on, run_growth, run_at_scale, search.run):
        pg = postgres_database()
        if pg is None:
            break
        url, drop = pg
        try:
            result = phase(url, "PostgreSQL")
        finally:
            drop()
        if phase in (run_on, search.run):
            rows += result
        else:
            rows += result[0]
        if phase is run_at_scale:
            seeds.append(result[1])
    ratios = []
    seed_lines = [
        f"- {s['database']}: {s['residents']:,} residents, {s['units']:,} units, "
        f"{s['buildings']} buildings, {s['sites']} sites and the plugins' rows "
        f"({plugin_rows(s)}) seeded in {s['seconds']:.1f} s"
        for s in seeds
    ]

    for database in dict.fromkeys(d for d, _ in rows):
        by_label = {t.label: t for d, t in rows if d == database}
        for rebuilt in ("", ", figures rebuilt"):
            on = by_label[f"dashboard, plugins on{rebuilt}"]
            off = by_label[f"dashboard, plugins off{rebuilt}"]
            ratios.append(
                f"- {database}{rebuilt or ''}: p50 {on.p50 / off.p50:.2f}×, "
                f"p95 {on.p95 / off.p95:.2f}×"
            )
    _, measured = plugins_under_test()
    stamp = core_clock.now().strftime("%Y-%m-%d %H:%M UTC")
    machine = (
        f"{platform.node()} · {platform.machine()} · {os.cpu_count()} cores · "
        f"Python {platform.python_version()}"
    )
    residents = seeds[0]["residents"] if seeds else 0
    report = (
        "# Benchmark results\n\n"
        f"Measured {stamp} on {machine}. Server time through the WSGI stack, demo data.\n\n"
        f"{table(rows)}\n\n"
        f"Dashboard with {measured} turned on, against none (goal ≤ 1.3×; the dashboard's "
        "figures are kept a short while, *figures rebuilt* is every visit building them):\n\n"
        + "\n".join(ratios)
        + growth_section(rows, residents)
        + "\n\nSeeding a large company (goal < 30 s):\n\n"
        + "\n".join(seed_lines)
        + throughput_section([s["loads"] for s in seeds])
        + board_section()
        + f"\n\nPages marked *scale* are measured as the manager of a site with 2,000 "
        f"residents among {residents:,} (goals: list p50 ≤ 20 ms and p95 ≤ 50 ms, "
        "search p95 ≤ 100 ms).\n"
    )
    print(report)
    RESULTS.write_text(report)


def board_section() -> str:
    """The room board's weight on the wire (goal: ≤ 60 KB gzipped for 600 rooms)."""
    if not BOARD_WEIGHTS:
        return ""
    lines = [
        f"- {database}: {label}: {raw:,} bytes, {gzipped:,} gzipped"
        for database, weights in BOARD_WEIGHTS.items()
        for label, raw, gzipped in weights
    ]
    return "\n\nThe hotel's room board on the wire (goal ≤ 60 KB gzipped):\n\n" + "\n".join(lines)


def growth_section(rows: list[tuple[str, Timing]], residents: int) -> str:
    """p95 of the list, search and dashboard of the same 2,000-resident estate in a
    company of ``GROWTH_FROM`` residents and in one of ``residents`` (goal ≤ 1.2×)."""
    lines = [
        f"\n\nGrowth: the same 2,000-resident estate in a company of {GROWTH_FROM:,} "
        f"and of {residents:,} residents, p95 (goal ≤ 1.2×):\n",
        f"| database | page | {GROWTH_FROM:,} ms | {residents:,} ms | ratio |",
        "|---|---|---:|---:|---:|",
    ]
    for database in dict.fromkeys(d for d, _ in rows):
        by_label = {t.label: t for d, t in rows if d == database}
        for label, _page, _headers in GROWTH_PAGES:
            small = by_label.get(f"growth: {label} at {GROWTH_FROM:,}")
            large = by_label.get(f"scale: {label}")
            if small is None or large is None:
                continue
            lines.append(
                f"| {database} | {label} | {small.p95:.1f} | {large.p95:.1f} "
                f"| {large.p95 / small.p95:.2f}× |"
            )
    return "\n".join(lines)


def plugin_rows(seeded: dict) -> str:
    counts = {k: v for k, v in seeded.items() if "." in k and isinstance(v, int)}
    return ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items())) or "none"


def throughput_section(runs: list[list]) -> str:
    """The throughput table; each database's run has its own minimal page to compare."""
    loads = [load for run in runs for load in run]
    if not loads:
        return "\n\nThroughput: not measured (wrk or gunicorn missing)."
    lines = [
        "\n\nThroughput under load: gunicorn with 2 sync workers on loopback, "
        f"`wrk -t{throughput.THREADS} -c{throughput.CONNECTIONS} -d{throughput.SECONDS}s`, "
        "each after the other (goals: Butler's list and search ≥ 0.9 × the fair baseline, "
        "≥ 0.5 × the minimal page):\n",
        throughput.table(loads),
        "",
    ]
    for run in runs:
        lines += throughput.ratios(run)
    return "\n".join(lines)


if __name__ == "__main__":
    main()
