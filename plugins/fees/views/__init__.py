"""The fees plugin's pages: the arrears list and a unit's fees, the fees and the billing,
and the reports (collection rate, the Monday report)."""

from plugins.fees.views import setup, units  # noqa: F401  (each module adds its routes to bp)
from plugins.fees.views.base import bp

__all__ = ["bp"]
