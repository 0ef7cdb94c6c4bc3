"""The surveys blueprint and what its pages share."""

from __future__ import annotations

from flask import Blueprint, abort

from core import clock, tenancy
from core.tenancy import current_site
from plugins.surveys.models import Survey

NAME = "surveys"
bp = Blueprint(NAME, __name__, template_folder="../templates")


def wave_or_404(survey_id: int) -> Survey:
    """A wave (not a template) of the current site, or 404."""
    survey = tenancy.get_or_404(Survey, survey_id)
    if survey.is_template:
        abort(404)
    return survey


def today():
    return clock.today(current_site())
