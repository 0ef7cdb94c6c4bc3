"""Fees: management fees billed per unit, payments, arrears with their reasons and the
chasing of them, the Monday report and the collection rate per butler (duty G)."""

from __future__ import annotations

from datetime import time
from pathlib import Path

from flask_babel import lazy_gettext as _l

from core.plugins import hookimpl
from core.plugins.api import (
    Cadence,
    ImportKind,
    Job,
    NavItem,
    Panel,
    Permission,
    PluginInfo,
    Report,
    Widget,
)
from core.roles import MANAGERS, MANAGERS_AND_ASSISTANTS, OFFICE_BUT_FRONT_DESK, OFFICE_ROLES

NAME = "fees"
HERE = Path(__file__).resolve().parent


@hookimpl
def butler_plugin_info():
    return PluginInfo(
        name=NAME,
        label=_l("Fees"),
        description=_l(
            "Management fees billed per unit, payments, arrears with their reasons, the "
            "Monday report and the collection rate per butler."
        ),
        version="1.0.0",
        kinds=frozenset({"residential"}),
    )


@hookimpl
def butler_blueprints():
    from plugins.fees import reports  # noqa: F401  (adds the report routes)
    from plugins.fees.views import bp

    return [bp]


@hookimpl
def butler_models():
    from plugins.fees.models import MODELS

    return MODELS


@hookimpl
def butler_permissions():
    return [
        Permission(f"{NAME}.view", _l("See fees, bills, payments and arrears"), OFFICE_ROLES),
        Permission(f"{NAME}.collect", _l("Take payments of fees"), OFFICE_ROLES),
        Permission(
            f"{NAME}.chase",
            _l("Chase arrears: contacts, promises to pay, reasons"),
            OFFICE_BUT_FRONT_DESK,
        ),
        Permission(f"{NAME}.void", _l("Void or refund a payment of fees"), MANAGERS),
        Permission(f"{NAME}.manage", _l("Set the fees and bill a month"), MANAGERS),
        Permission(
            f"{NAME}.reports",
            _l("See the collection rate and the Monday report"),
            MANAGERS_AND_ASSISTANTS,
        ),
    ]


@hookimpl
def butler_import_kinds():
    from plugins.fees.imports import COLUMNS, KIND, BillRows

    return [
        ImportKind(
            KIND,
            _l("Bills (from the accounting system)"),
            COLUMNS,
            BillRows,
            f"{NAME}.manage",
        )
    ]


@hookimpl
def butler_jobs():
    from plugins.fees.jobs import MONDAY_NINE, monday_report, send_reminders

    return [
        Job(
            "reminders",
            Cadence.daily(time(10)),
            send_reminders,
            description=_l("Remind residents of fees due soon, due today or unpaid"),
        ),
        Job(
            "monday_report",
            MONDAY_NINE,
            monday_report,
            description=_l("Write last week's chasing of arrears per butler"),
        ),
    ]


@hookimpl
def butler_translation_dirs():
    return [HERE / "translations"]


@hookimpl
def butler_migration_dirs():
    return [HERE / "migrations"]


@hookimpl
def butler_nav_items(site, user):
    return [NavItem(_l("Fees"), "fees.index", f"{NAME}.view", order=70)]


@hookimpl
def butler_dashboard_widgets(site, user):
    from core.security import can
    from plugins.fees import queries

    if not can(user, f"{NAME}.view", site):
        return []
    rate = queries.my_month_rate(site, user)
    if rate is None:
        return []
    return [
        Widget(
            key=f"{NAME}.my_rate",
            title=_l("My collection rate this month"),
            template="fees/_widget.html",
            permission=f"{NAME}.view",
            context={"rate": rate},
            order=70,
        )
    ]


@hookimpl
def butler_unit_panels(site, user, unit):
    return [
        Panel(
            key=f"{NAME}.statement",
            title=_l("Fees"),
            endpoint="fees.unit_panel",
            permission=f"{NAME}.view",
            url_args={"unit_id": unit.id},
            order=70,
        )
    ]


@hookimpl
def butler_day_items(site, user, day):
    from plugins.fees import queries

    return queries.day_items(site, user, day)


@hookimpl
def butler_work_log(site, butler, day):
    from plugins.fees import queries

    return queries.work_log(site, butler, day)


@hookimpl
def butler_reports(site, period, butler):
    if butler is not None:
        from plugins.fees.reports import butler_sheet, chasing_sheet

        return [
            Report(
                key=f"{NAME}.collection",
                title=_l("Fee collection rate"),
                endpoint="fees.collection",
                permission=f"{NAME}.view",
                order=70,
                sheet=butler_sheet,
            ),
            Report(
                key=f"{NAME}.chasing",
                title=_l("Fee chasing by week"),
                endpoint="fees.monday",
                permission=f"{NAME}.view",
                order=71,
                sheet=chasing_sheet,
            ),
        ]
    return [
        Report(
            key=f"{NAME}.collection",
            title=_l("Fees: collection rate"),
            endpoint="fees.collection",
            permission=f"{NAME}.reports",
            description=_l(
                "Collected against billed, by butler or building, the month and the year; "
                "arrears by age and the recovery of older arrears."
            ),
            order=70,
        ),
        Report(
            key=f"{NAME}.monday",
            title=_l("Fees: the Monday report"),
            endpoint="fees.monday",
            permission=f"{NAME}.reports",
            description=_l("Last week's chasing per butler: units, contacts, promises, money in."),
            order=71,
        ),
    ]


@hookimpl
def butler_demo_data(site):
    from plugins.fees.demo import add_demo_data

    add_demo_data(site)


@hookimpl
def butler_resident_data(site, resident):
    from plugins.fees import privacy

    return privacy.rows(site, resident)


@hookimpl
def butler_resident_erase(site, resident):
    from plugins.fees import privacy

    return privacy.erase(site, resident)
