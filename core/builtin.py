"""The core's own contributions, registered as the always-on plugin ``core``.

Navigation, dashboard widgets and search of the core go through the same hooks as any
plugin's, so the pages that show them treat every contribution alike.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.plugins import hookimpl
from core.plugins.api import NavItem, Widget


@hookimpl
def butler_nav_items(site, user):
    return [
        NavItem(_l("Dashboard"), "dashboard.index", "site.view", order=0),
        NavItem(_l("Residents"), "residents.index", "residents.view", order=10),
        NavItem(
            _l("Rooms") if site.is_hotel else _l("Buildings"),
            "buildings.index",
            "buildings.view",
            order=20,
        ),
        NavItem(_l("Imports"), "transfer.imports_index", "residents.edit", order=650),
        NavItem(_l("Search"), "pages.search", "site.view", order=700),
        NavItem(_l("Reports"), "pages.reports", "reports.view", order=750),
        NavItem(_l("Outbox"), "outbox.index", "outbox.view", order=800),
        NavItem(_l("Staff"), "staff.index", "staff.manage", order=850),
        NavItem(_l("Plugins"), "admin.plugins", "plugins.manage", order=900),
    ]


@hookimpl
def butler_search(site, user, query):
    from core.search import search_residents

    return search_residents(site, user, query)


@hookimpl
def butler_dashboard_widgets(site, user):
    from core.views.dashboard import buildings_of_butler, site_counts

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


@hookimpl
def butler_outbox_channels():
    from core.channels import default_channels

    return default_channels()
