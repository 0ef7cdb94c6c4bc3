"""Friendly, translated error pages."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from core.extensions import db

SHOWN = (400, 403, 404, 405, 409, 413, 422, 429)


def init_app(app: Flask) -> None:
    for code in SHOWN:
        app.register_error_handler(code, _http_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(500, _server_error)


def _csrf_error(error: CSRFError):
    return render_template("errors/error.html", code=400, csrf=True, error=error), 400


def _http_error(error: HTTPException):
    if error.response is not None:  # e.g. abort(redirect(...))
        return error.response
    return render_template("errors/error.html", code=error.code, error=error), error.code


def _server_error(error: Exception):
    db.session.rollback()
    return render_template("errors/error.html", code=500, error=None), 500
