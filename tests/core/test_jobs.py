"""Scheduled jobs: once per period and site, on the site's clock, only where the plugin is on."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

import pytest
from flask import Flask
from sqlalchemy import func, select

from core import audit
from core.extensions import db
from core.jobs import RunSummary, period_key, run_due
from core.models import AuditLog, JobRun, Site
from core.plugins import hookimpl
from core.plugins.api import Job, PluginInfo

HONG_KONG = "Asia/Hong_Kong"
T = TypeVar("T")


def at(text: str) -> datetime:
    """A UTC moment written as ``2026-11-28T10:00``."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class ChoresPlugin:
    """A small plugin with one job, ``sweep``, that leaves an audit row per run."""

    def __init__(self, schedule: str = "daily", hour: int = 0) -> None:
        self.schedule = schedule
        self.hour = hour
        self.broken = False

    @hookimpl
    def butler_plugin_info(self):
        return PluginInfo(name="chores", label="Chores")

    @hookimpl
    def butler_jobs(self):
        return [Job("sweep", self.schedule, self.sweep, "Sweep the lobby", hour=self.hour)]

    def sweep(self, site: Site, now: datetime) -> None:
        audit.record("chores.swept", site=site, detail={"at": now.isoformat()})
        if self.broken:
            raise RuntimeError("the broom is broken")


def chores_app(app: Flask, make_app, plugin: ChoresPlugin) -> Flask:
    extra = make_app({**app.config, "BUTLER_EXTRA_PLUGINS": [plugin]})
    # These tests count the chores plugin's runs: the core's own daily purge (its own
    # tests: tests/core/test_retention.py) is left out of this application.
    _without_core_jobs(extra)
    return extra


def _without_core_jobs(extra: Flask) -> None:
    jobs = extra.extensions["butler.plugins"].jobs
    jobs[:] = [(owner, job) for owner, job in jobs if owner != "core"]


def turn_on(extra: Flask, *sites: Site, on: bool = True) -> None:
    with extra.app_context():
        plugins = extra.extensions["butler.plugins"]
        for site in sites:
            plugins.set_enabled(db.session.get(Site, site.id), "chores", on)
        db.session.commit()


def run(extra: Flask, when: datetime) -> RunSummary:
    with extra.app_context():
        return run_due(when)


def sweeps(extra: Flask, site: Site | None = None) -> int:
    with extra.app_context():
        query = select(func.count()).select_from(AuditLog).where(AuditLog.action == "chores.swept")
        if site is not None:
            query = query.where(AuditLog.site_id == site.id)
        return db.session.scalar(query)


def the_run(extra: Flask, site: Site) -> JobRun:
    with extra.app_context():
        run_row = db.session.scalars(select(JobRun).where(JobRun.site_id == site.id)).one()
        db.session.expunge(run_row)
        return run_row


# --- Once per period -------------------------------------------------------------------


def test_a_daily_job_runs_once_a_day_on_each_site_and_again_the_next_day(app, make, make_app):
    extra = chores_app(app, make_app, ChoresPlugin())
    harbour, hillside = make.site(), make.site()
    turn_on(extra, harbour, hillside)

    first = run(extra, at("2026-11-28T02:00"))
    again = run(extra, at("2026-11-28T09:00"))
    assert (first.ran, first.skipped) == (2, 0)
    assert (again.ran, again.skipped) == (0, 2)
    assert sweeps(extra, harbour) == sweeps(extra, hillside) == 1

    next_day = run(extra, at("2026-11-29T02:00"))
    assert next_day.ran == 2
    assert sweeps(extra, harbour) == sweeps(extra, hillside) == 2


def test_a_job_runs_only_where_its_plugin_is_on(app, make, make_app):
    extra = chores_app(app, make_app, ChoresPlugin())
    on, switched_off, closed = make.site(), make.site(), make.site()
    never = make.site()
    turn_on(extra, on, switched_off, closed)
    turn_on(extra, switched_off, on=False)
    make.update(closed, archived_at=at("2026-01-01T00:00"))

    summary = run(extra, at("2026-11-28T02:00"))

    assert summary.ran == 1
    assert sweeps(extra, on) == 1
    assert [sweeps(extra, s) for s in (never, switched_off, closed)] == [0, 0, 0]


