"""The maintenance plugin's reports: the month's evaluation of every contractor (with its
chart and XLSX), and, in a butler's hand-in pack, the contractors' work they logged."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import Response, render_template, request
from flask_babel import gettext as _

from core import charts, clock
from core.exports import xlsx_bytes
from core.extensions import db
from core.models import Building, Site, User
from core.plugins.api import Sheet
from core.security import requires
from core.tenancy import current_site
from plugins.maintenance import rules
from plugins.maintenance.labels import CHECK_LABELS, SERVICE_LABELS, STATE_LABELS, task_name
from plugins.maintenance.models import MaintenanceTask, MaintenanceWork
from plugins.maintenance.views.base import bp

PERIOD = re.compile(r"^(20\d{2})-(0[1-9]|1[0-2])$")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period(site: Site) -> tuple[str, str | None]:
    period = request.args.get("period", "")
    fallback = rules.previous_month(clock.this_month(site))
    if PERIOD.match(period):
        return period, None
    if period:
        return fallback, _("Choose a month as YYYY-MM, for example 2026-11.")
    return fallback, None


def evaluation_rows(site: Site, period: str) -> list[dict]:
    """One row per contractor and service of ``period``: the scores, the state, a warning."""
    now = clock.now()
    warned = rules.warned_in(site, period)
    return [
        {
            "item": item,
            "state": rules.state(site, period, item.evaluation, now),
            "warned": (item.contractor.id, item.service) in warned,
            "tally": rules.compliance(site, item.contractor.id, item.service, period),
        }
        for item in rules.to_evaluate(site, period)
    ]


def _header() -> list[str]:
    return [
        _("Contractor"),
        _("Service"),
        _("Quality"),
        _("Punctuality"),
        _("Attitude"),
        _("Compliance (%)"),
        _("Score"),
        _("Missed"),
        _("Late"),
        _("State"),
        _("Comments"),
    ]


def _cells(row: dict) -> list:
    e = row["item"].evaluation
    tally = row["tally"]
    return [
        row["item"].contractor.company,
        str(SERVICE_LABELS[row["item"].service]),
        e.quality if e else None,
        e.punctuality if e else None,
        e.attitude if e else None,
        tally.percent,
        e.score if e else None,
        tally.missed,
        tally.late,
        str(STATE_LABELS[row["state"]]),
        e.comments if e else "",
    ]


@bp.route("/reports/evaluations")
@requires("maintenance.reports")
def evaluation_report():
    site = current_site()
    period, error = _period(site)
    rows = evaluation_rows(site, period)
    figure = None
    if rows:
        figure = charts.Chart(
            "bar",
            _("Scores of %(month)s", month=period),
            tuple(
                f"{r['item'].contractor.company} · {SERVICE_LABELS[r['item'].service]}"
                for r in rows
            ),
            (
                charts.Series(
                    _("Score"),
                    tuple(
                        r["item"].evaluation.score if r["item"].evaluation else None for r in rows
                    ),
                ),
            ),
        )
    return render_template(
        "maintenance/report.html",
        period=period,
        error=error,
        rows=rows,
        figure=figure,
        header=_header(),
        cells=[_cells(r) for r in rows],
        threshold=rules.threshold(site),
    ), (422 if error else 200)


@bp.route("/reports/evaluations.xlsx")
@requires("maintenance.reports")
def evaluation_export():
    site = current_site()
    period, _error = _period(site)
    data = xlsx_bytes(
        [_cells(r) for r in evaluation_rows(site, period)],
        _("Evaluation %(month)s", month=period),
        header=_header(),
    )
    return Response(
        data,
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="contractors-{period}.xlsx"'},
    )


def butler_sheet(site: Site, period: str, butler: User) -> Sheet:
    """The contractors' visits ``butler`` logged in the month, one row each."""
    first, last = rules.month_span(period)
    rows = db.session.execute(
        sa.select(MaintenanceWork, MaintenanceTask, Building.code)
        .join(MaintenanceTask, MaintenanceTask.id == MaintenanceWork.task_id)
        .join(Building, Building.id == MaintenanceWork.building_id)
        .where(
            MaintenanceWork.site_id == site.id,
            MaintenanceWork.logged_by_id == butler.id,
            MaintenanceWork.done_on >= first,
            MaintenanceWork.done_on <= last,
        )
        .order_by(MaintenanceWork.done_on, MaintenanceWork.id)
    ).all()
    return Sheet(
        title=_("Contractors' work"),
        columns=[_("Done on"), _("Task"), _("Building"), _("Who did it"), _("Your check")],
        rows=[
            [
                work.done_on,
                task_name(task),
                code,
                work.who,
                str(CHECK_LABELS[work.check_result]) if work.check_result else "",
            ]
            for work, task, code in rows
        ],
        keys=[f"work-{work.id}" for work, _t, _c in rows],
    )
