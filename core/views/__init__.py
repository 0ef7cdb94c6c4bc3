"""The core's blueprints."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from core.views import (
        admin,
        auth,
        buildings,
        dashboard,
        outbox,
        pages,
        residents,
        sites,
        staff,
        transfer,
    )

    for module in (
        auth,
        sites,
        dashboard,
        admin,
        outbox,
        pages,
        residents,
        buildings,
        staff,
        transfer,
    ):
        app.register_blueprint(module.bp)
