"""The figures of fees: aged arrears, the arrears list, collection and recovery rates,
last week's chasing per butler, and what the day page and the work log show.

The collection rate reads the tallies (per building and due date) and the arrears list
the balances (per unit) that the rules keep; a past month's aged arrears are counted from
the bills, giving back the payments received after the month's end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from core import clock, tenancy
from core.extensions import db
from core.models import Building, ButlerAssignment, Site, Unit, User
from plugins.fees.models import (
    FeesAllocation,
    FeesArrear,
    FeesBalance,
    FeesBill,
    FeesChase,
    FeesPayment,
    FeesTally,
)
from plugins.fees.rules import add_months, as_utc_bounds, month_days

BUCKETS = ("0_30", "31_90", "91_180", "over_180")
LIST_PAGE = 50


# --- Aged arrears ------------------------------------------------------------------------


def as_of_for(site: Site, month: str | None) -> date:
    """The day arrears are aged at: the month's last day on the site's clock, or today
    for the month that is still running."""
    today = clock.today(site)
    if month is None:
        return today
    _first, last = month_days(month)
    return min(today, last)


def _bucket(due_on, as_of: date):
    """SQL: the aged bucket of a bill due on ``due_on``, seen on ``as_of``."""
    return sa.case(
        (due_on >= as_of - timedelta(days=30), "0_30"),
        (due_on >= as_of - timedelta(days=90), "31_90"),
        (due_on >= as_of - timedelta(days=180), "91_180"),
        else_="over_180",
    )


def _owing_at(site: Site, as_of: date):
    """SQL: what each bill due before ``as_of`` still owed at the end of ``as_of``.

    For today it is the bill's own balance (the partial index of owing bills); for a
    past day the payments received after it are given back to the balance.
    """
    b = FeesBill
    if as_of >= clock.today(site):
        return b.amount_minor - b.paid_minor, [b.paid_minor < b.amount_minor]
    _start, end = clock.day_bounds(site, as_of)
    later = (
        sa.select(sa.func.coalesce(sa.func.sum(FeesAllocation.amount_minor), 0))
        .where(
            FeesAllocation.site_id == site.id,
            FeesAllocation.bill_id == b.id,
            FeesAllocation.cancelled.is_(False),
            FeesAllocation.received_at >= end,
        )
        .scalar_subquery()
    )
    return b.amount_minor - b.paid_minor + later, []


@dataclass
class Aged:
    as_of: date
    buckets: dict[str, int] = field(default_factory=dict)
    units: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.buckets.values())


def _bucket_of(days: int) -> str:
    return (
        "0_30" if days <= 30 else "31_90" if days <= 90 else "91_180" if days <= 180 else "over_180"
    )


def aged(site: Site, as_of: date, building_ids: list[int] | None = None) -> Aged:
    """The arrears of ``site`` at the end of ``as_of`` in the aged buckets (0-30, 31-90,
    91-180, over 180 days past the due date), with how many units owe in each (a unit
    counts in the bucket of its oldest unpaid bill)."""
    result = Aged(as_of, {k: 0 for k in BUCKETS}, {k: 0 for k in BUCKETS})
    if as_of >= clock.today(site):
        # Today: the tallies hold what each due date still asks for, the balances each
        # unit's oldest unpaid bill.
        start = date(1900, 1, 1)
        for due_on, billed, paid in _tallies(site, start, as_of - timedelta(days=1), building_ids):
            result.buckets[_bucket_of((as_of - due_on).days)] += int(billed) - int(paid)
        # One range count per bucket on the balances' index: no expression per row.
        t = FeesBalance
        edges = {
            "0_30": (as_of - timedelta(days=30), as_of),
            "31_90": (as_of - timedelta(days=90), as_of - timedelta(days=30)),
            "91_180": (as_of - timedelta(days=180), as_of - timedelta(days=90)),
            "over_180": (date(1900, 1, 1), as_of - timedelta(days=180)),
        }
        counts = []
        for low, high in edges.values():
            count = sa.select(sa.func.count(t.id)).where(
                t.site_id == site.id, t.oldest_due >= low, t.oldest_due < high
            )
            if building_ids is not None:
                count = count.where(t.building_id.in_(building_ids))
            counts.append(count.scalar_subquery())
        for name, units in zip(edges, db.session.execute(sa.select(*counts)).one(), strict=True):
            result.units[name] = int(units)
        return result
    b = FeesBill
    owing, extra = _owing_at(site, as_of)
    inner = sa.select(b.unit_id, b.due_on, owing.label("owing")).where(
        b.site_id == site.id, b.due_on < as_of, *extra
    )
    if building_ids is not None:
        inner = inner.where(b.building_id.in_(building_ids))
    inner = inner.subquery()
    per_unit = (
        sa.select(inner.c.unit_id, sa.func.min(inner.c.due_on).label("oldest"))
        .where(inner.c.owing > 0)
        .group_by(inner.c.unit_id)
        .subquery()
    )
    bucket = _bucket(inner.c.due_on, as_of)
    for name, total in db.session.execute(
        sa.select(bucket, sa.func.sum(inner.c.owing)).where(inner.c.owing > 0).group_by(bucket)
    ):
        result.buckets[name] = int(total or 0)
    oldest = _bucket(per_unit.c.oldest, as_of)
    for name, units in db.session.execute(
        sa.select(oldest, sa.func.count()).select_from(per_unit).group_by(oldest)
    ):
        result.units[name] = int(units)
    return result


@dataclass
class ArrearRow:
    unit_id: int
    label: str
    building: str
    owing_minor: int
    oldest_due: date
    bucket: str
    reason: str | None
    promise_on: date | None


def arrears_list(
    site: Site,
    *,
    building_ids: list[int] | None = None,
    bucket: str | None = None,
    page: int = 1,
) -> tuple[list[ArrearRow], int]:
    """The units that owe today (bills past their due date), longest owing first, one
    page of them, and how many units owe in all."""
    as_of = clock.today(site)
    t = FeesBalance
    where = [t.site_id == site.id, t.oldest_due < as_of]
    if building_ids is not None:
        where.append(t.building_id.in_(building_ids))
    if bucket in BUCKETS:
        low, high = {
            "0_30": (as_of - timedelta(days=30), None),
            "31_90": (as_of - timedelta(days=90), as_of - timedelta(days=30)),
            "91_180": (as_of - timedelta(days=180), as_of - timedelta(days=90)),
            "over_180": (None, as_of - timedelta(days=180)),
        }[bucket]
        if low is not None:
            where.append(t.oldest_due >= low)
        if high is not None:
            where.append(t.oldest_due < high)
    total = db.session.scalar(sa.select(sa.func.count(t.id)).where(*where))
    # The page first, from the balances alone; then the names, reasons and promises of
    # its fifty units (joined before the LIMIT, they would be looked up for them all).
    page_rows = db.session.execute(
        sa.select(t.unit_id, t.owing_minor, t.oldest_due)
        .where(*where)
        .order_by(t.oldest_due, t.unit_id)
        .limit(LIST_PAGE)
        .offset((max(page, 1) - 1) * LIST_PAGE)
    ).all()
    ids = [row.unit_id for row in page_rows]
    names = {
        unit_id: (f"{code}-{number}", name, reason)
        for unit_id, number, code, name, reason in db.session.execute(
            sa.select(Unit.id, Unit.number, Building.code, Building.name, FeesArrear.reason)
            .join(Building, Building.id == Unit.building_id)
            .outerjoin(
                FeesArrear, sa.and_(FeesArrear.site_id == site.id, FeesArrear.unit_id == Unit.id)
            )
            .where(Unit.site_id == site.id, Unit.id.in_(ids))
        )
    }
    promises = dict(
        db.session.execute(
            sa.select(FeesChase.unit_id, sa.func.min(FeesChase.promise_on))
            .where(
                FeesChase.site_id == site.id,
                FeesChase.unit_id.in_(ids),
                FeesChase.promise_on >= as_of,
            )
            .group_by(FeesChase.unit_id)
        ).all()
    )
    out = []
    for unit_id, owing, oldest in page_rows:
        label, building, reason = names[unit_id]
        bucket_name = _bucket_of((as_of - oldest).days)
        out.append(
            ArrearRow(
                unit_id,
                label,
                building,
                int(owing),
                oldest,
                bucket_name,
                reason,
                promises.get(unit_id),
            )
        )
    return out, int(total or 0)


# --- Collection rates --------------------------------------------------------------------


def butler_of_buildings(site: Site) -> dict[int, User]:
    """Each building's responsible butler today."""
    rows = db.session.execute(
        sa.select(ButlerAssignment.building_id, User)
        .join(User, User.id == ButlerAssignment.user_id)
        .where(ButlerAssignment.site_id == site.id, ButlerAssignment.ends_on.is_(None))
    ).all()
    return {building_id: user for building_id, user in rows}


