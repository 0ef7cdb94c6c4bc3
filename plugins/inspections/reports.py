"""The rounds' reports: rounds walked against rounds due per butler and month, findings by
area and kind, the time to close them (median, 90th percentile), renovations per month;
the butler's sheet of the hand-in pack and the dashboard's figures."""

from __future__ import annotations

import io
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time

from flask import Response, render_template, request
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import func, select

from core import clock, tenancy
from core.charts import Chart, Series, from_rows
from core.exports import neutralise
from core.extensions import db
from core.models import Building, ButlerAssignment, Site, User
from core.plugins.api import Sheet
from core.security import requires
from core.tenancy import current_site
from plugins.inspections import labels, rules
from plugins.inspections.models import InspectionsFinding, InspectionsPermit, InspectionsRound
from plugins.inspections.views.base import bp

PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
R = InspectionsRound
F = InspectionsFinding
TARGET = 100.0


def month_bounds(site: Site, period: str) -> tuple[datetime, datetime]:
    match = PERIOD.match(period)
    year, month = int(match.group(1)), int(match.group(2))
    zone = clock.zone(site)
    start = datetime.combine(date(year, month, 1), time(0), tzinfo=zone)
    end_day = date(year + (month == 12), month % 12 + 1, 1)
    return start, datetime.combine(end_day, time(0), tzinfo=zone)


