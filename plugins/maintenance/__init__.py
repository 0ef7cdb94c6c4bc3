"""Contractors and planned work (外委單位與計劃工作): contracts with their required
frequencies, the plan on cadences, the work log, and the monthly evaluation by the 25th."""

from __future__ import annotations

from pathlib import Path

from flask_babel import lazy_gettext as _l

from core.plugins import hookimpl
from core.plugins.api import Cadence, Job, NavItem, Panel, Permission, PluginInfo, Report, Widget
from core.roles import MANAGERS, MANAGERS_AND_ASSISTANTS, OFFICE_ROLES

NAME = "maintenance"
HERE = Path(__file__).resolve().parent
WORKERS = frozenset({"org_admin", "manager", "assistant", "butler"})


@hookimpl
def butler_plugin_info():
    return PluginInfo(
        name=NAME,
        label=_l("Contractors and planned work"),
        description=_l(
            "Contractors and their contracts, the planned work their contracts require, "
            "the log of the work done, and each contractor's evaluation by the 25th."
        ),
        version="0.1.0",
        kinds=frozenset({"residential"}),
    )


@hookimpl
def butler_blueprints():
    from plugins.maintenance import reports  # noqa: F401  (adds the report routes)
    from plugins.maintenance.views import bp

    return [bp]


@hookimpl
def butler_models():
    from plugins.maintenance.models import MODELS

    return MODELS


@hookimpl
def butler_permissions():
    return [
        Permission(f"{NAME}.view", _l("See contractors and the planned work"), OFFICE_ROLES),
        Permission(f"{NAME}.log", _l("Log and check the contractors' work"), WORKERS),
        Permission(
            f"{NAME}.manage",
            _l("Keep the contractors, contracts and plans"),
            MANAGERS_AND_ASSISTANTS,
        ),
        Permission(f"{NAME}.evaluate", _l("Score the contractors every month"), WORKERS),
        Permission(f"{NAME}.reopen", _l("Reopen a locked evaluation"), MANAGERS),
        Permission(f"{NAME}.reports", _l("See the contractors' reports"), MANAGERS_AND_ASSISTANTS),
    ]


@hookimpl
def butler_translation_dirs():
    return [HERE / "translations"]


@hookimpl
def butler_migration_dirs():
    return [HERE / "migrations"]


@hookimpl
def butler_nav_items(site, user):
    return [
        NavItem(_l("Planned work"), "maintenance.index", f"{NAME}.view", order=50, phone=50),
        NavItem(_l("Contractors"), "maintenance.contractors", f"{NAME}.view", order=51),
    ]


@hookimpl
def butler_dashboard_widgets(site, user):
    from plugins.maintenance import queries

    return [
        Widget(
            key=f"{NAME}.due",
            title=_l("Planned work"),
            template="maintenance/_widget.html",
            permission=f"{NAME}.view",
            context=queries.widget(site, user),
            order=50,
        )
    ]


@hookimpl
def butler_unit_panels(site, user, unit):
    return [
        Panel(
            key=f"{NAME}.unit",
            title=_l("Planned work in the building"),
            endpoint="maintenance.unit_panel",
            permission=f"{NAME}.view",
            url_args={"unit_id": unit.id},
            order=50,
        )
    ]


@hookimpl
def butler_day_items(site, user, day):
    from plugins.maintenance import queries

    return queries.day_items(site, user, day)


@hookimpl
def butler_work_log(site, butler, day):
    from plugins.maintenance import queries

    return queries.work_log(site, butler, day)


@hookimpl
def butler_reports(site, period, butler):
    from plugins.maintenance.reports import butler_sheet

    if butler is not None:
        return [
            Report(
                key=f"{NAME}.work",
                title=_l("Contractors' work I logged"),
                endpoint="maintenance.work_log",
                permission=f"{NAME}.view",
                url_args={"month": period},
                order=50,
                sheet=butler_sheet,
            )
        ]
    return [
        Report(
            key=f"{NAME}.evaluations",
            title=_l("Contractors' evaluation of the month"),
            endpoint="maintenance.evaluation_report",
            permission=f"{NAME}.reports",
            description=_l("Each contractor's scores and compliance with the plan, as XLSX."),
            order=50,
        )
    ]


@hookimpl
def butler_jobs():
    from datetime import time

    from plugins.maintenance.jobs import remind_to_score

    return [
        Job(
            "evaluation_reminder",
            Cadence.monthly(20, at=time(9)),
            remind_to_score,
            description=_l("Remind the managers of evaluations not scored, on the 20th"),
        )
    ]


@hookimpl
def butler_demo_data(site):
    from plugins.maintenance.demo import load_demo

    load_demo(site)
