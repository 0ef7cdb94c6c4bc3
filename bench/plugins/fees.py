"""Fees at scale: every unit billed each month for two years, most of it paid.

``seed`` writes a management fee, 24 months of bills for each unit of the estate (due
on the 15th), payments and their allocations for the bills paid in the last six months
(older bills are marked paid without them: they are read through their paid amount
only), reasons and chasing for the units in arrears. ``pages`` names the lists a
manager opens. Every row gets an explicit id and every column a value (COPY on
PostgreSQL fills no defaults).

``python -m bench.plugins.fees [units]`` seeds one estate of ``units`` units (30,000 by
default, the issue's figure) on a fresh SQLite database and times the arrears list and
the collection-rate page alone, without the rest of ``make bench``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date, timedelta

from sqlalchemy import select

from bench.seed import _bulk
from core import clock as core_clock
from core.extensions import db
from core.models import Unit
from plugins.fees.models import (
    FeesAllocation,
    FeesArrear,
    FeesBill,
    FeesChase,
    FeesFee,
    FeesPayment,
)
from plugins.fees.rules import add_months, rebalance, retally_site

KIND = "residential"
MONTHS = 24
WITH_PAYMENTS = 6  # the last months whose payments are written as rows
REASONS = ("dispute", "away", "hardship", "refuses", "unreachable", "forgot")


def _owes(rng, back: int) -> float:
    """The chance that a bill ``back`` months old is still unpaid: most of this month's
    are, a few of last year's still are."""
    return 0.6 if back == 0 else 0.15 if back == 1 else 0.04 if back < 6 else 0.015


def seed(site_id: int, ctx: dict) -> dict[str, int]:
    rng, now, ids, staff = ctx["rng"], ctx["now"], ctx["ids"], ctx["staff_ids"]
    stamps = {"created_at": now, "updated_at": now}
    units = db.session.execute(
        select(Unit.id, Unit.building_id).where(Unit.site_id == site_id).order_by(Unit.id)
    ).all()
    fee_id = ids.take(FeesFee, 1)[0]
    fee = {
        "id": fee_id,
        "site_id": site_id,
        "name": "Management fee",
        "kind": "management",
        "basis": "fixed",
        "rate_minor": 120000,
        "frequency": "monthly",
        "due_day": 15,
        "active": True,
        **stamps,
    }
    this_month = now.strftime("%Y-%m")
    bills, payments, allocations, owing_units = [], [], [], set()
    bill_ids = iter(ids.take(FeesBill, len(units) * MONTHS))
    payment_ids = iter(ids.take(FeesPayment, len(units) * WITH_PAYMENTS))
    allocation_ids = iter(ids.take(FeesAllocation, len(units) * WITH_PAYMENTS))
    for back in range(MONTHS - 1, -1, -1):
        month = add_months(this_month, -back)
        due = date(int(month[:4]), int(month[5:7]), 15)
        for unit_id, building_id in units:
            unpaid = rng.random() < _owes(rng, back)
            amount = 120000
            paid = 0 if unpaid else amount
            bill_id = next(bill_ids)
            bills.append(
                {
                    "id": bill_id,
                    "site_id": site_id,
                    "unit_id": unit_id,
                    "building_id": building_id,
                    "fee_id": fee_id,
                    "period": month,
                    "description": f"Management fee {month}",
                    "issued_on": due.replace(day=1),
                    "due_on": due,
                    "amount_minor": amount,
                    "paid_minor": paid,
                    "source": "generated",
                    **stamps,
                }
            )
            if unpaid:
                owing_units.add(unit_id)
            elif back < WITH_PAYMENTS:
                received = now - timedelta(days=30 * back + rng.randint(0, 25))
                payment_id = next(payment_ids)
                payments.append(
                    {
                        "id": payment_id,
                        "site_id": site_id,
                        "unit_id": unit_id,
                        "method": rng.choice(("cash", "transfer", "card", "cheque")),
                        "reference": "",
                        "payer": "",
                        "amount_minor": amount,
                        "received_at": received,
                        "taken_by_id": rng.choice(staff),
                        "status": "paid",
                        "cancelled_at": None,
                        "cancel_reason": "",
                        "cancelled_by_id": None,
                        **stamps,
                    }
                )
                allocations.append(
                    {
                        "id": next(allocation_ids),
                        "site_id": site_id,
                        "payment_id": payment_id,
                        "bill_id": bill_id,
                        "amount_minor": amount,
                        "received_at": received,
                        "cancelled": False,
                    }
                )
    arrears, chases = [], []
    arrear_ids = iter(ids.take(FeesArrear, len(owing_units)))
    chase_ids = iter(ids.take(FeesChase, len(owing_units)))
    for unit_id in sorted(owing_units):
        arrears.append(
            {
                "id": next(arrear_ids),
                "site_id": site_id,
                "unit_id": unit_id,
                "reason": rng.choice(REASONS),
                "note": "",
                "noted_by_id": rng.choice(staff),
                "noted_at": now,
                **stamps,
            }
        )
        promised = rng.random() < 0.3
        chases.append(
            {
                "id": next(chase_ids),
                "site_id": site_id,
                "unit_id": unit_id,
                "butler_id": rng.choice(staff),
                "kind": rng.choice(("call", "visit", "letter", "sms")),
                "at": now - timedelta(days=rng.randint(0, 20)),
                "note": "",
                "promise_on": (now + timedelta(days=rng.randint(0, 14))).date()
                if promised
                else None,
                "promise_minor": 120000 if promised else None,
                **stamps,
            }
        )
    _bulk(FeesFee, [fee])
    _bulk(FeesBill, bills)
    _bulk(FeesPayment, payments)
    _bulk(FeesAllocation, allocations)
    _bulk(FeesArrear, arrears)
    _bulk(FeesChase, chases)
    retally_site(site_id)
    rebalance(site_id)
    return {
        "fees_bill": len(bills),
        "fees_payment": len(payments),
        "fees_allocation": len(allocations),
        "fees_chase": len(chases),
    }


