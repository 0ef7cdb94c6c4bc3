"""The rounds' tables: routes of checkpoints with their checklists, rounds and their marks,
findings followed to closure, renovation permits with their worker passes, and the
site's settings (the two round times, the lateness allowed, a photo to close).
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import clock
from core.extensions import db
from core.models import SiteOwned, UTCDateTime

AREAS = (
    "lobby",
    "corridor",
    "fire_doors",
    "lighting",
    "roof",
    "pipe_shaft",
    "greenery",
    "water_feature",
    "lift",
    "garage",
)
# What an item is about: the job description's A① renovation, A② cleaning, A③ public areas.
ITEM_KINDS = ("cleaning", "public_area", "safety", "renovation", "waterproofing")
# When an item is on the list: always, on rainy or typhoon days only, on the evening round.
CONDITIONS = ("always", "rain", "evening")
ROUND_KINDS = ("routine", "joint")
RESULTS = ("ok", "finding")
OWNER_KINDS = ("butler", "front_desk", "contractor", "resident")
# The checks of a renovating unit and of a vacant unit on the building's round.
RENOVATION_CHECKS = (
    "drawings",
    "hot_work",
    "no_smoking",
    "door_closed",
    "noise_dust",
    "debris",
    "passes",
)
VACANT_CHECKS = ("water_off", "power_off", "fittings")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class InspectionsSetting(SiteOwned, db.Model):
    """The site's round times (C5 cadence), the lateness allowed, and the closing rule."""

    __tablename__ = "inspections_setting"
    __table_args__ = (
        UniqueConstraint("site_id"),
        CheckConstraint("late_minutes >= 0", name="late_minutes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_round: Mapped[time] = mapped_column(Time, default=time(9, 0))
    second_round: Mapped[time] = mapped_column(Time, default=time(15, 0))
    late_minutes: Mapped[int] = mapped_column(Integer, default=120)
    photo_to_close: Mapped[bool] = mapped_column(Boolean, default=False)


class InspectionsCheckpoint(SiteOwned, db.Model):
    """One stop of a building's route (lobby, a floor's corridor, the roof...)."""

    __tablename__ = "inspections_checkpoint"
    __table_args__ = (
        CheckConstraint(_in("area", AREAS), name="area"),
        Index("ix_inspections_checkpoint_site_id_building_id", "site_id", "building_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(120))
    area: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    items: Mapped[list[InspectionsItem]] = relationship(
        order_by="InspectionsItem.position, InspectionsItem.id", viewonly=True
    )


class InspectionsItem(SiteOwned, db.Model):
    """One line of a checkpoint's checklist."""

    __tablename__ = "inspections_item"
    __table_args__ = (
        CheckConstraint(_in("kind", ITEM_KINDS), name="kind"),
        CheckConstraint(_in("condition", CONDITIONS), name="condition"),
        Index("ix_inspections_item_site_id_checkpoint_id", "site_id", "checkpoint_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("inspections_checkpoint.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="public_area")
    condition: Mapped[str] = mapped_column(String(20), default="always")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class InspectionsRound(SiteOwned, db.Model):
    """A walk of a building's route: a routine round of a period, or a joint walk."""

    __tablename__ = "inspections_round"
    __table_args__ = (
        CheckConstraint(_in("kind", ROUND_KINDS), name="kind"),
        # One routine round per building and period (a joint walk has no period).
        UniqueConstraint("site_id", "building_id", "period_key"),
        Index("ix_inspections_round_site_id_day", "site_id", "day"),
        Index("ix_inspections_round_site_id_butler_id_day", "site_id", "butler_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"))
    butler_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(20), default="routine")
    period_key: Mapped[str | None] = mapped_column(String(40))
    day: Mapped[date] = mapped_column(Date)
    evening: Mapped[bool] = mapped_column(Boolean, default=False)
    participants: Mapped[str] = mapped_column(String(300), default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ok_count: Mapped[int] = mapped_column(Integer, default=0)
    finding_count: Mapped[int] = mapped_column(Integer, default=0)


class InspectionsMark(SiteOwned, db.Model):
    """An item (or a unit's check) marked ok or finding on a round, with the moment."""

    __tablename__ = "inspections_mark"
    __table_args__ = (
        CheckConstraint(_in("result", RESULTS), name="result"),
        CheckConstraint(
            "(item_id IS NOT NULL AND unit_id IS NULL AND unit_check IS NULL) OR "
            "(item_id IS NULL AND unit_id IS NOT NULL AND unit_check IS NOT NULL)",
            name="subject",
        ),
        UniqueConstraint("site_id", "round_id", "item_id"),
        UniqueConstraint("site_id", "round_id", "unit_id", "unit_check"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("inspections_round.id"))
    checkpoint_id: Mapped[int | None] = mapped_column(ForeignKey("inspections_checkpoint.id"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("inspections_item.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    unit_check: Mapped[str | None] = mapped_column(String(20))
    result: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class InspectionsFinding(SiteOwned, db.Model):
    """Something wrong seen on a round, followed until it is closed with a note."""

    __tablename__ = "inspections_finding"
    __table_args__ = (
        CheckConstraint(_in("owner_kind", OWNER_KINDS), name="owner_kind"),
        CheckConstraint(_in("area", AREAS), name="area"),
        CheckConstraint(_in("kind", ITEM_KINDS), name="kind"),
        CheckConstraint("closed_at IS NULL OR close_note <> ''", name="closed_with_note"),
        Index("ix_inspections_finding_site_id_building_id", "site_id", "building_id"),
        Index("ix_inspections_finding_site_id_closed_at", "site_id", "closed_at"),
        Index("ix_inspections_finding_site_id_raised_at", "site_id", "raised_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"))
    checkpoint_id: Mapped[int | None] = mapped_column(ForeignKey("inspections_checkpoint.id"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("inspections_item.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    round_id: Mapped[int] = mapped_column(ForeignKey("inspections_round.id"))
    area: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text)
    photo_key: Mapped[str | None] = mapped_column(String(200))
    owner_kind: Mapped[str] = mapped_column(String(20), default="butler")
    owner_name: Mapped[str] = mapped_column(String(120), default="")
    due_on: Mapped[date] = mapped_column(Date)
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    close_note: Mapped[str] = mapped_column(Text, default="")
    close_photo_key: Mapped[str | None] = mapped_column(String(200))


class InspectionsPermit(SiteOwned, db.Model):
    """A unit's renovation permit (裝修許可證): dates, contractor, hours, deposit."""

    __tablename__ = "inspections_permit"
    __table_args__ = (
        UniqueConstraint("site_id", "number"),
        CheckConstraint("ends_on >= starts_on", name="dates"),
        CheckConstraint("deposit >= 0", name="deposit"),
        Index("ix_inspections_permit_site_id_unit_id", "site_id", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    number: Mapped[str] = mapped_column(String(40))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    contractor: Mapped[str] = mapped_column(String(120))
    hours: Mapped[str] = mapped_column(String(60), default="")
    deposit: Mapped[int] = mapped_column(Integer, default=0)  # minor units
    scope: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    passes: Mapped[list[InspectionsPass]] = relationship(
        order_by="InspectionsPass.name, InspectionsPass.id", viewonly=True
    )
    drawings: Mapped[list[InspectionsDrawing]] = relationship(
        order_by="InspectionsDrawing.id", viewonly=True
    )


class InspectionsPass(SiteOwned, db.Model):
    """A worker's pass (工人出入證) under a permit, with its photo and expiry."""

    __tablename__ = "inspections_pass"
    __table_args__ = (Index("ix_inspections_pass_site_id_permit_id", "site_id", "permit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    permit_id: Mapped[int] = mapped_column(ForeignKey("inspections_permit.id"))
    name: Mapped[str] = mapped_column(String(120))
    photo_key: Mapped[str | None] = mapped_column(String(200))
    expires_on: Mapped[date] = mapped_column(Date)


class InspectionsDrawing(SiteOwned, db.Model):
    """An approved drawing of a permit, kept as a scan."""

    __tablename__ = "inspections_drawing"
    __table_args__ = (Index("ix_inspections_drawing_site_id_permit_id", "site_id", "permit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    permit_id: Mapped[int] = mapped_column(ForeignKey("inspections_permit.id"))
    key: Mapped[str] = mapped_column(String(200))
    original_name: Mapped[str] = mapped_column(String(200), default="")


MODELS = [
    InspectionsSetting,
    InspectionsCheckpoint,
    InspectionsItem,
    InspectionsRound,
    InspectionsMark,
    InspectionsFinding,
    InspectionsPermit,
    InspectionsPass,
    InspectionsDrawing,
]
