"""The revenue report: by service and month, by butler, and the unpaid orders; XLSX too.

Revenue is the value of delivered work: an order's quoted lines count in the month it
was delivered, a rental's monthly charge in its own month. Collected is what was paid,
less refunds, by the month the money came in. Months are the site's own.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import Response, render_template, request
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import case, func, select

from core import clock, money
from core.charts import Chart, Series
from core.exports import neutralise
from core.extensions import db
from core.models import Building, Resident, Site, Unit, User
from core.plugins.api import Sheet
from core.security import requires
from core.tenancy import current_site
from plugins.paid_services.models import (
    PaidServicesLine,
    PaidServicesMonthFigure,
    PaidServicesOrder,
    PaidServicesPayment,
    PaidServicesService,
)
from plugins.paid_services.views import bp

PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
MONTHS = 12
UNPAID_ON_PAGE = 100
UNPAID_IN_EXPORT = 5000


def months_ending(period: str, count: int = MONTHS) -> list[str]:
    """The ``count`` months up to and including ``period`` (``YYYY-MM``), oldest first."""
    year, month = int(period[:4]), int(period[5:7])
    out = []
    for _n in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(out))


def _first_day(period: str) -> date:
    return date(int(period[:4]), int(period[5:7]), 1)


def _after(period: str) -> date:
    year, month = int(period[:4]), int(period[5:7])
    return date(year + (month == 12), month % 12 + 1, 1)


def _utc(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


@dataclass
class Revenue:
    months: list[str]
    by_service: dict[str, dict[str, int]] = field(default_factory=dict)
    collected: dict[str, int] = field(default_factory=dict)

    def total(self, service: str) -> int:
        return sum(self.by_service[service].values())

    def month_total(self, month: str) -> int:
        return sum(row.get(month, 0) for row in self.by_service.values())


def _month_of_date(column, months: list[str]):
    """SQL: the ``YYYY-MM`` label of a date column among ``months`` (it is within them)."""
    return case(
        *((column < _after(m), m) for m in months[:-1]),
        else_=months[-1],
    )


def _month_of_time(column, months: list[str], tz: ZoneInfo):
    """SQL: the ``YYYY-MM`` label, on the site's clock, of a UTC timestamp column."""
    return case(
        *((column < _utc(_after(m), tz), m) for m in months[:-1]),
        else_=months[-1],
    )


def _signed(payment=PaidServicesPayment):
    return case((payment.kind == "payment", payment.amount_minor), else_=-payment.amount_minor)


def _delivered(columns, site: Site, first: date, after: date, months: list[str]):
    """Two SELECTs of delivered work: quoted lines delivered between ``first`` and
    ``after``, and rental charges of ``months``. Apart, each reads its own index."""
    line, order = PaidServicesLine, PaidServicesOrder
    base = (
        select(*columns)
        .select_from(line)
        .join(order, order.id == line.order_id)
        .where(line.site_id == site.id, order.site_id == site.id, order.status == "delivered")
    )
    quoted = base.where(
        line.period.is_(None), order.delivered_on >= first, order.delivered_on < after
    )
    rentals = base.where(line.period >= months[0], line.period <= months[-1])
    return quoted, rentals


def revenue(site: Site, period: str) -> Revenue:
    """Revenue by service and month and money collected by month, from the month figures
    (``rollup.py``): a year is a few hundred rows, however many orders it had."""
    months = months_ending(period)
    f = PaidServicesMonthFigure
    in_year = (f.site_id == site.id, f.month >= months[0], f.month <= months[-1])
    by_service: dict[str, dict[str, int]] = defaultdict(dict)
    for name, month, amount in db.session.execute(
        select(PaidServicesService.name, f.month, func.sum(f.delivered_minor))
        .join(PaidServicesService, PaidServicesService.id == f.service_id)
        .where(*in_year, f.service_id != 0)
        .group_by(PaidServicesService.name, f.month)
        .having(func.sum(f.delivered_lines) > 0)
    ):
        by_service[name][month] = int(amount)
    collected = db.session.execute(
        select(f.month, func.sum(f.collected_minor))
        .where(*in_year, f.service_id == 0)
        .group_by(f.month)
        .having(func.sum(f.payments) > 0)
    ).all()
    return Revenue(
        months=months,
        by_service={name: by_service[name] for name in sorted(by_service)},
        collected={label: int(amount) for label, amount in collected},
    )


