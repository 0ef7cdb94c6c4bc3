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

from bench import throughput
from bench.timing import Timing, measure, table
from core import clock as core_clock
from core import create_app
from core.extensions import db

PG_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
RESULTS = Path(__file__).resolve().parent / "results.md"


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
    set_plugins(app, "harbour-view", on=True)
    rows.append((database, measure(client, "dashboard, plugins on", "/s/harbour-view/")))
    set_plugins(app, "harbour-view", on=False)
    rows.append((database, measure(client, "dashboard, plugins off", "/s/harbour-view/")))
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return rows


def run_at_scale(url: str, database: str) -> tuple[list[tuple[str, Timing]], dict]:
    """Seed a large company, then time the butler's main pages on a 2,000-resident site."""
    import time

    from sqlalchemy import select

    from bench.seed import PASSWORD, Scale, seed
    from core.models import Resident, Site

    app = create_app(bench_config(url))
    with app.app_context():
        db.create_all()
        start = time.perf_counter()
        counts = seed(Scale.from_environment())
        seconds = time.perf_counter() - start
        site = db.session.scalars(select(Site).where(Site.slug == "estate-00")).one()
        resident_id = db.session.scalar(
            select(Resident.id).where(Resident.site_id == site.id).order_by(Resident.id)
        )
    client = app.test_client()
    client.post("/login", data={"username": "manager00", "password": PASSWORD})
    base = "/s/estate-00"
    partial = {"HX-Request": "true", "HX-Target": "resident-results"}
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
                headers=partial,
            ),
        ),
        (
            database,
            measure(
                client,
                "scale: search as you type (phone)",
                f"{base}/residents/?q=912",
                runs=100,
                headers=partial,
            ),
        ),
        (
            database,
            measure(client, "scale: resident page", f"{base}/residents/{resident_id}", runs=100),
        ),
    ]
    rows += plugin_pages(client, database)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
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
        scale_rows, seeded = run_at_scale(f"sqlite:///{folder}/scale.db", "SQLite")
        rows += scale_rows
        seeds.append(seeded)
    for phase in (run_on, run_at_scale):
        pg = postgres_database()
        if pg is None:
            break
        url, drop = pg
        try:
            result = phase(url, "PostgreSQL")
        finally:
            drop()
        if phase is run_on:
            rows += result
        else:
            rows += result[0]
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
        on, off = by_label["dashboard, plugins on"], by_label["dashboard, plugins off"]
        ratios.append(f"- {database}: p50 {on.p50 / off.p50:.2f}×, p95 {on.p95 / off.p95:.2f}×")
    _, measured = plugins_under_test()
    stamp = core_clock.now().strftime("%Y-%m-%d %H:%M UTC")
    machine = (
        f"{platform.node()} · {platform.machine()} · {os.cpu_count()} cores · "
        f"Python {platform.python_version()}"
    )
    report = (
        "# Benchmark results\n\n"
        f"Measured {stamp} on {machine}. Server time through the WSGI stack, demo data.\n\n"
        f"{table(rows)}\n\n"
        f"Dashboard with {measured} turned on, against none (goal ≤ 1.3×):\n\n"
        + "\n".join(ratios)
        + "\n\nSeeding a large company (goal < 30 s):\n\n"
        + "\n".join(seed_lines)
        + throughput_section([s["loads"] for s in seeds])
        + "\n\nPages marked *scale* are measured as the manager of a site with 2,000 "
        "residents among 100,000 (goals: list p50 ≤ 20 ms and p95 ≤ 50 ms, search p95 ≤ 100 ms).\n"
    )
    print(report)
    RESULTS.write_text(report)


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