@dataclass
class Rate:
    billed_minor: int = 0
    collected_minor: int = 0

    @property
    def percent(self) -> float | None:
        if not self.billed_minor:
            return None
        return round(100 * self.collected_minor / self.billed_minor, 1)

    def add(self, other: Rate) -> None:
        self.billed_minor += other.billed_minor
        self.collected_minor += other.collected_minor


def _tallies(
    site: Site,
    first: date,
    last: date,
    building_ids: list[int] | None = None,
    by: str = "due_on",
):
    """(building or due date, billed, collected) of the bills due from ``first`` to
    ``last``, summed by the database per building (``by="building"``) or per due date."""
    t = FeesTally
    key = t.building_id if by == "building" else t.due_on
    stmt = (
        sa.select(key, sa.func.sum(t.billed_minor), sa.func.sum(t.paid_minor))
        .where(t.site_id == site.id, t.due_on >= first, t.due_on <= last)
        .group_by(key)
    )
    if building_ids is not None:
        stmt = stmt.where(t.building_id.in_(building_ids))
    return db.session.execute(stmt).all()


def _by_building(site: Site, first: date, last: date) -> dict[int, Rate]:
    """Billed and collected for the bills due from ``first`` to ``last``, by building."""
    out: dict[int, Rate] = {}
    for building_id, billed, paid in _tallies(site, first, last, by="building"):
        out.setdefault(building_id, Rate()).add(Rate(int(billed), int(paid)))
    return out


