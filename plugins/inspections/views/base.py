"""The inspections blueprint and what its pages share."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from core import uploads
from core.extensions import db
from core.models import Building
from core.tenancy import current_site

NAME = "inspections"
bp = Blueprint(NAME, __name__, template_folder="../templates")

PER_PAGE = 50
PANEL_LIMIT = 20


def building_choices() -> list[SelectChoice]:
    site = current_site()
    rows = db.session.execute(
        db.select(Building.id, Building.code, Building.name)
        .where(Building.site_id == site.id, Building.archived_at.is_(None))
        .order_by(Building.code)
    ).all()
    return [SelectChoice(bid, f"{code} {name}") for bid, code, name in rows]


def save_photo(form_field, required: bool = False) -> str | None:
    """Keep the photo of ``form_field`` and give its key; None when none was chosen.

    A refused photo puts the message next to the field and raises ``uploads.Refused``.
    """
    data = form_field.data
    if not data or not getattr(data, "filename", ""):
        if required:
            message = _("Choose a photo to upload.")
            form_field.errors = [message]
            raise uploads.Refused(message)
        return None
    try:
        return uploads.save(data, plugin=NAME).key
    except uploads.Refused as refused:
        form_field.errors = [str(refused)]
        raise