def pages(base: str) -> list[tuple[str, str]]:
    s = f"{base}/fees"
    return [
        ("fees: arrears, all buildings", f"{s}/?show=all"),
        ("fees: arrears, over 180 days", f"{s}/?show=all&bucket=over_180"),
        ("fees: arrears, page 20", f"{s}/?show=all&page=20"),
        ("fees: collection rate by butler", f"{s}/reports/collection"),
        ("fees: collection rate by building", f"{s}/reports/collection?by=building"),
        ("fees: the Monday report", f"{s}/reports/monday"),
    ]


def main(units: int = 30_000) -> None:
    """Seed one estate of ``units`` units and time the fees pages on it (SQLite)."""
    import random

    from sqlalchemy import insert

    from bench.__main__ import bench_config
    from bench.seed import PASSWORD, Ids
    from bench.timing import measure, table
    from core import create_app
    from core.auth import hash_password
    from core.models import (
        Building,
        ButlerAssignment,
        Membership,
        Organization,
        PluginEnablement,
        Site,
        User,
    )

    floors, per_floor = 25, 6
    buildings = max(1, units // (floors * per_floor))
    with tempfile.TemporaryDirectory() as folder:
        # BENCH_FEES_DB keeps the database for a look at its query plans afterwards.
        path = os.environ.get("BENCH_FEES_DB") or f"{folder}/fees.db"
        app = create_app(bench_config(f"sqlite:///{path}"))
        with app.app_context():
            db.create_all()
            now = core_clock.now()
            stamps = {"created_at": now, "updated_at": now}
            org = Organization(slug="bench", name="Bench Property")
            db.session.add(org)
            db.session.flush()
            site = Site(
                organization_id=org.id,
                slug="estate-00",
                name="Estate 00",
                kind="residential",
                timezone="Asia/Hong_Kong",
                currency="HKD",
                default_locale="en",
            )
            db.session.add(site)
            db.session.flush()
            users = []
            for n in range(buildings // 5 + 1):
                users.append(
                    User(
                        organization_id=org.id,
                        username=f"butler{n:02d}",
                        display_name=f"Butler {n:02d}",
                        password_hash=hash_password(PASSWORD),
                    )
                )
            manager = User(
                organization_id=org.id,
                username="manager00",
                display_name="Manager",
                password_hash=hash_password(PASSWORD),
            )
            db.session.add_all([*users, manager])
            db.session.flush()
            db.session.add(Membership(site_id=site.id, user_id=manager.id, role="manager"))
            db.session.add(PluginEnablement(site_id=site.id, plugin="fees", enabled=True))
            ids = Ids()
            unit_rows = []
            unit_ids = iter(ids.take(Unit, buildings * floors * per_floor))
            for b in range(buildings):
                building = Building(
                    site_id=site.id, code=f"B{b:02d}", name=f"Block {b:02d}", floors=floors
                )
                db.session.add(building)
                db.session.flush()
                butler = users[b // 5]
                db.session.add(
                    ButlerAssignment(
                        site_id=site.id,
                        building_id=building.id,
                        user_id=butler.id,
                        starts_on=date(2024, 1, 1),
                    )
                )
                for floor in range(1, floors + 1):
                    for n in range(per_floor):
                        unit_rows.append(
                            {
                                "id": next(unit_ids),
                                "site_id": site.id,
                                "building_id": building.id,
                                "floor": floor,
                                "number": f"{floor}{chr(65 + n)}",
                                "area_m2": None,
                                "status": "occupied",
                                "room_type": "",
                                "version_id": 1,
                                "archived_at": None,
                                **stamps,
                            }
                        )
            db.session.execute(insert(Unit), unit_rows)
            for user in users:
                db.session.add(Membership(site_id=site.id, user_id=user.id, role="butler"))
            start = time.perf_counter()
            ctx = {
                "ids": ids,
                "rng": random.Random(20261207),
                "now": now,
                "staff_ids": [u.id for u in users],
                "measured": True,
            }
            counts = seed(site.id, ctx)
            db.session.commit()
            seconds = time.perf_counter() - start
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
        client = app.test_client()
        client.post("/login", data={"username": "manager00", "password": PASSWORD})
        rows = [
            ("SQLite", measure(client, f"scale: {label}", url, runs=60))
            for label, url in pages("/s/estate-00")
        ]
        print(
            f"{len(unit_rows):,} units, {counts['fees_bill']:,} bills, "
            f"{counts['fees_payment']:,} payments seeded in {seconds:.1f} s\n"
        )
        print(table(rows))
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30_000)
