"""An example plugin that implements every hook: the test suite's stand-in for a real one.

It keeps "notes" about residents. Each hook records that it was called in ``CALLS``, so
tests can tell which plugins a page reached.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Blueprint, abort, render_template, request
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from sqlalchemy import ForeignKey, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from core import tenancy
from core.extensions import db
from core.models import Resident, SiteOwned, Unit
from core.plugins import hookimpl
from core.plugins.api import (
    Channel,
    Job,
    NavItem,
    Panel,
    Permission,
    PluginInfo,
    Report,
    SearchResult,
    Widget,
)
from core.security import requires

NAME = "example"
HERE = Path(__file__).resolve().parent
CALLS: list[tuple[str, int | None]] = []
DELIVERED: list[str] = []


class ExampleNote(SiteOwned, db.Model):
    __tablename__ = "example_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    text: Mapped[str] = mapped_column(String(200))


bp = Blueprint(NAME, __name__, template_folder="templates")


@bp.route("/")
@requires("example.view")
def index():
    notes = db.session.scalars(tenancy.select(ExampleNote).order_by(ExampleNote.id)).all()
    return render_template("example/index.html", notes=notes)


@bp.route("/notes", methods=["POST"])
@requires("example.edit")
def add_note():
    text = request.form.get("text", "").strip()
    if not text:
        abort(422)
    tenancy.new(ExampleNote, text=text[:200])
    db.session.commit()
    return render_template("example/index.html", notes=[]), 201


@bp.route("/residents/<int:resident_id>/panel")
@requires("example.view")
def resident_panel(resident_id: int):
    resident = tenancy.get_or_404(Resident, resident_id)
    count = db.session.scalar(
        tenancy.select(ExampleNote, func.count(ExampleNote.id)).where(
            ExampleNote.resident_id == resident.id
        )
    )
    return render_template("example/panel.html", resident=resident, count=count)


@bp.route("/units/<int:unit_id>/panel")
@requires("example.view")
def unit_panel(unit_id: int):
    unit = tenancy.get_or_404(Unit, unit_id)
    # Markup built in Python escapes what it interpolates: a unit number is typed by people.
    return f"<p>Example notes for unit {escape(unit.number)}</p>"


@bp.route("/report")
@requires("example.view")
def report():
    return render_template("example/index.html", notes=[])


@hookimpl
def butler_plugin_info():
    return PluginInfo(
        name=NAME,
        label=_l("Example notes"),
        description=_l("Notes about residents, to show how plugins work."),
        version="1.2.3",
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
        Permission("example.view", _l("See example notes"), frozenset({"manager", "butler"})),
        Permission("example.edit", _l("Write example notes"), frozenset({"manager"})),
    ]


def _tick(site, now):
    CALLS.append(("job", site.id))


@hookimpl
def butler_jobs():
    return [Job("tick", "daily", _tick, description="Counts days")]


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
def butler_outbox_channels():
    return [Channel("pigeon", lambda message: DELIVERED.append(message.body), label="Pigeon")]


@hookimpl
def butler_nav_items(site, user):
    CALLS.append(("nav", site.id))
    return [NavItem(_l("Example notes"), "example.index", "example.view", order=50)]


@hookimpl
def butler_dashboard_widgets(site, user):
    CALLS.append(("widget", site.id))
    total = db.session.scalar(
        select(func.count(ExampleNote.id)).where(ExampleNote.site_id == site.id)
    )
    return [
        Widget(
            key="example.count",
            title=_l("Example notes"),
            template="example/widget.html",
            permission="example.view",
            context={"total": total},
        )
    ]


@hookimpl
def butler_resident_panels(site, user, resident):
    CALLS.append(("resident_panel", site.id))
    return [
        Panel(
            key="example.notes",
            title=_l("Example notes"),
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
            title=_l("Example notes"),
            endpoint="example.unit_panel",
            permission="example.view",
            url_args={"unit_id": unit.id},
        )
    ]


@hookimpl
def butler_reports(site, period):
    CALLS.append(("report", site.id))
    return [
        Report(
            key="example.notes",
            title=_l("Example notes report"),
            endpoint="example.report",
            permission="example.view",
            description=_l("Every note of the period."),
        )
    ]


@hookimpl
def butler_search(site, user, query):
    CALLS.append(("search", site.id))
    notes = db.session.scalars(
        select(ExampleNote).where(ExampleNote.site_id == site.id, ExampleNote.text.contains(query))
    ).all()
    return [
        SearchResult(title=n.text, url=f"/s/{site.slug}/example/", kind=_l("Note")) for n in notes
    ]


@hookimpl
def butler_demo_data(site):
    CALLS.append(("demo", site.id))
    exists = db.session.scalar(
        select(func.count(ExampleNote.id)).where(ExampleNote.site_id == site.id)
    )
    if not exists:
        db.session.add(ExampleNote(site_id=site.id, text="Demo note"))


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
