"""The surveys plugin's pages, a module for each part of a survey's life."""

from plugins.surveys.views import answering, builder, results  # noqa: F401  (routes on bp)
from plugins.surveys.views.base import bp

__all__ = ["bp"]
