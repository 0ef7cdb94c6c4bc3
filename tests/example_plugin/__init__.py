"""An example plugin that implements every hook: the test suite's stand-in for a real one.

It keeps "notes" about residents, in the one plugin layout (docs/plugins.md): this module
holds the hooks only; the table is in ``models.py``, the pages in ``views.py``, the form in
``forms.py``, queries in ``rules.py``, words in ``labels.py``, demo rows in ``demo.py``, the
job in ``jobs.py``, the report in ``reports.py``. Each hook records that it was called in
``CALLS``, so tests can tell which plugins a page reached.
"""

from __future__ import annotations

from pathlib import Path

import click

from core.plugins import hookimpl
from core.plugins.api import (
    Channel,
    DayItem,
    ImportKind,
    NavItem,
    Panel,
    Permission,
    PluginInfo,
    SearchResult,
    Widget,
    WorkLogEntry,
)

NAME = "example"
HERE = Path(__file__).resolve().parent
CALLS: list[tuple[str, int | None]] = []
DELIVERED: list[str] = []

from tests.example_plugin import demo, jobs, labels, reports, rules  # noqa: E402
from tests.example_plugin.models import ExampleNote  # noqa: E402
from tests.example_plugin.views import bp  # noqa: E402

__all__ = ["CALLS", "DELIVERED", "NAME", "ExampleNote"]


@hookimpl
def butler_plugin_info():
    return PluginInfo(
        name=NAME, label=labels.LABEL, description=labels.DESCRIPTION, version="1.2.3"
    )


@hookimpl
def butler_blueprints():
    return [bp]


@hookimpl
def butler_models():
    return [ExampleNote]


@hookimpl
def butler_permissions():
    return [
        Permission("example.view", labels.SEE, frozenset({"manager", "butler"})),
        Permission("example.edit", labels.WRITE, frozenset({"manager"})),
    ]


@hookimpl
def butler_jobs():
    return jobs.JOBS


@hookimpl
def butler_cli(cli):
    @cli.command("example-hello")
    def hello():
        """Say hello from the example plugin."""
        click.echo("hello from example")


@hookimpl
def butler_translation_dirs():
    return [HERE / "translations"]


@hookimpl
def butler_migration_dirs():
    return [HERE / "migrations"]


@hookimpl
def butler_import_kinds():
    from core.imports import Column

    text = Column("text", labels.NOTE, labels.NOTE, "Likes tea", True)
    return [ImportKind("example.notes", labels.LABEL, (text,), rules.NoteRows, "example.edit")]


@hookimpl
def butler_outbox_channels():
    return [Channel("pigeon", lambda message: DELIVERED.append(message.body), label="Pigeon")]


@hookimpl
def butler_nav_items(site, user):
    CALLS.append(("nav", site.id))
    return [NavItem(labels.LABEL, "example.index", "example.view", order=50)]


@hookimpl
def butler_dashboard_widgets(site, user):
    CALLS.append(("widget", site.id))
    return [
        Widget(
            key="example.count",
            title=labels.LABEL,
            template="example/_widget.html",
            permission="example.view",
            context={"total": rules.count(site)},
        )
    ]


@hookimpl
def butler_resident_panels(site, user, resident):
    CALLS.append(("resident_panel", site.id))
    return [
        Panel(
            key="example.notes",
            title=labels.LABEL,
            endpoint="example.resident_panel",
            permission="example.view",
            url_args={"resident_id": resident.id},
        )
    ]


@hookimpl
def butler_unit_panels(site, user, unit):
    CALLS.append(("unit_panel", site.id))
    return [
        Panel(
            key="example.unit",
            title=labels.LABEL,
            endpoint="example.unit_panel",
            permission="example.view",
            url_args={"unit_id": unit.id},
        )
    ]


@hookimpl
def butler_reports(site, period):
    CALLS.append(("report", site.id))
    return reports.entries()


@hookimpl
def butler_day_items(site, user, day):
    CALLS.append(("day", site.id))
    return [
        DayItem(
            key=f"example.reread.{day.isoformat()}",
            title=str(labels.REREAD),
            url=f"/s/{site.slug}/example/",
            kind=labels.NOTE,
            tickable=True,
        )
    ]


@hookimpl
def butler_work_log(site, butler, day):
    CALLS.append(("worklog", site.id))
    return [
        WorkLogEntry(
            key=f"example.note.{n.id}",
            time=None,
            kind=labels.NOTE,
            title=n.text,
            url=f"/s/{site.slug}/example/",
        )
        for n in rules.matching(site, "")
    ]


@hookimpl
def butler_search(site, user, query):
    CALLS.append(("search", site.id))
    return [
        SearchResult(title=n.text, url=f"/s/{site.slug}/example/", kind=labels.NOTE)
        for n in rules.matching(site, query)
    ]


@hookimpl
def butler_demo_data(site):
    CALLS.append(("demo", site.id))
    demo.add(site)


@hookimpl
def butler_resident_created(site, resident):
    CALLS.append(("resident_created", site.id))


@hookimpl
def butler_resident_moved_out(site, resident, occupancy):
    CALLS.append(("resident_moved_out", site.id))


@hookimpl
def butler_site_enabled(site):
    CALLS.append(("enabled", site.id))


@hookimpl
def butler_site_disabled(site):
    CALLS.append(("disabled", site.id))


@hookimpl
def butler_resident_data(site, resident):
    from tests.example_plugin import privacy

    CALLS.append(("resident_data", site.id))
    return privacy.rows(site, resident)


@hookimpl
def butler_resident_erase(site, resident):
    from tests.example_plugin import privacy

    CALLS.append(("resident_erase", site.id))
    return privacy.erase(site, resident)
