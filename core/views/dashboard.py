"""The site dashboard: the site at a glance, and a butler's own buildings."""

from __future__ import annotations

from flask import Blueprint, render_template
from markupsafe import Markup
from sqlalchemy import distinct, func, select

from core.contributions import collect
from core.extensions import db
from core.models import Building, ButlerAssignment, Occupancy, Resident, Unit
from core.security import requires

bp = Blueprint("dashboard", __name__, url_prefix="/s/<site_slug>")


def site_counts(site_id: int) -> dict[str, int]:
    """Buildings, units and residents (current, not archived) of a site, in one query."""
    buildings = (
        select(func.count(Building.id))
        .where(Building.site_id == site_id, Building.archived_at.is_(None))
        .scalar_subquery()
    )
    units = (
        select(func.count(Unit.id))
        .join(Building, Building.id == Unit.building_id)
        .where(
            Unit.site_id == site_id,
            Unit.archived_at.is_(None),
            Building.archived_at.is_(None),
        )
        .scalar_subquery()
    )
    residents = (
        select(func.count(Resident.id))
        .where(Resident.site_id == site_id, Resident.archived_at.is_(None))
        .scalar_subquery()
    )
    row = db.session.execute(select(buildings, units, residents)).one()
    return {"buildings": row[0], "units": row[1], "residents": row[2]}


def buildings_of_butler(site_id: int, user_id: int) -> list[dict]:
    """The buildings a butler currently answers for, with their units and residents counted."""
    current = (
        select(ButlerAssignment.building_id)
        .where(
            ButlerAssignment.site_id == site_id,
            ButlerAssignment.user_id == user_id,
            ButlerAssignment.ends_on.is_(None),
        )
        .scalar_subquery()
    )
    resident_count = (
        select(func.count(distinct(Occupancy.resident_id)))
        .join(Unit, Unit.id == Occupancy.unit_id)
        .where(
            Occupancy.site_id == site_id,
            Occupancy.moved_out.is_(None),
            Unit.building_id == Building.id,
        )
        .correlate(Building)
        .scalar_subquery()
    )
    unit_count = (
        select(func.count(Unit.id))
        .where(Unit.site_id == site_id, Unit.building_id == Building.id, Unit.archived_at.is_(None))
        .correlate(Building)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Building, unit_count, resident_count)
        .where(
            Building.site_id == site_id,
            Building.id.in_(current),
            Building.archived_at.is_(None),
        )
        .order_by(Building.code)
    ).all()
    return [{"building": b, "units": u, "residents": r} for b, u, r in rows]


@bp.route("/")
@requires("site.view")
def index():
    widgets = [
        (widget, Markup(render_template(widget.template, **widget.context)))
        for widget in collect("butler_dashboard_widgets")
    ]
    return render_template("core/dashboard.html", widgets=widgets)
