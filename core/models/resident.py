"""Residents, where they live (occupancies), and their vehicles and pets."""

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
from core.models.base import Archivable, SiteOwned, Timestamps, UTCDateTime
from core.models.building import Unit
from core.models.staff import User
from core.search_index import attach as attach_search_index

OCCUPANCY_ROLES = ("owner", "tenant", "family", "domestic_helper")


class Resident(SiteOwned, Timestamps, Archivable, db.Model):
    """A person who lives on a site: the fields of the butler's home-visit form."""

    __tablename__ = "resident"
    __table_args__ = (
        UniqueConstraint("site_id", "ref"),
        Index("ix_resident_site_id_name", "site_id", "name"),
        Index("ix_resident_site_id_phone", "site_id", "phone"),
        CheckConstraint(
            "preferred_locale IN ('', 'en', 'zh_Hant', 'zh_Hans')", name="preferred_locale"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The company's own resident number; optional, unique within the site when present.
    ref: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(40), default="")
    phone2: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    birth_date: Mapped[date | None] = mapped_column(Date)
    employer: Mapped[str] = mapped_column(String(200), default="")
    work_phone: Mapped[str] = mapped_column(String(40), default="")
    work_address: Mapped[str] = mapped_column(String(300), default="")
    hobbies: Mapped[str] = mapped_column(String(300), default="")
    emergency_contact_name: Mapped[str] = mapped_column(String(120), default="")
    emergency_contact_phone: Mapped[str] = mapped_column(String(40), default="")
    # The rest of the butler's home-visit form (《管家家訪信息表》).
    domestic_helper: Mapped[str] = mapped_column(String(200), default="")
    children_at_school: Mapped[str] = mapped_column(String(300), default="")
    elderly_at_home: Mapped[str] = mapped_column(String(300), default="")
    special_situations: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    preferred_locale: Mapped[str] = mapped_column(String(10), default="")
    consent_sms: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_email: Mapped[bool] = mapped_column(Boolean, default=False)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    # When the resident's personal data were erased (core/privacy.py); the row stays as
    # the anonymous owner of what the estate's figures still count.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    occupancies: Mapped[list[Occupancy]] = relationship(
        back_populates="resident", order_by="Occupancy.moved_in.desc()"
    )
    vehicles: Mapped[list[Vehicle]] = relationship(back_populates="resident")
    pets: Mapped[list[Pet]] = relationship(back_populates="resident")

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def current_occupancies(self) -> list[Occupancy]:
        return [o for o in self.occupancies if o.moved_out is None]

    def __repr__(self) -> str:
        return f"<Resident {self.id} {self.name!r}>"


# create_all builds the same search indexes as the migration core_0019 (core/search_index.py).
attach_search_index(Resident.__table__)
attach_search_index(Unit.__table__)


class Occupancy(SiteOwned, Timestamps, db.Model):
    """A resident living in a unit in a role, from one date until another.

    A move-out sets ``moved_out``; the row stays as history.
    """

    __tablename__ = "occupancy"
    __table_args__ = (
        CheckConstraint("role IN ('owner', 'tenant', 'family', 'domestic_helper')", name="role"),
        CheckConstraint("moved_out IS NULL OR moved_out >= moved_in", name="dates"),
        Index("ix_occupancy_site_id_unit_id", "site_id", "unit_id"),
        Index("ix_occupancy_site_id_resident_id", "site_id", "resident_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    role: Mapped[str] = mapped_column(String(20), default="owner")
    moved_in: Mapped[date] = mapped_column(Date)
    moved_out: Mapped[date | None] = mapped_column(Date)
    is_primary_contact: Mapped[bool] = mapped_column(Boolean, default=False)

    resident: Mapped[Resident] = relationship(back_populates="occupancies")
    unit: Mapped[Unit] = relationship()

    @property
    def is_current(self) -> bool:
        return self.moved_out is None


CONTACT_KINDS = ("call", "visit", "message", "note")


class Contact(SiteOwned, Timestamps, db.Model):
    """A contact with a resident written down by staff: a call, a visit, a message, a note."""

    __tablename__ = "contact"
    __table_args__ = (
        CheckConstraint("kind IN ('call', 'visit', 'message', 'note')", name="kind"),
        Index("ix_contact_site_id_resident_id_at", "site_id", "resident_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    kind: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    summary: Mapped[str] = mapped_column(Text)
    staff_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))

    resident: Mapped[Resident] = relationship()
    staff: Mapped[User] = relationship()


class Vehicle(SiteOwned, Timestamps, db.Model):
    __tablename__ = "vehicle"
    __table_args__ = (
        UniqueConstraint("site_id", "plate"),
        Index("ix_vehicle_site_id_resident_id", "site_id", "resident_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    plate: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(120), default="")
    parking_space: Mapped[str] = mapped_column(String(20), default="")

    resident: Mapped[Resident] = relationship(back_populates="vehicles")


class Pet(SiteOwned, Timestamps, db.Model):
    __tablename__ = "pet"
    __table_args__ = (Index("ix_pet_site_id_resident_id", "site_id", "resident_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    species: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(60), default="")
    notes: Mapped[str] = mapped_column(String(300), default="")

    resident: Mapped[Resident] = relationship(back_populates="pets")
