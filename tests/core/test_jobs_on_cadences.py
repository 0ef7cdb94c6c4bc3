"""Jobs on cadences (twice a day, by the 25th, quarterly), and runs whose process died."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.jobs import period_key, run_due
from core.models import JobRun, SubmissionKey
from core.plugins.api import Cadence, Job
from tests.core.test_jobs import (
    HONG_KONG,
    ChoresPlugin,
    at,
    at_once,
    chores_app,
    run,
    sweeps,
    turn_on,
)

LONDON = "Europe/London"
TWICE_A_DAY = Cadence.twice_a_day(time(9), time(15))


def hourly_passes(extra, start: datetime, end: datetime) -> None:
    """The runner called every hour from ``start`` to ``end``, as cron would."""
    moment = start
    while moment < end:
        run(extra, moment)
        moment += timedelta(hours=1)


def test_a_job_twice_a_day_runs_at_nine_and_at_three_on_the_sites_clock(app, make, make_app):
    extra = chores_app(app, make_app, ChoresPlugin(schedule=TWICE_A_DAY))
    site = make.site(timezone=HONG_KONG)
    turn_on(extra, site)

    run(extra, at("2026-11-28T00:30"))  # 08:30 in Hong Kong: still yesterday's 15:00 turn
    morning = run(extra, at("2026-11-28T01:00"))  # 09:00
    again = run(extra, at("2026-11-28T05:00"))  # 13:00: the morning turn has run
    afternoon = run(extra, at("2026-11-28T07:00"))  # 15:00

    assert (morning.ran, again.ran, afternoon.ran) == (1, 0, 1)
    with extra.app_context():
        periods = db.session.scalars(sa.select(JobRun.period).order_by(JobRun.id)).all()
    assert periods == ["2026-11-27T15:00", "2026-11-28T09:00", "2026-11-28T15:00"]


def test_twice_a_day_across_the_night_london_puts_its_clocks_forward(app, make, make_app):
    extra = chores_app(app, make_app, ChoresPlugin(schedule=TWICE_A_DAY))
    site = make.site(timezone=LONDON)
    turn_on(extra, site)

    # From Saturday 27 March 2027 at 09:00 GMT to Monday 29 March 09:00 BST (08:00 UTC).
    hourly_passes(extra, at("2027-03-27T09:00"), at("2027-03-29T08:30"))

    with extra.app_context():
        periods = db.session.scalars(sa.select(JobRun.period).order_by(JobRun.id)).all()
    assert periods == [
        "2027-03-27T09:00",
        "2027-03-27T15:00",
        "2027-03-28T09:00",
        "2027-03-28T15:00",
        "2027-03-29T09:00",
    ]
    assert sweeps(extra, site) == 5


@pytest.mark.parametrize("zone", [HONG_KONG, LONDON])
def test_a_quarterly_job_runs_once_a_quarter_over_a_whole_year(app, make, make_app, zone):
    quarterly = chores_app(app, make_app, ChoresPlugin(schedule=Cadence.quarterly()))
    site = make.site(timezone=zone)
    turn_on(quarterly, site)
    # Twice a day for a year, from noon UTC on the last day of 2026.
    start = datetime(2027, 1, 1, tzinfo=UTC) - timedelta(hours=12)
    moment = start
    while moment < start + timedelta(days=365):
        run(quarterly, moment)
        moment += timedelta(hours=12)
    with quarterly.app_context():
        periods = db.session.scalars(sa.select(JobRun.period).order_by(JobRun.id)).all()
    # The first pass is on 31 December 2026 (the last quarter of 2026), then four quarters.
    assert periods == ["2026-Q4", "2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"]
    assert sweeps(quarterly, site) == 5


def test_by_the_25th_is_one_period_per_month_on_the_sites_clock():
    job = Job("report", Cadence.monthly_by(25), lambda site, now: None)
    # 31 January 23:30 in Hong Kong is still January; 16:30 UTC is already February there.
    assert period_key(job, at("2027-01-31T15:30"), HONG_KONG) == "2027-01"
    assert period_key(job, at("2027-01-31T16:30"), HONG_KONG) == "2027-02"
    assert period_key(job, at("2028-02-29T12:00"), HONG_KONG) == "2028-02"


def test_a_job_on_a_cadence_says_so_plainly_and_refuses_an_hour():
    assert Job("sweep", TWICE_A_DAY, lambda site, now: None).cadence == TWICE_A_DAY
    with pytest.raises(ValueError, match="a cadence carries its own times"):
        Job("sweep", TWICE_A_DAY, lambda site, now: None, hour=9)
    with pytest.raises(ValueError, match="or a Cadence"):
        Job("sweep", "fortnightly", lambda site, now: None)
    with pytest.raises(ValueError, match="lease must be longer"):
        Job("sweep", "daily", lambda site, now: None, lease=timedelta(0))


# --- Leases ----------------------------------------------------------------------------


def stuck_run(extra, site, period: str, lease_until: datetime) -> int:
    """A run left "running" by a process that stopped."""
    with extra.app_context():
        row = JobRun(
            site_id=site.id,
            job="chores.sweep",
            period=period,
            status="running",
            started_at=lease_until - timedelta(minutes=15),
            lease_until=lease_until,
        )
        db.session.add(row)
        db.session.commit()
        return row.id


def status_of(extra, run_id: int) -> tuple[str, str, int]:
    with extra.app_context():
        row = db.session.get(JobRun, run_id)
        return row.status, row.error, row.attempts


def test_a_run_whose_process_died_is_marked_after_its_lease_and_run_again(app, make, make_app):
    extra = chores_app(app, make_app, ChoresPlugin())
    site = make.site(timezone=HONG_KONG)
    turn_on(extra, site)
    run_id = stuck_run(extra, site, "2026-11-28", lease_until=at("2026-11-28T02:15"))

    within = run(extra, at("2026-11-28T02:10"))  # the lease still holds: left alone
    assert (within.ran, within.skipped, within.abandoned) == (0, 1, 0)
    assert status_of(extra, run_id)[0] == "running"

    after = run(extra, at("2026-11-28T02:20"))
    assert (after.abandoned, after.ran) == (1, 1)
    status, error, attempts = status_of(extra, run_id)
    assert (status, attempts) == ("done", 2)
    assert sweeps(extra, site) == 1


def test_a_dead_run_of_a_past_period_stays_failed_with_its_reason(app, make, make_app):
    extra = chores_app(app, make_app, ChoresPlugin())
    site = make.site(timezone=HONG_KONG)
    turn_on(extra, site)
    run_id = stuck_run(extra, site, "2026-11-27", lease_until=at("2026-11-27T02:15"))

    run(extra, at("2026-11-28T02:00"))

    status, error, _ = status_of(extra, run_id)
    assert status == "failed"
    assert error == "the process running it stopped: its lease ran out at 2026-11-27 02:15 UTC"


def test_two_runners_find_the_same_dead_runs_and_run_each_period_once(app, make, make_app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("needs PostgreSQL: SQLite lets one writer in at a time anyway")
    extra = chores_app(app, make_app, ChoresPlugin())
    sites = [make.site(timezone=HONG_KONG) for _ in range(4)]
    turn_on(extra, *sites)
    for site in sites:  # a host died in the middle of this morning's runs
        stuck_run(extra, site, "2026-11-28", lease_until=at("2026-11-28T02:15"))

    summaries = at_once(extra, 2, lambda: run_due(at("2026-11-28T02:20")))

    assert sum(s.abandoned for s in summaries) == 4  # each dead run marked by one runner
    assert sum(s.ran for s in summaries) == 4
    assert sum(s.failed for s in summaries) == 0
    assert all(sweeps(extra, site) == 1 for site in sites)
    with extra.app_context():
        statuses = db.session.scalars(sa.select(JobRun.status)).all()
    assert statuses == ["done"] * 4


def test_jobs_release_frees_a_stuck_run_and_refuses_what_it_cannot(app, make, make_app):
    extra = chores_app(app, make_app, ChoresPlugin())
    site = make.site(timezone=HONG_KONG)
    turn_on(extra, site)
    run_id = stuck_run(extra, site, "2026-11-28", lease_until=at("2026-11-28T04:00"))
    cli = extra.test_cli_runner()

    listed = cli.invoke(args=["butler", "jobs", "list", "--now", "2026-11-28T02:30Z"])
    freed = cli.invoke(args=["butler", "jobs", "release", str(run_id)])
    twice = cli.invoke(args=["butler", "jobs", "release", str(run_id)])
    unknown = cli.invoke(args=["butler", "jobs", "release", "999999"])
    ran = cli.invoke(args=["butler", "jobs", "run", "--now", "2026-11-28T02:30Z"])

    assert f"last 2026-11-28 running (run {run_id})" in listed.output
    assert freed.exit_code == 0, freed.output
    assert f"Released run {run_id} (chores.sweep, period 2026-11-28)" in freed.output
    assert twice.exit_code == 1 and "is failed, not running" in twice.output
    assert unknown.exit_code == 1 and "There is no job run 999999." in unknown.output
    assert "Jobs: 1 ran" in ran.output
    assert status_of(extra, run_id)[0] == "done"


def test_jobs_run_forgets_submission_keys_older_than_thirty_days(app, make, clock):
    site = make.site()
    with app.app_context():
        db.session.add(SubmissionKey(site_id=site.id, key="old-key-0001", path="/"))
        db.session.commit()
    clock.advance(days=29)
    with app.app_context():
        db.session.add(SubmissionKey(site_id=site.id, key="new-key-0001", path="/"))
        db.session.commit()
    clock.advance(days=2)

    result = app.test_cli_runner().invoke(args=["butler", "jobs", "run"])

    assert result.exit_code == 0, result.output
    assert "Offline: 1 submission key(s) older than 30 days forgotten." in result.output
    with app.app_context():
        assert db.session.scalars(sa.select(SubmissionKey.key)).all() == ["new-key-0001"]
