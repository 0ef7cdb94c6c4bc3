"""Service desk: requests answered on time and closed only after a callback."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from core.plugins import hookimpl
from core.plugins.api import PluginInfo

NAME = "service_desk"
HERE = Path(__file__).resolve().parent

bp = Blueprint(NAME, __name__, template_folder="templates")


@hookimpl
def butler_plugin_info():
    return PluginInfo(
        name=NAME,
        label=_l("Service desk"),
        description=_l(
            "Inquiries, repairs, complaints and errands, "
            "answered on time and closed after a callback."
        ),
        version="0.1.0",
        kinds=frozenset({"residential"}),
    )


@hookimpl
def butler_blueprints():
    return [bp]


@hookimpl
def butler_translation_dirs():
    return [HERE / "translations"]
