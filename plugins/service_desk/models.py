"""The service desk's tables: categories, requests, and what happens to a request.

A request (服務單) moves new → acknowledged → assigned → in progress → done → called back
→ closed. Every step is an event row (its timeline); visits, callbacks and photos have
rows of their own because reports count them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
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
from core.models import Building, Resident, SiteOwned, Unit, User, UTCDateTime

TYPES = ("inquiry", "repair", "complaint", "errand", "feedback")
CHANNELS = ("phone", "visit", "wechat", "app", "walk_in")
STATUSES = ("new", "acknowledged", "assigned", "in_progress", "done", "called_back", "closed")
OPEN_STATUSES = ("new", "acknowledged", "assigned", "in_progress", "done", "called_back")
ASSIGNEE_KINDS = ("staff", "front_desk", "contractor")
CALLBACK_METHODS = ("call", "visit")
SATISFACTIONS = ("satisfied", "neutral", "dissatisfied")
ESCALATION_ROLES = ("assistant", "manager")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class ServiceDeskCategory(SiteOwned, db.Model):
    """A kind of request under one of the types, with its promised reply and completion times."""

    __tablename__ = "service_desk_category"
    __table_args__ = (
        UniqueConstraint("site_id", "type", "name"),
        CheckConstraint(_in("type", TYPES), name="type"),
        CheckConstraint("reply_minutes > 0", name="reply_minutes"),
        CheckConstraint("complete_hours > 0", name="complete_hours"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(80))
    reply_minutes: Mapped[int] = mapped_column(Integer)
    complete_hours: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ServiceDeskRequest(SiteOwned, db.Model):
    """One request from a resident, followed to the end (服務單)."""

    __tablename__ = "service_desk_request"
    __table_args__ = (
        CheckConstraint(_in("type", TYPES), name="type"),
        CheckConstraint(_in("channel", CHANNELS), name="channel"),
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint(
            "assignee_kind IS NULL OR " + _in("assignee_kind", ASSIGNEE_KINDS),
            name="assignee_kind",
        ),
        CheckConstraint(
            "escalated_to IS NULL OR " + _in("escalated_to", ESCALATION_ROLES),
            name="escalated_to",
        ),
        # Closed only after a callback; a complaint only with its root cause and sign-off.
        CheckConstraint(
            "status <> 'closed' OR (called_back_at IS NOT NULL AND closed_at IS NOT NULL)",
            name="closed_after_callback",
        ),
        CheckConstraint(
            "status <> 'closed' OR type <> 'complaint' "
            "OR (root_cause <> '' AND signed_off_at IS NOT NULL)",
            name="complaint_signed_off",
        ),
        CheckConstraint("reopen_count >= 0", name="reopen_count"),
        Index("ix_service_desk_request_site_id_status", "site_id", "status"),
        Index("ix_service_desk_request_site_id_building_id", "site_id", "building_id"),
        Index("ix_service_desk_request_site_id_category_id", "site_id", "category_id"),
        Index("ix_service_desk_request_site_id_resident_id", "site_id", "resident_id"),
        Index("ix_service_desk_request_site_id_assignee_id", "site_id", "assignee_id"),
        Index("ix_service_desk_request_site_id_received_at", "site_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(20))
    category_id: Mapped[int] = mapped_column(ForeignKey("service_desk_category.id"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    building_id: Mapped[int | None] = mapped_column(ForeignKey("building.id"))
    channel: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="new")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    logged_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    # Promises, fixed at intake from the category.
    reply_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    complete_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reply: Mapped[str] = mapped_column(Text, default="")
    assignee_kind: Mapped[str | None] = mapped_column(String(20))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    contractor: Mapped[str] = mapped_column(String(120), default="")
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    callback_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    called_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    satisfaction: Mapped[str | None] = mapped_column(String(20))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_to: Mapped[str | None] = mapped_column(String(20))
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    root_cause: Mapped[str] = mapped_column(Text, default="")
    signed_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    category: Mapped[ServiceDeskCategory] = relationship()
    resident: Mapped[Resident] = relationship()
    unit: Mapped[Unit | None] = relationship()
    building: Mapped[Building | None] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    logged_by: Mapped[User] = relationship(foreign_keys=[logged_by_id])
    signed_off_by: Mapped[User | None] = relationship(foreign_keys=[signed_off_by_id])

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def is_open(self) -> bool:
        return self.status != "closed"

    def reply_overdue(self, now: datetime) -> bool:
        """True when the promised reply time has passed without a reply."""
        return self.acknowledged_at is None and now > self.reply_due_at

    def completion_overdue(self, now: datetime) -> bool:
        """True when the promised completion time has passed and the work is not done."""
        return self.done_at is None and self.status != "closed" and now > self.complete_due_at

    def overdue(self, now: datetime) -> bool:
        return self.reply_overdue(now) or self.completion_overdue(now)


class ServiceDeskEvent(SiteOwned, db.Model):
    """One step of a request's timeline: what was done, when, by whom."""

    __tablename__ = "service_desk_event"
    __table_args__ = (
        Index("ix_service_desk_event_site_id_request_id", "site_id", "request_id"),
        # The butler's work log: one person's steps of one day.
        Index("ix_service_desk_event_site_id_user_id_at", "site_id", "user_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_desk_request.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User | None] = relationship()


class ServiceDeskVisit(SiteOwned, db.Model):
    """A worker's visit for a request: who came, when, whether the butler went along."""

    __tablename__ = "service_desk_visit"
    __table_args__ = (Index("ix_service_desk_visit_site_id_request_id", "site_id", "request_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_desk_request.id"))
    visitor: Mapped[str] = mapped_column(String(120))
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accompanied: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))


class ServiceDeskCallback(SiteOwned, db.Model):
    """A callback (回訪) after the work: how the resident was reached and how satisfied."""

    __tablename__ = "service_desk_callback"
    __table_args__ = (
        CheckConstraint(_in("method", CALLBACK_METHODS), name="method"),
        CheckConstraint(_in("satisfaction", SATISFACTIONS), name="satisfaction"),
        Index("ix_service_desk_callback_site_id_request_id", "site_id", "request_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_desk_request.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    method: Mapped[str] = mapped_column(String(10))
    satisfaction: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))


class ServiceDeskPhoto(SiteOwned, db.Model):
    """A photo of a request; the file is kept by ``core.uploads``, only its key here."""

    __tablename__ = "service_desk_photo"
    __table_args__ = (
        UniqueConstraint("site_id", "key"),
        Index("ix_service_desk_photo_site_id_request_id", "site_id", "request_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_desk_request.id"))
    key: Mapped[str] = mapped_column(String(100))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    original_name: Mapped[str] = mapped_column(String(200), default="")
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


MODELS = [
    ServiceDeskCategory,
    ServiceDeskRequest,
    ServiceDeskEvent,
    ServiceDeskVisit,
    ServiceDeskCallback,
    ServiceDeskPhoto,
]
