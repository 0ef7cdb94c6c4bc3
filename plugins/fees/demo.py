"""Demo rows: a management fee by area and a parking fee, six months of bills, payments
for most of them, and a few units in arrears with a reason and a promise to pay."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from core import clock, tenancy
from core.extensions import db
from core.models import ButlerAssignment, Membership, Site, Unit, User
from core.roles import DEMO_STAFF
from plugins.fees import rules
from plugins.fees.models import FeesFee

MONTHS = 6


def _staff(site: Site) -> User | None:
    butler = db.session.scalar(
        sa.select(User)
        .join(ButlerAssignment, ButlerAssignment.user_id == User.id)
        .where(ButlerAssignment.site_id == site.id, ButlerAssignment.ends_on.is_(None))
        .order_by(User.id)
        .limit(1)
    )
    if butler is not None:
        return butler
    return db.session.scalar(
        sa.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.site_id == site.id, Membership.role.in_(DEMO_STAFF))
        .order_by(User.id)
        .limit(1)
    )


def add_demo_data(site: Site) -> None:
    if db.session.scalar(tenancy.select(FeesFee, FeesFee.id, site=site).limit(1)) is not None:
        return
    staff = _staff(site)
    if staff is None:
        return
    db.session.add_all(
        [
            FeesFee(
                site_id=site.id,
                name="Management fee 管理費",
                kind="management",
                basis="area",
                rate_minor=450,
                frequency="monthly",
                due_day=15,
                active=True,
            ),
            FeesFee(
                site_id=site.id,
                name="Parking 車位費",
                kind="parking",
                basis="fixed",
                rate_minor=150000,
                frequency="quarterly",
                due_day=10,
                active=True,
            ),
        ]
    )
    db.session.flush()
    this_month = clock.this_month(site)
    for back in range(MONTHS - 1, -1, -1):
        rules.generate(site, rules.add_months(this_month, -back), staff)
    # Units with an area have a management fee; give the parking fee to a few of them.
    units = db.session.scalars(tenancy.select(Unit, site=site).order_by(Unit.id)).all()
    today = clock.today(site)
    for index, unit in enumerate(units):
        owing = rules.owing_bills(site, unit)
        past = [b for b in owing if b.due_on < today]
        if not past:
            continue
        # Most pay everything due; every fifth unit is a month or more behind.
        keep = 0 if index % 5 else min(len(past), 1 + index % 3)
        amount = sum(b.due_minor for b in past[: len(past) - keep])
        if amount:
            rules.pay(
                site,
                unit,
                amount_minor=amount,
                method=("transfer", "cash", "card", "cheque")[index % 4],
                reference=f"T{unit.id:05d}" if index % 4 in (0, 3) else "",
                payer="",
                user=staff,
            )
        if keep:
            rules.set_reason(
                site,
                unit,
                reason=("away", "dispute", "hardship", "unreachable")[index % 4],
                note="",
                user=staff,
            )
            if index % 2 == 0:
                rules.record_chase(
                    site,
                    unit,
                    kind="call",
                    note="Will pay after the holidays.",
                    promise_on=today + timedelta(days=index % 4),
                    promise_minor=sum(b.due_minor for b in past[-keep:]),
                    user=staff,
                )
    db.session.flush()