@dataclass
class RateRow:
    key: str
    name: str
    month: Rate
    year: Rate


def collection(site: Site, month: str, by: str = "butler") -> tuple[list[RateRow], RateRow]:
    """The collection rate of ``month`` and of the year to it (collected for the bills of
    the period / billed for the period), by butler or by building, best first, and the
    site's total row."""
    first, last = month_days(month)
    month_rates = _by_building(site, first, last)
    year_rates = _by_building(site, date(first.year, 1, 1), last)
    buildings = {b.id: b for b in db.session.scalars(tenancy.select(Building, site=site))}
    butlers = butler_of_buildings(site)
    rows: dict[str, RateRow] = {}
    total = RateRow("total", "", Rate(), Rate())
    for building_id in set(month_rates) | set(year_rates):
        if by == "building":
            building = buildings[building_id]
            key, name = f"building-{building_id}", f"{building.code} {building.name}"
        else:
            butler = butlers.get(building_id)
            key = f"butler-{butler.id}" if butler else "butler-none"
            name = butler.display_name if butler else ""
        row = rows.setdefault(key, RateRow(key, name, Rate(), Rate()))
        for target, source in ((row.month, month_rates), (row.year, year_rates)):
            target.add(source.get(building_id, Rate()))
        total.month.add(month_rates.get(building_id, Rate()))
        total.year.add(year_rates.get(building_id, Rate()))
    ranked = sorted(
        rows.values(),
        key=lambda r: (r.month.percent is None, -(r.month.percent or 0), r.name),
    )
    return ranked, total


def trend(
    site: Site, month: str, count: int = 12, building_ids: list[int] | None = None
) -> list[tuple[str, Rate]]:
    """The collection rate of each of the ``count`` months up to ``month``, oldest first."""
    months = [add_months(month, -n) for n in range(count - 1, -1, -1)]
    first, _ = month_days(months[0])
    _, last = month_days(months[-1])
    found = {m: Rate() for m in months}
    for due_on, billed, paid in _tallies(site, first, last, building_ids):
        found[due_on.strftime("%Y-%m")].add(Rate(int(billed), int(paid)))
    return [(m, found[m]) for m in months]


