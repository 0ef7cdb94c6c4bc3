"""The navigation bar of site pages, gathered from the core and the enabled plugins."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, g, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from core import sitecache
from core.contributions import collect
from core.plugins.host import flatten, host
from core.security import can, roles_on

PHONE_BAR_SIZE = 4


@dataclass(frozen=True)
class ShownItem:
    label: str
    url: str
    active: bool
    phone: int | None = None


@dataclass(frozen=True)
class PhoneBar:
    """The phone's bottom bar: up to four destinations, the rest under "More"."""

    bar: list[ShownItem]
    more: list[ShownItem]

    @property
    def more_active(self) -> bool:
        return any(item.active for item in self.more)


def phone_bar(items: list[ShownItem]) -> PhoneBar:
    """The items that asked for the bar, smallest ``phone`` first, four at most; the rest
    (and those that did not ask) in the navigation's order under "More"."""
    asked = sorted((i for i in items if i.phone is not None), key=lambda i: i.phone)
    bar = asked[:PHONE_BAR_SIZE]
    return PhoneBar(bar=bar, more=[i for i in items if i not in bar])


def nav_items() -> list[ShownItem]:
    """The items of the current site's bar that the current user may open."""
    if g.get("site") is None or not current_user.is_authenticated:
        return []
    if "_butler_nav" not in g:
        g._butler_nav = _gather()
    return g._butler_nav


def _gather() -> list[ShownItem]:
    # The items a user may open depend on the site (its kind and plugins: its cache
    # stamp), their roles there and the language: built once per worker for each.
    site = g.site
    key = (site.id, site.cache_version, roles_on(current_user, site), str(get_locale()))
    found = sitecache.navigation(
        key,
        lambda: tuple(
            (str(item.label), item.endpoint, item.phone) for item in collect("butler_nav_items")
        ),
    )
    here = _here([endpoint for _, endpoint, _ in found])
    return [
        ShownItem(label=label, url=url_for(endpoint), active=endpoint == here, phone=phone)
        for label, endpoint, phone in found
    ]


def _here(endpoints: list[str]) -> str | None:
    """The one item of the bar that the page shown belongs to: its own endpoint, or the
    item of the same part (blueprint) whose endpoint reads most like the page's, so that
    on the hotel's key ledger only "Master keys" is marked, not every housekeeping link."""
    page = request.endpoint
    if page is None:
        return None
    if page in endpoints:
        return page
    part = page.partition(".")[0]
    same = [e for e in endpoints if e.partition(".")[0] == part]
    if not same:
        return None

    def shared(endpoint: str) -> int:
        n = 0
        for a, b in zip(endpoint, page, strict=False):
            if a != b:
                break
            n += 1
        return n

    return max(same, key=lambda e: (shared(e), -same.index(e)))


def landing_endpoint(site, user) -> str:
    """The page ``user`` starts on at ``site``: the first item of the site's navigation that
    is home for one of their roles there (and that they may open), else the dashboard."""
    roles = roles_on(user, site)
    for item in collect_for(site, user):
        if item.home_for & roles:
            return item.endpoint
    return "dashboard.index"


def collect_for(site, user) -> list:
    """The site's nav items that ``user`` may open, outside a request for that site."""
    items = flatten(host().hooks_for(site).butler_nav_items(site=site, user=user))
    return sorted(
        (i for i in items if can(user, i.permission, site)), key=lambda i: (i.order, str(i.label))
    )


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
    app.context_processor(lambda: {"nav_items": NAV_ON_DEMAND, "phone_bar": phone_bar})
