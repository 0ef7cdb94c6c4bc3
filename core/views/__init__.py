"""The core's blueprints."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from core.views import auth, dashboard, sites

    app.register_blueprint(auth.bp)
    app.register_blueprint(sites.bp)
    app.register_blueprint(dashboard.bp)