def recovery(site: Site, month: str, building_ids: list[int] | None = None) -> Rate:
    """The recovery of older arrears in ``month``: what was owed at its start on bills due
    before it (``billed_minor``), and what of it came in during the month (``collected_minor``)."""
    first, last = month_days(month)
    start, end = as_utc_bounds(site, first, last)
    b, a = FeesBill, FeesAllocation
    t = FeesTally
    owing_now = sa.select(sa.func.coalesce(sa.func.sum(t.billed_minor - t.paid_minor), 0)).where(
        t.site_id == site.id, t.due_on < first
    )
    since = (
        sa.select(
            sa.func.coalesce(sa.func.sum(a.amount_minor), 0),
            sa.func.coalesce(
                sa.func.sum(sa.case((a.received_at < end, a.amount_minor), else_=0)), 0
            ),
        )
        .join(b, b.id == a.bill_id)
        .where(
            a.site_id == site.id,
            a.cancelled.is_(False),
            a.received_at >= start,
            b.site_id == site.id,
            b.due_on < first,
        )
    )
    if building_ids is not None:
        owing_now = owing_now.where(t.building_id.in_(building_ids))
        since = since.where(b.building_id.in_(building_ids))
    now_owing = int(db.session.scalar(owing_now))
    paid_since, paid_in_month = (int(v) for v in db.session.execute(since).one())
    return Rate(now_owing + paid_since, paid_in_month)


def my_month_rate(site: Site, user: User) -> Rate | None:
    """The collection rate of this month on the buildings ``user`` looks after; None when
    they look after none."""
    from core.buildings import looked_after

    ids = list(db.session.scalars(looked_after(site.id, user.id)))
    if not ids:
        return None
    first, last = month_days(clock.this_month(site))
    rate = Rate()
    for _due, billed, paid in _tallies(site, first, last, ids):
        rate.add(Rate(int(billed), int(paid)))
    return rate


# --- The Monday report -------------------------------------------------------------------


@dataclass
class WeekRow:
    butler_id: int
    name: str
    units_chased: int = 0
    contacts: int = 0
    promises: int = 0
    promised_minor: int = 0
    collected_minor: int = 0


def week_figures(site: Site, monday: date) -> list[WeekRow]:
    """The chasing of the week from ``monday``: for each butler who chased or took money,
    the units chased, contacts, promises (and their amount) and the money taken."""
    start, end = as_utc_bounds(site, monday, monday + timedelta(days=6))
    c, p = FeesChase, FeesPayment
    rows: dict[int, WeekRow] = {}
    chases = db.session.execute(
        sa.select(
            c.butler_id,
            User.display_name,
            sa.func.count(sa.distinct(c.unit_id)),
            sa.func.count(c.id),
            sa.func.count(c.promise_on),
            sa.func.coalesce(sa.func.sum(c.promise_minor), 0),
        )
        .join(User, User.id == c.butler_id)
        .where(c.site_id == site.id, c.at >= start, c.at < end)
        .group_by(c.butler_id, User.display_name)
    ).all()
    for butler_id, name, units, contacts, promises, promised in chases:
        rows[butler_id] = WeekRow(butler_id, name, units, contacts, promises, int(promised))
    taken = db.session.execute(
        sa.select(p.taken_by_id, User.display_name, sa.func.sum(p.amount_minor))
        .join(User, User.id == p.taken_by_id)
        .where(
            p.site_id == site.id, p.status == "paid", p.received_at >= start, p.received_at < end
        )
        .group_by(p.taken_by_id, User.display_name)
    ).all()
    for butler_id, name, amount in taken:
        rows.setdefault(butler_id, WeekRow(butler_id, name)).collected_minor = int(amount or 0)
    return sorted(rows.values(), key=lambda r: r.name)


# --- Day page, work log, unit statement --------------------------------------------------


def promises_due(site: Site, user: User, day: date) -> list[tuple[FeesChase, str]]:
    """The promises to pay that fall on ``day`` for the units ``user`` chased."""
    rows = db.session.execute(
        tenancy.select(FeesChase, site=site)
        .add_columns(Unit.number, Building.code)
        .join(Unit, Unit.id == FeesChase.unit_id)
        .join(Building, Building.id == Unit.building_id)
        .where(FeesChase.promise_on == day, FeesChase.butler_id == user.id)
        .order_by(FeesChase.id)
    ).all()
    return [(chase, f"{code}-{number}") for chase, number, code in rows]


def work_done(site: Site, butler: User, start: datetime, end: datetime):
    """The chasing contacts made and the payments taken by ``butler`` in [start, end)."""
    chases = db.session.execute(
        tenancy.select(FeesChase, site=site)
        .add_columns(Unit.number, Building.code)
        .join(Unit, Unit.id == FeesChase.unit_id)
        .join(Building, Building.id == Unit.building_id)
        .where(FeesChase.butler_id == butler.id, FeesChase.at >= start, FeesChase.at < end)
        .order_by(FeesChase.at)
    ).all()
    payments = db.session.execute(
        tenancy.select(FeesPayment, site=site)
        .add_columns(Unit.number, Building.code)
        .join(Unit, Unit.id == FeesPayment.unit_id)
        .join(Building, Building.id == Unit.building_id)
        .where(
            FeesPayment.taken_by_id == butler.id,
            FeesPayment.received_at >= start,
            FeesPayment.received_at < end,
        )
        .order_by(FeesPayment.received_at)
    ).all()
    return chases, payments


