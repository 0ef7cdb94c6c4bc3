"""The service desk's reports: the month's figures and the open-items summary (未處理完畢匯總表)."""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time

from flask import Response, render_template, request
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import func, select

from core import clock, tenancy
from core.charts import Chart, Series
from core.exports import neutralise
from core.extensions import db
from core.models import Site, User
from core.plugins.api import Sheet
from core.security import requires
from core.tenancy import current_site
from plugins.service_desk import labels
from plugins.service_desk.models import OPEN_STATUSES, ServiceDeskCategory, ServiceDeskRequest
from plugins.service_desk.queries import list_options, mine
from plugins.service_desk.views import bp

PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
OPEN_ITEMS_LIMIT = 5000
OPEN_ITEMS_PER_PAGE = 50
R = ServiceDeskRequest


def month_bounds(site: Site, period: str) -> tuple[datetime, datetime]:
    """The first instant of the month and of the next one, on the site's clock."""
    match = PERIOD.match(period)
    year, month = int(match.group(1)), int(match.group(2))
    zone = clock.zone(site)
    start = datetime.combine(date(year, month, 1), time(0), tzinfo=zone)
    end_day = date(year + (month == 12), month % 12 + 1, 1)
    return start, datetime.combine(end_day, time(0), tzinfo=zone)


def _period(site: Site, now: datetime) -> tuple[str, str | None]:
    period = request.args.get("period", "")
    if PERIOD.match(period) and 2000 <= int(period[:4]) <= 2100:
        return period, None
    fallback = now.astimezone(clock.zone(site)).strftime("%Y-%m")
    if period:
        return fallback, _("Choose a month as YYYY-MM, for example 2026-11.")
    return fallback, None


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class MonthFigures:
    by_type: list[tuple[str, int]]
    by_category: list[tuple[str, str, int]]
    total: int
    reply_on_time: float | None
    completion_on_time: float | None
    callback_rate: float | None
    satisfaction_rate: float | None


def month_figures(site: Site, period: str, now: datetime) -> MonthFigures:
    """The counts and rates of the requests received in ``period`` (YYYY-MM)."""
    start, end = month_bounds(site, period)
    rows = db.session.execute(
        select(
            R.type,
            ServiceDeskCategory.name,
            R.reply_due_at,
            R.acknowledged_at,
            R.complete_due_at,
            R.done_at,
            R.status,
            R.called_back_at,
            R.satisfaction,
        )
        .join(ServiceDeskCategory, ServiceDeskCategory.id == R.category_id)
        .where(R.site_id == site.id, R.received_at >= start, R.received_at < end)
    ).all()
    by_type: Counter = Counter()
    by_category: Counter = Counter()
    replies = replied_on_time = completions = completed_on_time = 0
    done = called_back = rated = satisfied = 0
    for type_, category, reply_due, replied, complete_due, done_at, status, called, mood in rows:
        by_type[type_] += 1
        by_category[(type_, category)] += 1
        # A promise counts once it is kept or broken; one still running is not counted.
        if replied is not None or reply_due < now:
            replies += 1
            replied_on_time += replied is not None and replied <= reply_due
        if done_at is not None or complete_due < now:
            completions += 1
            completed_on_time += done_at is not None and done_at <= complete_due
        if done_at is not None or status in ("called_back", "closed"):
            done += 1
            called_back += called is not None
        if mood:
            rated += 1
            satisfied += mood == "satisfied"
    return MonthFigures(
        by_type=[(t, by_type[t]) for t in labels.TYPE_LABELS if by_type[t]],
        by_category=sorted((t, c, n) for (t, c), n in by_category.items()),
        total=len(rows),
        reply_on_time=_rate(replied_on_time, replies),
        completion_on_time=_rate(completed_on_time, completions),
        callback_rate=_rate(called_back, done),
        satisfaction_rate=_rate(satisfied, rated),
    )


@bp.route("/reports/monthly")
@requires("service_desk.reports")
def monthly_report():
    site = current_site()
    now = clock.now()
    period, error = _period(site, now)
    return render_template(
        "service_desk/report_monthly.html",
        period=period,
        error=error,
        figures=(figures := month_figures(site, period, now)),
        promises=promises_chart(figures),
        type_labels=labels.TYPE_LABELS,
    ), (422 if error else 200)


