"""The care plugin's pages: birthdays, notices, special care, away periods and parcels."""

from plugins.care.views import (  # noqa: F401  (each module adds its routes to bp)
    birthdays,
    notices,
    panels,
    parcels,
    special,
)
from plugins.care.views.base import bp

__all__ = ["bp"]