def statement(site: Site, unit: Unit):
    """The unit's bills (newest first), payments (newest first) and balance."""
    bills = db.session.scalars(
        tenancy.select(FeesBill, site=site)
        .where(FeesBill.unit_id == unit.id)
        .order_by(FeesBill.due_on.desc(), FeesBill.id.desc())
    ).all()
    payments = db.session.scalars(
        tenancy.select(FeesPayment, site=site)
        .where(FeesPayment.unit_id == unit.id)
        .order_by(FeesPayment.received_at.desc(), FeesPayment.id.desc())
    ).all()
    balance = sum(b.due_minor for b in bills)
    overdue = sum(b.due_minor for b in bills if b.due_on < clock.today(site))
    return bills, payments, balance, overdue


def chases_of(site: Site, unit: Unit) -> list[FeesChase]:
    return list(
        db.session.scalars(
            tenancy.select(FeesChase, site=site)
            .where(FeesChase.unit_id == unit.id)
            .order_by(FeesChase.at.desc(), FeesChase.id.desc())
        )
    )


def reason_of(site: Site, unit: Unit) -> FeesArrear | None:
    return db.session.scalar(
        tenancy.select(FeesArrear, site=site).where(FeesArrear.unit_id == unit.id)
    )


def day_items(site: Site, user: User, day: date) -> list:
    """The promises to pay that fall on ``day`` for units ``user`` chased; done once the
    unit has paid since the promise."""
    from flask import url_for
    from flask_babel import lazy_gettext as _l

    from core import money
    from core.plugins.api import DayItem

    items = []
    for chase, label in promises_due(site, user, day):
        paid = db.session.scalar(
            tenancy.select(FeesPayment, sa.func.count(FeesPayment.id), site=site).where(
                FeesPayment.unit_id == chase.unit_id,
                FeesPayment.status == "paid",
                FeesPayment.received_at >= chase.at,
            )
        )
        items.append(
            DayItem(
                key=f"fees.promise.{chase.id}",
                title=f"{label} · {money.show(chase.promise_minor or 0, site.currency)}",
                url=url_for("fees.unit", unit_id=chase.unit_id),
                kind=_l("Promise to pay"),
                detail=chase.note[:120],
                done=bool(paid),
                permission="fees.view",
            )
        )
    return items


def work_log(site: Site, butler: User, day: date) -> list:
    """The chasing contacts ``butler`` made and the payments they took on ``day``."""
    from flask import url_for
    from flask_babel import gettext as _
    from flask_babel import lazy_gettext as _l

    from core import money
    from core.plugins.api import WorkLogEntry
    from plugins.fees.labels import CHASE_LABELS, METHOD_LABELS, STATUS_LABELS

    start, end = clock.day_bounds(site, day)
    chases, payments = work_done(site, butler, start, end)
    lines = []
    for chase, number, code in chases:
        outcome = (
            _(
                "Promised %(amount)s on %(day)s",
                amount=money.show(chase.promise_minor, site.currency),
                day=chase.promise_on.isoformat(),
            )
            if chase.promise_on
            else ""
        )
        lines.append(
            WorkLogEntry(
                key=f"fees.chase.{chase.id}",
                time=chase.at,
                kind=_l("Fee chasing"),
                title=f"{code}-{number}",
                url=url_for("fees.unit", unit_id=chase.unit_id),
                detail=f"{CHASE_LABELS[chase.kind]}: {chase.note[:150]}",
                outcome=outcome,
            )
        )
    for payment, number, code in payments:
        lines.append(
            WorkLogEntry(
                key=f"fees.payment.{payment.id}",
                time=payment.received_at,
                kind=_l("Fee payment"),
                title=f"{code}-{number}",
                url=url_for("fees.receipt", payment_id=payment.id),
                detail=f"{METHOD_LABELS[payment.method]} "
                f"{money.show(payment.amount_minor, site.currency)}",
                outcome=str(STATUS_LABELS[payment.status]) if payment.status != "paid" else "",
            )
        )
    return lines