def promises_chart(figures: MonthFigures) -> Chart:
    """The month's four promises to residents, each as the share kept (%)."""
    return Chart(
        "bar",
        _("Promises kept this month (%)"),
        labels=(_("replied on time"), _("completed on time"), _("called back"), _("satisfied")),
        series=(
            Series(
                _("Share of requests"),
                (
                    figures.reply_on_time,
                    figures.completion_on_time,
                    figures.callback_rate,
                    figures.satisfaction_rate,
                ),
            ),
        ),
        unit=" %",
    )


def month_xlsx(period: str, figures: MonthFigures) -> bytes:
    """The month's figures as a workbook: the rates, then the counts by type and category."""

    book = Workbook(write_only=True)
    sheet = book.create_sheet(period)

    def rate(value: float | None):
        if value is None:
            return ""
        cell = WriteOnlyCell(sheet, value=value / 100)
        cell.number_format = "0.0%"
        return cell

    sheet.append([_("Service requests of the month"), period])
    sheet.append([_("requests received"), figures.total])
    for label, value in (
        (_("replied on time"), figures.reply_on_time),
        (_("completed on time"), figures.completion_on_time),
        (_("called back"), figures.callback_rate),
        (_("satisfied"), figures.satisfaction_rate),
    ):
        sheet.append([label, rate(value)])
    sheet.append([])
    sheet.append([_("Type"), _("Category"), _("Requests")])
    for type_, category, count in figures.by_category:
        sheet.append([str(labels.TYPE_LABELS[type_]), neutralise(category), count])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@bp.route("/reports/monthly.xlsx")
@requires("service_desk.reports")
def monthly_export():
    site = current_site()
    now = clock.now()
    period, error = _period(site, now)
    if error:
        return monthly_report()
    return Response(
        month_xlsx(period, month_figures(site, period, now)),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f'attachment; filename="service-desk-{site.slug}-{period}.xlsx"'
        },
    )


def open_items(site: Site, page: int | None = None) -> list[ServiceDeskRequest]:
    """The requests not closed yet, oldest first: one page of them, or all (for the export)."""
    ids = tenancy.select(R, R.id, site=site).where(R.status.in_(OPEN_STATUSES))
    ids = ids.order_by(R.received_at, R.id)
    if page is None:
        ids = ids.limit(OPEN_ITEMS_LIMIT)
    else:
        ids = ids.limit(OPEN_ITEMS_PER_PAGE).offset((page - 1) * OPEN_ITEMS_PER_PAGE)
    chosen = ids.subquery("chosen")
    return list(
        db.session.scalars(
            select(R)
            .join(chosen, chosen.c.id == R.id)
            .options(*list_options())
            .order_by(R.received_at, R.id)
        ).unique()
    )


def _assignee(item: ServiceDeskRequest) -> str:
    if item.assignee is not None:
        return item.assignee.display_name
    if item.contractor:
        return item.contractor
    return str(labels.ASSIGNEE_KIND_LABELS.get(item.assignee_kind or "", ""))


