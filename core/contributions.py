"""Gathering what the core and the enabled plugins contribute to a site page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import url_for
from flask_login import current_user

from core.plugins.host import flatten, host
from core.security import can
from core.tenancy import current_site


def visible(items: Iterable[Any], obj: Any = None) -> list[Any]:
    """The items whose ``permission`` (if they have one) the current user holds, by ``order``.

    Items without a permission (search results) were filtered by the hook that made them.
    """
    return sorted(
        (
            item
            for item in items
            if getattr(item, "permission", None) is None or can(current_user, item.permission, obj)
        ),
        key=lambda item: getattr(item, "order", 100),
    )


def collect(hook: str, **kwargs: Any) -> list[Any]:
    """Call a site-scope hook for the current site and user; return what the user may see."""
    site = current_site()
    caller = getattr(host().hooks_for(site), hook)
    return visible(flatten(caller(site=site, user=current_user._get_current_object(), **kwargs)))


def panel_links(panels: list[Any]) -> list[tuple[Any, str]]:
    """Each panel with the URL its content is fetched from."""
    return [(panel, url_for(panel.endpoint, **panel.url_args)) for panel in panels]
