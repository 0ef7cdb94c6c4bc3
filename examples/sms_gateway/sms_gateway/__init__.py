"""Butler's SMS gateway plugin: the outbox's SMS posted as JSON to an HTTP(S) gateway.

Found through the ``butler.plugins`` entry point of its package. This module holds the
hooks only, in Butler's one plugin layout: the gateway client is in ``gateway.py``, the
settings in ``settings.py``, the counts in ``rules.py``, the status page in ``views.py``,
the words in ``labels.py``; it has no tables, forms, jobs, reports or demo rows (those
modules say so).
"""

from __future__ import annotations

from pathlib import Path

from core.plugins import hookimpl
from core.plugins.api import API_VERSION, Channel, NavItem, Permission, PluginInfo, Widget
from sms_gateway import gateway, labels, rules
from sms_gateway.views import bp

NAME = "sms_gateway"
HERE = Path(__file__).resolve().parent
VIEW = "sms_gateway.view"


@hookimpl
def butler_plugin_info():
    return PluginInfo(
        name=NAME,
        label=labels.LABEL,
        description=labels.DESCRIPTION,
        version="1.0.0",
        api_version=API_VERSION,
    )


@hookimpl
def butler_blueprints():
    return [bp]


@hookimpl
def butler_permissions():
    return [Permission(VIEW, labels.SEE, frozenset({"manager"}))]


@hookimpl
def butler_nav_items(site, user):
    return [NavItem(labels.LABEL, "sms_gateway.index", VIEW, order=900)]


@hookimpl
def butler_dashboard_widgets(site, user):
    return [
        Widget(
            key="sms_gateway.sms",
            title=labels.SMS,
            template="sms_gateway/_widget.html",
            permission=VIEW,
            context={"counts": rules.sms_counts()},
            order=900,
        )
    ]


@hookimpl
def butler_outbox_channels():
    # Named like the core's: on the sites where this plugin is on, it is their SMS channel.
    return [Channel("sms", gateway.deliver, labels.SMS, holds=gateway.held)]


@hookimpl
def butler_translation_dirs():
    return [HERE / "translations"]
