"""Residents: the list, each resident's page, editing, moving in and out."""

from __future__ import annotations

from flask import Blueprint, render_template

from core.contributions import collect, panel_links
from core.models import Resident
from core.security import requires
from core.tenancy import get_or_404

bp = Blueprint("residents", __name__, url_prefix="/s/<site_slug>/residents")


@bp.route("/<int:resident_id>")
@requires("residents.view")
def show(resident_id: int):
    person = get_or_404(Resident, resident_id)
    panels = panel_links(collect("butler_resident_panels", resident=person))
    return render_template("core/resident.html", resident=person, panels=panels)
