"""The example plugin's pages: the notes, adding one, the panels on resident and unit pages."""

from __future__ import annotations

from flask import Blueprint, render_template
from markupsafe import escape

from core import tenancy
from core.extensions import db
from core.models import Resident, Unit
from core.security import requires
from tests.example_plugin import rules
from tests.example_plugin.forms import NoteForm
from tests.example_plugin.models import ExampleNote

NAME = "example"

bp = Blueprint(NAME, __name__, template_folder="templates")


@bp.route("/")
@requires("example.view")
def index():
    notes = db.session.scalars(tenancy.select(ExampleNote).order_by(ExampleNote.id)).all()
    return render_template("example/index.html", notes=notes, form=NoteForm())


@bp.route("/notes", methods=["POST"])
@requires("example.edit")
def add_note():
    form = NoteForm()
    if not form.validate():
        return render_template("example/index.html", notes=[], form=form), 422
    tenancy.new(ExampleNote, text=form.text.data)
    db.session.commit()
    return render_template("example/index.html", notes=[], form=NoteForm(formdata=None)), 201


@bp.route("/residents/<int:resident_id>/panel")
@requires("example.view")
def resident_panel(resident_id: int):
    resident = tenancy.get_or_404(Resident, resident_id)
    count = rules.count(tenancy.current_site(), resident.id)
    return render_template("example/_panel.html", resident=resident, count=count)


@bp.route("/units/<int:unit_id>/panel")
@requires("example.view")
def unit_panel(unit_id: int):
    unit = tenancy.get_or_404(Unit, unit_id)
    # Markup built in Python escapes what it interpolates: a unit number is typed by people.
    return f"<p>Example notes for unit {escape(unit.number)}</p>"
