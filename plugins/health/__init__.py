"""Health checks: The health-check programme and residents' health records."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from core.plugins import hookimpl
from core.plugins.api import PluginInfo

NAME = "health"
HERE = Path(__file__).resolve().parent

bp = Blueprint(NAME, __name__, template_folder="templates")


@hookimpl
def butler_plugin_info():
    return PluginInfo(
        name=NAME,
        label=_l("Health checks"),
        description=_l("The health-check programme and residents' health records."),
        version="0.1.0",
        kinds=frozenset({"residential"}),
    )


@hookimpl
def butler_blueprints():
    return [bp]


@hookimpl
def butler_translation_dirs():
    return [HERE / "translations"]
