"""Housekeeping's tables: rooms' status, blocks, inspections, the day's assignments,
master keys and their custody, linen and its stocktakes.

A hotel room is a core ``Unit``; ``housekeeping_room`` keeps what housekeeping knows about
it (its status, VIP, when it was released to the front desk), one row per unit, created
the first time housekeeping writes about the room.
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
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import clock
from core.extensions import db
from core.models import SiteOwned, Unit, User, UTCDateTime

STATUSES = (
    "vacant_dirty",
    "vacant_clean",
    "inspected",
    "occupied",
    "occupied_dirty",
    "out_of_order",
    "out_of_service",
)
BLOCK_KINDS = ("out_of_order", "out_of_service")
MOVEMENTS = ("departure", "stayover", "arrival")
# A departure is a full clean; a stay-over a service; an arrival a check of a ready room.
CREDITS = {"departure": 3, "stayover": 2, "arrival": 1}
DEFAULT_STATUS = "vacant_clean"


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class HousekeepingRoom(SiteOwned, db.Model):
    """Housekeeping's view of one room (a core unit)."""

    __tablename__ = "housekeeping_room"
    __table_args__ = (
        UniqueConstraint("site_id", "unit_id"),
        CheckConstraint(_in("status", STATUSES), name="status"),
        Index("ix_housekeeping_room_site_id_status", "site_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    status: Mapped[str] = mapped_column(String(20), default=DEFAULT_STATUS)
    vip: Mapped[bool] = mapped_column(Boolean, default=False)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # Any change of what the board shows (status, VIP, release, rush): the board's
    # refresh sends only the rooms changed since it last asked.
    updated_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, default=clock.now, onupdate=clock.now
    )
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Set by the front desk (a guest waiting): the room comes first on its attendant's
    # list until it is cleaned.
    rush_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rush_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    unit: Mapped[Unit] = relationship()


class HousekeepingBlock(SiteOwned, db.Model):
    """A room taken out of sale (out of order) or out of service, agreed with the front desk."""

    __tablename__ = "housekeeping_block"
    __table_args__ = (
        CheckConstraint(_in("kind", BLOCK_KINDS), name="kind"),
        CheckConstraint("ends_on >= starts_on", name="period"),
        Index("ix_housekeeping_block_site_id_unit_id", "site_id", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(300))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    agreed_with: Mapped[str] = mapped_column(String(120))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User | None] = relationship()


class HousekeepingInspection(SiteOwned, db.Model):
    """A supervisor's check of a cleaned room; failed items send the room back."""

    __tablename__ = "housekeeping_inspection"
    __table_args__ = (
        Index("ix_housekeeping_inspection_site_id_inspected_at", "site_id", "inspected_at"),
        Index("ix_housekeeping_inspection_site_id_unit_id", "site_id", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    inspector_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    inspected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    passed: Mapped[bool] = mapped_column(Boolean)
    failed_items: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(String(500), default="")

    inspector: Mapped[User] = relationship()

    @property
    def failed(self) -> list[str]:
        return [code for code in self.failed_items.split(",") if code]


class HousekeepingAssignment(SiteOwned, db.Model):
    """One room of one day: its movement (from the day's occupancy), credits, attendant."""

    __tablename__ = "housekeeping_assignment"
    __table_args__ = (
        UniqueConstraint("site_id", "day", "unit_id"),
        CheckConstraint(_in("movement", MOVEMENTS), name="movement"),
        CheckConstraint("credits >= 0", name="credits"),
        Index(
            "ix_housekeeping_assignment_site_id_day_attendant_id", "site_id", "day", "attendant_id"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    movement: Mapped[str] = mapped_column(String(12))
    vip: Mapped[bool] = mapped_column(Boolean, default=False)
    credits: Mapped[int] = mapped_column(Integer)
    attendant_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    cleaned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[Unit] = relationship()
    attendant: Mapped[User | None] = relationship()


class HousekeepingKey(SiteOwned, db.Model):
    """A master key of the register."""

    __tablename__ = "housekeeping_key"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20))
    opens: Mapped[str] = mapped_column(String(120), default="")
    lost_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lost_note: Mapped[str] = mapped_column(String(300), default="")


class HousekeepingKeyIssue(SiteOwned, db.Model):
    """One custody of a master key: issued at shift start, signed back at shift end.

    A key is out to one person at a time: the partial unique index allows one open
    custody (``returned_at IS NULL``) per key, whatever two supervisors click at once.
    """

    __tablename__ = "housekeeping_key_issue"
    __table_args__ = (
        Index(
            "uq_housekeeping_key_issue_open",
            "site_id",
            "key_id",
            unique=True,
            sqlite_where=text("returned_at IS NULL"),
            postgresql_where=text("returned_at IS NULL"),
        ),
        Index("ix_housekeeping_key_issue_site_id_issued_at", "site_id", "issued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("housekeeping_key.id"))
    holder_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    shift_ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_to_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    lost: Mapped[bool] = mapped_column(Boolean, default=False)

    key: Mapped[HousekeepingKey] = relationship()
    holder: Mapped[User] = relationship(foreign_keys=[holder_id])


# --- Linen -------------------------------------------------------------------------------

LINEN_MOVES = ("purchased", "issued", "to_laundry", "returned", "discarded")
# Where each movement takes pieces from and puts them: (column, sign).
LINEN_EFFECTS: dict[str, tuple[tuple[str, int], ...]] = {
    "purchased": (("in_store", 1),),
    "issued": (("in_store", -1), ("on_floors", 1)),
    "to_laundry": (("on_floors", -1), ("in_laundry", 1)),
    "returned": (("in_laundry", -1), ("in_store", 1)),
    "discarded": (("in_store", -1),),
}


class HousekeepingLinenItem(SiteOwned, db.Model):
    """A kind of linen (bath towel, king sheet…) and where its pieces are.

    Counts never go below zero: the CHECKs refuse it whatever the application does.
    """

    __tablename__ = "housekeeping_linen_item"
    __table_args__ = (
        UniqueConstraint("site_id", "name"),
        CheckConstraint("in_store >= 0", name="in_store"),
        CheckConstraint("on_floors >= 0", name="on_floors"),
        CheckConstraint("in_laundry >= 0", name="in_laundry"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    in_store: Mapped[int] = mapped_column(Integer, default=0)
    on_floors: Mapped[int] = mapped_column(Integer, default=0)
    in_laundry: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def total(self) -> int:
        return self.in_store + self.on_floors + self.in_laundry


class HousekeepingLinenPar(SiteOwned, db.Model):
    """How many pieces of an item a room of a type has (its par level)."""

    __tablename__ = "housekeeping_linen_par"
    __table_args__ = (
        UniqueConstraint("site_id", "item_id", "room_type"),
        CheckConstraint("par >= 0", name="par"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("housekeeping_linen_item.id"))
    room_type: Mapped[str] = mapped_column(String(40))
    par: Mapped[int] = mapped_column(Integer)


class HousekeepingLinenMovement(SiteOwned, db.Model):
    """Pieces purchased, issued to floors, sent to laundry, returned or discarded."""

    __tablename__ = "housekeeping_linen_movement"
    __table_args__ = (
        CheckConstraint(_in("kind", LINEN_MOVES), name="kind"),
        CheckConstraint("quantity > 0", name="quantity"),
        Index("ix_housekeeping_linen_movement_site_id_moved_at", "site_id", "moved_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("housekeeping_linen_item.id"))
    kind: Mapped[str] = mapped_column(String(12))
    quantity: Mapped[int] = mapped_column(Integer)
    moved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str] = mapped_column(String(200), default="")

    item: Mapped[HousekeepingLinenItem] = relationship()
    by: Mapped[User | None] = relationship()


class HousekeepingStocktake(SiteOwned, db.Model):
    """The month's count of an item with the linen room: counted against expected."""

    __tablename__ = "housekeeping_stocktake"
    __table_args__ = (
        UniqueConstraint("site_id", "item_id", "period"),
        CheckConstraint("expected >= 0", name="expected"),
        CheckConstraint("counted_store >= 0", name="counted_store"),
        CheckConstraint("counted_floors >= 0", name="counted_floors"),
        CheckConstraint("counted_laundry >= 0", name="counted_laundry"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("housekeeping_linen_item.id"))
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    expected: Mapped[int] = mapped_column(Integer)
    counted_store: Mapped[int] = mapped_column(Integer)
    counted_floors: Mapped[int] = mapped_column(Integer)
    counted_laundry: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(300), default="")
    counted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    item: Mapped[HousekeepingLinenItem] = relationship()
    by: Mapped[User | None] = relationship()

    @property
    def counted(self) -> int:
        return self.counted_store + self.counted_floors + self.counted_laundry

    @property
    def discrepancy(self) -> int:
        return self.counted - self.expected


# --- Deep cleaning and uniforms ------------------------------------------------------------

DEEP_CLEAN_KINDS = ("carpet", "curtains", "furniture")
UNIFORM_CONDITIONS = ("new", "good", "worn", "damaged")


class HousekeepingCleaningCycle(SiteOwned, db.Model):
    """How often every room gets one kind of deep cleaning (carpet shampoo every 90 days…)."""

    __tablename__ = "housekeeping_cleaning_cycle"
    __table_args__ = (
        UniqueConstraint("site_id", "kind"),
        CheckConstraint(_in("kind", DEEP_CLEAN_KINDS), name="kind"),
        CheckConstraint("every_days > 0", name="every_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    every_days: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)


class HousekeepingDeepClean(SiteOwned, db.Model):
    """One deep cleaning done in one room."""

    __tablename__ = "housekeeping_deep_clean"
    __table_args__ = (
        CheckConstraint(_in("kind", DEEP_CLEAN_KINDS), name="kind"),
        Index("ix_housekeeping_deep_clean_site_id_unit_id_kind", "site_id", "unit_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    kind: Mapped[str] = mapped_column(String(20))
    done_on: Mapped[date] = mapped_column(Date)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class HousekeepingUniformIssue(SiteOwned, db.Model):
    """Uniform pieces issued to a member of staff, and their return."""

    __tablename__ = "housekeeping_uniform_issue"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity"),
        CheckConstraint(_in("condition_out", UNIFORM_CONDITIONS), name="condition_out"),
        CheckConstraint(
            "condition_in IS NULL OR " + _in("condition_in", UNIFORM_CONDITIONS),
            name="condition_in",
        ),
        Index("ix_housekeeping_uniform_issue_site_id_holder_id", "site_id", "holder_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    item: Mapped[str] = mapped_column(String(80))
    size: Mapped[str] = mapped_column(String(10))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    condition_out: Mapped[str] = mapped_column(String(10))
    issued_on: Mapped[date] = mapped_column(Date)
    returned_on: Mapped[date | None] = mapped_column(Date)
    condition_in: Mapped[str | None] = mapped_column(String(10))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    holder: Mapped[User] = relationship(foreign_keys=[holder_id])


# --- Supplies, requisitions, machines ------------------------------------------------------

SUPPLY_KINDS = ("cleaning", "guest")
REQUISITION_STATUSES = ("draft", "approved", "received")
MACHINE_CONDITIONS = ("working", "repair", "retired")


class HousekeepingSupply(SiteOwned, db.Model):
    """A cleaning or guest supply, its stock and the stock to hold (par)."""

    __tablename__ = "housekeeping_supply"
    __table_args__ = (
        UniqueConstraint("site_id", "name"),
        CheckConstraint(_in("kind", SUPPLY_KINDS), name="kind"),
        CheckConstraint("in_stock >= 0", name="in_stock"),
        CheckConstraint("par >= 0", name="par"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(10))
    in_stock: Mapped[int] = mapped_column(Integer, default=0)
    par: Mapped[int] = mapped_column(Integer, default=0)


class HousekeepingSupplyUse(SiteOwned, db.Model):
    """Supplies taken from the store to the floors: the consumption requisitions learn from."""

    __tablename__ = "housekeeping_supply_use"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity"),
        Index("ix_housekeeping_supply_use_site_id_used_on", "site_id", "used_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supply_id: Mapped[int] = mapped_column(ForeignKey("housekeeping_supply.id"))
    used_on: Mapped[date] = mapped_column(Date)
    quantity: Mapped[int] = mapped_column(Integer)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class HousekeepingRequisition(SiteOwned, db.Model):
    """The week's requisition: drafted, approved, received into stock."""

    __tablename__ = "housekeeping_requisition"
    __table_args__ = (
        UniqueConstraint("site_id", "week_of"),
        CheckConstraint(_in("status", REQUISITION_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    week_of: Mapped[date] = mapped_column(Date)  # the Monday
    status: Mapped[str] = mapped_column(String(10), default="draft")
    drafted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    lines: Mapped[list[HousekeepingRequisitionLine]] = relationship(
        back_populates="requisition", order_by="HousekeepingRequisitionLine.id"
    )


class HousekeepingRequisitionLine(SiteOwned, db.Model):
    __tablename__ = "housekeeping_requisition_line"
    __table_args__ = (
        UniqueConstraint("site_id", "requisition_id", "supply_id"),
        CheckConstraint("quantity >= 0", name="quantity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requisition_id: Mapped[int] = mapped_column(ForeignKey("housekeeping_requisition.id"))
    supply_id: Mapped[int] = mapped_column(ForeignKey("housekeeping_supply.id"))
    quantity: Mapped[int] = mapped_column(Integer)

    requisition: Mapped[HousekeepingRequisition] = relationship(back_populates="lines")
    supply: Mapped[HousekeepingSupply] = relationship()


class HousekeepingMachine(SiteOwned, db.Model):
    """A cleaning machine of the inventory (vacuum, carpet extractor, floor scrubber…)."""

    __tablename__ = "housekeeping_machine"
    __table_args__ = (
        UniqueConstraint("site_id", "code"),
        CheckConstraint(_in("condition", MACHINE_CONDITIONS), name="condition"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(80))
    location: Mapped[str] = mapped_column(String(80), default="")
    condition: Mapped[str] = mapped_column(String(10), default="working")
    checked_on: Mapped[date | None] = mapped_column(Date)


# --- Emergency duty roster and staff evaluations -----------------------------------------

EMERGENCIES = ("typhoon", "flood", "fire", "other")
SHIFT_CODES = ("morning", "afternoon", "night")


class HousekeepingDuty(SiteOwned, db.Model):
    """Who is on emergency duty (typhoon, flood, fire) on a day's shift."""

    __tablename__ = "housekeeping_duty"
    __table_args__ = (
        UniqueConstraint("site_id", "duty_on", "shift", "user_id"),
        CheckConstraint(_in("emergency", EMERGENCIES), name="emergency"),
        CheckConstraint(_in("shift", SHIFT_CODES), name="shift"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    emergency: Mapped[str] = mapped_column(String(10))
    duty_on: Mapped[date] = mapped_column(Date)
    shift: Mapped[str] = mapped_column(String(10))
    task: Mapped[str] = mapped_column(String(120), default="")

    user: Mapped[User] = relationship()


class HousekeepingEvaluation(SiteOwned, db.Model):
    """A member of staff's evaluation for a period (a month, YYYY-MM)."""

    __tablename__ = "housekeeping_evaluation"
    __table_args__ = (
        UniqueConstraint("site_id", "user_id", "period"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score"),
        *(
            CheckConstraint(f"{c} IS NULL OR {c} BETWEEN 1 AND 5", name=c)
            for c in ("quality", "speed", "grooming", "attendance")
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    period: Mapped[str] = mapped_column(String(7))
    score: Mapped[int] = mapped_column(Integer)
    # The score on each criterion, when given.
    quality: Mapped[int | None] = mapped_column(Integer)
    speed: Mapped[int | None] = mapped_column(Integer)
    grooming: Mapped[int | None] = mapped_column(Integer)
    attendance: Mapped[int | None] = mapped_column(Integer)
    comments: Mapped[str] = mapped_column(String(1000), default="")
    evaluator_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    evaluated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


# --- Work orders, guest requests, lost and found ------------------------------------------

PRIORITIES = ("urgent", "normal", "low")
REQUEST_KINDS = ("request", "complaint")
SATISFACTION = ("satisfied", "neutral", "unsatisfied")
LOST_STATES = ("kept", "claimed", "disposed")


class HousekeepingWorkOrder(SiteOwned, db.Model):
    """A repair for engineering, reported from a room or a public area.

    ``block_id`` is the out-of-order block it put on its room: the block ends (and the
    room goes back to vacant dirty) when engineering closes the order, not before.
    """

    __tablename__ = "housekeeping_work_order"
    __table_args__ = (
        CheckConstraint(_in("priority", PRIORITIES), name="priority"),
        CheckConstraint("unit_id IS NOT NULL OR place <> ''", name="where"),
        Index("ix_housekeeping_work_order_site_id_closed_at", "site_id", "closed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    place: Mapped[str] = mapped_column(String(120), default="")
    problem: Mapped[str] = mapped_column(String(300))
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    photo_key: Mapped[str | None] = mapped_column(String(80))
    block_id: Mapped[int | None] = mapped_column(ForeignKey("housekeeping_block.id"))
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    engineer: Mapped[str] = mapped_column(String(120), default="")
    work_done: Mapped[str] = mapped_column(String(300), default="")

    unit: Mapped[Unit | None] = relationship()
    reported_by: Mapped[User] = relationship(foreign_keys=[reported_by_id])


class HousekeepingGuestRequest(SiteOwned, db.Model):
    """A guest's request (more towels) or complaint, from logged to closed."""

    __tablename__ = "housekeeping_guest_request"
    __table_args__ = (
        CheckConstraint(_in("kind", REQUEST_KINDS), name="kind"),
        CheckConstraint(
            "satisfaction IS NULL OR " + _in("satisfaction", SATISFACTION), name="satisfaction"
        ),
        CheckConstraint("closed_at IS NULL OR satisfaction IS NOT NULL", name="closed_rated"),
        Index("ix_housekeeping_guest_request_site_id_logged_at", "site_id", "logged_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    kind: Mapped[str] = mapped_column(String(10))
    what: Mapped[str] = mapped_column(String(300))
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    logged_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    satisfaction: Mapped[str | None] = mapped_column(String(12))
    outcome: Mapped[str] = mapped_column(String(300), default="")

    unit: Mapped[Unit] = relationship()
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])


class HousekeepingLostItem(SiteOwned, db.Model):
    """An item found in a room or an area, kept until claimed or disposed of."""

    __tablename__ = "housekeeping_lost_item"
    __table_args__ = (
        CheckConstraint(_in("state", LOST_STATES), name="state"),
        CheckConstraint(
            "state <> 'claimed' OR (claimed_by <> '' AND claim_id_seen <> '' AND signed)",
            name="claimed_signed",
        ),
        CheckConstraint("state <> 'disposed' OR disposal_reason <> ''", name="disposed_why"),
        Index("ix_housekeeping_lost_item_site_id_state", "site_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item: Mapped[str] = mapped_column(String(200))
    found_where: Mapped[str] = mapped_column(String(120))
    found_by: Mapped[str] = mapped_column(String(120))
    found_on: Mapped[date] = mapped_column(Date)
    kept_at: Mapped[str] = mapped_column(String(120))
    photo_key: Mapped[str | None] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(10), default="kept")
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    claimed_by: Mapped[str] = mapped_column(String(120), default="")
    claim_id_seen: Mapped[str] = mapped_column(String(60), default="")
    signed: Mapped[bool] = mapped_column(Boolean, default=False)
    disposal_reason: Mapped[str] = mapped_column(String(300), default="")
    closed_on: Mapped[date | None] = mapped_column(Date)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


# --- Labour: settings, wage grades, hours worked -----------------------------------------


class HousekeepingSetting(SiteOwned, db.Model):
    """A hotel's choices: how long lost property is kept before it may be disposed of."""

    __tablename__ = "housekeeping_setting"
    __table_args__ = (
        UniqueConstraint("site_id"),
        CheckConstraint("lost_days BETWEEN 1 AND 3650", name="lost_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lost_days: Mapped[int] = mapped_column(Integer, default=90)


class HousekeepingGrade(SiteOwned, db.Model):
    """A wage grade (room attendant II…) and its rate per hour, in minor units."""

    __tablename__ = "housekeeping_grade"
    __table_args__ = (
        UniqueConstraint("site_id", "name"),
        CheckConstraint("hourly_rate > 0", name="hourly_rate"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    hourly_rate: Mapped[int] = mapped_column(Integer)


class HousekeepingRoomTime(SiteOwned, db.Model):
    """The minutes a room of a type takes to clean: the standard the hours are held to."""

    __tablename__ = "housekeeping_room_time"
    __table_args__ = (
        UniqueConstraint("site_id", "room_type"),
        CheckConstraint("minutes BETWEEN 1 AND 600", name="minutes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_type: Mapped[str] = mapped_column(String(40))
    minutes: Mapped[int] = mapped_column(Integer)


class HousekeepingShift(SiteOwned, db.Model):
    """The roster's line: the minutes one member of staff worked on a day, at a grade."""

    __tablename__ = "housekeeping_shift"
    __table_args__ = (
        UniqueConstraint("site_id", "user_id", "day"),
        CheckConstraint("minutes BETWEEN 1 AND 1440", name="minutes"),
        Index("ix_housekeeping_shift_site_id_day", "site_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    day: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    grade_id: Mapped[int] = mapped_column(ForeignKey("housekeeping_grade.id"))

    user: Mapped[User] = relationship()
    grade: Mapped[HousekeepingGrade] = relationship()


# --- Public areas, the day's functions, inspections and night spot checks ------------------

AREA_KINDS = ("lobby", "restaurant", "banquet", "office", "back_of_house", "toilet")


class HousekeepingArea(SiteOwned, db.Model):
    """A public area (lobby, restaurant, banquet room, office, back of house, toilets)
    with its inspection checklist and the public-area attendant who looks after it."""

    __tablename__ = "housekeeping_area"
    __table_args__ = (
        UniqueConstraint("site_id", "name"),
        CheckConstraint(_in("kind", AREA_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(16))
    checklist: Mapped[str] = mapped_column(String(2000), default="")  # one item a line
    attendant_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    attendant: Mapped[User | None] = relationship()

    @property
    def items(self) -> list[str]:
        return [line.strip() for line in self.checklist.splitlines() if line.strip()]


class HousekeepingFunction(SiteOwned, db.Model):
    """A function of the day in an area (a wedding lunch in the ballroom): its time and
    covers decide when the area is cleaned and by how many."""

    __tablename__ = "housekeeping_function"
    __table_args__ = (
        CheckConstraint("covers >= 0", name="covers"),
        CheckConstraint("ends_at > starts_at", name="period"),
        Index("ix_housekeeping_function_site_id_day", "site_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    area_id: Mapped[int] = mapped_column(ForeignKey("housekeeping_area.id"))
    name: Mapped[str] = mapped_column(String(120))
    starts_at: Mapped[time] = mapped_column(Time)
    ends_at: Mapped[time] = mapped_column(Time)
    covers: Mapped[int] = mapped_column(Integer, default=0)

    area: Mapped[HousekeepingArea] = relationship()


class HousekeepingSpotCheck(SiteOwned, db.Model):
    """An inspection of a public area or a room against its checklist; at night, a spot
    check of the night shift. What failed and what was found are kept."""

    __tablename__ = "housekeeping_spot_check"
    __table_args__ = (
        CheckConstraint("(unit_id IS NULL) <> (area_id IS NULL)", name="what"),
        Index("ix_housekeeping_spot_check_site_id_checked_at", "site_id", "checked_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("housekeeping_area.id"))
    night: Mapped[bool] = mapped_column(Boolean, default=False)
    passed: Mapped[bool] = mapped_column(Boolean)
    failed_items: Mapped[str] = mapped_column(String(2000), default="")  # one a line
    findings: Mapped[str] = mapped_column(String(500), default="")
    by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    unit: Mapped[Unit | None] = relationship()
    area: Mapped[HousekeepingArea | None] = relationship()
    by: Mapped[User] = relationship()


STAFF_RECORD_KINDS = ("grooming", "discipline", "training")


class HousekeepingStaffRecord(SiteOwned, db.Model):
    """A grooming and hygiene check, a disciplinary note or a training of one member of
    staff: read only by the housekeeping managers."""

    __tablename__ = "housekeeping_staff_record"
    __table_args__ = (
        CheckConstraint(_in("kind", STAFF_RECORD_KINDS), name="kind"),
        Index("ix_housekeeping_staff_record_site_id_user_id", "site_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(12))
    day: Mapped[date] = mapped_column(Date)
    passed: Mapped[bool | None] = mapped_column(Boolean)  # grooming checks only
    note: Mapped[str] = mapped_column(String(500))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class HousekeepingDayCleaned(SiteOwned, db.Model):
    """Rooms cleaned and their credits per attendant and day: the month report's first
    table, kept up to date whenever an assignment is written (``rollup.py``), so the
    report reads a month as one row per attendant and day, not one per room."""

    __tablename__ = "housekeeping_day_cleaned"
    __table_args__ = (UniqueConstraint("site_id", "day", "attendant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    attendant_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    rooms: Mapped[int] = mapped_column(Integer)
    credits: Mapped[int] = mapped_column(Integer)


MODELS = [
    HousekeepingRoom,
    HousekeepingBlock,
    HousekeepingInspection,
    HousekeepingAssignment,
    HousekeepingKey,
    HousekeepingKeyIssue,
    HousekeepingLinenItem,
    HousekeepingLinenPar,
    HousekeepingLinenMovement,
    HousekeepingStocktake,
    HousekeepingCleaningCycle,
    HousekeepingDeepClean,
    HousekeepingUniformIssue,
    HousekeepingSupply,
    HousekeepingSupplyUse,
    HousekeepingRequisition,
    HousekeepingRequisitionLine,
    HousekeepingMachine,
    HousekeepingDuty,
    HousekeepingEvaluation,
    HousekeepingWorkOrder,
    HousekeepingGuestRequest,
    HousekeepingLostItem,
    HousekeepingSetting,
    HousekeepingGrade,
    HousekeepingRoomTime,
    HousekeepingShift,
    HousekeepingArea,
    HousekeepingFunction,
    HousekeepingSpotCheck,
    HousekeepingStaffRecord,
    HousekeepingDayCleaned,
]