def revenue_from_rows(site: Site, period: str) -> Revenue:
    """``revenue`` summed from the orders, lines and payments themselves: the rule the
    month figures follow, and what the tests check them against."""
    months = months_ending(period)
    first, after = _first_day(months[0]), _after(months[-1])
    tz = clock.zone(site)
    line, order, payment = PaidServicesLine, PaidServicesOrder, PaidServicesPayment
    by_service: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    delivered_in = _month_of_date(order.delivered_on, months)
    quoted, _ = _delivered(
        (PaidServicesService.name, delivered_in, func.sum(line.total_minor)),
        site,
        first,
        after,
        months,
    )
    _, rentals = _delivered(
        (PaidServicesService.name, line.period, func.sum(line.total_minor)),
        site,
        first,
        after,
        months,
    )
    for stmt, month in ((quoted, delivered_in), (rentals, line.period)):
        rows = db.session.execute(
            stmt.join(PaidServicesService, PaidServicesService.id == line.service_id).group_by(
                PaidServicesService.name, month
            )
        ).all()
        for name, label, amount in rows:
            by_service[name][label] += int(amount)
    received = _month_of_time(payment.received_at, months, tz)
    collected = db.session.execute(
        select(received, func.sum(_signed()))
        .where(
            payment.site_id == site.id,
            payment.received_at >= _utc(first, tz),
            payment.received_at < _utc(after, tz),
        )
        .group_by(received)
    ).all()
    return Revenue(
        months=months,
        by_service={name: dict(by_service[name]) for name in sorted(by_service)},
        collected={label: int(amount) for label, amount in collected},
    )


@dataclass
class ButlerRow:
    name: str
    orders: int = 0
    sold_minor: int = 0
    delivered_minor: int = 0
    collected_minor: int = 0


def by_butler(site: Site, period: str) -> list[ButlerRow]:
    """For each seller: quotes accepted in the month and their value, work delivered, money
    in; from the month figures."""
    f = PaidServicesMonthFigure
    rows = db.session.execute(
        select(
            User.display_name,
            func.sum(f.sold_orders),
            func.sum(f.sold_minor),
            func.sum(f.delivered_lines),
            func.sum(f.delivered_minor),
            func.sum(f.payments),
            func.sum(f.collected_minor),
        )
        .join(User, User.id == f.seller_id)
        .where(f.site_id == site.id, f.month == period)
        .group_by(f.seller_id, User.display_name)
    ).all()
    return sorted(
        (
            ButlerRow(name, int(orders), int(sold), int(delivered), int(collected))
            for name, orders, sold, lines, delivered, payments, collected in rows
            if orders or lines or payments
        ),
        key=lambda r: r.name,
    )


