"""Butler: ``create_app`` builds the application (see ``core.factory``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the Butler application; ``config`` overrides what the environment says."""
    # Imported here, not above: ``import core.clock`` (or any module of the core) must not
    # import the whole application.
    from core.factory import create_app as build

    return build(config)
