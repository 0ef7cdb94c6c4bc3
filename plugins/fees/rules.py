"""The rules of fees: bills made once per unit and period, payments spread oldest bill
first and never more than is owed, voids and refunds with a reason, reasons and chasing.

Views and jobs call these functions and commit; a refusal raises ``Refused`` with a
message for the person at the screen, and nothing has been changed. Every change is
audited.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from core import audit, clock, money, tenancy
from core.extensions import db
from core.models import Site, Unit, User
from plugins.fees.models import (
    FeesAllocation,
    FeesArrear,
    FeesBalance,
    FeesBill,
    FeesChase,
    FeesFee,
    FeesPayment,
    FeesTally,
)

QUARTER_FIRST_MONTHS = (1, 4, 7, 10)


class Refused(Exception):
    """What was asked cannot be done; ``str(error)`` says why."""


# --- Periods and amounts ----------------------------------------------------------------


def month_days(month: str) -> tuple[date, date]:
    """The first and the last day of ``month`` (``YYYY-MM``)."""
    year, number = int(month[:4]), int(month[5:7])
    return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])


def add_months(month: str, count: int) -> str:
    year, number = int(month[:4]), int(month[5:7])
    index = year * 12 + number - 1 + count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def fee_period(fee: FeesFee, month: str) -> str | None:
    """The billing period of ``fee`` that starts in ``month``, or None (a quarterly fee is
    billed in the first month of each quarter only)."""
    number = int(month[5:7])
    if fee.frequency == "monthly":
        return month
    if number not in QUARTER_FIRST_MONTHS:
        return None
    return f"{month[:4]}-Q{(number - 1) // 3 + 1}"


def bill_amount(fee: FeesFee, unit: Unit) -> int | None:
    """What ``unit`` owes for one period of ``fee``; None when an area fee meets a unit
    without an area."""
    if fee.basis == "fixed":
        return fee.rate_minor
    if unit.area_m2 is None:
        return None
    cost = (Decimal(fee.rate_minor) * Decimal(unit.area_m2)).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )
    return int(cost)


@dataclass
class Generated:
    made: int = 0
    already: int = 0
    no_area: int = 0


def generate(site: Site, month: str, user: User | None = None) -> Generated:
    """Bill every current unit of ``site`` for each active fee whose period starts in
    ``month``. A bill that exists already is left as it is: running it twice makes no
    second bill (and the unique key would refuse one)."""
    result = Generated()
    first, _last = month_days(month)
    fees = db.session.scalars(
        tenancy.select(FeesFee, site=site).where(FeesFee.active.is_(True)).order_by(FeesFee.id)
    ).all()
    units = db.session.scalars(
        tenancy.select(Unit, site=site).where(Unit.archived_at.is_(None)).order_by(Unit.id)
    ).all()
    for fee in fees:
        period = fee_period(fee, month)
        if period is None:
            continue
        have = set(
            db.session.scalars(
                tenancy.select(FeesBill, FeesBill.unit_id, site=site).where(
                    FeesBill.fee_id == fee.id, FeesBill.period == period
                )
            )
        )
        rows = []
        for unit in units:
            if unit.id in have:
                result.already += 1
                continue
            amount = bill_amount(fee, unit)
            if amount is None:
                result.no_area += 1
                continue
            rows.append(
                {
                    "site_id": site.id,
                    "unit_id": unit.id,
                    "building_id": unit.building_id,
                    "fee_id": fee.id,
                    "period": period,
                    "description": f"{fee.name} {period}",
                    "issued_on": first,
                    "due_on": first.replace(day=fee.due_day),
                    "amount_minor": amount,
                    "paid_minor": 0,
                    "source": "generated",
                }
            )
        if rows:
            db.session.execute(sa.insert(FeesBill), rows)
            result.made += len(rows)
            added: dict[tuple[int, date], int] = {}
            for row in rows:
                key = (row["building_id"], row["due_on"])
                added[key] = added.get(key, 0) + row["amount_minor"]
            for (building_id, due_on), amount in sorted(added.items()):
                bump(site.id, building_id, due_on, billed=amount)
    if result.made:
        rebalance(site.id)
        audit.record(
            "fees.bills_generated",
            site=site,
            user=user,
            detail={"month": month, "made": result.made},
        )
    return result


# --- The tallies behind the collection rate ----------------------------------------------


def bump(site_id: int, building_id: int, due_on: date, *, billed: int = 0, paid: int = 0) -> None:
    """Add to the tally of a building's bills due on ``due_on``, in one UPDATE (two people
    taking money in the same building at once both count). A tally not kept yet is
    counted from the bills, which already hold the change."""
    t = FeesTally
    done = db.session.execute(
        sa.update(t)
        .where(t.site_id == site_id, t.due_on == due_on, t.building_id == building_id)
        .values(billed_minor=t.billed_minor + billed, paid_minor=t.paid_minor + paid)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount == 0:
        retally(site_id, building_id, due_on)


def retally(site_id: int, building_id: int, due_on: date) -> None:
    """Count one tally again from its bills (a tally missing, or bills written directly)."""
    b, t = FeesBill, FeesTally
    billed, paid = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(b.amount_minor), 0),
            sa.func.coalesce(sa.func.sum(b.paid_minor), 0),
        ).where(b.site_id == site_id, b.due_on == due_on, b.building_id == building_id)
    ).one()
    where = (t.site_id == site_id, t.due_on == due_on, t.building_id == building_id)
    values = {"billed_minor": int(billed), "paid_minor": int(paid)}
    try:
        with db.session.begin_nested():
            if db.session.execute(sa.update(t).where(*where).values(**values)).rowcount == 0:
                db.session.execute(
                    sa.insert(t).values(
                        site_id=site_id, building_id=building_id, due_on=due_on, **values
                    )
                )
    except IntegrityError:  # made by someone else meanwhile: theirs counts the same bills
        db.session.execute(sa.update(t).where(*where).values(**values))


def retally_site(site_id: int) -> None:
    """Count every tally of a site again from its bills (after bills written in bulk)."""
    b, t = FeesBill, FeesTally
    db.session.execute(sa.delete(t).where(t.site_id == site_id))
    db.session.execute(
        sa.insert(t).from_select(
            ["site_id", "building_id", "due_on", "billed_minor", "paid_minor"],
            sa.select(
                b.site_id,
                b.building_id,
                b.due_on,
                sa.func.sum(b.amount_minor),
                sa.func.sum(b.paid_minor),
            )
            .where(b.site_id == site_id)
            .group_by(b.site_id, b.building_id, b.due_on),
        )
    )


def rebalance(site_id: int, unit_ids: list[int] | None = None) -> None:
    """Count the balance rows of ``unit_ids`` (every unit of the site when None) again
    from their bills: what each owes and its oldest unpaid due date."""
    b, t = FeesBill, FeesBalance
    gone = sa.delete(t).where(t.site_id == site_id)
    owing = (
        sa.select(
            b.site_id,
            b.unit_id,
            b.building_id,
            sa.func.sum(b.amount_minor - b.paid_minor),
            sa.func.min(b.due_on),
        )
        .where(b.site_id == site_id, b.paid_minor < b.amount_minor)
        .group_by(b.site_id, b.unit_id, b.building_id)
    )
    if unit_ids is not None:
        gone = gone.where(t.unit_id.in_(unit_ids))
        owing = owing.where(b.unit_id.in_(unit_ids))
    db.session.execute(gone)
    db.session.execute(
        sa.insert(t).from_select(
            ["site_id", "unit_id", "building_id", "owing_minor", "oldest_due"], owing
        )
    )


# --- Payments ----------------------------------------------------------------------------


def owing_bills(site: Site, unit: Unit, *, lock: bool = False) -> list[FeesBill]:
    """The unit's bills that still owe, oldest first. With ``lock`` the rows are taken
    FOR UPDATE (PostgreSQL): a second payment for the unit waits until this one is done
    and then sees what is left. (SQLite serialises writers with BEGIN IMMEDIATE.)"""
    stmt = (
        tenancy.select(FeesBill, site=site)
        .where(FeesBill.unit_id == unit.id, FeesBill.paid_minor < FeesBill.amount_minor)
        .order_by(FeesBill.due_on, FeesBill.id)
    )
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return list(db.session.scalars(stmt))


def unit_balance(site: Site, unit: Unit) -> int:
    """What the unit owes on all its bills, due or not yet due."""
    return int(
        db.session.scalar(
            tenancy.select(
                FeesBill,
                sa.func.coalesce(sa.func.sum(FeesBill.amount_minor - FeesBill.paid_minor), 0),
                site=site,
            ).where(FeesBill.unit_id == unit.id)
        )
    )


def pay(
    site: Site,
    unit: Unit,
    *,
    amount_minor: int,
    method: str,
    reference: str,
    payer: str,
    user: User,
) -> FeesPayment:
    """Take a payment for ``unit`` and spread it over its bills, oldest first.

    Refused when it is more than the unit owes; the owing bills are locked first, so
    two people taking money for the same unit at once cannot both take the last of it.
    """
    if amount_minor <= 0:
        raise Refused(_("The amount must be more than zero."))
    bills = owing_bills(site, unit, lock=True)
    due = sum(b.due_minor for b in bills)
    if amount_minor > due:
        raise Refused(
            _(
                "This is more than the unit owes (%(due)s).",
                due=money.show(due, site.currency),
            )
        )
    now = clock.now()
    payment = FeesPayment(
        site_id=site.id,
        unit_id=unit.id,
        method=method,
        reference=reference,
        payer=payer,
        amount_minor=amount_minor,
        received_at=now,
        taken_by_id=user.id,
        status="paid",
    )
    db.session.add(payment)
    db.session.flush()
    left = amount_minor
    for bill in bills:
        if left == 0:
            break
        part = min(left, bill.due_minor)
        bill.paid_minor += part
        left -= part
        db.session.flush()
        bump(site.id, bill.building_id, bill.due_on, paid=part)
        db.session.add(
            FeesAllocation(
                site_id=site.id,
                payment_id=payment.id,
                bill_id=bill.id,
                amount_minor=part,
                received_at=now,
                cancelled=False,
            )
        )
    db.session.flush()
    rebalance(site.id, [unit.id])
    audit.record(
        "fees.paid",
        payment,
        site=site,
        user=user,
        detail={"unit_id": unit.id, "amount_minor": amount_minor, "method": method},
    )
    return payment


def cancel_payment(payment: FeesPayment, *, status: str, reason: str, user: User) -> None:
    """Void (taken in error) or refund (given back) a payment, with a reason: its
    allocations are taken back from the bills and stop counting as collected."""
    if status not in ("voided", "refunded"):
        raise Refused(_("Choose void or refund."))
    if payment.status != "paid":
        raise Refused(_("This payment was already voided or refunded."))
    if not reason.strip():
        raise Refused(_("Say why."))
    bill_ids = [a.bill_id for a in payment.allocations]
    bills = {
        b.id: b
        for b in db.session.scalars(
            tenancy.select(FeesBill, site=payment.site_id)
            .where(FeesBill.id.in_(bill_ids))
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    for allocation in payment.allocations:
        bill = bills[allocation.bill_id]
        bill.paid_minor -= allocation.amount_minor
        allocation.cancelled = True
        db.session.flush()
        bump(payment.site_id, bill.building_id, bill.due_on, paid=-allocation.amount_minor)
    db.session.flush()
    rebalance(payment.site_id, [payment.unit_id])
    payment.status = status
    payment.cancelled_at = clock.now()
    payment.cancel_reason = reason.strip()
    payment.cancelled_by_id = user.id
    audit.record(
        f"fees.payment_{status}",
        payment,
        user=user,
        detail={"amount_minor": payment.amount_minor, "reason": reason.strip()},
    )


# --- Reasons and chasing -----------------------------------------------------------------


def set_reason(site: Site, unit: Unit, *, reason: str, note: str, user: User) -> FeesArrear:
    """Say why the unit owes (one reason per unit, replaced by the next)."""
    arrear = db.session.scalar(
        tenancy.select(FeesArrear, site=site).where(FeesArrear.unit_id == unit.id)
    )
    before = arrear.reason if arrear is not None else None
    if arrear is None:
        arrear = FeesArrear(site_id=site.id, unit_id=unit.id)
        db.session.add(arrear)
    arrear.reason = reason
    arrear.note = note.strip()
    arrear.noted_by_id = user.id
    arrear.noted_at = clock.now()
    db.session.flush()
    audit.record(
        "fees.reason_set",
        arrear,
        site=site,
        user=user,
        detail={"unit_id": unit.id, "reason": [before, reason]},
    )
    return arrear


def record_chase(
    site: Site,
    unit: Unit,
    *,
    kind: str,
    note: str,
    promise_on: date | None,
    promise_minor: int | None,
    user: User,
) -> FeesChase:
    """Write down a contact made to chase the unit, with the promise to pay it brought."""
    if (promise_on is None) != (promise_minor is None):
        raise Refused(_("A promise to pay needs both a date and an amount."))
    if promise_on is not None and promise_on < clock.today(site):
        raise Refused(_("A promise to pay is for today or a later day."))
    chase = FeesChase(
        site_id=site.id,
        unit_id=unit.id,
        butler_id=user.id,
        kind=kind,
        at=clock.now(),
        note=note.strip(),
        promise_on=promise_on,
        promise_minor=promise_minor,
    )
    db.session.add(chase)
    db.session.flush()
    audit.record(
        "fees.chased",
        chase,
        site=site,
        user=user,
        detail={"unit_id": unit.id, "kind": kind, "promise_minor": promise_minor},
    )
    return chase


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def as_utc_bounds(site: Site, first: date, last: date) -> tuple[datetime, datetime]:
    """The UTC moments from the start of ``first`` to the end of ``last`` on the site's clock."""
    return clock.day_bounds(site, first)[0], clock.day_bounds(site, last)[1]
