"""Paid services: a priced catalogue of services, orders, delivery and payment."""

from __future__ import annotations

from pathlib import Path

from flask_babel import lazy_gettext as _l

from core.plugins import hookimpl
from core.plugins.api import (
    Job,
    NavItem,
    Panel,
    Permission,
    PluginInfo,
    Report,
    SearchResult,
    Widget,
)
from core.roles import MANAGERS, MANAGERS_AND_ASSISTANTS, OFFICE_BUT_FRONT_DESK, OFFICE_ROLES

NAME = "paid_services"
HERE = Path(__file__).resolve().parent


@hookimpl
def butler_plugin_info():
    return PluginInfo(
        name=NAME,
        label=_l("Paid services"),
        description=_l("A priced catalogue of services, orders, delivery and payment."),
        version="1.0.0",
        kinds=frozenset({"residential"}),
    )


@hookimpl
def butler_blueprints():
    from plugins.paid_services import reports  # noqa: F401  (adds the report routes)
    from plugins.paid_services.views import bp

    return [bp]


@hookimpl
def butler_models():
    from plugins.paid_services import rollup  # noqa: F401  (keeps the report's figures on write)
    from plugins.paid_services.models import MODELS

    return MODELS


@hookimpl
def butler_permissions():
    return [
        Permission(
            "paid_services.view",
            _l("See paid services, orders and receipts"),
            OFFICE_ROLES,
        ),
        Permission(
            "paid_services.sell",
            _l("Quote, order, deliver paid services and take payments"),
            OFFICE_BUT_FRONT_DESK,
        ),
        Permission("paid_services.refund", _l("Give money back for a paid service"), MANAGERS),
        Permission(
            "paid_services.catalogue",
            _l("Change the catalogue of paid services and its prices"),
            MANAGERS,
        ),
        Permission(
            "paid_services.reports",
            _l("See the revenue of paid services"),
            MANAGERS_AND_ASSISTANTS,
        ),
    ]


@hookimpl
def butler_jobs():
    from plugins.paid_services.jobs import charge_rentals

    return [
        Job(
            "rental_charges",
            "monthly",
            charge_rentals,
            description=_l("Charge each running rental for the new month and tell the resident"),
            hour=6,
        )
    ]


@hookimpl
def butler_translation_dirs():
    return [HERE / "translations"]


@hookimpl
def butler_migration_dirs():
    return [HERE / "migrations"]


@hookimpl
def butler_nav_items(site, user):
    return [NavItem(_l("Paid services"), "paid_services.index", "paid_services.view", order=60)]


@hookimpl
def butler_dashboard_widgets(site, user):
    from core.security import can
    from plugins.paid_services import queries

    if not can(user, "paid_services.view", site):
        return []
    return [
        Widget(
            key="paid_services.summary",
            title=_l("Paid services"),
            template="paid_services/_widget.html",
            permission="paid_services.view",
            context={"counts": queries.widget_counts(site)},
            order=60,
        )
    ]


@hookimpl
def butler_resident_panels(site, user, resident):
    return [
        Panel(
            key="paid_services.orders",
            title=_l("Paid services"),
            endpoint="paid_services.resident_panel",
            permission="paid_services.view",
            url_args={"resident_id": resident.id},
            order=60,
        )
    ]


@hookimpl
def butler_reports(site, period, butler):
    if butler is not None:
        from plugins.paid_services.reports import butler_sheet

        return [
            Report(
                key="paid_services.by_butler",
                title=_l("Paid services sold"),
                endpoint="paid_services.revenue",
                permission="paid_services.view",
                order=60,
                sheet=butler_sheet,
            )
        ]
    return [
        Report(
            key="paid_services.revenue",
            title=_l("Paid services: revenue"),
            endpoint="paid_services.revenue",
            permission="paid_services.reports",
            description=_l("Revenue by service and month, by butler, and unpaid orders."),
            order=60,
        )
    ]


@hookimpl
def butler_demo_data(site):
    from plugins.paid_services.demo import add_demo_data

    add_demo_data(site)


@hookimpl
def butler_search(site, user, query):
    """An order found by its number ("#123" or "123")."""
    from flask import url_for

    from core.security import can
    from plugins.paid_services import queries

    if not can(user, "paid_services.view", site):
        return []
    order = queries.order_numbered(site, query)
    if order is None:
        return []
    return [
        SearchResult(
            title=f"#{order.id} · {order.resident.name}",
            url=url_for("paid_services.order", order_id=order.id),
            kind=_l("Paid service order"),
            detail=order.lines[0].description if order.lines else "",
        )
    ]


@hookimpl
def butler_resident_data(site, resident):
    from plugins.paid_services import privacy

    return privacy.rows(site, resident)


@hookimpl
def butler_resident_erase(site, resident):
    from plugins.paid_services import privacy

    return privacy.erase(site, resident)