def _period(site: Site) -> tuple[str, str | None]:
    period = request.args.get("period", "")
    if PERIOD.match(period) and 2000 <= int(period[:4]) <= 2100:
        return period, None
    fallback = clock.this_month(site)
    if period:
        return fallback, _("Choose a month as YYYY-MM, for example 2026-11.")
    return fallback, None


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def percentile(values: list[float], share: float) -> float | None:
    """The ``share`` (0-1) percentile of ``values`` by the nearest rank; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


@dataclass
class ButlerLine:
    butler_id: int
    name: str
    due: int
    done: int
    late: int

    @property
    def share(self) -> float | None:
        return _rate(self.done, self.due)


@dataclass
class MonthFigures:
    butlers: list[ButlerLine]
    by_area_kind: list[tuple[str, str, int]]
    raised: int
    closed: int
    close_median: float | None
    close_p90: float | None
    renovations: list[tuple[str, int]]
    joint_walks: int


def rounds_per_butler(site: Site, period: str, now: datetime, only: User | None = None):
    """Each butler's routine rounds walked against due in ``period`` (due only up to now),
    counted for the buildings they look after."""
    start, end = month_bounds(site, period)
    settings = rules.settings_of(site)
    cadence = rules.cadence_of(settings)
    periods = [p for p in cadence.periods(start, min(end, now), site.timezone) if start <= p.start]
    periods = [p for p in periods if p.due <= now]
    query = (
        select(User.id, User.display_name, ButlerAssignment.building_id)
        .join(ButlerAssignment, ButlerAssignment.user_id == User.id)
        .join(Building, Building.id == ButlerAssignment.building_id)
        .where(
            ButlerAssignment.site_id == site.id,
            ButlerAssignment.ends_on.is_(None),
            Building.archived_at.is_(None),
        )
    )
    if only is not None:
        query = query.where(User.id == only.id)
    assigned = db.session.execute(query.order_by(User.display_name, User.id)).all()
    names: dict[int, str] = {}
    buildings: dict[int, list[int]] = defaultdict(list)
    for uid, name, building_id in assigned:
        names[uid] = name
        buildings[uid].append(building_id)
    if only is not None and only.id not in names:
        names[only.id] = only.display_name
    keys = {p.key: p for p in periods}
    walked = (
        db.session.execute(
            tenancy.select(R, R.building_id, R.period_key, R.completed_at, site=site).where(
                R.kind == "routine",
                R.completed_at.is_not(None),
                R.period_key.in_(list(keys)),
            )
        ).all()
        if keys
        else []
    )
    done_by_building = defaultdict(lambda: [0, 0])
    for building_id, key, completed_at in walked:
        tally = done_by_building[building_id]
        tally[0] += 1
        if completed_at > keys[key].due:
            tally[1] += 1
    lines = []
    for uid, name in names.items():
        done = sum(done_by_building[b][0] for b in buildings[uid])
        late = sum(done_by_building[b][1] for b in buildings[uid])
        lines.append(ButlerLine(uid, name, len(periods) * len(buildings[uid]), done, late))
    return lines


def close_hours(site: Site, start: datetime, end: datetime, butler: User | None = None):
    query = tenancy.select(F, F.raised_at, F.closed_at, site=site).where(
        F.closed_at >= start, F.closed_at < end
    )
    if butler is not None:
        query = query.where(F.raised_by_id == butler.id)
    return [
        round((closed - raised).total_seconds() / 3600, 1)
        for raised, closed in db.session.execute(query).all()
    ]


def month_figures(site: Site, period: str, now: datetime) -> MonthFigures:
    start, end = month_bounds(site, period)
    by_area_kind = db.session.execute(
        tenancy.select(F, F.area, F.kind, func.count(), site=site)
        .where(F.raised_at >= start, F.raised_at < end)
        .group_by(F.area, F.kind)
        .order_by(func.count().desc(), F.area, F.kind)
    ).all()
    hours = close_hours(site, start, end)
    first = date(start.year, start.month, 1)
    months = []
    for back in range(11, -1, -1):
        y, m = divmod(first.year * 12 + first.month - 1 - back, 12)
        months.append(date(y, m + 1, 1))
    counted = Counter(
        d.strftime("%Y-%m")
        for d in db.session.scalars(
            tenancy.select(InspectionsPermit, InspectionsPermit.starts_on, site=site).where(
                InspectionsPermit.starts_on >= months[0],
                InspectionsPermit.starts_on < end.date(),
            )
        )
    )
    joint = db.session.scalar(
        tenancy.select(R, func.count(), site=site).where(
            R.kind == "joint", R.started_at >= start, R.started_at < end
        )
    )
    return MonthFigures(
        butlers=rounds_per_butler(site, period, now),
        by_area_kind=[(a, k, n) for a, k, n in by_area_kind],
        raised=sum(n for _a, _k, n in by_area_kind),
        closed=len(hours),
        close_median=median(hours),
        close_p90=percentile(hours, 0.9),
        renovations=[(m.strftime("%Y-%m"), counted.get(m.strftime("%Y-%m"), 0)) for m in months],
        joint_walks=joint or 0,
    )


def rounds_chart(figures: MonthFigures) -> Chart:
    return from_rows(
        "target",
        _("Rounds walked of those due, per butler (%)"),
        [(line.name, (line.share,)) for line in figures.butlers],
        [_("Rounds walked (%)")],
        unit=" %",
        target=TARGET,
        target_label=_("Every round walked"),
    )


def renovations_chart(figures: MonthFigures) -> Chart:
    return Chart(
        "bar",
        _("Renovations started per month"),
        labels=tuple(month for month, _n in figures.renovations),
        series=(Series(_("Permits"), tuple(float(n) for _m, n in figures.renovations)),),
    )


@bp.route("/reports/monthly")
@requires("inspections.reports")
def monthly_report():
    site = current_site()
    period, error = _period(site)
    figures = month_figures(site, period, clock.now())
    return render_template(
        "inspections/report.html",
        period=period,
        error=error,
        figures=figures,
        rounds=rounds_chart(figures),
        renovations=renovations_chart(figures),
        area_labels=labels.AREA_LABELS,
        kind_labels=labels.KIND_LABELS,
    ), (422 if error else 200)


def _append(sheet, row) -> None:
    sheet.append(
        [neutralise(ILLEGAL_CHARACTERS_RE.sub("", v)) if isinstance(v, str) else v for v in row]
    )


def month_xlsx(period: str, figures: MonthFigures) -> bytes:
    book = Workbook(write_only=True)
    rounds = book.create_sheet(_("Rounds")[:31])
    _append(rounds, [_("Butler"), _("Rounds due"), _("Walked"), _("Late"), _("Walked (%)")])
    for line in figures.butlers:
        _append(rounds, [line.name, line.due, line.done, line.late, line.share])
    found = book.create_sheet(_("Findings")[:31])
    _append(found, [_("Part of the building"), _("Kind of check"), _("Findings")])
    for area, kind, count in figures.by_area_kind:
        _append(found, [str(labels.AREA_LABELS[area]), str(labels.KIND_LABELS[kind]), count])
    _append(found, [])
    _append(found, [_("Closed this month"), figures.closed])
    _append(found, [_("Median hours to close"), figures.close_median])
    _append(found, [_("90th percentile hours to close"), figures.close_p90])
    works = book.create_sheet(_("Renovations")[:31])
    _append(works, [_("Month"), _("Permits")])
    for month, count in figures.renovations:
        _append(works, [month, count])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@bp.route("/reports/monthly.xlsx")
@requires("inspections.reports")
def monthly_export():
    site = current_site()
    period, _error = _period(site)
    return Response(
        month_xlsx(period, month_figures(site, period, clock.now())),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="rounds-{site.slug}-{period}.xlsx"'},
    )


def butler_sheet(site: Site, period: str, butler: User) -> Sheet:
    """The butler's month of rounds for the hand-in pack: rounds due, walked and late,
    joint walks, findings raised and closed, the time to close them."""
    start, end = month_bounds(site, period)
    [line] = rounds_per_butler(site, period, clock.now(), only=butler)
    joint = db.session.scalar(
        tenancy.select(R, func.count(), site=site).where(
            R.kind == "joint",
            R.butler_id == butler.id,
            R.completed_at >= start,
            R.completed_at < end,
        )
    )
    raised = db.session.scalar(
        tenancy.select(F, func.count(), site=site).where(
            F.raised_by_id == butler.id, F.raised_at >= start, F.raised_at < end
        )
    )
    hours = close_hours(site, start, end, butler)
    return Sheet(
        title=_("Rounds of the month"),
        columns=(_("Figure"), _("Value")),
        rows=(
            (_("Rounds due"), line.due),
            (_("Rounds walked"), line.done),
            (_("Rounds walked (%)"), line.share),
            (_("Walked late"), line.late),
            (_("Joint walks"), joint or 0),
            (_("Findings raised"), raised or 0),
            (_("Findings closed"), len(hours)),
            (_("Median hours to close"), median(hours)),
            (_("90th percentile hours to close"), percentile(hours, 0.9)),
        ),
        keys=("due", "walked", "share", "late", "joint", "raised", "closed", "median", "p90"),
    )


def widget_figures(site: Site, user: User, now: datetime) -> dict:
    """The dashboard's box: today's rounds walked of due (own buildings), open findings."""
    buildings = rules.buildings_of(site, user)
    today = now.astimezone(clock.zone(site)).date()
    dues = rules.rounds_due(site, buildings, today) if buildings else []
    query = tenancy.select(F, func.count(), site=site).where(F.closed_at.is_(None))
    if buildings:
        query = query.where(F.building_id.in_([b.id for b in buildings]))
    return {
        "mine": bool(buildings),
        "walked": sum(1 for d in dues if d.done),
        "due": len(dues),
        "overdue": sum(1 for d in dues if d.overdue(now)),
        "open": db.session.scalar(query) or 0,
    }
