"""The daily purge: what a site keeps, for how long, and the job that removes the rest.

Each site sets, in days, how long it keeps finished job runs, delivered outbox messages
and finished imports (``Site.retention_*_days``, edited on the site's settings page).
Ended login sessions go a day after they end, whatever the site says: they are of no
use to anyone once over. The job ``core.purge`` runs once a day per site through the
jobs runner and deletes in batches of ``BATCH`` rows, each in its own short transaction,
so a big table is never locked for long and a run stopped half-way loses nothing: the
next run carries on. Its counts are the run's summary (``job_run.summary``).

Never purged: outbox messages not delivered (queued, sending, uncertain, failed), imports
still being checked or written, the job run in progress, and any row another table still
points at (a care greeting's message, say): the purge asks the schema, so a plugin's
foreign key protects its rows without the purge knowing the plugin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from core import clock
from core.extensions import db
from core.imports.batch import discard_files
from core.models import ImportBatch, JobRun, OutboxMessage, Site, User, UserSession
from core.plugins.api import Job

BATCH = 500
SESSION_GRACE = timedelta(days=1)
# Outbox messages that are never purged, however old: not delivered, or not known to be.
UNDELIVERED = ("queued", "sending", "uncertain", "failed")


@dataclass(frozen=True)
class Limit:
    """One site setting: its column, its label and the days it may be set to."""

    column: str
    label: object
    default: int
    low: int
    high: int


LIMITS = (
    Limit("retention_job_run_days", _l("Keep finished job runs for (days)"), 90, 7, 3650),
    Limit("retention_outbox_days", _l("Keep delivered messages for (days)"), 180, 30, 3650),
    Limit("retention_import_days", _l("Keep finished imports for (days)"), 30, 1, 365),
)


@dataclass
class Purged:
    """How many rows of each kind one purge removed."""

    job_runs: int = 0
    sessions: int = 0
    outbox_messages: int = 0
    imports: int = 0

    def summary(self) -> str:
        return (
            f"purged {self.job_runs} job run(s), {self.sessions} ended session(s), "
            f"{self.outbox_messages} delivered message(s), {self.imports} import(s)"
        )


def _unreferenced(table: sa.Table) -> list[sa.ColumnElement[bool]]:
    """Conditions that keep the rows of ``table`` some other table's row still points at."""
    conditions = []
    for other in db.metadata.sorted_tables:
        for key in other.foreign_keys:
            if key.column.table is table and other is not table:
                conditions.append(~sa.exists().where(key.parent == key.column))
    return conditions


def _delete_in_batches(model, where: list) -> int:
    """Delete the rows of ``model`` matching ``where``, ``BATCH`` at a time; how many went."""
    table = model.__table__
    where = [*where, *_unreferenced(table)]
    total = 0
    while True:
        ids = db.session.scalars(sa.select(model.id).where(*where).limit(BATCH)).all()
        if not ids:
            return total
        db.session.execute(sa.delete(model).where(model.id.in_(ids)))
        db.session.commit()
        total += len(ids)


def _ended_sessions(site: Site, now: datetime) -> list:
    """Sessions of the site's organisation that ended more than a day ago."""
    absolute = timedelta(hours=current_app.config.get("BUTLER_SESSION_ABSOLUTE_HOURS", 12))
    users = sa.select(User.id).where(User.organization_id == site.organization_id)
    return [
        UserSession.user_id.in_(users),
        sa.or_(
            UserSession.revoked_at < now - SESSION_GRACE,
            UserSession.created_at < now - absolute - SESSION_GRACE,
        ),
    ]


def _finished_imports(site: Site, cutoff: datetime) -> int:
    """Remove the site's finished imports older than ``cutoff`` and any file left of them."""
    where = [
        ImportBatch.site_id == site.id,
        ImportBatch.status.in_(("invalid", "done", "failed")),
        ImportBatch.created_at < cutoff,
        *_unreferenced(ImportBatch.__table__),
    ]
    total = 0
    while True:
        batches = db.session.scalars(sa.select(ImportBatch).where(*where).limit(BATCH)).all()
        if not batches:
            return total
        for batch in batches:
            discard_files(batch)  # normally gone already; a crash may have left them
        db.session.execute(
            sa.delete(ImportBatch).where(ImportBatch.id.in_([b.id for b in batches]))
        )
        db.session.commit()
        total += len(batches)


def purge(site: Site, now: datetime | None = None) -> Purged:
    """Delete what ``site`` keeps no longer, as of ``now``; the counts of each kind."""
    now = now or clock.now()
    days = {limit.column: getattr(site, limit.column) for limit in LIMITS}
    site_id = site.id
    purged = Purged()
    purged.job_runs = _delete_in_batches(
        JobRun,
        [
            JobRun.site_id == site_id,
            JobRun.status != "running",
            JobRun.started_at < now - timedelta(days=days["retention_job_run_days"]),
        ],
    )
    purged.sessions = _delete_in_batches(UserSession, _ended_sessions(site, now))
    purged.outbox_messages = _delete_in_batches(
        OutboxMessage,
        [
            OutboxMessage.site_id == site_id,
            OutboxMessage.status == "sent",
            OutboxMessage.sent_at < now - timedelta(days=days["retention_outbox_days"]),
        ],
    )
    purged.imports = _finished_imports(site, now - timedelta(days=days["retention_import_days"]))
    return purged


def run_purge(site: Site, now: datetime) -> str:
    """The job's body: purge ``site`` and say what went (the run's summary)."""
    return purge(site, now).summary()


PURGE_JOB = Job(
    name="purge",
    schedule="daily",
    hour=3,
    run=run_purge,
    description="Delete old job runs, ended sessions, delivered messages and finished imports.",
)
