"""The maintenance plugin's pages: the due list and the work log, contractors and their
contracts with the plan, the monthly evaluations, the year's summary, the settings."""

from plugins.maintenance.views import (  # noqa: F401  (each module adds its routes to bp)
    contractors,
    evaluations,
    work,
)
from plugins.maintenance.views.base import bp

__all__ = ["bp"]
