"""Core pages that gather what plugins contribute: search, reports, resident and unit pages."""

from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.contributions import collect
from core.extensions import db
from core.models import Occupancy, Resident, Unit
from core.security import requires
from core.tenancy import get_or_404

bp = Blueprint("pages", __name__, url_prefix="/s/<site_slug>")

MAX_QUERY = 100
PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def panel_links(panels) -> list[tuple[object, str]]:
    return [(panel, url_for(panel.endpoint, **panel.url_args)) for panel in panels]


@bp.route("/search")
@requires("site.view")
def search():
    query = request.args.get("q", "").strip()[:MAX_QUERY]
    results = collect("butler_search", query=query) if len(query) >= 1 else []
    return render_template("core/search.html", query=query, results=results)


@bp.route("/reports")
@requires("reports.view")
def reports():
    period = request.args.get("period", "")
    error = None
    if not PERIOD.match(period):
        if period:
            error = _("Choose a month as YYYY-MM, for example 2026-11.")
        period = date.today().strftime("%Y-%m")
    offered = collect("butler_reports", period=period)
    links = [(r, url_for(r.endpoint, period=period, **r.url_args)) for r in offered]
    status = 422 if error else 200
    return render_template("core/reports.html", period=period, reports=links, error=error), status


@bp.route("/residents/<int:resident_id>")
@requires("residents.view")
def resident(resident_id: int):
    person = get_or_404(Resident, resident_id)
    panels = panel_links(collect("butler_resident_panels", resident=person))
    return render_template("core/resident.html", resident=person, panels=panels)


@bp.route("/units/<int:unit_id>")
@requires("buildings.view")
def unit(unit_id: int):
    place = get_or_404(Unit, unit_id)
    occupancies = db.session.scalars(
        select(Occupancy)
        .where(Occupancy.site_id == place.site_id, Occupancy.unit_id == place.id)
        .options(selectinload(Occupancy.resident))
        .order_by(Occupancy.moved_out.is_not(None), Occupancy.moved_in.desc())
    ).all()
    panels = panel_links(collect("butler_unit_panels", unit=place))
    return render_template(
        "core/unit.html",
        unit=place,
        building=place.building,
        panels=panels,
        occupancies=occupancies,
    )
