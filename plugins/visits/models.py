"""The visits plugin's tables: home visits (家訪), planned visits, and each site's targets.

A visit is made to a household: a unit and the resident who heads the household there
(the primary contact, see ``rules.households``). ``visited_on`` is the visit's date on
the site's clock, kept beside the moment so that months and quarters are cut in the
site's zone by a plain date comparison.
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
from core.models import Resident, SiteOwned, Unit, User, UTCDateTime

KINDS = ("routine", "new_resident", "complaint_follow_up", "care", "festival")
OUTCOMES = ("met", "not_home", "declined", "follow_up")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class VisitsVisit(SiteOwned, db.Model):
    """One home visit to a household, with the visit form as it was left (《管家家訪信息表》)."""

    __tablename__ = "visits_visit"
    __table_args__ = (
        CheckConstraint(_in("kind", KINDS), name="kind"),
        CheckConstraint(_in("outcome", OUTCOMES), name="outcome"),
        # A household's visits by date: the quota's lookups read nothing but this index.
        Index("ix_visits_visit_household", "site_id", "unit_id", "resident_id", "visited_on"),
        Index("ix_visits_visit_site_id_visited_on", "site_id", "visited_on"),
        Index("ix_visits_visit_site_id_butler_id_visited_at", "site_id", "butler_id", "visited_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"))
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime)
    visited_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(30))
    outcome: Mapped[str] = mapped_column(String(20))
    # Who went: the butler who records it, and anyone who came along.
    butler_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    companions: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # The visit form's fields as they stood after the visit, and those changed during it.
    form: Mapped[dict] = mapped_column(JSON, default=dict)
    changed: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    unit: Mapped[Unit] = relationship()
    resident: Mapped[Resident] = relationship()
    butler: Mapped[User] = relationship()


class VisitsPlan(SiteOwned, db.Model):
    """A visit a butler plans to make to a household on a day."""

    __tablename__ = "visits_plan"
    __table_args__ = (
        Index("ix_visits_plan_site_id_butler_id_planned_on", "site_id", "butler_id", "planned_on"),
        Index("ix_visits_plan_site_id_planned_on", "site_id", "planned_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    butler_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    planned_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # Taken off the plan: kept, so that the week's adjustments can be seen afterwards.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[Unit] = relationship()
    resident: Mapped[Resident] = relationship()


class VisitsTarget(SiteOwned, db.Model):
    """A site's targets, in tenths of a percent (333 is one third, 980 is 98%)."""

    __tablename__ = "visits_target"
    __table_args__ = (
        UniqueConstraint("site_id"),
        CheckConstraint("month_permille BETWEEN 1 AND 1000", name="month_permille"),
        CheckConstraint("quarter_permille BETWEEN 1 AND 1000", name="quarter_permille"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    month_permille: Mapped[int] = mapped_column(Integer, default=333)
    quarter_permille: Mapped[int] = mapped_column(Integer, default=980)


MODELS = [VisitsVisit, VisitsPlan, VisitsTarget]
