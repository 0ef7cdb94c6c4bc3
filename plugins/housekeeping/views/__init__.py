"""Housekeeping's pages: one blueprint, mounted at ``/s/<site>/housekeeping/``."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("housekeeping", __name__, template_folder="../templates")

from plugins.housekeeping.views import (  # noqa: E402, F401
    areas,
    assignments,
    briefing,
    engineering,
    guests,
    keys,
    labour,
    linen,
    people,
    reports,
    rooms,
    supplies,
    upkeep,
)
