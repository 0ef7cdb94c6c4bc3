"""The navigation bar of site pages, gathered from the core and the enabled plugins."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, g, request, url_for
from flask_login import current_user

from core.contributions import collect


@dataclass(frozen=True)
class ShownItem:
    label: str
    url: str
    active: bool


def nav_items() -> list[ShownItem]:
    """The items of the current site's bar that the current user may open."""
    if g.get("site") is None or not current_user.is_authenticated:
        return []
    if "_butler_nav" not in g:
        g._butler_nav = _gather()
    return g._butler_nav


def _gather() -> list[ShownItem]:
    return [
        ShownItem(
            label=str(item.label),
            url=url_for(item.endpoint),
            active=request.endpoint is not None
            and request.endpoint.partition(".")[0] == item.endpoint.partition(".")[0],
        )
        for item in collect("butler_nav_items")
    ]


def init_app(app: Flask) -> None:
    app.context_processor(lambda: {"nav_items": nav_items()})
