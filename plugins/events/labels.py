"""The words for the events' codes: audience, registration channel and status."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

AUDIENCE_LABELS = {"site": _l("Everyone on the site"), "buildings": _l("Some buildings")}
CHANNEL_LABELS = {"phone": _l("By phone"), "walk_in": _l("Walk-in")}
STATUS_LABELS = {
    "confirmed": _l("Confirmed"),
    "waiting": _l("Waiting list"),
    "cancelled": _l("Cancelled"),
}
