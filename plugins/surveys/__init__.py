"""Surveys of residents' opinion (客戶意見征詢): monthly to annual waves, answered on the
residents' own phones through a personal link or with the butler, and analysed."""

from __future__ import annotations

from pathlib import Path

from flask_babel import lazy_gettext as _l

from core import clock
from core.plugins import hookimpl
from core.plugins.api import Job, NavItem, Panel, Permission, PluginInfo, Report, Widget
from core.roles import MANAGERS_AND_ASSISTANTS, MANAGERS_AND_BUTLERS, OFFICE_ROLES

NAME = "surveys"
HERE = Path(__file__).resolve().parent


@hookimpl
def butler_plugin_info():
    return PluginInfo(
        name=NAME,
        label=_l("Residents' surveys"),
        description=_l(
            "Monthly to annual surveys of residents' opinion, answered on their own phones "
            "or with the butler, and analysed."
        ),
        version="0.1.0",
        kinds=frozenset({"residential"}),
    )


@hookimpl
def butler_blueprints():
    from plugins.surveys.views import bp

    return [bp]


@hookimpl
def butler_models():
    from plugins.surveys.models import MODELS

    return MODELS


@hookimpl
def butler_permissions():
    return [
        Permission("surveys.view", _l("See residents' surveys"), OFFICE_ROLES),
        Permission(
            "surveys.record",
            _l("Record a household's survey answers on a visit or a call"),
            MANAGERS_AND_BUTLERS,
        ),
        Permission(
            "surveys.manage", _l("Build and launch residents' surveys"), MANAGERS_AND_BUTLERS
        ),
        Permission(
            "surveys.report",
            _l("See the analysis of residents' surveys"),
            MANAGERS_AND_ASSISTANTS | {"butler"},
        ),
    ]


@hookimpl
def butler_jobs():
    from plugins.surveys.jobs import send_reminders

    return [
        Job(
            "reminders",
            "daily",
            send_reminders,
            description=_l("Remind, once, the households that have not answered a survey"),
            hour=10,
        )
    ]


@hookimpl
def butler_translation_dirs():
    return [HERE / "translations"]


@hookimpl
def butler_migration_dirs():
    return [HERE / "migrations"]


@hookimpl
def butler_site_enabled(site):
    from plugins.surveys.rules import seed_templates

    seed_templates(site)


@hookimpl
def butler_nav_items(site, user):
    return [NavItem(_l("Surveys"), "surveys.index", "surveys.view", order=70)]


@hookimpl
def butler_dashboard_widgets(site, user):
    from plugins.surveys import queries

    return [
        Widget(
            key="surveys.running",
            title=_l("Surveys running"),
            template="surveys/_widget.html",
            permission="surveys.view",
            context={"rows": queries.running_with_rates(site)},
            order=70,
        )
    ]


@hookimpl
def butler_resident_panels(site, user, resident):
    return [
        Panel(
            key="surveys.resident",
            title=_l("Surveys"),
            endpoint="surveys.resident_panel",
            permission="surveys.view",
            url_args={"resident_id": resident.id},
            order=70,
        )
    ]


@hookimpl
def butler_day_items(site, user, day):
    from plugins.surveys import queries

    if day != clock.today(site):
        return []
    return queries.day_items(site, user)


@hookimpl
def butler_work_log(site, butler, day):
    from plugins.surveys import queries

    return queries.work_log(site, butler, day)


@hookimpl
def butler_reports(site, period, butler):
    if butler is not None:
        from plugins.surveys.reports import annual_in, annual_sheet

        if annual_in(site, period) is None:
            return []
        return [
            Report(
                key="surveys.annual",
                title=_l("Annual residents' survey"),
                endpoint="surveys.index",
                permission="surveys.view",
                order=70,
                sheet=annual_sheet,
            )
        ]
    return [
        Report(
            key="surveys.results",
            title=_l("Residents' surveys"),
            endpoint="surveys.index",
            permission="surveys.report",
            description=_l("Response rates, satisfaction and recommendation of each survey."),
            order=70,
        )
    ]


@hookimpl
def butler_demo_data(site):
    from plugins.surveys.demo import add_demo_surveys

    add_demo_surveys(site)


@hookimpl
def butler_resident_data(site, resident):
    from plugins.surveys import privacy

    return privacy.rows(site, resident)


@hookimpl
def butler_resident_erase(site, resident):
    from plugins.surveys import privacy

    return privacy.erase(site, resident)
