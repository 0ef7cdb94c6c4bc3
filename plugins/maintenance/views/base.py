"""The maintenance blueprint and what its pages share."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext as _

from core import uploads
from core.buildings import looked_after
from core.extensions import db
from core.models import Site, User
from plugins.maintenance import labels

NAME = "maintenance"
bp = Blueprint(NAME, __name__, template_folder="../templates")


def words() -> dict:
    """The words for the codes, translated once for the page."""
    tables = {
        "service_labels": labels.SERVICE_LABELS,
        "span_labels": labels.SPAN_LABELS,
        "check_labels": labels.CHECK_LABELS,
        "state_labels": labels.STATE_LABELS,
        "criteria_labels": labels.CRITERIA_LABELS,
    }
    found = {name: {k: str(v) for k, v in table.items()} for name, table in tables.items()}
    found["task_name"] = labels.task_name
    return found


def my_building_ids(site: Site, user: User) -> set[int] | None:
    """The buildings a butler looks after, or None (every building) for anyone else."""
    ids = set(db.session.scalars(looked_after(site.id, user.id)))
    return ids or None


def save_photo(form_field) -> str | None:
    """Keep the photo of ``form_field`` and give its key; None when none was chosen.

    A refused photo puts the message next to the field and raises ``uploads.Refused``.
    """
    data = form_field.data
    if not data or not getattr(data, "filename", ""):
        return None
    try:
        return uploads.save(data, plugin=NAME).key
    except uploads.Refused as refused:
        form_field.errors = [str(refused)]
        raise


def refused_message(code: str) -> str:
    """The words for a rule's refusal code."""
    return {
        "locked": _("This evaluation is locked: the 25th has passed. A manager may reopen it."),
        "not_open": _("This month's evaluation opens on the 1st of the month after."),
        "reason": _("Write why it is reopened (at least 5 characters)."),
        "not_locked": _("Only a locked evaluation can be reopened."),
    }[code]
