"""The handover plugin's pages: slots and bookings, the inspection and hand-over, defects
to closure, the unit's panel and the monthly building summary."""

from plugins.handover.views import (  # noqa: F401  (each module adds its routes to bp)
    bookings,
    defects,
    panels,
)
from plugins.handover.views.base import bp

__all__ = ["bp"]
