"""Housekeeping: the hotel variant (rooms, assignments, inspections, master keys)."""

from __future__ import annotations

from pathlib import Path

from flask_babel import lazy_gettext as _l

from core.plugins import hookimpl
from core.plugins.api import Job, NavItem, Panel, Permission, PluginInfo, Report, Widget
from core.roles import (
    HOTEL_LEADS,
    HOTEL_STAFF,
    HOUSEKEEPING_ADMINS,
    HOUSEKEEPING_EXECUTIVES,
    HOUSEKEEPING_OFFICE,
    HOUSEKEEPING_VIEWERS,
    LINEN_ATTENDANTS,
    ROOM_ATTENDANTS,
)
from core.security import can
from plugins.housekeeping import models, reports, rollup  # noqa: F401  (rollup: on write)
from plugins.housekeeping.demo import load
from plugins.housekeeping.jobs import chase_overdue_keys
from plugins.housekeeping.labels import STATUS_COLOURS, STATUS_LABELS
from plugins.housekeeping.views import bp

NAME = "housekeeping"
FRONT_DESK = frozenset({"front_desk"})
HERE = Path(__file__).resolve().parent

PERMISSIONS = [
    Permission(
        "housekeeping.view",
        _l("See the room status board"),
        HOUSEKEEPING_VIEWERS,
    ),
    Permission(
        "housekeeping.clean",
        _l("Mark rooms cleaned and see one's own list of rooms"),
        HOTEL_LEADS | ROOM_ATTENDANTS,
    ),
    Permission(
        "housekeeping.status",
        _l("Change any room's status and block rooms"),
        HOTEL_LEADS | HOUSEKEEPING_ADMINS,
    ),
    Permission("housekeeping.inspect", _l("Inspect and release rooms"), HOTEL_LEADS),
    Permission("housekeeping.inspect_vip", _l("Inspect VIP rooms"), HOUSEKEEPING_EXECUTIVES),
    Permission(
        "housekeeping.assign",
        _l("Enter the day's occupancy and assign rooms"),
        HOUSEKEEPING_EXECUTIVES,
    ),
    Permission("housekeeping.keys", _l("Issue and take back master keys"), HOTEL_LEADS),
    Permission(
        "housekeeping.keys_manage",
        _l("Add master keys and record lost ones"),
        HOUSEKEEPING_OFFICE,
    ),
    Permission(
        "housekeeping.linen",
        _l("Move linen and count it"),
        HOUSEKEEPING_EXECUTIVES | LINEN_ATTENDANTS,
    ),
    Permission(
        "housekeeping.linen_manage",
        _l("Add linen items and set par levels"),
        HOUSEKEEPING_EXECUTIVES,
    ),
    Permission("housekeeping.evaluate", _l("Evaluate housekeeping staff"), HOUSEKEEPING_OFFICE),
    Permission(
        "housekeeping.work_orders",
        _l("Report repairs for engineering and take a broken room out of order"),
        HOTEL_STAFF | HOUSEKEEPING_ADMINS,
    ),
    Permission(
        "housekeeping.close_orders",
        _l("Close work orders when engineering has repaired"),
        HOTEL_LEADS | HOUSEKEEPING_ADMINS,
    ),
    Permission(
        "housekeeping.rush",
        _l("Mark a room a rush, to be cleaned first"),
        HOTEL_LEADS | FRONT_DESK,
    ),
    Permission(
        "housekeeping.guests",
        _l("Log, assign and close guests' requests and complaints"),
        HOUSEKEEPING_VIEWERS,
    ),
    Permission(
        "housekeeping.lost_found",
        _l("Log lost property and hand it back to its owner"),
        HOUSEKEEPING_VIEWERS,
    ),
    Permission(
        "housekeeping.lost_dispose",
        _l("Dispose of unclaimed lost property and set how long it is kept"),
        HOUSEKEEPING_EXECUTIVES | HOUSEKEEPING_ADMINS,
    ),
    Permission(
        "housekeeping.labour",
        _l("Enter hours worked and wage grades; see the labour cost"),
        HOUSEKEEPING_EXECUTIVES | HOUSEKEEPING_ADMINS,
    ),
    Permission(
        "housekeeping.areas",
        _l("Add public areas, enter the day's functions and assign public-area attendants"),
        HOUSEKEEPING_EXECUTIVES | HOUSEKEEPING_ADMINS,
    ),
    Permission(
        "housekeeping.spot_check",
        _l("Inspect public areas and spot-check rooms and areas at night"),
        HOTEL_LEADS,
    ),
    Permission(
        "housekeeping.briefing",
        _l("Write the day's briefing for the housekeeping team"),
        HOUSEKEEPING_EXECUTIVES,
    ),
    Permission(
        "housekeeping.staff_records",
        _l("Keep and read staff's grooming checks, discipline and training records"),
        HOUSEKEEPING_EXECUTIVES,
    ),
    Permission(
        "housekeeping.reports",
        _l("See housekeeping reports"),
        HOUSEKEEPING_EXECUTIVES | HOUSEKEEPING_ADMINS,
    ),
]


