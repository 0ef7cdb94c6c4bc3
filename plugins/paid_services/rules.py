"""The rules of an order: what may happen to it, in which state, and what it costs.

Views call these functions and commit; a refusal raises ``Refused`` with a message for
the person at the screen, and nothing has been changed. Every change is audited.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from core import audit, clock, tenancy
from core.extensions import db
from core.models import Resident, Site, Unit, User
from core.money import line_total
from plugins.paid_services.models import (
    PaidServicesLine,
    PaidServicesOrder,
    PaidServicesPayment,
    PaidServicesService,
)


class Refused(Exception):
    """What was asked cannot be done; ``str(error)`` says why."""


def _recompute(order: PaidServicesOrder) -> None:
    order.total_minor = sum(line.total_minor for line in order.lines)


def create_order(
    site: Site,
    *,
    resident: Resident,
    unit: Unit | None,
    seller: User,
    note: str = "",
    service_desk_request_id: int | None = None,
) -> PaidServicesOrder:
    """A new quoted order without lines (add them with ``add_line``)."""
    order = PaidServicesOrder(
        site_id=site.id,
        resident_id=resident.id,
        unit_id=unit.id if unit is not None else None,
        status="quoted",
        note=note,
        sold_by_id=seller.id,
        total_minor=0,
        paid_minor=0,
        service_desk_request_id=service_desk_request_id,
    )
    db.session.add(order)
    db.session.flush()
    audit.record("paid_services.order_created", order, site=site, user=seller)
    return order


def add_line(
    order: PaidServicesOrder, service: PaidServicesService, quantity_hundredths: int, user: User
) -> PaidServicesLine:
    """Add ``service`` to a quoted order at today's catalogue price (copied into the line)."""
    if order.status != "quoted":
        raise Refused(_("Lines can only be changed while the order is a quote."))
    if service.site_id != order.site_id or not service.active:
        raise Refused(_("This service is not offered."))
    line = PaidServicesLine(
        site_id=order.site_id,
        service_id=service.id,
        description=service.name,
        unit_of_sale=service.unit_of_sale,
        unit_price_minor=service.price_minor,
        quantity_hundredths=quantity_hundredths,
        total_minor=line_total(service.price_minor, quantity_hundredths),
    )
    order.lines.append(line)
    _recompute(order)
    audit.record(
        "paid_services.line_added",
        order,
        user=user,
        detail={
            "service": service.name,
            "unit_price_minor": line.unit_price_minor,
            "quantity_hundredths": quantity_hundredths,
            "total_minor": line.total_minor,
        },
    )
    return line


def remove_line(order: PaidServicesOrder, line: PaidServicesLine, user: User) -> None:
    if order.status != "quoted":
        raise Refused(_("Lines can only be changed while the order is a quote."))
    if line.order_id != order.id:
        raise Refused(_("This line belongs to another order."))
    order.lines.remove(line)
    db.session.delete(line)
    _recompute(order)
    audit.record(
        "paid_services.line_removed", order, user=user, detail={"service": line.description}
    )


def accept(order: PaidServicesOrder, *, who: str, how: str, user: User) -> None:
    """Record that the resident (``who``) accepted the quote, now, ``how``."""
    if order.status != "quoted":
        raise Refused(_("Only a quote can be accepted."))
    if not order.lines:
        raise Refused(_("Add at least one service before the quote is accepted."))
    order.status = "accepted"
    order.accepted_by_name = who
    order.accepted_how = how
    order.accepted_at = clock.now()
    order.accepted_recorded_by_id = user.id
    audit.record(
        "paid_services.accepted",
        order,
        user=user,
        detail={"who": who, "how": how, "total_minor": order.total_minor},
    )


def schedule(
    order: PaidServicesOrder,
    *,
    on: date | None,
    staff: User | None,
    contractor: str,
    user: User,
) -> None:
    if order.status not in ("quoted", "accepted"):
        raise Refused(_("A delivered or cancelled order cannot be rescheduled."))
    before = {
        "scheduled_on": order.scheduled_on,
        "assigned_user_id": order.assigned_user_id,
        "contractor": order.contractor,
    }
    order.scheduled_on = on
    order.assigned_user_id = staff.id if staff is not None else None
    order.contractor = contractor
    after = {
        "scheduled_on": on,
        "assigned_user_id": order.assigned_user_id,
        "contractor": contractor,
    }
    audit.record(
        "paid_services.scheduled",
        order,
        user=user,
        detail={k: [before[k], after[k]] for k in before if before[k] != after[k]},
    )


def deliver(order: PaidServicesOrder, *, on: date, note: str, user: User) -> None:
    if order.status != "accepted":
        raise Refused(_("Only an accepted order can be delivered."))
    order.status = "delivered"
    order.delivered_on = on
    order.delivery_note = note
    order.delivered_recorded_by_id = user.id
    audit.record("paid_services.delivered", order, user=user, detail={"on": on, "note": note})