def test_the_cores_own_jobs_run_on_every_open_site(app, make, make_app):
    extra = make_app(dict(app.config))
    _without_core_jobs(extra)
    ran_for: list[str] = []
    extra.extensions["butler.plugins"].jobs.append(
        ("core", Job("tidy", "daily", lambda site, now: ran_for.append(site.slug)))
    )
    first, second, closed = make.site(), make.site(), make.site()
    make.update(closed, archived_at=at("2026-01-01T00:00"))

    run(extra, at("2026-11-28T02:00"))

    assert sorted(ran_for) == sorted([first.slug, second.slug])
    assert the_run(extra, first).job == "core.tidy"


# --- Periods on the site's clock -------------------------------------------------------


@pytest.mark.parametrize(
    ("schedule", "moment", "in_hong_kong", "in_utc"),
    [
        # 22:59 in Hong Kong is still 14:59 in London's winter.
        ("hourly", "2026-11-28T14:59", "2026-11-28T22", "2026-11-28T14"),
        # Half past midnight on Sunday in Hong Kong, still Saturday in UTC.
        ("daily", "2026-11-28T16:30", "2026-11-29", "2026-11-28"),
        # Monday has begun in Hong Kong (week 49) while UTC is on Sunday (week 48).
        ("weekly", "2026-11-29T16:30", "2026-W49", "2026-W48"),
        # New Year's Day 2027 in Hong Kong is a Friday of ISO week 2026-W53.
        ("weekly", "2026-12-31T17:00", "2026-W53", "2026-W53"),
        ("daily", "2026-12-31T17:00", "2027-01-01", "2026-12-31"),
        # December begins at 16:00 UTC on 30 November in Hong Kong.
        ("monthly", "2026-11-30T16:00", "2026-12", "2026-11"),
        ("monthly", "2026-11-30T15:59", "2026-11", "2026-11"),
    ],
)
def test_periods_are_counted_on_the_sites_clock(schedule, moment, in_hong_kong, in_utc):
    job = Job("sweep", schedule, lambda site, now: None)
    assert period_key(job, at(moment), HONG_KONG) == in_hong_kong
    assert period_key(job, at(moment), "UTC") == in_utc


def test_a_job_for_nine_oclock_waits_for_nine_on_the_sites_clock(app, make, make_app):
    extra = chores_app(app, make_app, ChoresPlugin(hour=9))
    hong_kong, london = make.site(timezone=HONG_KONG), make.site(timezone="Europe/London")
    turn_on(extra, hong_kong, london)

    assert run(extra, at("2026-11-28T00:55")).ran == 0  # 08:55 in Hong Kong
    assert run(extra, at("2026-11-28T01:05")).ran == 1  # 09:05 in Hong Kong, 01:05 in London
    assert sweeps(extra, hong_kong) == 1
    assert sweeps(extra, london) == 0
    # The runner was down at nine in London: the job runs at its next call that day.
    assert run(extra, at("2026-11-28T15:00")).ran == 1
    assert sweeps(extra, london) == 1


def test_a_weekly_job_waits_for_its_hour_on_monday_only(app, make, make_app):
    extra = chores_app(app, make_app, ChoresPlugin(schedule="weekly", hour=6))
    site = make.site(timezone=HONG_KONG)
    turn_on(extra, site)

    assert run(extra, at("2026-11-29T21:00")).ran == 0  # Monday 05:00 in Hong Kong
    assert run(extra, at("2026-12-01T01:00")).ran == 1  # Tuesday 09:00: the week's run
    assert run(extra, at("2026-12-03T01:00")).ran == 0  # Thursday: done for the week
    assert the_run(extra, site).period == "2026-W49"


# --- Failures --------------------------------------------------------------------------


def test_a_failing_job_is_recorded_and_tried_again_at_the_next_call(app, make, make_app):
    plugin = ChoresPlugin()
    extra = chores_app(app, make_app, plugin)
    site = make.site()
    turn_on(extra, site)
    plugin.broken = True

    failed = run(extra, at("2026-11-28T02:00"))

    assert failed.failed == 1
    assert failed.failures == [("chores.sweep", site.slug, "RuntimeError: the broom is broken")]
    recorded = the_run(extra, site)
    assert (recorded.status, recorded.attempts) == ("failed", 1)
    assert recorded.error == "RuntimeError: the broom is broken"
    assert sweeps(extra) == 0  # what the failed run wrote was rolled back

    plugin.broken = False
    retried = run(extra, at("2026-11-28T02:05"))

    assert retried.ran == 1
    recorded = the_run(extra, site)
    assert (recorded.status, recorded.attempts, recorded.error) == ("done", 2, "")
    assert sweeps(extra) == 1
    assert run(extra, at("2026-11-28T02:10")).skipped == 1


