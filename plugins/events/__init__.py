"""Community events: Community events with registration, waiting lists and attendance."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from core.plugins import hookimpl
from core.plugins.api import PluginInfo

NAME = "events"
HERE = Path(__file__).resolve().parent

bp = Blueprint(NAME, __name__, template_folder="templates")


@hookimpl
def butler_plugin_info():
    return PluginInfo(
        name=NAME,
        label=_l("Community events"),
        description=_l("Community events with registration, waiting lists and attendance."),
        version="0.1.0",
        kinds=frozenset({"residential"}),
    )


@hookimpl
def butler_blueprints():
    return [bp]


@hookimpl
def butler_translation_dirs():
    return [HERE / "translations"]
