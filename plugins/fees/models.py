"""Fees: what each unit is billed, what it paid, why it owes, and how it was chased.

Money is an integer of minor units in the site's currency. A bill belongs to one unit,
one fee and one billing period (``YYYY-MM`` or ``YYYY-Qn``); the unique key makes a
second generation of the same period write nothing. ``paid_minor`` is the sum of the
payments allocated to the bill and never goes above its amount (a CHECK).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import SiteOwned, Timestamps, Unit, User, UTCDateTime

FEE_KINDS = ("management", "parking", "other")
BASES = ("fixed", "area")
FREQUENCIES = ("monthly", "quarterly")
METHODS = ("cash", "transfer", "card", "cheque")
PAYMENT_STATUSES = ("paid", "voided", "refunded")
REASONS = ("dispute", "away", "hardship", "refuses", "unreachable", "forgot", "other")
CHASE_KINDS = ("call", "visit", "letter", "sms")
SOURCES = ("generated", "imported")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class FeesFee(SiteOwned, Timestamps, db.Model):
    """A fee of the site: fixed per unit, or a rate per m² of the unit's area, per period."""

    __tablename__ = "fees_fee"
    __table_args__ = (
        UniqueConstraint("site_id", "name"),
        CheckConstraint(_in("kind", FEE_KINDS), name="kind"),
        CheckConstraint(_in("basis", BASES), name="basis"),
        CheckConstraint(_in("frequency", FREQUENCIES), name="frequency"),
        CheckConstraint("rate_minor >= 0", name="rate_not_negative"),
        CheckConstraint("due_day >= 1 AND due_day <= 28", name="due_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20), default="management")
    basis: Mapped[str] = mapped_column(String(10), default="fixed")
    # Fixed: the amount per unit and period. Area: the amount per m² and period.
    rate_minor: Mapped[int] = mapped_column(BigInteger)
    frequency: Mapped[str] = mapped_column(String(10), default="monthly")
    due_day: Mapped[int] = mapped_column(Integer, default=15)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class FeesBill(SiteOwned, Timestamps, db.Model):
    """What one unit owes for one fee and one period."""

    __tablename__ = "fees_bill"
    __table_args__ = (
        UniqueConstraint("site_id", "unit_id", "fee_id", "period"),
        CheckConstraint("amount_minor >= 0", name="amount_not_negative"),
        CheckConstraint("paid_minor >= 0", name="paid_not_negative"),
        CheckConstraint("paid_minor <= amount_minor", name="paid_within_amount"),
        CheckConstraint(_in("source", SOURCES), name="source"),
        Index("ix_fees_bill_site_id_unit_id_due_on", "site_id", "unit_id", "due_on"),
        Index("ix_fees_bill_site_id_due_on_building_id", "site_id", "due_on", "building_id"),
        # The arrears list and the reminders read only the bills that still owe.
        Index(
            "ix_fees_bill_owing",
            "site_id",
            "due_on",
            sqlite_where=text("paid_minor < amount_minor"),
            postgresql_where=text("paid_minor < amount_minor"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    # The unit's building, kept on the bill so that the rates by building and butler
    # are one grouped pass over the bills.
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"))
    fee_id: Mapped[int] = mapped_column(ForeignKey("fees_fee.id"))
    period: Mapped[str] = mapped_column(String(7))
    description: Mapped[str] = mapped_column(String(200), default="")
    issued_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    paid_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    source: Mapped[str] = mapped_column(String(10), default="generated")

    unit: Mapped[Unit] = relationship()
    fee: Mapped[FeesFee] = relationship()

    @property
    def due_minor(self) -> int:
        return self.amount_minor - self.paid_minor


class FeesPayment(SiteOwned, Timestamps, db.Model):
    """Money received for a unit, spread over its bills oldest first; voided or refunded
    with a reason (the allocations are then taken back)."""

    __tablename__ = "fees_payment"
    __table_args__ = (
        CheckConstraint(_in("method", METHODS), name="method"),
        CheckConstraint(_in("status", PAYMENT_STATUSES), name="status"),
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        Index("ix_fees_payment_site_id_unit_id", "site_id", "unit_id"),
        Index(
            "ix_fees_payment_site_id_taken_by_id_received_at",
            "site_id",
            "taken_by_id",
            "received_at",
        ),
        Index("ix_fees_payment_site_id_received_at", "site_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    method: Mapped[str] = mapped_column(String(10))
    reference: Mapped[str] = mapped_column(String(100), default="")
    payer: Mapped[str] = mapped_column(String(120), default="")
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    taken_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[str] = mapped_column(String(10), default="paid")
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    unit: Mapped[Unit] = relationship()
    taken_by: Mapped[User] = relationship(foreign_keys=[taken_by_id])
    allocations: Mapped[list[FeesAllocation]] = relationship(
        back_populates="payment", order_by="FeesAllocation.id"
    )


class FeesAllocation(SiteOwned, db.Model):
    """The part of a payment that went to one bill."""

    __tablename__ = "fees_allocation"
    __table_args__ = (
        UniqueConstraint("site_id", "payment_id", "bill_id"),
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        Index("ix_fees_allocation_site_id_bill_id", "site_id", "bill_id"),
        Index("ix_fees_allocation_site_id_received_at", "site_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("fees_payment.id"))
    bill_id: Mapped[int] = mapped_column(ForeignKey("fees_bill.id"))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    # The payment's moment, copied so that "collected in the month" reads one table.
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set when the payment is voided or refunded: the allocation no longer counts.
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)

    payment: Mapped[FeesPayment] = relationship(back_populates="allocations")
    bill: Mapped[FeesBill] = relationship()


class FeesArrear(SiteOwned, Timestamps, db.Model):
    """Why a unit owes: one reason per unit, kept while it owes (and as history after)."""

    __tablename__ = "fees_arrear"
    __table_args__ = (
        UniqueConstraint("site_id", "unit_id"),
        CheckConstraint(_in("reason", REASONS), name="reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    noted_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    noted_at: Mapped[datetime] = mapped_column(UTCDateTime)

    noted_by: Mapped[User] = relationship()


class FeesChase(SiteOwned, Timestamps, db.Model):
    """One contact made to chase a unit's arrears, and the promise to pay it brought."""

    __tablename__ = "fees_chase"
    __table_args__ = (
        CheckConstraint(_in("kind", CHASE_KINDS), name="kind"),
        CheckConstraint("promise_minor IS NULL OR promise_minor > 0", name="promise_positive"),
        Index("ix_fees_chase_site_id_unit_id", "site_id", "unit_id"),
        Index("ix_fees_chase_site_id_butler_id_at", "site_id", "butler_id", "at"),
        Index("ix_fees_chase_site_id_promise_on", "site_id", "promise_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    butler_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    promise_on: Mapped[date | None] = mapped_column(Date)
    promise_minor: Mapped[int | None] = mapped_column(BigInteger)

    unit: Mapped[Unit] = relationship()
    butler: Mapped[User] = relationship()


class FeesWeek(SiteOwned, db.Model):
    """The Monday report's figures of one butler for one week, written by the Monday job."""

    __tablename__ = "fees_week"
    __table_args__ = (UniqueConstraint("site_id", "week_start", "butler_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    week_start: Mapped[date] = mapped_column(Date)
    butler_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    units_chased: Mapped[int] = mapped_column(Integer, default=0)
    contacts: Mapped[int] = mapped_column(Integer, default=0)
    promises: Mapped[int] = mapped_column(Integer, default=0)
    promised_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    collected_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    made_at: Mapped[datetime] = mapped_column(UTCDateTime)

    butler: Mapped[User] = relationship()


class FeesTally(SiteOwned, db.Model):
    """What the bills of one building due on one day ask for and have been paid: kept by
    the rules as bills are made and money comes in or goes back, so that the collection
    rate is a sum over a few rows per building and month, not over every bill."""

    __tablename__ = "fees_tally"
    __table_args__ = (
        UniqueConstraint("site_id", "due_on", "building_id"),
        CheckConstraint("paid_minor >= 0", name="paid_not_negative"),
        CheckConstraint("paid_minor <= billed_minor", name="paid_within_billed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"))
    due_on: Mapped[date] = mapped_column(Date)
    billed_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_minor: Mapped[int] = mapped_column(BigInteger, default=0)


class FeesBalance(SiteOwned, db.Model):
    """What one unit owes on all its bills and the due date of its oldest unpaid one, kept
    by the rules, so that the arrears list reads one row per unit in the order it shows."""

    __tablename__ = "fees_balance"
    __table_args__ = (
        UniqueConstraint("site_id", "unit_id"),
        CheckConstraint("owing_minor > 0", name="owing_positive"),
        Index("ix_fees_balance_site_id_oldest_due", "site_id", "oldest_due", "unit_id"),
        Index(
            "ix_fees_balance_site_id_building_id_oldest_due", "site_id", "building_id", "oldest_due"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"))
    owing_minor: Mapped[int] = mapped_column(BigInteger)
    oldest_due: Mapped[date] = mapped_column(Date)


MODELS = [
    FeesFee,
    FeesBill,
    FeesPayment,
    FeesAllocation,
    FeesArrear,
    FeesChase,
    FeesWeek,
    FeesTally,
    FeesBalance,
]
