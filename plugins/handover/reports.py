"""The monthly building summary (duty 1.9): handovers, renovations and rentals of each
building in a month, from this plugin's records, the core's unit statuses and, when the
inspections plugin is on, its renovation permits; the butler's sheet of the hand-in pack."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

import sqlalchemy as sa
from flask import Response, render_template, request
from flask_babel import gettext as _
from sqlalchemy import func, select

from core import clock, tenancy
from core.buildings import site_buildings
from core.charts import Chart, Series
from core.exports import xlsx_bytes
from core.extensions import db
from core.models import Building, Site, Unit, User
from core.plugins.api import Sheet
from core.plugins.host import host
from core.security import requires
from core.tenancy import current_site
from plugins.handover import rules
from plugins.handover.models import HandoverBooking, HandoverStep
from plugins.handover.views.base import bp

PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
# The inspections plugin's permits, read by their table (this plugin does not require
# that one, so it does not import its models): only when it is on for the site.
PERMITS = sa.table(
    "inspections_permit", sa.column("site_id"), sa.column("unit_id"), sa.column("starts_on")
)


@dataclass(frozen=True)
class BuildingLine:
    code: str
    name: str
    handovers: int
    renovations_started: int
    permits: int | None  # None: the inspections plugin is off
    renovating: int
    moved_in: int
    let_in_month: int
    let: int

    def cells(self) -> tuple:
        return (
            self.code,
            self.handovers,
            self.renovations_started,
            self.permits,
            self.renovating,
            self.moved_in,
            self.let_in_month,
            self.let,
        )


def columns() -> tuple[str, ...]:
    return (
        _("Building"),
        _("Handovers"),
        _("Renovations started"),
        _("Renovation permits"),
        _("Renovating"),
        _("Moved in"),
        _("Let in the month"),
        _("Let"),
    )


def month_days(period: str) -> tuple[date, date]:
    """The first day of ``period`` and the first day of the month after."""
    match = PERIOD.match(period)
    year, month = int(match.group(1)), int(match.group(2))
    return date(year, month, 1), date(year + (month == 12), month % 12 + 1, 1)


def month_bounds(site: Site, period: str) -> tuple[datetime, datetime]:
    first, after = month_days(period)
    zone = clock.zone(site)
    return (
        datetime.combine(first, time(0), tzinfo=zone),
        datetime.combine(after, time(0), tzinfo=zone),
    )


def _by_building(query) -> dict[int, int]:
    return {building: count for building, count in db.session.execute(query).all()}


def summary(site: Site, period: str, buildings: list[Building] | None = None) -> list[BuildingLine]:
    """One line per building (``buildings``, else every building of the site)."""
    start, end = month_bounds(site, period)
    if buildings is None:
        buildings = site_buildings(site)
    handed = _by_building(
        tenancy.select(HandoverBooking, Unit.building_id, func.count(), site=site)
        .select_from(HandoverBooking)
        .join(Unit, Unit.id == HandoverBooking.unit_id)
        .where(HandoverBooking.handed_over_at >= start, HandoverBooking.handed_over_at < end)
        .group_by(Unit.building_id)
    )
    steps: dict[str, dict[int, int]] = {"renovating": {}, "occupied": {}, "let": {}}
    rows = db.session.execute(
        tenancy.select(HandoverStep, HandoverStep.step, Unit.building_id, func.count(), site=site)
        .select_from(HandoverStep)
        .join(Unit, Unit.id == HandoverStep.unit_id)
        .where(
            HandoverStep.at >= start,
            HandoverStep.at < end,
            HandoverStep.step.in_(tuple(steps)),
        )
        .group_by(HandoverStep.step, Unit.building_id)
    ).all()
    for step, building, count in rows:
        steps[step][building] = count
    statuses: dict[str, dict[int, int]] = {"renovating": {}, "let": {}}
    for status, building, count in db.session.execute(
        tenancy.select(Unit, Unit.status, Unit.building_id, func.count(), site=site)
        .where(Unit.status.in_(tuple(statuses)), Unit.archived_at.is_(None))
        .group_by(Unit.status, Unit.building_id)
    ).all():
        statuses[status][building] = count
    permits = None
    if host().is_enabled(site, "inspections"):
        first, after = month_days(period)
        permits = _by_building(
            select(Unit.building_id, func.count())
            .select_from(PERMITS)
            .join(Unit, Unit.id == PERMITS.c.unit_id)
            .where(
                PERMITS.c.site_id == site.id,
                Unit.site_id == site.id,
                PERMITS.c.starts_on >= first,
                PERMITS.c.starts_on < after,
            )
            .group_by(Unit.building_id)
        )
    return [
        BuildingLine(
            code=b.code,
            name=b.name,
            handovers=handed.get(b.id, 0),
            renovations_started=steps["renovating"].get(b.id, 0),
            permits=None if permits is None else permits.get(b.id, 0),
            renovating=statuses["renovating"].get(b.id, 0),
            moved_in=steps["occupied"].get(b.id, 0),
            let_in_month=steps["let"].get(b.id, 0),
            let=statuses["let"].get(b.id, 0),
        )
        for b in buildings
    ]


def summary_chart(lines: list[BuildingLine]) -> Chart:
    codes = tuple(line.code for line in lines)
    return Chart(
        "bar",
        _("Handovers and renovations per building"),
        labels=codes,
        series=(
            Series(_("Handovers"), tuple(float(line.handovers) for line in lines)),
            Series(
                _("Renovations started"),
                tuple(float(line.renovations_started) for line in lines),
            ),
        ),
    )


def _period(site: Site) -> tuple[str, str | None]:
    period = request.args.get("period", "")
    if PERIOD.match(period) and 2000 <= int(period[:4]) <= 2100:
        return period, None
    fallback = clock.this_month(site)
    if period:
        return fallback, _("Choose a month as YYYY-MM, for example 2026-11.")
    return fallback, None


@bp.route("/reports/monthly")
@requires("handover.reports")
def monthly_report():
    site = current_site()
    period, error = _period(site)
    lines = summary(site, period)
    return render_template(
        "handover/report.html",
        period=period,
        error=error,
        lines=lines,
        columns=columns(),
        building_chart=summary_chart(lines),
        permits_on=host().is_enabled(site, "inspections"),
    ), (422 if error else 200)


@bp.route("/reports/monthly.xlsx")
@requires("handover.reports")
def monthly_export():
    site = current_site()
    period, _error = _period(site)
    data = xlsx_bytes(
        [line.cells() for line in summary(site, period)],
        _("Building summary"),
        header=columns(),
    )
    return Response(
        data,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f'attachment; filename="buildings-{site.slug}-{period}.xlsx"'
        },
    )


def butler_sheet(site: Site, period: str, butler: User) -> Sheet:
    """The butler's buildings' summary of the month, for the hand-in pack."""
    lines = summary(site, period, rules.buildings_of(site, butler))
    return Sheet(
        title=_("Building summary"),
        columns=columns(),
        rows=tuple(line.cells() for line in lines),
        keys=tuple(line.code for line in lines),
    )
