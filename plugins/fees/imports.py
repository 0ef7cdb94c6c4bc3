"""Bills imported from the accounting system: a kind of file for the core's import page.

One row is one bill: the unit (building code and unit number), the fee by its name, the
period (``2027-01``, or ``2027-Q1`` for a quarterly fee), the amount and, if the
accounting system sets it, the due date. Every row is checked before anything is
written; a bill already held for the same unit, fee and period is left as it is when
the file says the same, and updated when it says otherwise (never below what has been
paid on it), so importing the same file twice makes no second bill. The tallies and the
units' balances are brought up to date in the same transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core import money, tenancy
from core.extensions import db
from core.imports import UNIT_COLUMNS, Column, Problem, RowReader, Table
from core.imports.values import (
    CellError,
    building_cell,
    check_rows,
    date_cell,
    site_buildings,
    site_units,
    text_cell,
)
from core.models import ImportBatch, Site, Unit, User
from plugins.fees.models import FeesBill, FeesFee
from plugins.fees.rules import rebalance, retally_site

KIND = "fees.bills"
PERIOD = re.compile(r"^(\d{4})-(?:(\d{2})|[Qq]([1-4]))$")

COLUMNS: tuple[Column, ...] = (
    *UNIT_COLUMNS[:2],  # building_code, unit_number: as in the units file
    Column(
        "fee",
        _l("Fee"),
        _l("The name of one of the site's fees, as on the Fees set-up page."),
        "Management fee",
        True,
        ("費用", "费用", "收費項目", "收费项目"),
    ),
    Column(
        "period",
        _l("Period"),
        _l("The month billed, 2027-01, or the quarter of a quarterly fee, 2027-Q1."),
        "2027-01",
        True,
        ("期間", "期间", "賬期", "账期"),
    ),
    Column(
        "amount",
        _l("Amount"),
        _l("What the bill asks for, in the site's currency, e.g. 1,280.50."),
        "1280.50",
        True,
        ("金額", "金额", "應收", "应收"),
    ),
    Column(
        "due_on",
        _l("Due date"),
        _l("YYYY-MM-DD; left empty, the fee's due day in the period's first month."),
        "2027-01-15",
        False,
        ("到期日", "繳費期限", "缴费期限"),
    ),
    Column(
        "description",
        _l("Description"),
        _l("Shown on the bill and the statement; left empty, the fee's name and period."),
        "Management fee 2027-01",
        False,
        ("說明", "说明", "摘要"),
    ),
)


@dataclass
class BillRecord:
    row: int
    unit: Unit
    fee: FeesFee
    period: str
    first: date
    due_on: date
    amount_minor: int
    description: str


def _period(value: str) -> tuple[str, date]:
    """``2027-01`` or ``2027-Q1`` as the period's code and its first day."""
    match = PERIOD.match(value.strip())
    month = int(match.group(2)) if match and match.group(2) else None
    if match is None or (month is not None and not 1 <= month <= 12):
        raise CellError(_("Write the month as 2027-01, or the quarter as 2027-Q1."))
    year = int(match.group(1))
    if month is not None:
        return f"{year:04d}-{month:02d}", date(year, month, 1)
    quarter = int(match.group(3))
    return f"{year:04d}-Q{quarter}", date(year, 3 * quarter - 2, 1)


def _amount(value: str, currency: str) -> int:
    try:
        return money.parse(value, currency)
    except money.MoneyError as error:
        raise CellError(str(error)) from None


