"""Printing: what the print header of every page needs (the styles are static/css/print.css)."""

from __future__ import annotations

from flask import Flask
from flask_babel import format_datetime

from core import clock


def printed_at() -> str:
    """The moment the page was made, on the site's clock, for the print header."""
    return format_datetime(clock.now(), "short")


def init_app(app: Flask) -> None:
    app.jinja_env.globals["printed_at"] = printed_at
