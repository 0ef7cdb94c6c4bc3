"""The reports of fees: the collection rate (by butler or building, month and year to
date, with the aged arrears at month end and the recovery of older arrears), and the
Monday report of last week's chasing; each as a page and an XLSX, and the butler's share
of both for the hand-in pack.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from flask import Response, render_template, request
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from core import clock, money, tenancy
from core.buildings import looked_after
from core.charts import Chart, from_rows
from core.exports import neutralise
from core.extensions import db
from core.models import Site, User
from core.plugins.api import Sheet
from core.security import requires
from core.tenancy import current_site
from plugins.fees import queries
from plugins.fees.labels import BUCKET_LABELS
from plugins.fees.models import FeesWeek
from plugins.fees.queries import BUCKETS, Rate
from plugins.fees.rules import month_days, week_start
from plugins.fees.views import bp

PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
WEEK = re.compile(r"^\d{4}-\d{2}-\d{2}$")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period_arg() -> tuple[str, str | None]:
    period = request.args.get("period", "")
    if PERIOD.match(period):
        return period, None
    error = _("Choose a month as YYYY-MM, for example 2026-11.") if period else None
    return clock.this_month(current_site()), error


def _xlsx(body: bytes, name: str) -> Response:
    return Response(
        body, mimetype=XLSX, headers={"Content-Disposition": f"attachment; filename={name}"}
    )


# --- The collection rate -----------------------------------------------------------------


def trend_chart(site: Site, month: str, building_ids: list[int] | None = None) -> Chart:
    """The collection rate of the last twelve months, as a line."""
    rows = [
        (m, (rate.percent,)) for m, rate in queries.trend(site, month, building_ids=building_ids)
    ]
    return from_rows(
        "line",
        _("Collection rate of each month (%)"),
        rows,
        [_("Collection rate")],
        unit="%",
    )


@bp.route("/reports/collection", endpoint="collection")
@requires("fees.reports")
def collection_report():
    site = current_site()
    period, error = _period_arg()
    by = request.args.get("by", "butler")
    if by not in ("butler", "building"):
        by = "butler"
    rows, total = queries.collection(site, period, by)
    aged = queries.aged(site, queries.as_of_for(site, period))
    recovery = queries.recovery(site, period)
    if request.args.get("export") == "xlsx" and not error:
        body = collection_workbook(site, period, by, rows, total, aged, recovery)
        return _xlsx(body, f"fees-collection-{site.slug}-{period}.xlsx")
    return render_template(
        "fees/collection.html",
        period=period,
        error=error,
        by=by,
        rows=rows,
        total=total,
        aged=aged,
        recovery=recovery,
        trend=trend_chart(site, period),
    ), (422 if error else 200)


def _writer():
    book = Workbook(write_only=True)

    def text(value):
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))

    return book, text


def _amount(sheet, minor: int, currency: str):
    cell = WriteOnlyCell(sheet, value=money.to_decimal(minor, currency))
    cell.number_format = "#,##0.00"
    return cell


def collection_workbook(site, period, by, rows, total, aged, recovery) -> bytes:
    """The collection report as a workbook: the rates, the aged arrears, the recovery."""
    book, text = _writer()
    currency = site.currency
    sheet = book.create_sheet(_("Collection rate")[:31])
    sheet.append(
        [
            _("Butler") if by == "butler" else _("Building"),
            _("Billed in the month"),
            _("Collected in the month"),
            _("Collection rate (%)"),
            _("Billed in the year"),
            _("Collected in the year"),
            _("Year to date (%)"),
        ]
    )
    for row in [*rows, total]:
        sheet.append(
            [
                text(row.name or (_("Total") if row.key == "total" else _("No butler"))),
                _amount(sheet, row.month.billed_minor, currency),
                _amount(sheet, row.month.collected_minor, currency),
                row.month.percent,
                _amount(sheet, row.year.billed_minor, currency),
                _amount(sheet, row.year.collected_minor, currency),
                row.year.percent,
            ]
        )
    sheet = book.create_sheet(_("Arrears by age")[:31])
    sheet.append([_("Owing for"), _("Units"), _("Amount")])
    for key in BUCKETS:
        sheet.append(
            [text(BUCKET_LABELS[key]), aged.units[key], _amount(sheet, aged.buckets[key], currency)]
        )
    sheet.append([_("Total"), None, _amount(sheet, aged.total, currency)])
    sheet = book.create_sheet(_("Recovery")[:31])
    sheet.append(
        [_("Owed at the start of the month"), _("Recovered in the month"), _("Recovery rate (%)")]
    )
    sheet.append(
        [
            _amount(sheet, recovery.billed_minor, currency),
            _amount(sheet, recovery.collected_minor, currency),
            recovery.percent,
        ]
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- The Monday report -------------------------------------------------------------------


def _week_arg(site: Site) -> tuple[date, str | None]:
    text = request.args.get("week", "")
    last_monday = week_start(clock.today(site)) - timedelta(days=7)
    if not text:
        return last_monday, None
    if WEEK.match(text):
        try:
            return week_start(date.fromisoformat(text)), None
        except ValueError:
            pass
    return last_monday, _("Choose a day as YYYY-MM-DD.")


def week_rows(site: Site, monday: date) -> tuple[list[queries.WeekRow], bool]:
    """The week's rows as the Monday job wrote them, else counted now; and which."""
    kept = db.session.execute(
        tenancy.select(FeesWeek, site=site)
        .add_columns(User.display_name)
        .join(User, User.id == FeesWeek.butler_id)
        .where(FeesWeek.week_start == monday)
        .order_by(User.display_name)
    ).all()
    if kept:
        return [
            queries.WeekRow(
                w.butler_id,
                name,
                w.units_chased,
                w.contacts,
                w.promises,
                w.promised_minor,
                w.collected_minor,
            )
            for w, name in kept
        ], True
    return queries.week_figures(site, monday), False


