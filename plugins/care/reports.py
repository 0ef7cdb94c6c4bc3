"""The care report of the month: greetings, notices with their delivery, care visits,
parcels in and out; the same figures cut to one butler for the hand-in pack."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import Response, request
from flask_babel import gettext as _

from core import clock, tenancy
from core.charts import Chart, Series
from core.exports import xlsx_bytes
from core.extensions import db
from core.models import Site, User
from core.plugins.api import Sheet
from core.security import requires
from core.tenancy import current_site
from plugins.care import labels, rules
from plugins.care.models import (
    GREETING_METHODS,
    CareCase,
    CareGreeting,
    CareNotice,
    CareParcel,
    CareVisit,
)
from plugins.care.views.base import bp, page


def month_of(text: str | None, site: Site) -> date:
    """The first day of the month ``YYYY-MM`` (this month when absent or unreadable)."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return date(year, month, 1)
    except ValueError:
        pass
    return clock.today(site).replace(day=1)


def bounds(site: Site, first: date) -> tuple[datetime, datetime]:
    zone = clock.zone(site)
    following = (first + timedelta(days=32)).replace(day=1)
    return (
        datetime.combine(first, time(0), tzinfo=zone),
        datetime.combine(following, time(0), tzinfo=zone),
    )


@dataclass
class MonthFigures:
    greetings: dict[str, int] = field(default_factory=dict)
    notices: list[tuple[CareNotice, dict[str, int]]] = field(default_factory=list)
    visits: dict[str, int] = field(default_factory=dict)
    parcels_in: int = 0
    parcels_out: int = 0

    @property
    def greeted(self) -> int:
        return sum(self.greetings.values())

    @property
    def delivered(self) -> int:
        return sum(c["sent"] for _n, c in self.notices)

    @property
    def care_visits(self) -> int:
        return sum(self.visits.values())


def figures(site: Site, first: date, butler: User | None = None) -> MonthFigures:
    """The month's figures on ``site`` (only what ``butler`` did, when given)."""
    start, end = bounds(site, first)
    found = MonthFigures()
    greetings = tenancy.select(
        CareGreeting, CareGreeting.method, sa.func.count(CareGreeting.id), site=site
    ).where(CareGreeting.at >= start, CareGreeting.at < end)
    if butler is not None:
        greetings = greetings.where(CareGreeting.by_id == butler.id)
    counted = dict(db.session.execute(greetings.group_by(CareGreeting.method)).all())
    found.greetings = {m: int(counted.get(m, 0)) for m in GREETING_METHODS}
    notices = tenancy.select(CareNotice, site=site).where(
        CareNotice.sent_at >= start, CareNotice.sent_at < end
    )
    if butler is not None:
        notices = notices.where(CareNotice.sent_by_id == butler.id)
    sent = db.session.scalars(notices.order_by(CareNotice.sent_at, CareNotice.id)).all()
    counts = rules.delivery_counts(site, [n.id for n in sent])
    found.notices = [(n, counts[n.id]) for n in sent]
    visits = (
        tenancy.select(CareVisit, CareCase.kind, sa.func.count(CareVisit.id), site=site)
        .join(CareCase, CareCase.id == CareVisit.case_id)
        .where(CareVisit.visited_at >= start, CareVisit.visited_at < end)
    )
    if butler is not None:
        visits = visits.where(CareVisit.by_id == butler.id)
    by_kind = dict(db.session.execute(visits.group_by(CareCase.kind)).all())
    found.visits = {k: int(by_kind.get(k, 0)) for k in labels.CASE_LABELS}
    parcels_in = tenancy.select(CareParcel, sa.func.count(CareParcel.id), site=site).where(
        CareParcel.received_at >= start, CareParcel.received_at < end
    )
    parcels_out = tenancy.select(CareParcel, sa.func.count(CareParcel.id), site=site).where(
        CareParcel.handed_at >= start, CareParcel.handed_at < end
    )
    if butler is not None:
        parcels_in = parcels_in.where(CareParcel.received_by_id == butler.id)
        parcels_out = parcels_out.where(CareParcel.handed_by_id == butler.id)
    found.parcels_in = db.session.scalar(parcels_in) or 0
    found.parcels_out = db.session.scalar(parcels_out) or 0
    return found


def summary_rows(f: MonthFigures) -> list[tuple[str, str, int]]:
    """(key, label, count) of the month's care, the table under the chart and the sheet."""
    return [
        ("greetings", _("Birthday greetings"), f.greeted),
        ("notices", _("Notices sent"), len(f.notices)),
        ("delivered", _("Notice messages delivered"), f.delivered),
        ("visits", _("Special care visits"), f.care_visits),
        ("parcels_in", _("Parcels signed in"), f.parcels_in),
        ("parcels_out", _("Parcels handed over"), f.parcels_out),
    ]


def month_chart(f: MonthFigures) -> Chart:
    rows = summary_rows(f)
    return Chart(
        "bar",
        _("Care this month"),
        labels=tuple(label for _k, label, _n in rows),
        series=(Series(_("Count"), tuple(float(n) for _k, _l, n in rows)),),
    )


@bp.route("/reports/monthly")
@requires("care.reports")
def monthly_report():
    site = current_site()
    first = month_of(request.args.get("period"), site)
    f = figures(site, first)
    return page(
        "care/report.html",
        period=first.strftime("%Y-%m"),
        f=f,
        rows=summary_rows(f),
        chart_of_month=month_chart(f),
        greeting_labels=labels.METHOD_LABELS,
        case_labels_=labels.CASE_LABELS,
    )


@bp.route("/reports/monthly.xlsx")
@requires("care.reports")
def monthly_export():
    site = current_site()
    first = month_of(request.args.get("period"), site)
    f = figures(site, first)
    rows = [(label, n) for _k, label, n in summary_rows(f)]
    rows += [(str(labels.METHOD_LABELS[m]), n) for m, n in f.greetings.items()]
    rows += [(str(labels.CASE_LABELS[k]), n) for k, n in f.visits.items()]
    period = first.strftime("%Y-%m")
    return Response(
        xlsx_bytes(rows, f"{_('Care of the month')} {period}", header=[_("What"), _("Count")]),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="care-{site.slug}-{period}.xlsx"'},
    )


def butler_sheet(site: Site, period: str, butler: User) -> Sheet:
    """What ``butler`` did for residents' care in ``period``: greetings, notices sent and
    delivered, care visits, parcels signed in and handed over."""
    f = figures(site, month_of(period, site), butler)
    rows = summary_rows(f)
    return Sheet(
        title=_("Care of the month"),
        columns=(_("What"), _("Count")),
        rows=tuple((label, n) for _k, label, n in rows),
        keys=tuple(k for k, _l, _n in rows),
    )
