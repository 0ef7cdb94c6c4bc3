"""The rounds' pages, a module for each part: rounds, findings, permits, settings."""

from plugins.inspections.views import (  # noqa: F401  (each module adds its routes to bp)
    findings,
    permits,
    rounds,
    settings,
)
from plugins.inspections.views.base import bp

__all__ = ["bp"]
