"""The butler's day: the morning meeting's notes, who has read them, and items ticked done."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import clock
from core.extensions import db
from core.models.base import SiteOwned, UTCDateTime


class MorningNote(SiteOwned, db.Model):
    """What the morning meeting decided, written for a day by the assistant or manager.

    ``building_id`` None: for the whole site; else for the butlers of that building.
    """

    __tablename__ = "morning_note"
    __table_args__ = (Index("ix_morning_note_site_id_day", "site_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("building.id"))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    author = relationship("User", lazy="joined")
    building = relationship("Building", lazy="joined")


class MorningNoteRead(SiteOwned, db.Model):
    """One person has read one note, at ``read_at``."""

    __tablename__ = "morning_note_read"
    __table_args__ = (UniqueConstraint("note_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("morning_note.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class DayTick(SiteOwned, db.Model):
    """An item of a person's day page ticked done (items a plugin does not track itself)."""

    __tablename__ = "day_tick"
    __table_args__ = (UniqueConstraint("site_id", "user_id", "day", "item_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    day: Mapped[date] = mapped_column(Date)
    item_key: Mapped[str] = mapped_column(String(120))
    ticked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class DayWeather(SiteOwned, db.Model):
    """The site's day marked rainy or a typhoon day: rounds then gain their wet-weather
    checks. Set on the day page by the office, or by a plugin (a weather notice sent);
    ``source`` says which (``site`` or the plugin's name)."""

    __tablename__ = "day_weather"
    __table_args__ = (UniqueConstraint("site_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(40), default="site")
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)


class WorkLogRemark(SiteOwned, db.Model):
    """The butler's own remarks at the foot of their work log for a day."""

    __tablename__ = "work_log_remark"
    __table_args__ = (UniqueConstraint("site_id", "user_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    day: Mapped[date] = mapped_column(Date)
    body: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)
