"""The events blueprint and the numbers its pages share."""

from __future__ import annotations

from flask import Blueprint

NAME = "events"
bp = Blueprint(NAME, __name__, template_folder="../templates")

SEARCH_LIMIT = 20
PANEL_LIMIT = 10
PER_PAGE = 50  # registrations per page of an event
SERIES_LIMIT = 60  # other dates of a weekly series shown on an event's page
