"""Home visits (客戶家訪): visits with their form, and the quota of households visited."""

from __future__ import annotations

from pathlib import Path

from flask_babel import lazy_gettext as _l

from core.plugins import hookimpl
from core.plugins.api import Cadence, Job, NavItem, Panel, Permission, PluginInfo, Report, Widget
from core.roles import MANAGERS, MANAGERS_AND_ASSISTANTS, OFFICE_ROLES

NAME = "visits"
HERE = Path(__file__).resolve().parent
RECORDERS = frozenset({"org_admin", "manager", "assistant", "butler"})


@hookimpl
def butler_plugin_info():
    return PluginInfo(
        name=NAME,
        label=_l("Home visits"),
        description=_l(
            "Home visits with the visit form, and the quota of households visited "
            "every month and every quarter."
        ),
        version="0.1.0",
        kinds=frozenset({"residential"}),
    )


@hookimpl
def butler_blueprints():
    from plugins.visits import reports  # noqa: F401  (adds the report routes)
    from plugins.visits.views import bp

    return [bp]


@hookimpl
def butler_models():
    from plugins.visits.models import MODELS

    return MODELS


@hookimpl
def butler_permissions():
    return [
        Permission(f"{NAME}.view", _l("See home visits and the quota"), OFFICE_ROLES),
        Permission(f"{NAME}.record", _l("Record and plan home visits"), RECORDERS),
        Permission(f"{NAME}.reports", _l("See home-visit reports"), MANAGERS_AND_ASSISTANTS),
        Permission(f"{NAME}.configure", _l("Set the home-visit targets"), MANAGERS),
    ]


@hookimpl
def butler_translation_dirs():
    return [HERE / "translations"]


@hookimpl
def butler_migration_dirs():
    return [HERE / "migrations"]


@hookimpl
def butler_nav_items(site, user):
    return [NavItem(_l("Home visits"), "visits.index", f"{NAME}.view", order=30)]


@hookimpl
def butler_dashboard_widgets(site, user):
    from core.residents import has_buildings
    from plugins.visits import queries

    if not has_buildings(site, user):
        return []
    return [
        Widget(
            key=f"{NAME}.quota",
            title=_l("My home visits"),
            template="visits/_widget.html",
            permission=f"{NAME}.view",
            context=queries.widget(site, user),
            order=30,
        )
    ]


@hookimpl
def butler_resident_panels(site, user, resident):
    return [
        Panel(
            key=f"{NAME}.resident",
            title=_l("Home visits"),
            endpoint="visits.resident_panel",
            permission=f"{NAME}.view",
            url_args={"resident_id": resident.id},
            order=30,
        )
    ]


@hookimpl
def butler_day_items(site, user, day):
    from plugins.visits import queries

    return queries.day_items(site, user, day)


@hookimpl
def butler_work_log(site, butler, day):
    from plugins.visits import queries

    return queries.work_log(site, butler, day)


@hookimpl
def butler_reports(site, period, butler):
    from plugins.visits.reports import butler_sheet

    if butler is not None:
        return [
            Report(
                key=f"{NAME}.forms",
                title=_l("Home-visit forms of the month"),
                endpoint="visits.forms_report",
                permission=f"{NAME}.view",
                url_args={"butler": butler.id},
                order=30,
                sheet=butler_sheet,
            )
        ]
    return [
        Report(
            key=f"{NAME}.quota",
            title=_l("Home-visit quota"),
            endpoint="visits.quota_report",
            permission=f"{NAME}.reports",
            description=_l("Households visited per butler, this month and this quarter, ranked."),
            order=30,
        ),
        Report(
            key=f"{NAME}.forms",
            title=_l("Home-visit forms of the month"),
            endpoint="visits.forms_report",
            permission=f"{NAME}.reports",
            description=_l("Every visit's form, to print or hand in as XLSX."),
            order=31,
        ),
    ]


@hookimpl
def butler_jobs():
    from datetime import time

    from plugins.visits.jobs import warn_behind

    return [
        Job(
            "behind_target",
            Cadence.weekly(0, at=time(9)),
            warn_behind,
            description=_l("Tell each butler behind the visits target, once a week"),
        )
    ]


@hookimpl
def butler_demo_data(site):
    from plugins.visits.demo import load_demo

    load_demo(site)


@hookimpl
def butler_resident_data(site, resident):
    from plugins.visits import privacy

    return privacy.rows(site, resident)


@hookimpl
def butler_resident_erase(site, resident):
    from plugins.visits import privacy

    return privacy.erase(site, resident)
