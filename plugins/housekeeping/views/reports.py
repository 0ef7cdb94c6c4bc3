"""The monthly housekeeping report's page and its XLSX file; the figures come from
``plugins.housekeeping.reports``."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import Response, request
from flask_babel import format_date

from core import clock
from core.security import requires
from core.tenancy import current_site
from plugins.housekeeping import reports
from plugins.housekeeping.views import bp
from plugins.housekeeping.views.common import render

PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def _period() -> tuple[str, date, date]:
    text = request.args.get("period", "")
    match = PERIOD.match(text)
    if match and 2000 <= int(match.group(1)) <= 2999:
        first = date(int(match.group(1)), int(match.group(2)), 1)
    else:
        first = clock.today(current_site()).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first.strftime("%Y-%m"), first, following


@bp.route("/reports/month")
@requires("housekeeping.reports")
def report():
    period, first, following = _period()
    figures = reports.month_figures(first, following)
    if request.args.get("format") == "xlsx":
        return Response(
            reports.month_xlsx(figures),
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="housekeeping-{period}.xlsx"'},
        )
    # Babel's date formatting is slow: once per day of the month, not once per row.
    days = {day: format_date(day) for day in {row[1] for row in figures["cleaned"]}}
    return render(
        "housekeeping/report.html",
        days=days,
        period=period,
        figures=figures,
        cleaned_chart=reports.cleaned_chart(figures["cleaned"], days),
        key_state=reports.key_state,
    )
