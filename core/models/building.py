"""Buildings (towers, wings) and their units (flats, shops, hotel rooms)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models.base import Archivable, SiteOwned, Timestamps

UNIT_STATUSES = ("occupied", "vacant", "renovating", "let")


class Building(SiteOwned, Timestamps, Archivable, db.Model):
    __tablename__ = "building"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    floors: Mapped[int] = mapped_column(Integer, default=1)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    units: Mapped[list[Unit]] = relationship(back_populates="building")

    __mapper_args__ = {"version_id_col": version_id}

    def __repr__(self) -> str:
        return f"<Building {self.code}>"


class Unit(SiteOwned, Timestamps, Archivable, db.Model):
    """A flat or shop on a residential site, a room on a hotel site."""

    __tablename__ = "unit"
    __table_args__ = (
        UniqueConstraint("site_id", "building_id", "number"),
        CheckConstraint("status IN ('occupied', 'vacant', 'renovating', 'let')", name="status"),
        Index("ix_unit_site_id_number", "site_id", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"), index=True)
    floor: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(20))
    area_m2: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    status: Mapped[str] = mapped_column(String(20), default="vacant")
    room_type: Mapped[str] = mapped_column(String(40), default="")
    version_id: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    building: Mapped[Building] = relationship(back_populates="units")

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def label(self) -> str:
        return f"{self.building.code}-{self.number}"

    def __repr__(self) -> str:
        return f"<Unit {self.number}>"
