"""The core's blueprints."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from core.views import admin, auth, dashboard, pages, sites

    app.register_blueprint(auth.bp)
    app.register_blueprint(sites.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(admin.bp)

    from core.views import outbox

    app.register_blueprint(outbox.bp)
    app.register_blueprint(pages.bp)
