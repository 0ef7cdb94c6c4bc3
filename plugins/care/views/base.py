"""The care blueprint and what its pages share."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from core.security import can
from core.tenancy import current_site
from plugins.care import labels

NAME = "care"
bp = Blueprint(NAME, __name__, template_folder="../templates")

PANEL_LIMIT = 10
RECENT_DAYS = 7


def words() -> dict:
    """The words for the codes, translated once for the page."""
    tables = {
        "method_labels": labels.METHOD_LABELS,
        "template_labels": labels.TEMPLATE_LABELS,
        "audience_labels": labels.AUDIENCE_LABELS,
        "case_labels": labels.CASE_LABELS,
        "told_labels": labels.TOLD_LABELS,
    }
    return {name: {k: str(v) for k, v in table.items()} for name, table in tables.items()}


def page(template: str, status: int = 200, **context):
    """A care page rendered with the words and what the reader may do."""
    site = current_site()
    allowed = {
        "can_greet": can(current_user, "care.greet", site),
        "can_notices": can(current_user, "care.notices", site),
        "can_special": can(current_user, "care.special", site),
        "can_parcels": can(current_user, "care.parcels", site),
        "can_settings": can(current_user, "care.settings", site),
    }
    return render_template(template, **words(), **allowed, **context), status
