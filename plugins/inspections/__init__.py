"""Rounds (物業巡檢): twice a day on a phone, findings followed to closure, renovation
permits and workers' passes, rainy-day checks and joint walks."""

from __future__ import annotations

from pathlib import Path

from flask_babel import lazy_gettext as _l

from core import clock
from core.plugins import hookimpl
from core.plugins.api import Job, NavItem, Panel, Permission, PluginInfo, Report, Widget
from core.roles import MANAGERS, MANAGERS_AND_ASSISTANTS, OFFICE_ROLES

NAME = "inspections"
HERE = Path(__file__).resolve().parent
WALKERS = frozenset({"butler", "assistant", "manager"})


@hookimpl
def butler_plugin_info():
    return PluginInfo(
        name=NAME,
        label=_l("Rounds"),
        description=_l(
            "Rounds twice a day on a phone, findings followed to closure, "
            "renovation permits and workers' passes."
        ),
        version="0.1.0",
        kinds=frozenset({"residential"}),
    )


@hookimpl
def butler_blueprints():
    from plugins.inspections import reports  # noqa: F401  (adds the report routes)
    from plugins.inspections.views import bp

    return [bp]


@hookimpl
def butler_models():
    from plugins.inspections.models import MODELS

    return MODELS


@hookimpl
def butler_permissions():
    return [
        Permission(f"{NAME}.view", _l("See rounds, findings and renovation permits"), OFFICE_ROLES),
        Permission(f"{NAME}.walk", _l("Walk rounds and raise findings"), WALKERS),
        Permission(f"{NAME}.close", _l("Close findings"), OFFICE_ROLES),
        Permission(
            f"{NAME}.permits",
            _l("Record renovation permits and workers' passes"),
            MANAGERS_AND_ASSISTANTS | {"butler"},
        ),
        Permission(f"{NAME}.configure", _l("Set round times and checklists"), MANAGERS),
        Permission(f"{NAME}.reports", _l("See the rounds' reports"), MANAGERS_AND_ASSISTANTS),
    ]


@hookimpl
def butler_translation_dirs():
    return [HERE / "translations"]


@hookimpl
def butler_migration_dirs():
    return [HERE / "migrations"]


@hookimpl
def butler_nav_items(site, user):
    return [NavItem(_l("Rounds"), "inspections.index", f"{NAME}.view", order=15)]


@hookimpl
def butler_jobs():
    from plugins.inspections.jobs import tell_missed_rounds

    return [
        Job(
            "missed_rounds",
            "hourly",
            tell_missed_rounds,
            description=_l("Tell the property assistant of a round not walked by its time"),
        )
    ]


@hookimpl
def butler_day_items(site, user, day):
    from plugins.inspections import queries

    return queries.day_items(site, user, day, clock.now())


@hookimpl
def butler_work_log(site, butler, day):
    from plugins.inspections import queries

    return queries.work_log(site, butler, day)


@hookimpl
def butler_dashboard_widgets(site, user):
    from core.security import can
    from plugins.inspections import reports

    if not can(user, f"{NAME}.view", site):
        return []
    return [
        Widget(
            key=f"{NAME}.today",
            title=_l("Rounds"),
            template="inspections/_widget.html",
            permission=f"{NAME}.view",
            context={"figures": reports.widget_figures(site, user, clock.now())},
            order=15,
        )
    ]


@hookimpl
def butler_unit_panels(site, user, unit):
    return [
        Panel(
            key=f"{NAME}.renovations",
            title=_l("Renovations"),
            endpoint="inspections.unit_panel",
            permission=f"{NAME}.view",
            url_args={"unit_id": unit.id},
            order=40,
        )
    ]


@hookimpl
def butler_reports(site, period, butler):
    if butler is not None:
        from plugins.inspections.reports import butler_sheet

        return [
            Report(
                key=f"{NAME}.monthly",
                title=_l("Rounds of the month"),
                endpoint="inspections.monthly_report",
                permission=f"{NAME}.view",
                order=15,
                sheet=butler_sheet,
            )
        ]
    return [
        Report(
            key=f"{NAME}.monthly",
            title=_l("Rounds of the month"),
            endpoint="inspections.monthly_report",
            permission=f"{NAME}.reports",
            description=_l(
                "Rounds walked against rounds due per butler, findings by area and kind, "
                "time to close, renovations per month; with an XLSX export."
            ),
            order=15,
        )
    ]


@hookimpl
def butler_site_enabled(site):
    from plugins.inspections.demo import seed_routes

    seed_routes(site)


@hookimpl
def butler_demo_data(site):
    from plugins.inspections.demo import load_demo

    load_demo(site)


@hookimpl
def butler_resident_data(site, resident):
    from plugins.inspections import privacy

    return privacy.rows(site, resident)


@hookimpl
def butler_resident_erase(site, resident):
    from plugins.inspections import privacy

    return privacy.erase(site, resident)