def record_satisfaction(order: PaidServicesOrder, *, score: int, note: str, user: User) -> None:
    if order.status != "delivered":
        raise Refused(_("Satisfaction is asked after delivery."))
    if not 1 <= score <= 5:
        raise Refused(_("Choose a score from 1 to 5."))
    order.satisfaction = score
    order.satisfaction_note = note
    audit.record("paid_services.satisfaction", order, user=user, detail={"score": score})


def cancel(order: PaidServicesOrder, *, reason: str, user: User) -> None:
    if order.status not in ("quoted", "accepted"):
        raise Refused(_("Only an open order can be cancelled."))
    if not reason.strip():
        raise Refused(_("Say why the order is cancelled."))
    order.status = "cancelled"
    order.cancelled_at = clock.now()
    order.cancel_reason = reason.strip()
    audit.record("paid_services.cancelled", order, user=user, detail={"reason": reason})


def _move_paid(order: PaidServicesOrder, delta: int) -> bool:
    """Add ``delta`` to what was paid in one guarded UPDATE; False if the rule forbids it.

    The WHERE clause re-checks the limits in the database, so two people recording money
    at the same moment cannot take the order below zero or above its total.
    """
    o = PaidServicesOrder
    result = db.session.execute(
        sa.update(o)
        .where(
            o.id == order.id,
            o.site_id == order.site_id,
            o.paid_minor + delta >= 0,
            o.paid_minor + delta <= o.total_minor,
        )
        .values(paid_minor=o.paid_minor + delta, version_id=o.version_id + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(order)
    return result.rowcount == 1


def pay(
    order: PaidServicesOrder, *, amount_minor: int, method: str, reference: str, user: User
) -> PaidServicesPayment:
    """Record money received; refused for a quote, a cancelled order, or more than is due."""
    if order.status not in ("accepted", "delivered"):
        raise Refused(_("Payments are taken once the quote is accepted."))
    if amount_minor <= 0:
        raise Refused(_("The amount must be more than zero."))
    if amount_minor > order.due_minor or not _move_paid(order, amount_minor):
        raise Refused(_("This is more than the amount due."))
    payment = PaidServicesPayment(
        site_id=order.site_id,
        order_id=order.id,
        kind="payment",
        method=method,
        amount_minor=amount_minor,
        received_at=clock.now(),
        reference=reference,
        recorded_by_id=user.id,
    )
    db.session.add(payment)
    db.session.flush()
    audit.record(
        "paid_services.paid",
        order,
        user=user,
        detail={"payment_id": payment.id, "amount_minor": amount_minor, "method": method},
    )
    return payment


def refund(
    order: PaidServicesOrder, *, amount_minor: int, method: str, reason: str, user: User
) -> PaidServicesPayment:
    """Give money back, with a reason; never more than was paid."""
    if not reason.strip():
        raise Refused(_("Say why the money is given back."))
    if amount_minor <= 0:
        raise Refused(_("The amount must be more than zero."))
    if amount_minor > order.paid_minor or not _move_paid(order, -amount_minor):
        raise Refused(_("A refund cannot be more than what was paid."))
    payment = PaidServicesPayment(
        site_id=order.site_id,
        order_id=order.id,
        kind="refund",
        method=method,
        amount_minor=amount_minor,
        received_at=clock.now(),
        reason=reason.strip(),
        recorded_by_id=user.id,
    )
    db.session.add(payment)
    db.session.flush()
    audit.record(
        "paid_services.refunded",
        order,
        user=user,
        detail={"payment_id": payment.id, "amount_minor": amount_minor, "reason": reason},
    )
    return payment


def end_rental(order: PaidServicesOrder, *, on: date, user: User) -> None:
    if not order.rental_running:
        raise Refused(_("This order has no running rental."))
    if order.delivered_on is not None and on < order.delivered_on:
        raise Refused(_("A rental cannot end before it started."))
    order.rental_ended_on = on
    audit.record("paid_services.rental_ended", order, user=user, detail={"on": on})


def charge_month(order: PaidServicesOrder, period: str, label: str) -> PaidServicesLine | None:
    """Add the rental charge of ``period`` (``YYYY-MM``) once; None if it is there already."""
    exists = db.session.scalar(
        tenancy.select(PaidServicesLine, PaidServicesLine.id, site=order.site_id).where(
            PaidServicesLine.order_id == order.id,
            PaidServicesLine.period == period,
        )
    )
    if exists is not None:
        return None
    monthly = [line for line in order.lines if line.is_rental and not line.period]
    if not monthly:
        return None
    amount = sum(line.total_minor for line in monthly)
    line = PaidServicesLine(
        site_id=order.site_id,
        service_id=monthly[0].service_id,
        description=label,
        unit_of_sale="month",
        unit_price_minor=amount,
        quantity_hundredths=100,
        total_minor=amount,
        period=period,
    )
    order.lines.append(line)
    _recompute(order)
    audit.record(
        "paid_services.rental_charged", order, detail={"period": period, "amount_minor": amount}
    )
    return line
