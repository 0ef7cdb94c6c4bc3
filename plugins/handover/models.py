"""The handover plugin's tables: time slots with a capacity, the owners' bookings, the
inspection room by room, the defects to closure and the unit's steps after handover."""

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
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import SiteOwned, Unit, User, UTCDateTime

# The checklist of every room, in the order the inspector walks it.
CHECK_ITEMS = (
    "walls",
    "floors",
    "doors",
    "windows",
    "plumbing",
    "electrical",
    "kitchen",
    "bathroom",
)
SEVERITIES = ("minor", "major", "critical")
BOOKING_STATUSES = ("booked", "handed_over", "cancelled")
DEFECT_STATUSES = ("open", "reinspected", "closed")
# What became of the unit after its keys were handed over (the core's unit status
# follows: handed over leaves it vacant).
STEPS = ("handed_over", "renovating", "occupied", "let")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class HandoverSlot(SiteOwned, db.Model):
    """A time at which owners come to collect their keys, for so many owners at most."""

    __tablename__ = "handover_slot"
    __table_args__ = (
        UniqueConstraint("site_id", "starts_at"),
        CheckConstraint("capacity BETWEEN 1 AND 50", name="capacity"),
        # The conditional update in rules.book keeps it so; the database says it too.
        CheckConstraint("booked >= 0 AND booked <= capacity", name="booked"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    minutes: Mapped[int] = mapped_column(Integer, default=60)
    capacity: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer, default=0)


class HandoverBooking(SiteOwned, db.Model):
    """An owner's appointment to inspect their unit and collect its keys."""

    __tablename__ = "handover_booking"
    __table_args__ = (
        CheckConstraint(_in("status", BOOKING_STATUSES), name="status"),
        CheckConstraint("keys_count BETWEEN 0 AND 99", name="keys_count"),
        # Handed over only when the owner signed the report.
        CheckConstraint(
            "handed_over_at IS NULL OR (signature_key <> '' AND signed_by <> '')",
            name="handed_over_signed",
        ),
        Index("ix_handover_booking_site_id_slot_id", "site_id", "slot_id"),
        Index("ix_handover_booking_site_id_unit_id", "site_id", "unit_id"),
        # One booking at a time per unit: a cancelled one makes way for the next.
        Index(
            "uq_handover_booking_site_id_unit_id_active",
            "site_id",
            "unit_id",
            unique=True,
            sqlite_where=text("status <> 'cancelled'"),
            postgresql_where=text("status <> 'cancelled'"),
        ),
        Index("ix_handover_booking_site_id_handed_over_at", "site_id", "handed_over_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("handover_slot.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    owner_name: Mapped[str] = mapped_column(String(120))
    owner_phone: Mapped[str] = mapped_column(String(40), default="")
    owner_email: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="booked")
    has_id: Mapped[bool] = mapped_column(Boolean, default=False)
    has_contract: Mapped[bool] = mapped_column(Boolean, default=False)
    has_payment: Mapped[bool] = mapped_column(Boolean, default=False)
    keys_count: Mapped[int] = mapped_column(Integer, default=0)
    meter_electricity: Mapped[str] = mapped_column(String(20), default="")
    meter_water: Mapped[str] = mapped_column(String(20), default="")
    meter_gas: Mapped[str] = mapped_column(String(20), default="")
    signed_by: Mapped[str] = mapped_column(String(120), default="")
    signature_key: Mapped[str] = mapped_column(String(80), default="")
    handed_over_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handed_over_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))

    slot: Mapped[HandoverSlot] = relationship()
    unit: Mapped[Unit] = relationship()
    handed_over_by: Mapped[User | None] = relationship(foreign_keys=[handed_over_by_id])
    rooms: Mapped[list[HandoverRoom]] = relationship(
        back_populates="booking", order_by="HandoverRoom.position"
    )


class HandoverRoom(SiteOwned, db.Model):
    """One room of the inspection, with the checklist items found in order."""

    __tablename__ = "handover_room"
    __table_args__ = (
        UniqueConstraint("site_id", "booking_id", "position"),
        Index("ix_handover_room_site_id_booking_id", "site_id", "booking_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("handover_booking.id"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(60))
    # The items found in order, as codes of CHECK_ITEMS joined by commas.
    passed: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(String(300), default="")
    inspected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    inspected_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    booking: Mapped[HandoverBooking] = relationship(back_populates="rooms")

    @property
    def passed_items(self) -> list[str]:
        return [code for code in self.passed.split(",") if code]


class HandoverDefect(SiteOwned, db.Model):
    """A defect found at handover, to be put right by the developer's contractor."""

    __tablename__ = "handover_defect"
    __table_args__ = (
        CheckConstraint(_in("kind", CHECK_ITEMS), name="kind"),
        CheckConstraint(_in("severity", SEVERITIES), name="severity"),
        CheckConstraint(_in("status", DEFECT_STATUSES), name="status"),
        # Never closed without a re-inspection that found it put right.
        CheckConstraint("closed_at IS NULL OR reinspected_at IS NOT NULL", name="reinspected"),
        Index("ix_handover_defect_site_id_status_due_on", "site_id", "status", "due_on"),
        Index("ix_handover_defect_site_id_booking_id", "site_id", "booking_id"),
        Index("ix_handover_defect_site_id_unit_id", "site_id", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("handover_booking.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    room_id: Mapped[int | None] = mapped_column(ForeignKey("handover_room.id"))
    kind: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(10))
    place: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(500), default="")
    photo_key: Mapped[str] = mapped_column(String(80), default="")
    contractor: Mapped[str] = mapped_column(String(120), default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="open")
    found_at: Mapped[datetime] = mapped_column(UTCDateTime)
    found_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    # A re-inspection that found the work not done leaves the defect open and counts.
    reinspections: Mapped[int] = mapped_column(Integer, default=0)
    reinspection_note: Mapped[str] = mapped_column(String(300), default="")
    reinspected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reinspected_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by: Mapped[str] = mapped_column(String(120), default="")

    booking: Mapped[HandoverBooking] = relationship()
    unit: Mapped[Unit] = relationship()
    room: Mapped[HandoverRoom | None] = relationship()


class HandoverStep(SiteOwned, db.Model):
    """A step of the unit after handover (handed over, renovating, occupied, let)."""

    __tablename__ = "handover_step"
    __table_args__ = (
        CheckConstraint(_in("step", STEPS), name="step"),
        Index("ix_handover_step_site_id_unit_id", "site_id", "unit_id"),
        Index("ix_handover_step_site_id_at", "site_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("handover_booking.id"))
    step: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))

    unit: Mapped[Unit] = relationship()


MODELS = [HandoverSlot, HandoverBooking, HandoverRoom, HandoverDefect, HandoverStep]
