"""The hooks a Butler plugin may implement.

App-scope hooks are called once at start-up for every installed plugin. Site-scope hooks
are called through ``host.hooks_for(site)``, which reaches only the plugins enabled for
that site. Each docstring says when the hook is called and what it returns.
"""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("butler")

# --- App scope -------------------------------------------------------------------------


@hookspec(firstresult=True)
def butler_plugin_info():
    """At start-up: return this plugin's ``PluginInfo`` (name, label, kinds, requires)."""


@hookspec
def butler_blueprints():
    """At start-up: return a list of Flask blueprints, each named after the plugin."""


@hookspec
def butler_models():
    """At start-up: return the plugin's model classes (tables prefixed with its name)."""


@hookspec
def butler_permissions():
    """At start-up: return a list of ``Permission`` with the roles that hold them by default."""


@hookspec
def butler_jobs():
    """At start-up: return a list of ``Job`` to run on a schedule for sites that enabled it."""


@hookspec
def butler_cli(cli):
    """At start-up: add click commands to the ``flask butler`` group ``cli``."""


@hookspec
def butler_translation_dirs():
    """At start-up: return folders holding the plugin's ``<locale>/LC_MESSAGES`` catalogues."""


@hookspec
def butler_migration_dirs():
    """At start-up: return folders holding the plugin's Alembic revisions."""


@hookspec
def butler_import_kinds():
    """At start-up: return a list of ``ImportKind``: files the import page takes in."""


@hookspec
def butler_outbox_channels():
    """At start-up: return a list of ``Channel`` that deliver outbox messages (sms, email…)."""


# --- Site scope ------------------------------------------------------------------------


@hookspec
def butler_nav_items(site, user):
    """For each site page: return ``NavItem``s for the site's navigation bar."""


@hookspec
def butler_dashboard_widgets(site, user):
    """For the site dashboard: return ``Widget``s (a template and its context) to show."""


@hookspec
def butler_resident_panels(site, user, resident):
    """For a resident's page: return ``Panel``s, each loaded lazily by htmx."""


@hookspec
def butler_unit_panels(site, user, unit):
    """For a unit's page: return ``Panel``s, each loaded lazily by htmx."""


@hookspec
def butler_reports(site, period, butler):
    """For the reports page (``butler`` None) or a butler's hand-in pack: return ``Report``s."""


@hookspec
def butler_day_items(site, user, day):
    """For the day page: return ``DayItem``s of ``day`` (the site's date) for ``user``."""


@hookspec
def butler_work_log(site, butler, day):
    """For a butler's work log: return ``WorkLogEntry``s of what ``butler`` did on ``day``."""


@hookspec
def butler_search(site, user, query):
    """For the site search: return ``SearchResult``s matching ``query`` that ``user`` may see."""


@hookspec
def butler_demo_data(site):
    """When demo data is loaded: add the plugin's demo rows for ``site`` (idempotently)."""


@hookspec
def butler_resident_created(site, resident):
    """After a resident is created on ``site`` (same transaction): react; return nothing."""


@hookspec
def butler_resident_moved_out(site, resident, occupancy):
    """After a resident moves out of a unit (same transaction): react; return nothing."""


@hookspec
def butler_resident_data(site, resident):
    """For an access request (even if turned off): return ``ResidentRows`` about ``resident``."""


@hookspec
def butler_resident_erase(site, resident):
    """When ``resident`` is erased (same transaction, even if off): blank or delete; ``Erased``."""


# --- Lifecycle (called on one plugin only) ---------------------------------------------


@hookspec
def butler_site_enabled(site):
    """When an org admin enables this plugin for ``site``: prepare it; return nothing."""


@hookspec
def butler_site_disabled(site):
    """When an org admin disables this plugin for ``site``; its data stays; return nothing."""
