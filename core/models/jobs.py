"""Runs of scheduled jobs: one row per job, site and period."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from core.extensions import db
from core.models.base import SiteOwned, UTCDateTime

JOB_RUN_STATUSES = ("running", "done", "failed")


class JobRun(SiteOwned, db.Model):
    """One job's run for one site in one period (``2026-11-28``, ``2026-W48``…).

    The unique key is the lock: whichever runner inserts the row first runs the job, so
    several hosts may run ``butler jobs run`` at once and the work still happens once.
    """

    __tablename__ = "job_run"
    __table_args__ = (
        UniqueConstraint("site_id", "job", "period"),
        CheckConstraint("status IN ('running', 'done', 'failed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # "<plugin>.<job name>", e.g. "core.digest" or "rent.reminders".
    job: Mapped[str] = mapped_column(String(120))
    period: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="running")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    # Until when the process that runs it holds it; a "running" row past it has died.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The exception's class and message, cut short; never a traceback.
    error: Mapped[str] = mapped_column(Text, default="")
    # What the run did, in the job's own words (what ``run`` returned), e.g. the purge's counts.
    summary: Mapped[str] = mapped_column(Text, default="", server_default="")

    def __repr__(self) -> str:
        return f"<JobRun {self.job} site={self.site_id} {self.period} {self.status}>"
