"""Community events: registration with limited places, a waiting list, attendance at the
door, calendars and the figures of what worked (duty 1.6F)."""

from __future__ import annotations

from pathlib import Path

from flask_babel import lazy_gettext as _l

from core import clock
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
from core.roles import MANAGERS_AND_ASSISTANTS, MANAGERS_AND_BUTLERS, OFFICE_ROLES

NAME = "events"
HERE = Path(__file__).resolve().parent


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
    from plugins.events.views import bp

    return [bp]


@hookimpl
def butler_models():
    from plugins.events.models import MODELS

    return MODELS


@hookimpl
def butler_permissions():
    return [
        Permission("events.view", _l("See community events"), OFFICE_ROLES),
        Permission(
            "events.register",
            _l("Register residents for events and take attendance"),
            OFFICE_ROLES,
        ),
        Permission(
            "events.manage",
            _l("Plan events, send invitations and write reports"),
            MANAGERS_AND_BUTLERS,
        ),
        Permission(
            "events.report",
            _l("See the figures of community events"),
            MANAGERS_AND_ASSISTANTS,
        ),
    ]


@hookimpl
def butler_jobs():
    from plugins.events.jobs import send_reminders

    return [
        Job(
            "reminders",
            "daily",
            send_reminders,
            description=_l("Remind registered residents of tomorrow's events"),
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
def butler_nav_items(site, user):
    return [NavItem(_l("Events"), "events.index", "events.view", order=60)]


@hookimpl
def butler_day_items(site, user, day):
    from plugins.events import queries

    return queries.day_items(site, day)


@hookimpl
def butler_dashboard_widgets(site, user):
    from plugins.events import queries

    return [
        Widget(
            key="events.week",
            title=_l("Events this week"),
            template="events/_widget.html",
            permission="events.view",
            context={"rows": queries.this_week(site, clock.now())},
            order=60,
        )
    ]


@hookimpl
def butler_resident_panels(site, user, resident):
    return [
        Panel(
            key="events.resident",
            title=_l("Community events"),
            endpoint="events.resident_panel",
            permission="events.view",
            url_args={"resident_id": resident.id},
            order=60,
        )
    ]


@hookimpl
def butler_reports(site, period, butler):
    if butler is not None:
        from plugins.events.reports import butler_sheet

        return [
            Report(
                key="events.figures",
                title=_l("Community events"),
                endpoint="events.monthly_figures",
                permission="events.view",
                order=60,
                sheet=butler_sheet,
            )
        ]
    return [
        Report(
            key="events.figures",
            title=_l("Community events"),
            endpoint="events.monthly_figures",
            permission="events.report",
            description=_l("Registered, attended, no-shows and satisfaction of each event."),
            order=60,
        )
    ]


@hookimpl
def butler_search(site, user, query):
    from flask import url_for

    from core.security import can
    from plugins.events import queries

    if not can(user, "events.view", site):
        return []
    zone = clock.zone(site)
    return [
        SearchResult(
            title=event.title,
            url=url_for("events.show", event_id=event.id),
            kind=_l("Event"),
            detail=f"{event.starts_at.astimezone(zone):%Y-%m-%d %H:%M} · {event.place}",
        )
        for event in queries.search(site, query)
    ]


@hookimpl
def butler_demo_data(site):
    from plugins.events.demo import add_demo_events

    add_demo_events(site, clock.now())


@hookimpl
def butler_resident_data(site, resident):
    from plugins.events import privacy

    return privacy.rows(site, resident)


@hookimpl
def butler_resident_erase(site, resident):
    from plugins.events import privacy

    return privacy.erase(site, resident)
