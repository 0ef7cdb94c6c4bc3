"""Health checks: the health-check programme and residents' health records (duty F).

Campaigns offer checks at the clubhouse; residents are invited by age band and
household through the outbox, book a time, come, and have their results recorded and
assessed. Values are kept only with the resident's consent, shown only to health staff
and managers, every view audited, every page sent with ``Cache-Control: no-store``.
"""

from __future__ import annotations

from pathlib import Path

from flask import url_for
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
from core.roles import HEALTH_ERASERS, HEALTH_PEOPLE, HEALTH_PROGRAMME, HEALTH_SUMMARY
from core.security import can
from plugins.health import reports
from plugins.health.demo import add_demo
from plugins.health.jobs import send_reminders
from plugins.health.models import MODELS
from plugins.health.rules import ensure_standard_checks
from plugins.health.views import bp

NAME = "health"
HERE = Path(__file__).resolve().parent


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
def butler_models():
    return MODELS


@hookimpl
def butler_permissions():
    return [
        Permission(
            "health.view",
            _l("See the health-check programme and who took part (no values)"),
            HEALTH_PROGRAMME,
        ),
        Permission(
            "health.manage",
            _l("Plan health checks, invite residents, book times, record attendance"),
            HEALTH_PEOPLE,
        ),
        Permission("health.records.view", _l("Read residents' health records"), HEALTH_PEOPLE),
        Permission(
            "health.records.edit",
            _l("Enter health results, assessments and consent"),
            HEALTH_PEOPLE,
        ),
        Permission(
            "health.records.export",
            _l("Export a resident's own health record"),
            HEALTH_PEOPLE,
        ),
        Permission("health.records.erase", _l("Erase a resident's health values"), HEALTH_ERASERS),
        Permission(
            "health.summary.view",
            _l("See health-check summaries (no names)"),
            HEALTH_SUMMARY,
        ),
    ]


@hookimpl
def butler_jobs():
    return [
        Job(
            "reminders",
            "daily",
            send_reminders,
            description=_l("Remind residents of their health-check time the day before"),
            hour=9,
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
    return [NavItem(_l("Health checks"), "health.index", "health.view", order=400)]


@hookimpl
def butler_dashboard_widgets(site, user):
    return [
        Widget(
            key="health.next",
            title=_l("Next health check"),
            template="health/_widget.html",
            permission="health.manage",
            context=reports.next_campaign(site),
            order=400,
        )
    ]


@hookimpl
def butler_resident_panels(site, user, resident):
    return [
        Panel(
            key="health.participation",
            title=_l("Health checks"),
            endpoint="health.resident_panel",
            permission="health.view",
            url_args={"resident_id": resident.id},
            order=400,
        )
    ]


@hookimpl
def butler_reports(site, period, butler):
    if butler is not None:
        # Counts of the butler's own residents' answers: no names, no values.
        return [
            Report(
                key="health.my_buildings",
                title=_l("Health checks of my buildings"),
                endpoint="health.summary_index",
                permission="health.view",
                order=400,
                sheet=reports.butler_sheet,
            )
        ]
    return [
        Report(
            key="health.summary",
            title=_l("Health-check summary"),
            endpoint="health.summary_index",
            permission="health.summary.view",
            description=_l("Attendance and the share of results out of range, by age band."),
            order=400,
        )
    ]


@hookimpl
def butler_search(site, user, query):
    """Campaigns by name: never a resident's health data."""
    if not query or not can(user, "health.view", site):
        return []
    return [
        SearchResult(
            title=c.name,
            url=url_for("health.campaign", campaign_id=c.id, site_slug=site.slug),
            kind=_l("Health check"),
            detail=c.starts_on.isoformat(),
        )
        for c in reports.campaigns_named(site, query)
    ]


@hookimpl
def butler_site_enabled(site):
    ensure_standard_checks(site)


@hookimpl
def butler_demo_data(site):
    add_demo(site)


@hookimpl
def butler_resident_data(site, resident):
    from plugins.health import privacy

    return privacy.rows(site, resident)


@hookimpl
def butler_resident_erase(site, resident):
    from plugins.health import privacy

    return privacy.erase(site, resident)