def test_one_failing_site_does_not_stop_the_others(app, make, make_app):
    extra = chores_app(app, make_app, ChoresPlugin())
    lost = make.site(timezone="Atlantis/Capital")
    fine = make.site()
    turn_on(extra, lost, fine)

    summary = run(extra, at("2026-11-28T02:00"))

    assert (summary.ran, summary.failed) == (1, 1)
    assert summary.failures[0][:2] == ("chores.sweep", lost.slug)
    assert sweeps(extra, fine) == 1
    listing = extra.test_cli_runner().invoke(args=["butler", "jobs", "list"])
    assert listing.exit_code == 0, listing.output
    assert f"{lost.slug} (Atlantis/Capital): last never run; next unknown" in listing.output


# --- The command line ------------------------------------------------------------------


def test_jobs_list_shows_each_job_its_sites_last_and_next_run(app, make, make_app):
    extra = chores_app(app, make_app, ChoresPlugin(hour=9))
    site = make.site(slug="harbour", timezone=HONG_KONG)
    make.site(slug="hillside")  # the plugin is off there
    turn_on(extra, site)
    cli = extra.test_cli_runner()

    before = cli.invoke(args=["butler", "jobs", "list", "--now", "2026-11-28T00:30:00Z"])
    due = cli.invoke(args=["butler", "jobs", "list", "--now", "2026-11-28T01:30:00Z"])
    ran = cli.invoke(args=["butler", "jobs", "run", "--now", "2026-11-28T02:00:00+00:00"])
    after = cli.invoke(args=["butler", "jobs", "list", "--now", "2026-11-28T03:00"])

    assert before.exit_code == 0, before.output
    assert "chores.sweep  daily at 09:00  Sweep the lobby" in before.output
    assert "harbour (Asia/Hong_Kong): last never run; next 2026-11-28 09:00 HKT" in before.output
    assert "hillside" not in before.output
    assert "harbour (Asia/Hong_Kong): last never run; next due now" in due.output
    assert ran.exit_code == 0, ran.output
    assert "Jobs: 1 ran, 0 skipped, 0 failed." in ran.output
    assert "harbour (Asia/Hong_Kong): last 2026-11-28 done; next 2026-11-29 09:00 HKT" in (
        after.output
    )


def test_jobs_run_reports_a_failure_and_exits_with_an_error(app, make, make_app):
    plugin = ChoresPlugin()
    extra = chores_app(app, make_app, plugin)
    site = make.site(slug="harbour")
    turn_on(extra, site)
    plugin.broken = True

    result = extra.test_cli_runner().invoke(
        args=["butler", "jobs", "run", "--now", "2026-11-28T02:00"]
    )

    assert result.exit_code == 1
    assert "chores.sweep failed for harbour: RuntimeError: the broom is broken" in result.output


def test_jobs_run_refuses_a_time_it_cannot_read(runner):
    result = runner.invoke(args=["butler", "jobs", "run", "--now", "next tuesday"])
    assert result.exit_code == 2
    assert "is not an ISO 8601 time" in result.output


# --- Several hosts ---------------------------------------------------------------------


def at_once(extra: Flask, count: int, work: Callable[[], T]) -> list[T]:
    """What ``work`` returned in each of ``count`` threads started together, as runners on
    several hosts; each thread has its own session, so its own database connection."""
    start = threading.Barrier(count)
    results: list[T] = []
    errors: list[BaseException] = []

    def runner() -> None:
        try:
            with extra.app_context():
                start.wait(timeout=10)
                results.append(work())
                db.session.remove()
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=runner) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(results) == count
    return results


def test_two_runners_started_together_run_a_job_once(app, make, make_app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("needs PostgreSQL: SQLite lets one writer in at a time anyway")
    extra = chores_app(app, make_app, ChoresPlugin())
    sites = [make.site() for _ in range(5)]
    turn_on(extra, *sites)

    summaries = at_once(extra, 2, lambda: run_due(at("2026-11-28T02:00")))

    assert sweeps(extra) == 5
    assert all(sweeps(extra, site) == 1 for site in sites)
    assert sum(s.ran for s in summaries) == 5
    assert sum(s.skipped for s in summaries) == 5
    assert sum(s.failed for s in summaries) == 0
