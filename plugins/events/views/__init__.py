"""The events plugin's pages, a module for each part of an event's life."""

from plugins.events.views import (  # noqa: F401  (each module adds its routes to bp)
    after,
    common,
    door,
    editing,
    event,
    figures,
    panel,
)
from plugins.events.views.base import bp

__all__ = ["bp"]
