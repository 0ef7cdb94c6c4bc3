"""Community events, the residents registered for them, and the photos taken there."""

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
from core.models import Building, Resident, SiteOwned, Timestamps, User, UTCDateTime

AUDIENCES = ("site", "buildings")
REGISTRATION_STATUSES = ("confirmed", "waiting", "cancelled")
CHANNELS = ("phone", "walk_in")
MAX_SCORE = 5


class Event(SiteOwned, Timestamps, db.Model):
    """One community event: a talk, a class, a festival party. A weekly class is a series
    of events sharing a ``series_key``."""

    __tablename__ = "events_event"
    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity"),
        CheckConstraint("ends_at > starts_at", name="times"),
        CheckConstraint("price >= 0", name="price"),
        CheckConstraint("audience IN ('site', 'buildings')", name="audience"),
        CheckConstraint(
            "min_age IS NULL OR max_age IS NULL OR min_age <= max_age", name="age_band"
        ),
        CheckConstraint(
            "registration_opens_at IS NULL OR registration_closes_at IS NULL "
            "OR registration_opens_at < registration_closes_at",
            name="registration_window",
        ),
        Index("ix_events_event_site_id_starts_at", "site_id", "starts_at"),
        Index("ix_events_event_site_id_series_key", "site_id", "series_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column(Integer)
    audience: Mapped[str] = mapped_column(String(20), default="site")
    min_age: Mapped[int | None] = mapped_column(Integer)
    max_age: Mapped[int | None] = mapped_column(Integer)
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # In minor units of the site's currency; 0 is free.
    price: Mapped[int] = mapped_column(Integer, default=0)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    series_key: Mapped[str | None] = mapped_column(String(32))
    report: Mapped[str] = mapped_column(Text, default="")
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    staff: Mapped[User | None] = relationship()
    buildings: Mapped[list[Building]] = relationship(
        secondary="events_audience_building", order_by="Building.code", viewonly=True
    )

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def is_free(self) -> bool:
        return self.price == 0

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def is_over(self, now: datetime | None = None) -> bool:
        return self.ends_at <= (now or clock.now())


class AudienceBuilding(SiteOwned, db.Model):
    """A building whose residents an event is for (when its audience is ``buildings``)."""

    __tablename__ = "events_audience_building"
    __table_args__ = (UniqueConstraint("site_id", "event_id", "building_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events_event.id"))
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"))


class Registration(SiteOwned, Timestamps, db.Model):
    """A household's places at an event: confirmed, waiting for a place, or cancelled.

    The waiting list is served in the order of ``queued_at`` (then ``id``). One row per
    resident and event: registering again after cancelling reuses it, at the back of the
    queue.
    """

    __tablename__ = "events_registration"
    __table_args__ = (
        UniqueConstraint("site_id", "event_id", "resident_id"),
        CheckConstraint("places > 0", name="places"),
        CheckConstraint("status IN ('confirmed', 'waiting', 'cancelled')", name="status"),
        CheckConstraint("channel IN ('phone', 'walk_in')", name="channel"),
        CheckConstraint(
            "feedback_score IS NULL OR (feedback_score >= 1 AND feedback_score <= 5)",
            name="feedback_score",
        ),
        Index("ix_events_registration_site_id_event_id_status", "site_id", "event_id", "status"),
        Index("ix_events_registration_site_id_resident_id", "site_id", "resident_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events_event.id"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    places: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20), default="phone")
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    attended: Mapped[bool] = mapped_column(Boolean, default=False)
    feedback_score: Mapped[int | None] = mapped_column(Integer)

    event: Mapped[Event] = relationship()
    resident: Mapped[Resident] = relationship()


class Photo(SiteOwned, db.Model):
    """A photo taken at an event; the file is kept by ``core.uploads`` under ``key``."""

    __tablename__ = "events_photo"
    __table_args__ = (Index("ix_events_photo_site_id_event_id", "site_id", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events_event.id"))
    key: Mapped[str] = mapped_column(String(80))
    content_type: Mapped[str] = mapped_column(String(40))
    original_name: Mapped[str] = mapped_column(String(200), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


MODELS = [Event, AudienceBuilding, Registration, Photo]
