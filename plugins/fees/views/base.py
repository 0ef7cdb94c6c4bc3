"""The blueprint of fees and what every page of it uses."""

from __future__ import annotations

from flask import Blueprint, g, request
from flask_login import current_user

from core import money, tenancy
from core.security import can
from plugins.fees import labels

NAME = "fees"
bp = Blueprint(NAME, __name__, template_folder="../templates")


@bp.context_processor
def _helpers() -> dict:
    site = g.get("site")
    if site is None:  # an error page answered before the site was known
        return {}
    return {
        "amount": money.formatter(site.currency),
        "can": lambda permission: can(current_user, permission),
        "kind_labels": labels.KIND_LABELS,
        "basis_labels": labels.BASIS_LABELS,
        "frequency_labels": labels.FREQUENCY_LABELS,
        "method_labels": labels.METHOD_LABELS,
        "status_labels": labels.STATUS_LABELS,
        "reason_labels": labels.REASON_LABELS,
        "chase_labels": labels.CHASE_LABELS,
        "bucket_labels": labels.BUCKET_LABELS,
    }


def int_arg(name: str, largest: int = tenancy.MAX_ID) -> int | None:
    """A positive whole number (ASCII digits) from the query string, or None."""
    text = request.args.get(name, "")
    if not (text.isascii() and text.isdigit() and len(text) <= 19):
        return None
    value = int(text)
    return value if 0 < value <= largest else None