@bp.route("/reports/open-items")
@requires("service_desk.reports")
def open_items_report():
    site = current_site()
    try:
        page = max(1, min(int(request.args.get("page", 1)), 10_000))
    except ValueError:
        page = 1
    total = db.session.scalar(
        tenancy.select(R, func.count(R.id), site=site).where(R.status.in_(OPEN_STATUSES))
    )
    return render_template(
        "service_desk/report_open_items.html",
        items=open_items(site, page),
        total=total,
        page=page,
        pages=max(1, -(-total // OPEN_ITEMS_PER_PAGE)),
        now=clock.now(),
        assignee=_assignee,
        type_labels=labels.TYPE_LABELS,
        status_labels=labels.STATUS_LABELS,
    )


def open_items_xlsx(site: Site, now: datetime) -> bytes:
    """The open-items summary as a workbook: one row per open request."""

    zone = clock.zone(site)

    def local(value: datetime | None):
        return value.astimezone(zone).replace(tzinfo=None) if value else None

    def text(value: str) -> str:
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Open items")[:31])
    sheet.append(
        [
            _("Number"),
            _("Received"),
            _("Unit"),
            _("Resident"),
            _("Type"),
            _("Category"),
            _("What the resident asks"),
            _("Status"),
            _("Assigned to"),
            _("Reply by"),
            _("Complete by"),
            _("Overdue"),
        ]
    )
    for item in open_items(site):
        unit = f"{item.building.code}-{item.unit.number}" if item.unit and item.building else ""
        sheet.append(
            [
                item.id,
                local(item.received_at),
                text(unit),
                text(item.resident.name),
                str(labels.TYPE_LABELS[item.type]),
                text(item.category.name),
                text(item.description),
                str(labels.STATUS_LABELS[item.status]),
                text(_assignee(item)),
                local(item.reply_due_at),
                local(item.complete_due_at),
                _("yes") if item.overdue(now) else _("no"),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@bp.route("/reports/open-items.xlsx")
@requires("service_desk.reports")
def open_items_export():
    site = current_site()
    now = clock.now()
    today = now.astimezone(clock.zone(site)).date().isoformat()
    return Response(
        open_items_xlsx(site, now),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f'attachment; filename="open-items-{site.slug}-{today}.xlsx"'
        },
    )


# --- The butler's share, for the hand-in pack -------------------------------------------


@dataclass
class _Tally:
    """One type's requests and the promises kept, counted as ``month_figures`` counts."""

    requests: int = 0
    replies: int = 0
    replied_on_time: int = 0
    completions: int = 0
    completed_on_time: int = 0
    done: int = 0
    called_back: int = 0
    rated: int = 0
    satisfied: int = 0

    def add(self, row, now: datetime) -> None:
        reply_due, replied, complete_due, done_at, status, called, mood = row
        self.requests += 1
        if replied is not None or reply_due < now:
            self.replies += 1
            self.replied_on_time += replied is not None and replied <= reply_due
        if done_at is not None or complete_due < now:
            self.completions += 1
            self.completed_on_time += done_at is not None and done_at <= complete_due
        if done_at is not None or status in ("called_back", "closed"):
            self.done += 1
            self.called_back += called is not None
        if mood:
            self.rated += 1
            self.satisfied += mood == "satisfied"

    def merge(self, other: _Tally) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def cells(self) -> tuple:
        return (
            self.requests,
            _rate(self.replied_on_time, self.replies),
            _rate(self.completed_on_time, self.completions),
            _rate(self.called_back, self.done),
            _rate(self.satisfied, self.rated),
        )


def butler_sheet(site: Site, period: str, butler: User) -> Sheet:
    """The requests a butler answers for (assigned to them, or from their buildings)
    received in ``period``: counts by type, replies and completions on time, callbacks
    and satisfaction, with the rules of the month's figures."""
    start, end = month_bounds(site, period)
    now = clock.now()
    rows = db.session.execute(
        select(
            R.type,
            R.reply_due_at,
            R.acknowledged_at,
            R.complete_due_at,
            R.done_at,
            R.status,
            R.called_back_at,
            R.satisfaction,
        ).where(
            R.site_id == site.id,
            R.received_at >= start,
            R.received_at < end,
            mine(site.id, butler.id),
        )
    ).all()
    tallies = {code: _Tally() for code in labels.TYPE_LABELS}
    for type_, *rest in rows:
        tallies.setdefault(type_, _Tally()).add(rest, now)
    total = _Tally()
    for tally in tallies.values():
        total.merge(tally)
    codes = list(tallies)
    return Sheet(
        title=_("Service requests of the month"),
        columns=(
            _("Type"),
            _("Requests"),
            _("Replied on time (%)"),
            _("Completed on time (%)"),
            _("Called back (%)"),
            _("Satisfied (%)"),
        ),
        rows=tuple(
            (str(labels.TYPE_LABELS.get(code, code)), *tallies[code].cells()) for code in codes
        )
        + ((_("Total"), *total.cells()),),
        keys=(*codes, "total"),
    )
