"""Small value types that the core and plugins hand to the pages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    """An entry in a site's navigation bar.

    ``endpoint`` is a Flask endpoint under ``/s/<site_slug>/``; ``permission`` hides the
    item from users who may not open it; ``order`` sorts the bar (smaller first).
    """

    label: object
    endpoint: str
    permission: str
    order: int = 100
