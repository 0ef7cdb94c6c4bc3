"""Paid services: the site's priced catalogue, orders with their lines, and payments.

Money is an integer of minor units (cents, fen) in the site's currency. An order keeps a
copy of every price it was quoted at: the catalogue may change, the order does not.
Quantities are kept in hundredths (1.5 hours is 150) so that no float is ever involved.
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
from core.models import Resident, SiteOwned, Timestamps, Unit, User, UTCDateTime

UNITS_OF_SALE = ("visit", "hour", "m2", "month")
ORDER_STATUSES = ("quoted", "accepted", "delivered", "cancelled")
ACCEPTED_HOW = ("in_person", "phone", "message", "email")
PAYMENT_KINDS = ("payment", "refund")
PAYMENT_METHODS = ("cash", "card", "transfer", "wechat_pay", "alipay")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class PaidServicesService(SiteOwned, Timestamps, db.Model):
    """A service of the site's catalogue and its current price."""

    __tablename__ = "paid_services_service"
    __table_args__ = (
        UniqueConstraint("site_id", "name"),
        CheckConstraint(_in("unit_of_sale", UNITS_OF_SALE), name="unit_of_sale"),
        CheckConstraint("price_minor >= 0", name="price_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    unit_of_sale: Mapped[str] = mapped_column(String(10), default="visit")
    price_minor: Mapped[int] = mapped_column(BigInteger)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def is_rental(self) -> bool:
        return self.unit_of_sale == "month"


class PaidServicesOrder(SiteOwned, Timestamps, db.Model):
    """What a resident ordered for a unit: quoted, accepted, delivered (or cancelled), paid."""

    __tablename__ = "paid_services_order"
    __table_args__ = (
        CheckConstraint(_in("status", ORDER_STATUSES), name="status"),
        CheckConstraint(
            "accepted_how IS NULL OR " + _in("accepted_how", ACCEPTED_HOW), name="accepted_how"
        ),
        CheckConstraint("total_minor >= 0", name="total_not_negative"),
        CheckConstraint("paid_minor >= 0", name="paid_not_negative"),
        CheckConstraint("paid_minor <= total_minor", name="paid_within_total"),
        CheckConstraint(
            "satisfaction IS NULL OR (satisfaction >= 1 AND satisfaction <= 5)",
            name="satisfaction",
        ),
        Index(
            "ix_paid_services_order_site_id_status_scheduled_on",
            "site_id",
            "status",
            "scheduled_on",
        ),
        Index("ix_paid_services_order_site_id_resident_id", "site_id", "resident_id"),
        Index("ix_paid_services_order_site_id_delivered_on", "site_id", "delivered_on"),
        # The unpaid list and the dashboard's unpaid sum read only the orders that owe.
        Index(
            "ix_paid_services_order_unpaid",
            "site_id",
            "status",
            sqlite_where=text("paid_minor < total_minor"),
            postgresql_where=text("paid_minor < total_minor"),
        ),
        Index("ix_paid_services_order_site_id_scheduled_on", "site_id", "scheduled_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    status: Mapped[str] = mapped_column(String(20), default="quoted")
    note: Mapped[str] = mapped_column(Text, default="")
    sold_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    total_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    # The acceptance of the quote: who (as they gave their name), when, how.
    accepted_by_name: Mapped[str] = mapped_column(String(120), default="")
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_how: Mapped[str | None] = mapped_column(String(20))
    accepted_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    scheduled_on: Mapped[date | None] = mapped_column(Date)
    assigned_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    contractor: Mapped[str] = mapped_column(String(120), default="")
    delivered_on: Mapped[date | None] = mapped_column(Date)
    delivery_note: Mapped[str] = mapped_column(Text, default="")
    delivered_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    satisfaction_note: Mapped[str] = mapped_column(Text, default="")
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    # A rental runs from delivery until it is ended; each later month adds a charge.
    rental_ended_on: Mapped[date | None] = mapped_column(Date)
    # The service_desk request the order came from; no foreign key, since that plugin
    # (and its table) may not be installed.
    service_desk_request_id: Mapped[int | None] = mapped_column(Integer)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    resident: Mapped[Resident] = relationship()
    unit: Mapped[Unit | None] = relationship()
    sold_by: Mapped[User] = relationship(foreign_keys=[sold_by_id])
    assigned_user: Mapped[User | None] = relationship(foreign_keys=[assigned_user_id])
    lines: Mapped[list[PaidServicesLine]] = relationship(
        back_populates="order", order_by="PaidServicesLine.id"
    )

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def due_minor(self) -> int:
        return self.total_minor - self.paid_minor

    @property
    def is_open(self) -> bool:
        return self.status in ("quoted", "accepted")

    @property
    def monthly_minor(self) -> int:
        """What one month of the rental lines of the quote costs (0 when there are none)."""
        return sum(line.total_minor for line in self.lines if line.is_rental and not line.period)

    @property
    def rental_running(self) -> bool:
        return self.status == "delivered" and self.rental_ended_on is None and self.monthly_minor


class PaidServicesLine(SiteOwned, Timestamps, db.Model):
    """One line of an order, with the price it was sold at copied from the catalogue.

    A line with a ``period`` (``YYYY-MM``) is a rental's monthly charge, added by the
    monthly job; the unique key makes each month's charge happen once.
    """

    __tablename__ = "paid_services_line"
    __table_args__ = (
        UniqueConstraint("site_id", "order_id", "period"),
        CheckConstraint(_in("unit_of_sale", UNITS_OF_SALE), name="unit_of_sale"),
        CheckConstraint("unit_price_minor >= 0", name="price_not_negative"),
        CheckConstraint("quantity_hundredths > 0", name="quantity_positive"),
        CheckConstraint("total_minor >= 0", name="total_not_negative"),
        Index("ix_paid_services_line_site_id_order_id", "site_id", "order_id"),
        Index("ix_paid_services_line_site_id_service_id", "site_id", "service_id"),
        Index("ix_paid_services_line_site_id_period", "site_id", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("paid_services_order.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("paid_services_service.id"))
    description: Mapped[str] = mapped_column(String(200))
    unit_of_sale: Mapped[str] = mapped_column(String(10))
    unit_price_minor: Mapped[int] = mapped_column(BigInteger)
    quantity_hundredths: Mapped[int] = mapped_column(Integer)
    total_minor: Mapped[int] = mapped_column(BigInteger)
    period: Mapped[str | None] = mapped_column(String(7))

    order: Mapped[PaidServicesOrder] = relationship(back_populates="lines")
    service: Mapped[PaidServicesService] = relationship()

    @property
    def is_rental(self) -> bool:
        return self.unit_of_sale == "month"


class PaidServicesPayment(SiteOwned, Timestamps, db.Model):
    """Money received for an order, or given back (a refund, with its reason)."""

    __tablename__ = "paid_services_payment"
    __table_args__ = (
        CheckConstraint(_in("kind", PAYMENT_KINDS), name="kind"),
        CheckConstraint(_in("method", PAYMENT_METHODS), name="method"),
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        Index("ix_paid_services_payment_site_id_order_id", "site_id", "order_id"),
        Index("ix_paid_services_payment_site_id_received_at", "site_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("paid_services_order.id"))
    kind: Mapped[str] = mapped_column(String(10), default="payment")
    method: Mapped[str] = mapped_column(String(20))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reference: Mapped[str] = mapped_column(String(100), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))

    recorded_by: Mapped[User] = relationship()

    @property
    def signed_minor(self) -> int:
        return self.amount_minor if self.kind == "payment" else -self.amount_minor


class PaidServicesMonthFigure(SiteOwned, db.Model):
    """The revenue report's sums for one month of a site, one row per (service, seller):
    kept up to date on every write of an order, its lines or its payments
    (``plugins/paid_services/rollup.py``), so the report reads a year as a few hundred rows
    instead of every order of the year.

    ``service_id`` is 0 on a seller's row of money collected and quotes sold (they belong
    to no service). The counts say whether anything was there at all: a service whose
    delivered lines came to 0 still shows in its month, as it does when summed from rows.
    """

    __tablename__ = "paid_services_month_figure"
    __table_args__ = (
        UniqueConstraint(
            "site_id", "month", "service_id", "seller_id", name="uq_paid_services_month_figure_key"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))
    service_id: Mapped[int] = mapped_column(Integer)
    seller_id: Mapped[int] = mapped_column(Integer)
    delivered_lines: Mapped[int] = mapped_column(Integer, default=0)
    delivered_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    payments: Mapped[int] = mapped_column(Integer, default=0)
    collected_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    sold_orders: Mapped[int] = mapped_column(Integer, default=0)
    sold_minor: Mapped[int] = mapped_column(BigInteger, default=0)


class PaidServicesOrderShare(SiteOwned, db.Model):
    """What one order adds to the month figures, as last counted: the rollup takes it
    away again before adding the order's new share, so an edit, a refund or a
    cancellation moves the figures by exactly the difference."""

    __tablename__ = "paid_services_order_share"
    __table_args__ = (
        Index("ix_paid_services_order_share_site_id_order_id", "site_id", "order_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(Integer)
    month: Mapped[str] = mapped_column(String(7))
    service_id: Mapped[int] = mapped_column(Integer)
    seller_id: Mapped[int] = mapped_column(Integer)
    delivered_lines: Mapped[int] = mapped_column(Integer, default=0)
    delivered_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    payments: Mapped[int] = mapped_column(Integer, default=0)
    collected_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    sold_orders: Mapped[int] = mapped_column(Integer, default=0)
    sold_minor: Mapped[int] = mapped_column(BigInteger, default=0)


MODELS = [
    PaidServicesService,
    PaidServicesOrder,
    PaidServicesLine,
    PaidServicesPayment,
    PaidServicesMonthFigure,
    PaidServicesOrderShare,
]
