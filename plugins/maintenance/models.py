"""The maintenance plugin's tables: contractors (外委單位), their contracts, the plan's tasks
with the frequency each contract requires, the log of the work done, the monthly
evaluations, and each site's settings.

The plan itself is not stored as rows per date: a task says "twice a month" or "once a
quarter" and applies to one building or to every building; the due dates come from the
core's cadences (``rules.period_of``), and the log says what was done. ``done_on`` is the
work's date on the site's clock, kept beside the moment so that months and quarters are
cut in the site's zone by a plain date comparison.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import clock
from core.extensions import db
from core.models import Building, SiteOwned, User, UTCDateTime

SERVICES = ("cleaning", "greening", "pest_control", "lifts", "security", "water_tanks", "other")
SPANS = ("month", "quarter", "year")
CHECKS = ("accepted", "redo")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class MaintenanceContractor(SiteOwned, db.Model):
    """A company the site hands work to: cleaning, greening, pest control, lifts..."""

    __tablename__ = "maintenance_contractor"
    __table_args__ = (UniqueConstraint("site_id", "company"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company: Mapped[str] = mapped_column(String(120))
    services: Mapped[list] = mapped_column(JSON, default=list)
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MaintenanceContract(SiteOwned, db.Model):
    """A contract with a contractor: its dates, its value and a scan of the signed copy."""

    __tablename__ = "maintenance_contract"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates"),
        CheckConstraint("value_minor >= 0", name="value_minor"),
        Index("ix_maintenance_contract_site_id_contractor_id", "site_id", "contractor_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contractor_id: Mapped[int] = mapped_column(ForeignKey("maintenance_contractor.id"))
    title: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    value_minor: Mapped[int] = mapped_column(Integer, default=0)
    document_key: Mapped[str | None] = mapped_column(String(200))
    # The contract this one was copied from at the year's end (its plan copied, then changed).
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("maintenance_contract.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    contractor: Mapped[MaintenanceContractor] = relationship()


class MaintenanceTask(SiteOwned, db.Model):
    """A line of the contract's plan: what is done, how often (``times`` per ``span``), and
    where (one building, or every building of the site when ``building_id`` is None)."""

    __tablename__ = "maintenance_task"
    __table_args__ = (
        CheckConstraint(_in("service", SERVICES), name="service"),
        CheckConstraint(_in("span", SPANS), name="span"),
        CheckConstraint("times BETWEEN 1 AND 31", name="times"),
        Index("ix_maintenance_task_site_id_contract_id", "site_id", "contract_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("maintenance_contract.id"))
    code: Mapped[str] = mapped_column(String(40), default="")  # a default task's code, or ""
    name: Mapped[str] = mapped_column(String(120), default="")  # a task of one's own
    service: Mapped[str] = mapped_column(String(20))
    span: Mapped[str] = mapped_column(String(10))
    times: Mapped[int] = mapped_column(Integer, default=1)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("building.id"))
    # Taken off the plan: kept, so that the work logged against it still has its task.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    contract: Mapped[MaintenanceContract] = relationship()
    building: Mapped[Building | None] = relationship()


class MaintenanceWork(SiteOwned, db.Model):
    """A visit of the contractor (or of staff) doing a task in a building, and the butler's
    check of it. Work the butler sends back (``redo``) does not count for the plan."""

    __tablename__ = "maintenance_work"
    __table_args__ = (
        CheckConstraint("check_result IS NULL OR " + _in("check_result", CHECKS), name="check"),
        Index("ix_maintenance_work_site_id_task_id_done_on", "site_id", "task_id", "done_on"),
        Index("ix_maintenance_work_site_id_done_on", "site_id", "done_on"),
        Index(
            "ix_maintenance_work_site_id_logged_by_id_logged_at",
            "site_id",
            "logged_by_id",
            "logged_at",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("maintenance_task.id"))
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"))
    done_on: Mapped[date] = mapped_column(Date)
    done_at: Mapped[datetime] = mapped_column(UTCDateTime)
    who: Mapped[str] = mapped_column(String(120))
    note: Mapped[str] = mapped_column(Text, default="")
    photo_key: Mapped[str | None] = mapped_column(String(200))
    logged_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    check_result: Mapped[str | None] = mapped_column(String(10))
    check_note: Mapped[str] = mapped_column(Text, default="")
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    task: Mapped[MaintenanceTask] = relationship()
    building: Mapped[Building] = relationship()
    logged_by: Mapped[User] = relationship(foreign_keys=[logged_by_id])
    checked_by: Mapped[User | None] = relationship(foreign_keys=[checked_by_id])


class MaintenanceEvaluation(SiteOwned, db.Model):
    """A contractor's score for one service and one month (月評估), 0 to 100 per criterion.

    ``compliance`` is filled from the log when the evaluation is scored (None when the
    month required nothing of that service); ``score`` is the mean of the criteria.
    """

    __tablename__ = "maintenance_evaluation"
    __table_args__ = (
        UniqueConstraint("site_id", "contractor_id", "service", "month"),
        CheckConstraint(_in("service", SERVICES), name="service"),
        CheckConstraint("quality IS NULL OR quality BETWEEN 0 AND 100", name="quality"),
        CheckConstraint("punctuality IS NULL OR punctuality BETWEEN 0 AND 100", name="punctuality"),
        CheckConstraint("attitude IS NULL OR attitude BETWEEN 0 AND 100", name="attitude"),
        CheckConstraint("compliance IS NULL OR compliance BETWEEN 0 AND 100", name="compliance"),
        CheckConstraint("score IS NULL OR score BETWEEN 0 AND 100", name="score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contractor_id: Mapped[int] = mapped_column(ForeignKey("maintenance_contractor.id"))
    service: Mapped[str] = mapped_column(String(20))
    month: Mapped[str] = mapped_column(String(7))
    quality: Mapped[int | None] = mapped_column(Integer)
    punctuality: Mapped[int | None] = mapped_column(Integer)
    attitude: Mapped[int | None] = mapped_column(Integer)
    compliance: Mapped[int | None] = mapped_column(Integer)
    score: Mapped[int | None] = mapped_column(Integer)
    comments: Mapped[str] = mapped_column(Text, default="")
    scored_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    scored_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reopen_reason: Mapped[str] = mapped_column(Text, default="")

    contractor: Mapped[MaintenanceContractor] = relationship()


class MaintenanceSettings(SiteOwned, db.Model):
    """A site's threshold: a score below it twice in a row is a warning."""

    __tablename__ = "maintenance_settings"
    __table_args__ = (
        UniqueConstraint("site_id"),
        CheckConstraint("threshold BETWEEN 1 AND 100", name="threshold"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    threshold: Mapped[int] = mapped_column(Integer, default=60)


MODELS = [
    MaintenanceContractor,
    MaintenanceContract,
    MaintenanceTask,
    MaintenanceWork,
    MaintenanceEvaluation,
    MaintenanceSettings,
]