@bp.route("/reports/monday", endpoint="monday")
@requires("fees.reports")
def monday_report():
    site = current_site()
    monday, error = _week_arg(site)
    rows, kept = week_rows(site, monday)
    if request.args.get("export") == "xlsx" and not error:
        return _xlsx(
            monday_workbook(site, monday, rows), f"fees-week-{site.slug}-{monday.isoformat()}.xlsx"
        )
    return render_template(
        "fees/monday.html",
        monday=monday,
        sunday=monday + timedelta(days=6),
        previous=monday - timedelta(days=7),
        following=monday + timedelta(days=7),
        rows=rows,
        kept=kept,
        error=error,
    ), (422 if error else 200)


def monday_workbook(site: Site, monday: date, rows) -> bytes:
    book, text = _writer()
    sheet = book.create_sheet(_("Chasing of the week")[:31])
    sheet.append([_("Week from"), monday])
    sheet.append(week_columns())
    for r in rows:
        sheet.append(
            [
                text(r.name),
                r.units_chased,
                r.contacts,
                r.promises,
                _amount(sheet, r.promised_minor, site.currency),
                _amount(sheet, r.collected_minor, site.currency),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def week_columns() -> list[str]:
    return [
        _("Butler"),
        _("Units chased"),
        _("Contacts"),
        _("Promises to pay"),
        _("Promised"),
        _("Collected"),
    ]


# --- The butler's share, for the hand-in pack --------------------------------------------


def butler_sheet(site: Site, period: str, butler: User) -> Sheet:
    """The butler's collection rate of ``period``, building by building, with the year to
    date (amounts in major units)."""
    ids = list(db.session.scalars(looked_after(site.id, butler.id)))
    rows, _total = queries.collection(site, period, "building")
    wanted = {f"building-{i}" for i in ids}
    currency = site.currency
    mine = [r for r in rows if r.key in wanted]
    total = queries.RateRow("total", _("Total"), Rate(), Rate())
    for r in mine:
        total.month.add(r.month)
        total.year.add(r.year)
    return Sheet(
        title=_("Fee collection rate"),
        columns=(
            _("Building"),
            _("Billed in the month"),
            _("Collected in the month"),
            _("Collection rate (%)"),
            _("Year to date (%)"),
        ),
        rows=tuple(
            (
                r.name,
                money.to_decimal(r.month.billed_minor, currency),
                money.to_decimal(r.month.collected_minor, currency),
                r.month.percent,
                r.year.percent,
            )
            for r in [*mine, total]
        ),
        keys=tuple(r.key for r in [*mine, total]),
    )


def chasing_sheet(site: Site, period: str, butler: User) -> Sheet:
    """The butler's chasing of each week that starts in ``period`` (the Monday reports)."""
    first, last = month_days(period)
    monday = week_start(first)
    if monday < first:
        monday += timedelta(days=7)
    rows = []
    keys = []
    while monday <= last:
        found = [r for r in week_rows(site, monday)[0] if r.butler_id == butler.id]
        r = found[0] if found else queries.WeekRow(butler.id, butler.display_name)
        rows.append(
            (
                monday,
                r.units_chased,
                r.contacts,
                r.promises,
                money.to_decimal(r.promised_minor, site.currency),
                money.to_decimal(r.collected_minor, site.currency),
            )
        )
        keys.append(monday.isoformat())
        monday += timedelta(days=7)
    return Sheet(
        title=_("Fee chasing by week"),
        columns=(_("Week from"), *week_columns()[1:]),
        rows=tuple(rows),
        keys=tuple(keys),
    )
