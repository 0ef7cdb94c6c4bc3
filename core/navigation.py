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


class _NavOnDemand:
    """``nav_items`` for templates, gathered only when a template reads it: an htmx
    fragment, which has no navigation bar, does not pay for asking every plugin."""

    def _items(self) -> list[ShownItem]:
        return nav_items()

    def __iter__(self):
        return iter(self._items())

    def __len__(self) -> int:
        return len(self._items())

    def __bool__(self) -> bool:
        return bool(self._items())


NAV_ON_DEMAND = _NavOnDemand()


def init_app(app: Flask) -> None:
    app.context_processor(lambda: {"nav_items": NAV_ON_DEMAND})
