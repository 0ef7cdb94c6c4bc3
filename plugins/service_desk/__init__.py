"""Service desk: requests answered on time and closed only after a callback."""

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
from core.roles import MANAGERS, MANAGERS_AND_ASSISTANTS, OFFICE_ROLES

NAME = "service_desk"
HERE = Path(__file__).resolve().parent


@hookimpl
def butler_plugin_info():
    return PluginInfo(
        name=NAME,
        label=_l("Service desk"),
        description=_l(
            "Inquiries, repairs, complaints and errands, "
            "answered on time and closed after a callback."
        ),
        version="0.1.0",
        kinds=frozenset({"residential"}),
    )


@hookimpl
def butler_blueprints():
    from plugins.service_desk import reports  # noqa: F401  (adds the report routes)
    from plugins.service_desk.views import bp

    return [bp]


@hookimpl
def butler_models():
    from plugins.service_desk.models import MODELS

    return MODELS


@hookimpl
def butler_permissions():
    return [
        Permission(f"{NAME}.view", _l("See service requests"), OFFICE_ROLES),
        Permission(f"{NAME}.handle", _l("Log and follow up service requests"), OFFICE_ROLES),
        Permission(f"{NAME}.sign_off", _l("Sign off complaints"), MANAGERS),
        Permission(f"{NAME}.configure", _l("Set request categories and promised times"), MANAGERS),
        Permission(f"{NAME}.reports", _l("See service desk reports"), MANAGERS_AND_ASSISTANTS),
    ]


@hookimpl
def butler_translation_dirs():
    return [HERE / "translations"]


@hookimpl
def butler_migration_dirs():
    return [HERE / "migrations"]


@hookimpl
def butler_nav_items(site, user):
    # One item: the bar marks a plugin's item active on all of its pages. Categories are
    # linked from the requests page.
    return [
        NavItem(_l("Service requests"), "service_desk.index", f"{NAME}.view", order=20, phone=30)
    ]


@hookimpl
def butler_reports(site, period, butler):
    if butler is not None:
        from plugins.service_desk.reports import butler_sheet

        # A butler sees their own share with the right to see requests.
        return [
            Report(
                key=f"{NAME}.monthly",
                title=_l("Service requests of the month"),
                endpoint="service_desk.monthly_report",
                permission=f"{NAME}.view",
                order=20,
                sheet=butler_sheet,
            )
        ]
    return [
        Report(
            key=f"{NAME}.monthly",
            title=_l("Service requests of the month"),
            endpoint="service_desk.monthly_report",
            permission=f"{NAME}.reports",
            description=_l(
                "Counts by type and category; replies and completions on time, "
                "callbacks and satisfaction."
            ),
            order=20,
        ),
        Report(
            key=f"{NAME}.open_items",
            title=_l("Open items summary"),
            endpoint="service_desk.open_items_report",
            permission=f"{NAME}.reports",
            description=_l("Every request not closed yet, with an XLSX export."),
            order=21,
        ),
    ]


@hookimpl
def butler_jobs():
    from plugins.service_desk.jobs import warn_of_breaches

    return [
        Job(
            "breach_warnings",
            "hourly",
            warn_of_breaches,
            description=_l("Tell assignees of requests about to miss their promised time"),
        )
    ]


@hookimpl
def butler_day_items(site, user, day):
    from plugins.service_desk import queries

    return queries.day_items(site, user, clock.now())


@hookimpl
def butler_work_log(site, butler, day):
    from plugins.service_desk import queries

    return queries.work_log(site, butler, day)


@hookimpl
def butler_dashboard_widgets(site, user):
    from core.residents import has_buildings
    from core.security import can
    from plugins.service_desk import queries

    if not can(user, f"{NAME}.view", site):
        return []
    # A butler sees their own buildings' requests; a manager or the front desk, the site's.
    mine = has_buildings(site, user)
    counts = queries.butler_counts(site, user.id if mine else None, clock.now())
    return [
        Widget(
            key=f"{NAME}.mine",
            title=_l("My service requests") if mine else _l("Service requests"),
            template="service_desk/_widget.html",
            permission=f"{NAME}.view",
            context={"counts": counts, "list": "mine" if mine else "open"},
            order=20,
        )
    ]


@hookimpl
def butler_resident_panels(site, user, resident):
    return [
        Panel(
            key=f"{NAME}.requests",
            title=_l("Service requests"),
            endpoint="service_desk.resident_panel",
            permission=f"{NAME}.view",
            url_args={"resident_id": resident.id},
            order=20,
        )
    ]


@hookimpl
def butler_unit_panels(site, user, unit):
    return [
        Panel(
            key=f"{NAME}.unit_requests",
            title=_l("Service requests"),
            endpoint="service_desk.unit_panel",
            permission=f"{NAME}.view",
            url_args={"unit_id": unit.id},
            order=20,
        )
    ]


@hookimpl
def butler_site_enabled(site):
    from plugins.service_desk.demo import seed_categories

    seed_categories(site)


@hookimpl
def butler_demo_data(site):
    from plugins.service_desk.demo import load_demo

    load_demo(site)


@hookimpl
def butler_search(site, user, query):
    from flask import url_for

    from core.security import can
    from plugins.service_desk import queries
    from plugins.service_desk.labels import TYPE_LABELS

    if not can(user, f"{NAME}.view", site) or not query.strip():
        return []
    return [
        SearchResult(
            title=f"#{item.id} · {TYPE_LABELS[item.type]} · {item.category.name}",
            url=url_for("service_desk.show", request_id=item.id),
            kind=_l("Service request"),
            detail=f"{item.resident.name}: {item.description[:80]}",
        )
        for item in queries.search(site, query)
    ]


@hookimpl
def butler_resident_data(site, resident):
    from plugins.service_desk import privacy

    return privacy.rows(site, resident)


@hookimpl
def butler_resident_erase(site, resident):
    from plugins.service_desk import privacy

    return privacy.erase(site, resident)
