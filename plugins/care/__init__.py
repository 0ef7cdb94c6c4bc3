"""Care for residents (貼心關懷, duty E): birthday greetings, warm reminders and weather
warnings, special-care visits, and parcels signed for while a resident is away."""

from __future__ import annotations

from pathlib import Path

from flask_babel import lazy_gettext as _l

from core import clock
from core.plugins import hookimpl
from core.plugins.api import Job, NavItem, Panel, Permission, PluginInfo, Report, Widget
from core.roles import (
    MANAGERS,
    MANAGERS_AND_ASSISTANTS,
    MANAGERS_AND_BUTLERS,
    OFFICE_BUT_FRONT_DESK,
    OFFICE_ROLES,
)

NAME = "care"
HERE = Path(__file__).resolve().parent
# Special care is read by the building's butler, the assistant and the manager only.
SPECIAL_CARE_ROLES = frozenset({"manager", "assistant", "butler"})
NOTICE_WRITERS = MANAGERS_AND_BUTLERS


@hookimpl
def butler_plugin_info():
    return PluginInfo(
        name=NAME,
        label=_l("Care"),
        description=_l(
            "Birthday greetings, warm reminders and weather warnings, special-care visits "
            "and parcels signed for while residents are away."
        ),
        version="0.1.0",
        kinds=frozenset({"residential"}),
    )


@hookimpl
def butler_blueprints():
    from plugins.care import reports  # noqa: F401  (adds the report routes)
    from plugins.care.views import bp

    return [bp]


@hookimpl
def butler_models():
    from plugins.care.models import MODELS

    return MODELS


@hookimpl
def butler_permissions():
    return [
        Permission("care.view", _l("See birthdays, notices and the parcel register"), OFFICE_ROLES),
        Permission("care.greet", _l("Greet residents on their birthday"), OFFICE_BUT_FRONT_DESK),
        Permission("care.notices", _l("Write and send notices to residents"), NOTICE_WRITERS),
        Permission(
            "care.special",
            _l("Read and write special-care records (illness, bereavement)"),
            SPECIAL_CARE_ROLES,
        ),
        Permission(
            "care.parcels",
            _l("Sign parcels in and hand them over; keep away periods"),
            OFFICE_ROLES,
        ),
        Permission("care.settings", _l("Change the care settings of the site"), MANAGERS),
        Permission("care.reports", _l("See the care report of the month"), MANAGERS_AND_ASSISTANTS),
    ]


@hookimpl
def butler_jobs():
    from plugins.care.jobs import remind_held_parcels

    return [
        Job(
            "held_parcels",
            "daily",
            remind_held_parcels,
            description=_l("Remind residents of parcels held longer than the site allows"),
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
    return [NavItem(_l("Care"), "care.index", "care.view", order=70)]


@hookimpl
def butler_dashboard_widgets(site, user):
    from plugins.care import queries

    return [
        Widget(
            key="care.today",
            title=_l("Care"),
            template="care/_widget.html",
            permission="care.view",
            context=queries.widget_context(site, user),
            order=70,
        )
    ]


@hookimpl
def butler_resident_panels(site, user, resident):
    return [
        Panel(
            key="care.resident",
            title=_l("Care"),
            endpoint="care.resident_panel",
            permission="care.view",
            url_args={"resident_id": resident.id},
            order=70,
        )
    ]


@hookimpl
def butler_unit_panels(site, user, unit):
    return [
        Panel(
            key="care.unit",
            title=_l("Away and parcels"),
            endpoint="care.unit_panel",
            permission="care.view",
            url_args={"unit_id": unit.id},
            order=70,
        )
    ]


@hookimpl
def butler_day_items(site, user, day):
    from plugins.care import queries

    return queries.day_items(site, user, day)


@hookimpl
def butler_work_log(site, butler, day):
    from plugins.care import queries

    return queries.work_log(site, butler, day)


@hookimpl
def butler_reports(site, period, butler):
    if butler is not None:
        from plugins.care.reports import butler_sheet

        return [
            Report(
                key="care.month",
                title=_l("Care of the month"),
                endpoint="care.monthly_report",
                permission="care.view",
                order=70,
                sheet=butler_sheet,
            )
        ]
    return [
        Report(
            key="care.month",
            title=_l("Care of the month"),
            endpoint="care.monthly_report",
            permission="care.reports",
            description=_l("Birthday greetings, notices and their delivery, care visits, parcels."),
            order=70,
        )
    ]


@hookimpl
def butler_demo_data(site):
    from plugins.care.demo import add_demo_care

    add_demo_care(site, clock.now())


@hookimpl
def butler_resident_data(site, resident):
    from plugins.care import privacy

    return privacy.rows(site, resident)


@hookimpl
def butler_resident_erase(site, resident):
    from plugins.care import privacy

    return privacy.erase(site, resident)