@hookimpl
def butler_plugin_info():
    return PluginInfo(
        name=NAME,
        label=_l("Housekeeping"),
        description=_l(
            "Hotel housekeeping: room status, assignments, inspections, linen and master keys."
        ),
        version="0.1.0",
        kinds=frozenset({"hotel"}),
    )


@hookimpl
def butler_blueprints():
    return [bp]


@hookimpl
def butler_models():
    return models.MODELS


@hookimpl
def butler_permissions():
    return PERMISSIONS


@hookimpl
def butler_jobs():
    return [
        Job(
            "overdue_keys",
            "hourly",
            chase_overdue_keys,
            description=_l("Text holders of master keys still out after their shift"),
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
    return [
        NavItem(_l("Room board"), "housekeeping.board", "housekeeping.view", order=20, phone=25),
        NavItem(
            _l("My rooms"),
            "housekeeping.my_rooms",
            "housekeeping.clean",
            order=21,
            phone=5,
            home_for=frozenset({"room_attendant"}),
        ),
        NavItem(_l("Assignments"), "housekeeping.assignments", "housekeeping.assign", order=22),
        NavItem(_l("Master keys"), "housekeeping.keys", "housekeeping.keys", order=23, phone=15),
        NavItem(_l("Linen"), "housekeeping.linen", "housekeeping.linen", order=24),
        NavItem(
            _l("Work orders"),
            "housekeeping.work_orders",
            "housekeeping.work_orders",
            order=25,
            phone=20,
        ),
        NavItem(
            _l("Guest requests"), "housekeeping.guest_requests", "housekeeping.guests", order=26
        ),
        NavItem(
            _l("Lost and found"), "housekeeping.lost_found", "housekeeping.lost_found", order=27
        ),
        NavItem(_l("Briefing"), "housekeeping.briefing", "housekeeping.view", order=19, phone=30),
        NavItem(_l("Public areas"), "housekeeping.areas", "housekeeping.view", order=29),
        NavItem(_l("Labour"), "housekeeping.labour", "housekeeping.labour", order=28),
    ]


@hookimpl
def butler_dashboard_widgets(site, user):
    figures = reports.dashboard_figures(site)
    return [
        Widget(
            key="housekeeping.rooms",
            title=_l("Housekeeping"),
            template="housekeeping/_widget.html",
            permission="housekeeping.view",
            context={
                **figures,
                "labels": STATUS_LABELS,
                "colours": STATUS_COLOURS,
                "show_keys": can(user, "housekeeping.keys", site),
            },
            order=20,
        )
    ]


@hookimpl
def butler_unit_panels(site, user, unit):
    return [
        Panel(
            key="housekeeping.room",
            title=_l("Housekeeping"),
            endpoint="housekeeping.unit_panel",
            permission="housekeeping.view",
            url_args={"unit_id": unit.id},
        )
    ]


@hookimpl
def butler_reports(site, period, butler):
    if butler is not None:
        # A room attendant's month: the rooms they cleaned.
        return [
            Report(
                key="housekeeping.rooms_cleaned",
                title=_l("Rooms cleaned"),
                endpoint="housekeeping.report",
                permission="housekeeping.view",
                sheet=reports.butler_sheet,
            )
        ]
    return [
        Report(
            key="housekeeping.month",
            title=_l("Housekeeping month"),
            endpoint="housekeeping.report",
            permission="housekeeping.reports",
            description=_l(
                "Rooms cleaned per attendant per day, inspection pass rate, linen loss "
                "rate, master keys not returned after their shift."
            ),
        )
    ]


@hookimpl
def butler_demo_data(site):
    load(site)
