"""The core as its own default plugin, registered as the always-on plugin ``core``.

Like datasette's "defaults as plugins": the core's blueprints, permissions, commands,
demo data, outbox channels, navigation, dashboard widgets and search come through the
same hooks as any plugin's, so the pages that show them treat every contribution alike,
and this module doubles as the reference plugin (hooks only: the queries live in
``queries.py``, the demo rows in ``core.demo``).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import day, demo, offline, privacy, retention, worklog
from core.channels import default_channels
from core.cli import COMMANDS
from core.defaults.queries import buildings_of_butler, site_counts
from core.handin import PERMISSIONS as HAND_IN_PERMISSIONS
from core.handin import VIEW as HAND_IN_VIEW
from core.plugins import hookimpl
from core.plugins.api import NavItem, PluginInfo, Widget
from core.roles import CORE_PERMISSIONS
from core.search import search_residents
from core.views import (
    admin,
    audit_log,
    auth,
    buildings,
    dashboard,
    handin,
    outbox,
    pages,
    residents,
    sites,
    staff,
    today,
    transfer,
)
from core.views import (
    privacy as privacy_views,
)
from core.views import worklog as worklog_views


@hookimpl
def butler_plugin_info():
    # Never listed on the plugins page (the core cannot be turned off): not translated.
    return PluginInfo(name="core", label="Butler core", version="1.0.0")


@hookimpl
def butler_blueprints():
    return [
        offline.bp,
        handin.bp,
        today.bp,
        worklog_views.bp,
        privacy_views.bp,
        *(
            module.bp
            for module in (
                auth,
                sites,
                dashboard,
                admin,
                audit_log,
                outbox,
                pages,
                residents,
                buildings,
                staff,
                transfer,
            )
        ),
    ]


@hookimpl
def butler_permissions():
    return [*CORE_PERMISSIONS, *HAND_IN_PERMISSIONS, *day.PERMISSIONS, *worklog.PERMISSIONS]


@hookimpl
def butler_jobs():
    return [retention.PURGE_JOB]


@hookimpl
def butler_cli(cli):
    for command in COMMANDS:
        cli.add_command(command)


@hookimpl(tryfirst=True)
def butler_demo_data(site):
    # First, so that the plugins' demo rows find the site's buildings and residents.
    demo.load_site(site)


@hookimpl
def butler_resident_data(site, resident):
    return privacy.core_rows(site, resident)


@hookimpl
def butler_resident_erase(site, resident):
    return privacy.core_erase(site, resident)


@hookimpl
def butler_outbox_channels():
    return default_channels()


@hookimpl
def butler_nav_items(site, user):
    return [
        NavItem(
            _l("Today"),
            "today.index",
            day.VIEW,
            order=-10,
            phone=10,
            home_for=frozenset({"butler"}),
        ),
        NavItem(_l("Dashboard"), "dashboard.index", "site.view", order=0, phone=45),
        NavItem(_l("Residents"), "residents.index", "residents.view", order=10, phone=20),
        NavItem(
            _l("Rooms") if site.is_hotel else _l("Buildings"),
            "buildings.index",
            "buildings.view",
            order=20,
        ),
        NavItem(_l("Imports"), "transfer.imports_index", "residents.edit", order=650),
        NavItem(_l("Search"), "pages.search", "site.view", order=700, phone=40),
        NavItem(_l("Reports"), "pages.reports", "reports.view", order=750),
        NavItem(_l("Work log"), "worklog.index", worklog.VIEW, order=755),
        NavItem(_l("Hand-in"), "handin.index", HAND_IN_VIEW, order=760),
        NavItem(_l("Outbox"), "outbox.index", "outbox.view", order=800),
        NavItem(_l("Staff"), "staff.index", "staff.manage", order=850),
        NavItem(_l("Staff passwords"), "staff.passwords", "staff.reset_password", order=852),
        NavItem(_l("Audit log"), "audit.index", "audit.view", order=860),
        NavItem(_l("Plugins"), "admin.plugins", "plugins.manage", order=900),
        NavItem(_l("Settings"), "admin.settings", "site.settings", order=910),
    ]


@hookimpl
def butler_reports(site, period, butler):
    # The work log is cut per butler only: it joins the hand-in pack, not the reports page.
    return [worklog.report()] if butler is not None else []


@hookimpl
def butler_search(site, user, query):
    return search_residents(site, user, query)


@hookimpl
def butler_dashboard_widgets(site, user):
    widgets = [
        Widget(
            key="core.counts",
            title=_l("The site at a glance"),
            template="core/widgets/counts.html",
            permission="site.view",
            context={"counts": site_counts(site.id)},
            order=0,
        )
    ]
    mine = buildings_of_butler(site.id, user.id)
    if mine:
        widgets.append(
            Widget(
                key="core.my_buildings",
                title=_l("My buildings"),
                template="core/widgets/my_buildings.html",
                permission="buildings.view",
                context={"my_buildings": mine},
                order=10,
            )
        )
    return widgets
