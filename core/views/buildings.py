"""Buildings and units: lists, the floor grid, and each unit's page."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.contributions import collect, panel_links
from core.extensions import db
from core.models import Occupancy, Unit
from core.security import requires
from core.tenancy import get_or_404

bp = Blueprint("buildings", __name__, url_prefix="/s/<site_slug>")


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
