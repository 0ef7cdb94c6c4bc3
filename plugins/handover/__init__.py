"""Unit handovers (收樓, duty 1.4F and 1.9): owners booked into time slots, the inspection
room by room on a phone, the report signed by the owner, defects to closure, the unit's
steps after handover, and the monthly building summary."""

from __future__ import annotations

from pathlib import Path

from flask_babel import lazy_gettext as _l

from core import clock
from core.plugins import hookimpl
from core.plugins.api import Job, NavItem, Panel, Permission, PluginInfo, Report, Widget
from core.roles import MANAGERS_AND_ASSISTANTS, OFFICE_BUT_FRONT_DESK, OFFICE_ROLES

NAME = "handover"
HERE = Path(__file__).resolve().parent


@hookimpl
def butler_plugin_info():
    return PluginInfo(
        name=NAME,
        label=_l("Handovers"),
        description=_l(
            "Owners booked into handover slots, the inspection room by room, the signed "
            "handover report, defects to closure and the monthly building summary."
        ),
        version="0.1.0",
        kinds=frozenset({"residential"}),
    )


@hookimpl
def butler_blueprints():
    from plugins.handover import reports  # noqa: F401  (adds the report routes)
    from plugins.handover.views import bp

    return [bp]


@hookimpl
def butler_models():
    from plugins.handover.models import MODELS

    return MODELS


@hookimpl
def butler_permissions():
    return [
        Permission("handover.view", _l("See handover bookings, reports and defects"), OFFICE_ROLES),
        Permission("handover.book", _l("Book owners into handover slots"), OFFICE_ROLES),
        Permission(
            "handover.inspect",
            _l("Inspect units, hand keys over and follow defects"),
            OFFICE_BUT_FRONT_DESK,
        ),
        Permission("handover.defects", _l("Give defects to contractors"), MANAGERS_AND_ASSISTANTS),
        Permission("handover.slots", _l("Open handover slots"), MANAGERS_AND_ASSISTANTS),
        Permission(
            "handover.reports", _l("See the monthly building summary"), MANAGERS_AND_ASSISTANTS
        ),
    ]


@hookimpl
def butler_jobs():
    from plugins.handover.jobs import remind_owners

    return [
        Job(
            "owner_reminders",
            "daily",
            remind_owners,
            description=_l("Remind owners of their handover appointment the day before"),
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
    return [NavItem(_l("Handovers"), "handover.index", "handover.view", order=75, phone=60)]


@hookimpl
def butler_dashboard_widgets(site, user):
    from plugins.handover import queries

    return [
        Widget(
            key="handover.today",
            title=_l("Handovers"),
            template="handover/_widget.html",
            permission="handover.view",
            context=queries.widget_context(site),
            order=75,
        )
    ]


@hookimpl
def butler_unit_panels(site, user, unit):
    return [
        Panel(
            key="handover.unit",
            title=_l("Handover"),
            endpoint="handover.unit_panel",
            permission="handover.view",
            url_args={"unit_id": unit.id},
            order=75,
        )
    ]


@hookimpl
def butler_day_items(site, user, day):
    from plugins.handover import queries

    return queries.day_items(site, user, day)


@hookimpl
def butler_work_log(site, butler, day):
    from plugins.handover import queries

    return queries.work_log(site, butler, day)


@hookimpl
def butler_search(site, user, query):
    from plugins.handover import queries

    return queries.search(site, user, query)


@hookimpl
def butler_reports(site, period, butler):
    from plugins.handover.reports import butler_sheet

    return [
        Report(
            key="handover.buildings",
            title=_l("Building summary of the month"),
            endpoint="handover.monthly_report",
            permission="handover.view" if butler is not None else "handover.reports",
            description=_l("Handovers, renovations and rentals of each building."),
            order=75,
            sheet=butler_sheet if butler is not None else None,
        )
    ]


@hookimpl
def butler_demo_data(site):
    from plugins.handover.demo import add_demo_handovers

    add_demo_handovers(site, clock.now())


@hookimpl
def butler_resident_data(site, resident):
    from plugins.handover import privacy

    return privacy.rows(site, resident)


@hookimpl
def butler_resident_erase(site, resident):
    from plugins.handover import privacy

    return privacy.erase(site, resident)
