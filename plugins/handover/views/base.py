"""The handover blueprint and what its pages share."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from core.security import can
from core.tenancy import current_site
from plugins.handover import labels

NAME = "handover"
bp = Blueprint(NAME, __name__, template_folder="../templates")


def page(template: str, status: int = 200, **context):
    """A handover page rendered with the words and what the reader may do."""
    site = current_site()
    allowed = {
        "can_book": can(current_user, "handover.book", site),
        "can_inspect": can(current_user, "handover.inspect", site),
        "can_slots": can(current_user, "handover.slots", site),
        "can_assign": can(current_user, "handover.defects", site),
    }
    return render_template(template, **labels.words(), **allowed, **context), status