class BillRows:
    """Checks and writes the rows of a bills file (``core.imports`` calls it)."""

    def __init__(self, site: Site, table: Table, *, writing: bool = False) -> None:
        self.site = site
        self.table = table
        self.buildings = site_buildings(site)
        self.units = site_units(site)
        fees = db.session.scalars(tenancy.select(FeesFee, site=site))
        self.fees = {f.name.strip().casefold(): f for f in fees}
        self._held: dict[tuple[int, str], dict[int, sa.Row]] = {}

    def held(self, fee_id: int, period: str) -> dict[int, sa.Row]:
        """The bills of one fee and period held already, by unit (read once per pair:
        a file usually bills one month)."""
        found = self._held.get((fee_id, period))
        if found is None:
            b = FeesBill
            rows = db.session.execute(
                tenancy.select(
                    FeesBill,
                    b.unit_id,
                    b.id,
                    b.amount_minor,
                    b.paid_minor,
                    b.due_on,
                    b.description,
                    site=self.site,
                ).where(b.fee_id == fee_id, b.period == period)
            ).all()
            found = self._held[(fee_id, period)] = {row.unit_id: row for row in rows}
        return found

    def _key(self, cells: dict[str, str]) -> tuple[str, ...]:
        return tuple(
            cells.get(c, "").strip().casefold()
            for c in ("building_code", "unit_number", "fee", "period")
        )

    def check(self, start: int, end: int) -> tuple[list[Problem], list[BillRecord]]:
        def duplicate(reader: RowReader, earlier: int) -> None:
            reader.problem("period", _("Same unit, fee and period as row %(row)s.", row=earlier))

        return check_rows(self.table, start, end, self._row, self._key, duplicate)

    def _row(self, reader: RowReader) -> BillRecord | None:
        building = building_cell(reader, self.buildings) if reader.raw("building_code") else None
        if not reader.raw("building_code"):
            reader.problem("building_code", _("This column needs a value."))
        number = reader.get("unit_number", text_cell, required=True, limit=20)
        fee_name = reader.get("fee", text_cell, required=True, limit=120)
        period = reader.get("period", lambda v: _period(v), required=True)
        amount = reader.get("amount", lambda v: _amount(v, self.site.currency), required=True)
        due_on = reader.get("due_on", date_cell)
        description = reader.get("description", text_cell, limit=200)
        unit = None
        if building is not None and number is not None:
            unit = self.units.get((building.id, number.casefold()))
            if unit is None:
                reader.problem(
                    "unit_number",
                    _("Building %(code)s has no unit %(unit)s.", code=building.code, unit=number),
                )
            elif unit.archived_at is not None:
                label = f"{building.code}-{unit.number}"
                reader.problem("unit_number", _("Unit %(unit)s is archived.", unit=label))
                unit = None
        fee = None
        if fee_name is not None:
            fee = self.fees.get(fee_name.casefold())
            if fee is None:
                names = ", ".join(sorted(f.name for f in self.fees.values())) or "—"
                reader.problem(
                    "fee",
                    _(
                        "This site has no fee called %(name)s. Its fees: %(names)s.",
                        name=fee_name,
                        names=names,
                    ),
                )
        if fee is not None and period is not None:
            quarterly = "-Q" in period[0]
            if quarterly != (fee.frequency == "quarterly"):
                if fee.frequency == "quarterly":
                    message = _(
                        "%(fee)s is billed each quarter: write the quarter, e.g. 2027-Q1.",
                        fee=fee.name,
                    )
                else:
                    message = _(
                        "%(fee)s is billed each month: write the month, e.g. 2027-01.",
                        fee=fee.name,
                    )
                reader.problem("period", message)
                return None
        if unit is None or fee is None or period is None or amount is None:
            return None
        code, first = period
        held = self.held(fee.id, code).get(unit.id)
        if held is not None and amount < held.paid_minor:
            reader.problem(
                "amount",
                _(
                    "%(paid)s has been paid on this bill already: the amount cannot be less.",
                    paid=money.show(held.paid_minor, self.site.currency),
                ),
            )
            return None
        return BillRecord(
            reader.number,
            unit,
            fee,
            code,
            first,
            due_on or first.replace(day=fee.due_day),
            amount,
            description or f"{fee.name} {code}",
        )

    def write(self, records: list[BillRecord], batch: ImportBatch, user: User) -> tuple[int, int]:
        """A bill per new record, the held ones brought to what the file says; then the
        tallies and the balances of the units touched. Returns (created, updated)."""
        created = updated = 0
        new, changed = [], []
        touched: set[int] = set()
        for r in records:
            bill = self.held(r.fee.id, r.period).get(r.unit.id)
            if bill is None:
                new.append(
                    {
                        "site_id": self.site.id,
                        "unit_id": r.unit.id,
                        "building_id": r.unit.building_id,
                        "fee_id": r.fee.id,
                        "period": r.period,
                        "description": r.description,
                        "issued_on": r.first,
                        "due_on": r.due_on,
                        "amount_minor": r.amount_minor,
                        "paid_minor": 0,
                        "source": "imported",
                    }
                )
                touched.add(r.unit.id)
                created += 1
                continue
            wanted = {
                "amount_minor": r.amount_minor,
                "due_on": r.due_on,
                "description": r.description,
            }
            if any(getattr(bill, k) != v for k, v in wanted.items()):
                changed.append({"id": bill.id, **wanted})
                touched.add(r.unit.id)
                updated += 1
        if new:
            db.session.execute(sa.insert(FeesBill), new)
        if changed:
            # By primary key, in one executemany; the CHECK keeps paid within amount.
            db.session.execute(sa.update(FeesBill), changed)
        if touched:
            retally_site(self.site.id)
            # A whole month's file touches most units: counting them all is one pass.
            rebalance(self.site.id, sorted(touched) if len(touched) <= 500 else None)
        return created, updated
