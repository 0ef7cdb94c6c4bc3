"""Small value types that plugins return from their hooks."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from core.roles import Permission

__all__ = [
    "Channel",
    "Job",
    "NavItem",
    "Panel",
    "Permission",
    "PluginInfo",
    "Report",
    "SearchResult",
    "Widget",
]

SITE_KINDS = frozenset({"residential", "hotel"})


@dataclass(frozen=True)
class PluginInfo:
    """Who a plugin is: its name (a Python identifier, also its URL part and table prefix),
    label and description for the admin page, version, the site kinds it serves and the
    plugins it requires."""

    name: str
    label: object
    description: object = ""
    version: str = "0.1.0"
    kinds: frozenset[str] = SITE_KINDS
    requires: tuple[str, ...] = ()

    def serves(self, kind: str) -> bool:
        return kind in self.kinds


@dataclass(frozen=True)
class NavItem:
    """An entry in a site's navigation bar; ``endpoint`` lives under ``/s/<site_slug>/``.

    ``permission`` hides the item from users who may not open it; smaller ``order`` first.
    """

    label: object
    endpoint: str
    permission: str
    order: int = 100


@dataclass(frozen=True)
class Widget:
    """A box on the dashboard: ``template`` rendered with ``context``."""

    key: str
    title: object
    template: str
    permission: str
    context: Mapping[str, Any] = field(default_factory=dict)
    order: int = 100


@dataclass(frozen=True)
class Panel:
    """A section of a resident's or unit's page, fetched lazily from ``endpoint``.

    The endpoint is one of the plugin's own views; it is called with ``url_args`` and
    answers with a fragment of HTML.
    """

    key: str
    title: object
    endpoint: str
    permission: str
    url_args: Mapping[str, Any] = field(default_factory=dict)
    order: int = 100


@dataclass(frozen=True)
class Report:
    """A report on the reports page; ``endpoint`` shows it (and offers its exports)."""

    key: str
    title: object
    endpoint: str
    permission: str
    description: object = ""
    url_args: Mapping[str, Any] = field(default_factory=dict)
    order: int = 100


@dataclass(frozen=True)
class SearchResult:
    """One hit of the site search."""

    title: str
    url: str
    kind: object
    detail: str = ""


SCHEDULES = ("hourly", "daily", "weekly", "monthly")


@dataclass(frozen=True)
class Job:
    """Work done on a schedule for each site where the plugin is on.

    ``run(site, now)`` gets the site and the current time (UTC, timezone-aware). Periods
    are counted in the site's time zone; a daily job with ``hour=9`` runs once a day, at
    the first run of the runner at or after 09:00 local time.
    """

    name: str
    schedule: str
    run: Callable[..., Any]
    description: object = ""
    hour: int = 0

    def __post_init__(self) -> None:
        if self.schedule not in SCHEDULES:
            raise ValueError(f"job {self.name!r}: schedule must be one of {SCHEDULES}")
        if not 0 <= self.hour <= 23:
            raise ValueError(f"job {self.name!r}: hour must be 0 to 23")


@dataclass(frozen=True)
class Channel:
    """A way of delivering outbox messages. ``deliver(message)`` raises on failure."""

    name: str
    deliver: Callable[..., None]
    label: object = ""