def by_butler_from_rows(site: Site, period: str) -> list[ButlerRow]:
    """``by_butler`` summed from the rows themselves (the rule; checked by the tests)."""
    tz = clock.zone(site)
    first, after = _first_day(period), _after(period)
    start, end = _utc(first, tz), _utc(after, tz)
    o, line, payment = PaidServicesOrder, PaidServicesLine, PaidServicesPayment
    rows: dict[int, ButlerRow] = {}

    def row(user_id: int, name: str) -> ButlerRow:
        return rows.setdefault(user_id, ButlerRow(name))

    sold = db.session.execute(
        select(o.sold_by_id, User.display_name, func.count(o.id), func.sum(o.total_minor))
        .join(User, User.id == o.sold_by_id)
        .where(
            o.site_id == site.id,
            # Sold when the resident accepted the quote: a quote never accepted is no sale.
            o.accepted_at >= start,
            o.accepted_at < end,
            o.status != "cancelled",
        )
        .group_by(o.sold_by_id, User.display_name)
    ).all()
    for user_id, name, count, total in sold:
        r = row(user_id, name)
        r.orders, r.sold_minor = count, int(total or 0)
    columns = (o.sold_by_id, User.display_name, func.sum(line.total_minor))
    delivered = []
    for stmt in _delivered(columns, site, first, after, [period]):
        delivered += db.session.execute(
            stmt.join(User, User.id == o.sold_by_id).group_by(o.sold_by_id, User.display_name)
        ).all()
    for user_id, name, amount in delivered:
        row(user_id, name).delivered_minor += int(amount or 0)
    paid = db.session.execute(
        select(o.sold_by_id, User.display_name, func.sum(_signed()))
        .join(o, o.id == payment.order_id)
        .join(User, User.id == o.sold_by_id)
        .where(
            payment.site_id == site.id,
            payment.received_at >= start,
            payment.received_at < end,
        )
        .group_by(o.sold_by_id, User.display_name)
    ).all()
    for user_id, name, amount in paid:
        row(user_id, name).collected_minor = int(amount or 0)
    return sorted(rows.values(), key=lambda r: r.name)


def unpaid(site: Site, limit: int) -> list:
    """The oldest ``limit`` orders with money still due, with who and where."""
    o = PaidServicesOrder
    return db.session.execute(
        select(o, Resident.name, Unit.number, Building.code, User.display_name)
        .join(Resident, Resident.id == o.resident_id)
        .outerjoin(Unit, Unit.id == o.unit_id)
        .outerjoin(Building, Building.id == Unit.building_id)
        .join(User, User.id == o.sold_by_id)
        .where(
            o.site_id == site.id,
            o.status.in_(("accepted", "delivered")),
            o.paid_minor < o.total_minor,
        )
        .order_by(o.id)
        .limit(limit)
    ).all()


def _period_arg() -> tuple[str, str | None]:
    period = request.args.get("period", "")
    if PERIOD.match(period):
        return period, None
    today = clock.today(current_site())
    error = _("Choose a month as YYYY-MM, for example 2026-11.") if period else None
    return today.strftime("%Y-%m"), error


@bp.route("/reports/revenue", endpoint="revenue")
@requires("paid_services.reports")
def revenue_report():
    site = current_site()
    period, error = _period_arg()
    data = revenue(site, period)
    butlers = by_butler(site, period)
    if request.args.get("export") == "xlsx" and not error:
        owed = unpaid(site, UNPAID_IN_EXPORT)
        body = workbook(site, period, data, butlers, owed)
        name = f"paid-services-{site.slug}-{period}.xlsx"
        return Response(
            body,
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f"attachment; filename={name}"},
        )
    owed = unpaid(site, UNPAID_ON_PAGE + 1)
    return render_template(
        "paid_services/report.html",
        more_unpaid=len(owed) > UNPAID_ON_PAGE,
        period=period,
        error=error,
        data=data,
        revenue_chart=revenue_chart(data, site.currency),
        butlers=butlers,
        unpaid=owed[:UNPAID_ON_PAGE],
    ), (422 if error else 200)


def revenue_chart(data: Revenue, currency: str) -> Chart:
    """Each month's revenue, stacked by service (amounts in the site's currency)."""
    return Chart(
        "stacked",
        _("Revenue of each month, by service"),
        labels=tuple(data.months),
        series=tuple(
            Series(name, tuple(months.get(m, 0) for m in data.months))
            for name, months in data.by_service.items()
        ),
        show=lambda minor: money.show(int(minor), currency),
    )


