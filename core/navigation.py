"""The navigation bar of site pages."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, g, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.plugins.api import NavItem
from core.security import can

CORE_NAV = (NavItem(_l("Dashboard"), "dashboard.index", "site.view", order=0),)


@dataclass(frozen=True)
class ShownItem:
    label: str
    url: str
    active: bool


def nav_items() -> list[ShownItem]:
    """The items of the current site's bar that the current user may open."""
    if g.get("site") is None or not current_user.is_authenticated:
        return []
    items = sorted(CORE_NAV, key=lambda item: item.order)
    shown = []
    for item in items:
        if can(current_user, item.permission):
            blueprint = item.endpoint.partition(".")[0]
            shown.append(
                ShownItem(
                    label=str(item.label),
                    url=url_for(item.endpoint),
                    active=request.blueprint == blueprint,
                )
            )
    return shown


def init_app(app: Flask) -> None:
    app.context_processor(lambda: {"nav_items": nav_items()})
