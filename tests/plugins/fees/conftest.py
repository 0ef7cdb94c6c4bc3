"""An estate in Hong Kong with fees on: two towers, Ben the butler of Tower 1, Bea of
Tower 2, Mia the manager and Fay at the front desk. The clock is held at Monday
11 January 2027, 10:00 in Hong Kong, unless a test moves it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.models import Building, Resident, Site, Unit
from plugins.fees import rules
from plugins.fees.models import FeesBill, FeesFee

MONDAY = date(2027, 1, 11)


@dataclass
class Estate:
    site: Site
    towers: list[Building]
    units: list[Unit]
    chan: Resident
    lee: Resident

    @property
    def base(self) -> str:
        return f"/s/{self.site.slug}/fees"

    def url(self, path: str = "") -> str:
        return f"{self.base}/{path}"


@pytest.fixture
def estate(app, make, clock) -> Estate:
    built = make.estate(
        name="Harbour View",
        currency="HKD",
        timezone="Asia/Hong_Kong",
        plugins=["fees"],
        towers=["T1", "T2"],
        units=[
            {"number": "1A", "area_m2": Decimal("80.00")},
            {"number": "1B", "area_m2": Decimal("100.00")},
            {"number": "2A", "area_m2": Decimal("50.00"), "tower": 1},
            {"number": "2B", "tower": 1},
        ],
        residents=[
            {"unit": 0, "name": "Chan Tai Man", "phone": "91234567", "consent_sms": True},
            {"unit": 1, "name": "Lee Siu Ling", "phone": "92345678"},
        ],
        staff={
            "ben": {"role": "butler", "display_name": "Ben Wong", "towers": [0]},
            "bea": {"role": "butler", "display_name": "Bea Ho", "towers": [1]},
            "mia": {"role": "manager", "display_name": "Mia Lau"},
            "fay": {"role": "front_desk", "display_name": "Fay Chan"},
        },
    )
    clock.at_local(built.site, MONDAY, time(10))
    return Estate(built.site, built.towers, built.units, built.residents[0], built.residents[1])


def add_fee(
    app,
    site,
    name="Management fee",
    *,
    basis="fixed",
    rate=100000,
    frequency="monthly",
    due_day=15,
    kind="management",
):
    with app.app_context():
        fee = FeesFee(
            site_id=site.id,
            name=name,
            kind=kind,
            basis=basis,
            rate_minor=rate,
            frequency=frequency,
            due_day=due_day,
            active=True,
        )
        db.session.add(fee)
        db.session.commit()
        return fee.id


def add_bill(app, site, unit, fee_id, period, due_on, amount, paid=0) -> int:
    with app.app_context():
        bill = FeesBill(
            site_id=site.id,
            unit_id=unit.id,
            building_id=unit.building_id,
            fee_id=fee_id,
            period=period,
            description=f"Management fee {period}",
            issued_on=due_on.replace(day=1),
            due_on=due_on,
            amount_minor=amount,
            paid_minor=paid,
        )
        db.session.add(bill)
        db.session.flush()
        # Written directly, as an accounting system's bills would be: count its tally
        # and the unit's balance.
        rules.retally(site.id, unit.building_id, due_on)
        rules.rebalance(site.id, [unit.id])
        db.session.commit()
        return bill.id


def bills(app, **where) -> list[FeesBill]:
    with app.app_context():
        stmt = sa.select(FeesBill).order_by(FeesBill.due_on, FeesBill.id)
        for key, value in where.items():
            stmt = stmt.where(getattr(FeesBill, key) == value)
        rows = db.session.scalars(stmt).all()
        db.session.expunge_all()
        return rows


def text(answer) -> str:
    return answer.get_data(as_text=True)