def workbook(site: Site, period: str, data: Revenue, butlers: list[ButlerRow], owed: list) -> bytes:
    """The report as an XLSX workbook: one sheet per table, amounts in major units."""

    currency = site.currency
    book = Workbook(write_only=True)

    def text(value: str):
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))

    def amount(sheet, minor: int):
        cell = WriteOnlyCell(sheet, value=money.to_decimal(minor, currency))
        cell.number_format = "#,##0.00"
        return cell

    sheet = book.create_sheet(_("Revenue")[:31])
    sheet.append([_("Service"), *data.months, _("Total")])
    for name, months in data.by_service.items():
        sheet.append(
            [
                text(name),
                *(amount(sheet, months.get(m, 0)) for m in data.months),
                amount(sheet, data.total(name)),
            ]
        )
    sheet.append([_("Total"), *(amount(sheet, data.month_total(m)) for m in data.months)])
    sheet.append([_("Collected"), *(amount(sheet, data.collected.get(m, 0)) for m in data.months)])

    sheet = book.create_sheet(_("By butler")[:31])
    sheet.append([_("Butler"), _("Orders"), _("Sold"), _("Delivered"), _("Collected")])
    for r in butlers:
        sheet.append(
            [
                text(r.name),
                r.orders,
                amount(sheet, r.sold_minor),
                amount(sheet, r.delivered_minor),
                amount(sheet, r.collected_minor),
            ]
        )

    sheet = book.create_sheet(_("Unpaid")[:31])
    sheet.append(
        [_("Order"), _("Resident"), _("Unit"), _("Sold by"), _("Total"), _("Paid"), _("Due")]
    )
    for order, resident, number, code, seller in owed:
        sheet.append(
            [
                order.id,
                text(resident),
                text(f"{code}-{number}" if number else ""),
                text(seller),
                amount(sheet, order.total_minor),
                amount(sheet, order.paid_minor),
                amount(sheet, order.due_minor),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- The butler's share, for the hand-in pack -------------------------------------------


def seller_row(site: Site, period: str, butler: User) -> ButlerRow:
    """``butler``'s line of the "By butler" table: the same rules as ``by_butler``
    (accepted quotes, delivered work, money in), counted for their orders only."""
    tz = clock.zone(site)
    first, after = _first_day(period), _after(period)
    start, end = _utc(first, tz), _utc(after, tz)
    o, line, payment = PaidServicesOrder, PaidServicesLine, PaidServicesPayment
    row = ButlerRow(butler.display_name)
    count, total = db.session.execute(
        select(func.count(o.id), func.sum(o.total_minor)).where(
            o.site_id == site.id,
            o.sold_by_id == butler.id,
            o.accepted_at >= start,
            o.accepted_at < end,
            o.status != "cancelled",
        )
    ).one()
    row.orders, row.sold_minor = int(count or 0), int(total or 0)
    for stmt in _delivered((func.sum(line.total_minor),), site, first, after, [period]):
        row.delivered_minor += int(db.session.scalar(stmt.where(o.sold_by_id == butler.id)) or 0)
    row.collected_minor = int(
        db.session.scalar(
            select(func.sum(_signed()))
            .join(o, o.id == payment.order_id)
            .where(
                payment.site_id == site.id,
                o.sold_by_id == butler.id,
                payment.received_at >= start,
                payment.received_at < end,
            )
        )
        or 0
    )
    return row


def butler_sheet(site: Site, period: str, butler: User) -> Sheet:
    """The butler's paid services of ``period``: orders sold, their value, work delivered
    and money collected, amounts in major units."""
    r = seller_row(site, period, butler)
    currency = site.currency
    return Sheet(
        title=_("Paid services sold"),
        columns=(_("Butler"), _("Orders"), _("Sold"), _("Delivered"), _("Collected")),
        rows=(
            (
                r.name,
                r.orders,
                money.to_decimal(r.sold_minor, currency),
                money.to_decimal(r.delivered_minor, currency),
                money.to_decimal(r.collected_minor, currency),
            ),
        ),
        keys=("butler",),
    )
