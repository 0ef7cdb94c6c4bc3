"""Fees' part of the security world: a fee, a bill past due, a payment, a reason, a chase."""

from __future__ import annotations

from datetime import date

from core import clock as core_clock
from core.extensions import db
from core.models import PluginEnablement, Site, Unit
from core.testing.walks import register_world
from plugins.fees import rules
from plugins.fees.models import (
    FeesAllocation,
    FeesArrear,
    FeesBill,
    FeesChase,
    FeesFee,
    FeesPayment,
)

NAME = "fees"


def fill(site: Site, ids: dict[str, int]) -> dict[str, int]:
    db.session.add(PluginEnablement(site_id=site.id, plugin=NAME, enabled=True))
    fee = FeesFee(site_id=site.id, name="Management fee", rate_minor=100000, due_day=15)
    db.session.add(fee)
    db.session.flush()
    unit = db.session.get(Unit, ids["unit_id"])
    bill = FeesBill(
        site_id=site.id,
        unit_id=unit.id,
        building_id=unit.building_id,
        fee_id=fee.id,
        period="2024-01",
        description="Management fee 2024-01",
        issued_on=date(2024, 1, 1),
        due_on=date(2024, 1, 15),
        amount_minor=100000,
        paid_minor=10000,
    )
    db.session.add(bill)
    db.session.flush()
    now = core_clock.now()
    payment = FeesPayment(
        site_id=site.id,
        unit_id=unit.id,
        method="cash",
        amount_minor=10000,
        received_at=now,
        taken_by_id=ids["user_id"],
        status="paid",
    )
    db.session.add(payment)
    db.session.flush()
    db.session.add_all(
        [
            FeesAllocation(
                site_id=site.id,
                payment_id=payment.id,
                bill_id=bill.id,
                amount_minor=10000,
                received_at=now,
            ),
            FeesArrear(
                site_id=site.id,
                unit_id=unit.id,
                reason="away",
                noted_by_id=ids["user_id"],
                noted_at=now,
            ),
            FeesChase(
                site_id=site.id, unit_id=unit.id, butler_id=ids["user_id"], kind="call", at=now
            ),
        ]
    )
    db.session.flush()
    rules.retally_site(site.id)
    rules.rebalance(site.id)
    return {"payment_id": payment.id}


register_world(NAME, fill)
