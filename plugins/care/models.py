"""The care plugin's tables: birthday greetings, notices to residents, special care,
away periods and the parcel register (貼心關懷, duty E)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
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

from core.extensions import db
from core.models import Building, Resident, SiteOwned, Unit, User, UTCDateTime

GREETING_METHODS = ("sms", "email", "card", "visit")
NOTICE_TEMPLATES = ("typhoon", "rainstorm", "cold", "water_cut", "power_cut", "lift_works", "other")
AUDIENCES = ("site", "buildings", "units")
CASE_KINDS = ("illness", "bereavement", "hospital")
TOLD_HOW = ("message", "phone", "in_person")
LOCALES = ("en", "zh_Hant", "zh_Hans")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class CareSetting(SiteOwned, db.Model):
    """A site's choices: who counts as elderly, when a parcel is held too long, the greeting."""

    __tablename__ = "care_setting"
    __table_args__ = (
        UniqueConstraint("site_id"),
        CheckConstraint("elderly_age BETWEEN 40 AND 120", name="elderly_age"),
        CheckConstraint("parcel_days BETWEEN 1 AND 365", name="parcel_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    elderly_age: Mapped[int] = mapped_column(Integer, default=70)
    parcel_days: Mapped[int] = mapped_column(Integer, default=7)
    # The birthday message in each language; "{name}" stands for the resident's name.
    greeting_en: Mapped[str] = mapped_column(Text, default="")
    greeting_zh_Hant: Mapped[str] = mapped_column(Text, default="")
    greeting_zh_Hans: Mapped[str] = mapped_column(Text, default="")


class CareOptOut(SiteOwned, db.Model):
    """A resident who asked not to be greeted on their birthday."""

    __tablename__ = "care_opt_out"
    __table_args__ = (UniqueConstraint("site_id", "resident_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class CareGreeting(SiteOwned, db.Model):
    """A birthday greeting: one per resident and year, whoever presses first."""

    __tablename__ = "care_greeting"
    __table_args__ = (
        UniqueConstraint("site_id", "resident_id", "year"),
        CheckConstraint(_in("method", GREETING_METHODS), name="method"),
        Index("ix_care_greeting_site_id_at", "site_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    year: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str] = mapped_column(String(300), default="")
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id"))

    resident: Mapped[Resident] = relationship()
    by: Mapped[User] = relationship()


class CareNotice(SiteOwned, db.Model):
    """A warm reminder or a warning (溫馨提示) to a site, some buildings or some units."""

    __tablename__ = "care_notice"
    __table_args__ = (
        CheckConstraint(_in("template", NOTICE_TEMPLATES), name="template"),
        CheckConstraint(_in("audience", AUDIENCES), name="audience"),
        Index("ix_care_notice_site_id_created_at", "site_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template: Mapped[str] = mapped_column(String(20))
    audience: Mapped[str] = mapped_column(String(10), default="site")
    day: Mapped[date] = mapped_column(Date)  # the day it is about
    title_en: Mapped[str] = mapped_column(String(200), default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    title_zh_Hant: Mapped[str] = mapped_column(String(200), default="")
    body_zh_Hant: Mapped[str] = mapped_column(Text, default="")
    title_zh_Hans: Mapped[str] = mapped_column(String(200), default="")
    body_zh_Hans: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    queued_count: Mapped[int] = mapped_column(Integer, default=0)

    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    sent_by: Mapped[User | None] = relationship(foreign_keys=[sent_by_id])
    targets: Mapped[list[CareNoticeTarget]] = relationship(
        back_populates="notice", order_by="CareNoticeTarget.id"
    )

    def text_in(self, locale: str) -> tuple[str, str]:
        """The title and body in ``locale``, or ("", "") when the notice has none in it."""
        return getattr(self, f"title_{locale}", ""), getattr(self, f"body_{locale}", "")

    @property
    def locales(self) -> list[str]:
        return [code for code in LOCALES if self.text_in(code)[1].strip()]


class CareNoticeTarget(SiteOwned, db.Model):
    """A building or a unit a notice is for (none: the whole site)."""

    __tablename__ = "care_notice_target"
    __table_args__ = (
        Index("ix_care_notice_target_site_id_notice_id", "site_id", "notice_id"),
        CheckConstraint("(building_id IS NULL) <> (unit_id IS NULL)", name="building_or_unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("care_notice.id"))
    building_id: Mapped[int | None] = mapped_column(ForeignKey("building.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))

    notice: Mapped[CareNotice] = relationship(back_populates="targets")
    building: Mapped[Building | None] = relationship()
    unit: Mapped[Unit | None] = relationship()


class CareCase(SiteOwned, db.Model):
    """Special care (特殊慰問): an illness, a bereavement or a hospital stay. Sensitive."""

    __tablename__ = "care_case"
    __table_args__ = (
        CheckConstraint(_in("kind", CASE_KINDS), name="kind"),
        Index("ix_care_case_site_id_building_id", "site_id", "building_id"),
        Index("ix_care_case_site_id_resident_id", "site_id", "resident_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    # The resident's building when the case was opened: whose butler reads it.
    building_id: Mapped[int | None] = mapped_column(ForeignKey("building.id"))
    kind: Mapped[str] = mapped_column(String(20))
    happened_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text)
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))

    resident: Mapped[Resident] = relationship()
    building: Mapped[Building | None] = relationship()
    visits: Mapped[list[CareVisit]] = relationship(
        back_populates="case", order_by="CareVisit.visited_at"
    )


class CareVisit(SiteOwned, db.Model):
    """A visit made for a special-care case, on behalf of the service centre."""

    __tablename__ = "care_visit"
    __table_args__ = (
        Index("ix_care_visit_site_id_case_id", "site_id", "case_id"),
        Index("ix_care_visit_site_id_visited_at", "site_id", "visited_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("care_case.id"))
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime)
    by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str] = mapped_column(Text, default="")

    case: Mapped[CareCase] = relationship(back_populates="visits")
    by: Mapped[User] = relationship()


class CareAway(SiteOwned, db.Model):
    """A unit's residents away from home, with what the office should do meanwhile."""

    __tablename__ = "care_away"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates"),
        Index("ix_care_away_site_id_unit_id", "site_id", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    hold_parcels: Mapped[bool] = mapped_column(Boolean, default=True)
    may_enter: Mapped[str] = mapped_column(String(300), default="")
    forward_to: Mapped[str] = mapped_column(String(300), default="")
    do_not_allow: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    # "Back home" before the planned day: kept as history, no longer shown.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[Unit] = relationship()
    resident: Mapped[Resident | None] = relationship()


class CareParcel(SiteOwned, db.Model):
    """A parcel or letter signed for on a resident's behalf, until it is handed over."""

    __tablename__ = "care_parcel"
    __table_args__ = (
        CheckConstraint("told_how IS NULL OR " + _in("told_how", TOLD_HOW), name="told_how"),
        # Handed over only with the receiver's name and their signature.
        CheckConstraint(
            "handed_at IS NULL OR (handed_to <> '' AND signature_key <> '')", name="handed_signed"
        ),
        Index(
            "ix_care_parcel_site_id_handed_at_received_at", "site_id", "handed_at", "received_at"
        ),
        # The butler's work log: the parcels one person signed in, or handed over, that day.
        Index(
            "ix_care_parcel_site_id_received_by_id_received_at",
            "site_id",
            "received_by_id",
            "received_at",
        ),
        Index(
            "ix_care_parcel_site_id_handed_by_id_handed_at", "site_id", "handed_by_id", "handed_at"
        ),
        Index("ix_care_parcel_site_id_unit_id", "site_id", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    carrier: Mapped[str] = mapped_column(String(80))
    tracking_number: Mapped[str] = mapped_column(String(80), default="")
    shelf: Mapped[str] = mapped_column(String(40), default="")
    photo_key: Mapped[str] = mapped_column(String(80), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    told_how: Mapped[str | None] = mapped_column(String(10))
    told_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    handed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handed_to: Mapped[str] = mapped_column(String(120), default="")
    handed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    signature_key: Mapped[str] = mapped_column(String(80), default="")

    unit: Mapped[Unit] = relationship()
    resident: Mapped[Resident | None] = relationship()
    received_by: Mapped[User] = relationship(foreign_keys=[received_by_id])
    handed_by: Mapped[User | None] = relationship(foreign_keys=[handed_by_id])


MODELS = [
    CareSetting,
    CareOptOut,
    CareGreeting,
    CareNotice,
    CareNoticeTarget,
    CareCase,
    CareVisit,
    CareAway,
    CareParcel,
]
