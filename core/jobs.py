"""Running the scheduled jobs of the core and the plugins, once per period and site.

A job's period is counted on the site's own clock: a daily job of a Hong Kong estate
runs once per Hong Kong day. ``run_due`` claims each (job, site, period) by inserting a
``JobRun`` row; the unique key on that row lets several hosts run the runner at the same
time while each job still runs once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from core import clock, tenancy
from core.extensions import db
from core.models import JobRun, Site
from core.plugins.api import Job
from core.plugins.host import CORE, host

log = logging.getLogger("butler.jobs")

MAX_ERROR_LENGTH = 500


# --- Periods ---------------------------------------------------------------------------


def local_time(now_utc: datetime, site_timezone: str) -> datetime:
    """``now_utc`` on the clock of ``site_timezone`` (timezone-aware)."""
    if now_utc.tzinfo is None:
        raise ValueError("give a timezone-aware time")
    return now_utc.astimezone(ZoneInfo(site_timezone))


def period_key(job: Job, now_utc: datetime, site_timezone: str) -> str:
    """The name of the period ``now_utc`` falls in, on the site's clock.

    Hourly ``2026-11-28T14``, daily ``2026-11-28``, weekly (ISO week) ``2026-W48``,
    monthly ``2026-11``; on a cadence, the key of its period (``2026-11-28T15:00``,
    ``2026-Q4``...).
    """
    if job.cadence is not None:
        return job.cadence.period_at(local_time(now_utc, site_timezone), site_timezone).key
    local = local_time(now_utc, site_timezone)
    if job.schedule == "hourly":
        return local.strftime("%Y-%m-%dT%H")
    if job.schedule == "daily":
        return local.date().isoformat()
    if job.schedule == "weekly":
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{local.year}-{local.month:02d}"


def _period_start(job: Job, local: datetime) -> date:
    """The first day of the (daily, weekly, monthly) period holding ``local``."""
    today = local.date()
    if job.schedule == "weekly":
        return today - timedelta(days=today.isoweekday() - 1)
    if job.schedule == "monthly":
        return today.replace(day=1)
    return today


def _next_period_start(job: Job, start: date) -> date:
    if job.schedule == "weekly":
        return start + timedelta(days=7)
    if job.schedule == "monthly":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=1)


def due_from(job: Job, now_utc: datetime, site_timezone: str) -> datetime:
    """When the job becomes due in the period holding ``now_utc`` (site's clock)."""
    local = local_time(now_utc, site_timezone)
    if job.cadence is not None:
        return job.cadence.period_at(local, site_timezone).start.astimezone(local.tzinfo)
    if job.schedule == "hourly":
        return local.replace(minute=0, second=0, microsecond=0)
    start = _period_start(job, local)
    return datetime.combine(start, time(job.hour), tzinfo=local.tzinfo)


def is_due(job: Job, now_utc: datetime, site_timezone: str) -> bool:
    """True once the job's period has reached its ``hour`` on the site's clock."""
    return local_time(now_utc, site_timezone) >= due_from(job, now_utc, site_timezone)


def next_run(job: Job, now_utc: datetime, site_timezone: str, period_done: bool) -> datetime:
    """When the runner will next run ``job`` for a site (site's clock).

    ``period_done`` says whether the current period has run already. A due period that
    has not run gives ``now``: it runs at the runner's next call.
    """
    local = local_time(now_utc, site_timezone)
    starts = due_from(job, now_utc, site_timezone)
    if not period_done:
        return max(local, starts)
    if job.cadence is not None:
        current = job.cadence.period_at(local, site_timezone)
        return current.end.astimezone(local.tzinfo)
    if job.schedule == "hourly":
        return (starts.astimezone(UTC) + timedelta(hours=1)).astimezone(local.tzinfo)
    start = _next_period_start(job, _period_start(job, local))
    return datetime.combine(start, time(job.hour), tzinfo=local.tzinfo)


# --- Running ---------------------------------------------------------------------------


@dataclass
class RunSummary:
    """What one call of the runner did: runs done, skipped (done or taken elsewhere), failed."""

    ran: int = 0
    skipped: int = 0
    failed: int = 0
    abandoned: int = 0  # runs found "running" past their lease, marked failed
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # job, site slug, error


def job_name(plugin: str, job: Job) -> str:
    """The name a job's runs are recorded under: ``<plugin>.<job>``."""
    return f"{plugin}.{job.name}"


def describe_error(error: BaseException) -> str:
    """The exception's class and message, cut short: what a run or a message records."""
    text = f"{type(error).__name__}: {error}"
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return text if len(text) <= MAX_ERROR_LENGTH else text[: MAX_ERROR_LENGTH - 1] + "…"


@dataclass(frozen=True)
class _SiteRef:
    """What the runner needs of a site, read once (rows expire at every commit)."""

    id: int
    slug: str
    timezone: str


def _open_sites() -> list[Site]:
    return list(
        db.session.scalars(sa.select(Site).where(Site.archived_at.is_(None)).order_by(Site.id))
    )


def _sites_for(plugin: str, sites: list) -> list:
    """Those of ``sites`` where ``plugin`` is on; the core is on everywhere."""
    if plugin == CORE:
        return sites
    enabled = host().enabled_site_ids(plugin)
    return [site for site in sites if site.id in enabled]


def run_due(now: datetime | None = None) -> RunSummary:
    """Run every job that is due and has not run in its period; return what happened.

    Each job runs for the open sites where its plugin is on, at most once per period and
    site. A failed run is tried again at the next call, within the same period.
    """
    now = now or clock.now()
    if now.tzinfo is None:
        raise ValueError("give a timezone-aware time")
    summary = RunSummary()
    summary.abandoned = expire_leases(now)
    sites = [_SiteRef(s.id, s.slug, s.timezone) for s in _open_sites()]
    db.session.commit()  # end the reading transaction before any job runs
    for plugin, job in list(host().jobs):
        name = job_name(plugin, job)
        targets = _sites_for(plugin, sites)
        db.session.commit()
        for site in targets:
            try:
                if not is_due(job, now, site.timezone):
                    continue
                period = period_key(job, now, site.timezone)
            except (ValueError, KeyError) as error:  # a site with an unknown time zone
                summary.failed += 1
                summary.failures.append((name, site.slug, describe_error(error)))
                log.error("job %s for site %s: %s", name, site.slug, describe_error(error))
                continue
            run_id = _claim(name, site.id, period, now + job.lease)
            if run_id is None:
                summary.skipped += 1
                continue
            error = _run(job, name, run_id, site, now)
            if error is None:
                summary.ran += 1
            else:
                summary.failed += 1
                summary.failures.append((name, site.slug, error))
    return summary


def _claim(name: str, site_id: int, period: str, lease_until: datetime) -> int | None:
    """Take the run of ``name`` for a site in ``period``; the run's id, or None if not ours."""
    existing = db.session.execute(
        tenancy.select(JobRun, JobRun.id, JobRun.status, site=site_id).where(
            JobRun.job == name, JobRun.period == period
        )
    ).one_or_none()
    if existing is None:
        run = JobRun(
            site_id=site_id, job=name, period=period, status="running", lease_until=lease_until
        )
        db.session.add(run)
        try:
            db.session.commit()
        except IntegrityError:
            # Another runner inserted the same row first: the run is theirs.
            db.session.rollback()
            return None
        return run.id
    run_id, status = existing
    if status != "failed":
        db.session.commit()
        return None
    retaken = db.session.execute(
        sa.update(JobRun)
        .where(JobRun.id == run_id, JobRun.status == "failed")
        .values(
            status="running",
            attempts=JobRun.attempts + 1,
            started_at=clock.now(),
            finished_at=None,
            lease_until=lease_until,
        )
    )
    db.session.commit()
    return run_id if retaken.rowcount == 1 else None


def _run(job: Job, name: str, run_id: int, site: _SiteRef, now: datetime) -> str | None:
    """Run ``job`` for ``site`` and record the outcome; the error text, or None."""
    try:
        outcome = job.run(db.session.get(Site, site.id), now)
        # The job's own writes and the "done" mark commit together. A job that returns
        # text has it kept as the run's summary (the purge's counts, say).
        _finish(run_id, "done", "", outcome if isinstance(outcome, str) else "")
        db.session.commit()
    except Exception as error:  # one job's failure must not stop the others
        db.session.rollback()
        text = describe_error(error)
        log.exception("job %s failed for site %s", name, site.slug)
        _finish(run_id, "failed", text)
        db.session.commit()
        return text
    log.info("job %s ran for site %s", name, site.slug)
    return None


def expire_leases(now: datetime) -> int:
    """Mark failed every run still "running" after its lease: its process has stopped.

    A run of the current period is then taken again by this call of the runner, as any
    failed run is; one of an earlier period stays failed, with the reason recorded.
    """
    stale = db.session.execute(
        sa.select(JobRun.id, JobRun.job, JobRun.site_id, JobRun.period, JobRun.lease_until).where(
            JobRun.status == "running", JobRun.lease_until < now
        )
    ).all()
    expired = 0
    for run_id, name, site_id, period, lease_until in stale:
        reason = (
            "the process running it stopped: its lease ran out at "
            f"{lease_until.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
        )
        # The lease is checked again here: another host's runner may have expired and
        # taken this run since it was read, with a new lease, and is running it now.
        marked = db.session.execute(
            sa.update(JobRun)
            .where(JobRun.id == run_id, JobRun.status == "running", JobRun.lease_until < now)
            .values(status="failed", error=reason, finished_at=now)
        )
        if marked.rowcount == 1:
            expired += 1
            log.warning("job %s for site %s, period %s: %s", name, site_id, period, reason)
    db.session.commit()
    return expired


class ReleaseRefused(Exception):
    """``release`` cannot free that run; the message says why."""


def release(run_id: int) -> JobRun:
    """Free a run left "running" by hand (its process is known to have stopped).

    The run is marked failed, so the runner takes its period again at its next call if the
    period is still current.
    """
    run = db.session.get(JobRun, run_id)
    if run is None:
        raise ReleaseRefused(f"There is no job run {run_id}.")
    if run.status != "running":
        raise ReleaseRefused(
            f"Run {run_id} ({run.job}, {run.period}) is {run.status}, not running."
        )
    run.status = "failed"
    run.error = "released by hand"
    run.finished_at = clock.now()
    db.session.commit()
    log.warning("job run %s (%s, %s) released by hand", run_id, run.job, run.period)
    return run


def _finish(run_id: int, status: str, error: str, summary: str = "") -> None:
    db.session.execute(
        sa.update(JobRun)
        .where(JobRun.id == run_id)
        .values(status=status, error=error, summary=summary, finished_at=clock.now())
    )


# --- Listing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteSchedule:
    """A job as one site sees it: its last run and when it runs next (site's clock)."""

    site: Site
    last_period: str | None
    last_status: str | None
    last_run_id: int | None
    next_run: datetime | None  # None when the site's time zone is unknown
    due_now: bool


@dataclass(frozen=True)
class JobSchedule:
    """A declared job and, for each open site where it is on, its state."""

    name: str
    job: Job
    sites: list[SiteSchedule]


def schedules(now: datetime | None = None) -> list[JobSchedule]:
    """Every declared job with its last and next run on each site where it is on."""
    now = now or clock.now()
    sites = _open_sites()
    listing = []
    for plugin, job in host().jobs:
        name = job_name(plugin, job)
        latest = {
            run.site_id: run
            for run in db.session.scalars(
                sa.select(JobRun).where(
                    JobRun.id.in_(
                        sa.select(sa.func.max(JobRun.id))
                        .where(JobRun.job == name)
                        .group_by(JobRun.site_id)
                    )
                )
            )
        }
        rows = []
        for site in _sites_for(plugin, sites):
            last = latest.get(site.id)
            try:
                current = period_key(job, now, site.timezone)
            except (ValueError, KeyError):  # an unknown time zone: the runner reports it
                following, due_now = None, False
            else:
                done = last is not None and last.period == current and last.status != "failed"
                following = next_run(job, now, site.timezone, done)
                due_now = not done and is_due(job, now, site.timezone)
            rows.append(
                SiteSchedule(
                    site=site,
                    last_period=last.period if last else None,
                    last_status=last.status if last else None,
                    last_run_id=last.id if last else None,
                    next_run=following,
                    due_now=due_now,
                )
            )
        listing.append(JobSchedule(name=name, job=job, sites=rows))
    return listing


def schedule_text(job: Job) -> str:
    """``hourly``, ``daily at 09:00``, ``weekly (Monday) at 00:00``, ``monthly (1st) at 06:00``;
    a cadence describes itself (``twice a day at 09:00 and 15:00``)."""
    if job.cadence is not None:
        return job.cadence.describe()
    if job.schedule == "hourly":
        return "hourly"
    at = f"at {job.hour:02d}:00"
    if job.schedule == "weekly":
        return f"weekly (Monday) {at}"
    if job.schedule == "monthly":
        return f"monthly (1st) {at}"
    return f"daily {at}"
