"""Residents: the list, each resident's page, editing in place, moving in and out.

Every page works without JavaScript; with htmx, the list swaps only its rows and the
sections of a resident's page swap in place. Every write is audited; every edit of a
resident carries the version it was loaded with, and a stale save answers 409.
"""

from __future__ import annotations

import json
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from core import audit, clock, htmx, tenancy
from core.audit_search import sensitive_reads
from core.buildings import site_buildings
from core.conflicts import differences, is_stale
from core.contributions import collect, panel_links
from core.extensions import db
from core.forms.residents import (
    CONTACT_KIND_LABELS,
    ROLE_LABELS,
    SECTION_TITLES,
    SECTIONS,
    ContactForm,
    MoveInForm,
    MoveOutForm,
    NewResidentForm,
    PetForm,
    VehicleForm,
)
from core.models import (
    AuditLog,
    AuditRead,
    Building,
    Contact,
    Occupancy,
    Pet,
    Resident,
    Unit,
    User,
    Vehicle,
)
from core.plugins.host import host
from core.residents import filter_from_args, has_buildings, page_of
from core.security import can, requires
from core.tenancy import MAX_ID, current_site, get_or_404

bp = Blueprint("residents", __name__, url_prefix="/s/<site_slug>/residents")

HISTORY_LIMIT = 50
ACTION_LABELS = {
    "resident.created": _l("added"),
    "resident.updated": _l("changed"),
    "resident.contact_added": _l("wrote down a contact"),
    "resident.vehicle_added": _l("added a vehicle"),
    "resident.pet_added": _l("added a pet"),
    "resident.moved_in": _l("recorded moving in"),
    "resident.moved_out": _l("recorded moving out"),
    "resident.archived": _l("archived"),
    "resident.restored": _l("restored"),
    "resident.erased": _l("erased the personal data"),
    "resident.data_exported": _l("exported the personal data"),
    "import.resident": _l("imported"),
}


# --- The list --------------------------------------------------------------------------


def _buildings() -> list[Building]:
    return site_buildings(current_site())


@bp.route("/")
@requires("residents.view")
def index():
    site = current_site()
    mine_default = has_buildings(site, current_user)
    f = filter_from_args(request.args, default_mine=mine_default)
    rows, total = page_of(f, site, current_user)
    pages = max(1, -(-total // f.per_page))
    context = {
        "f": f,
        "rows": rows,
        "total": total,
        "pages": pages,
        # Translated once for the page, not once per row.
        "role_labels": {code: str(label) for code, label in ROLE_LABELS.items()},
        "can_edit": can(current_user, "residents.edit"),
        "can_export": can(current_user, "residents.export"),
        # The chips of the filters in force name their building.
        "buildings": _buildings(),
    }
    if htmx.wants_partial() and request.headers.get("HX-Target") == "resident-results":
        return render_template("core/residents/_results.html", **context)
    return render_template(
        "core/residents/index.html",
        mine_default=mine_default,
        **context,
    )


# --- Creating ------------------------------------------------------------------------


def _find_unit(building_id: int | None, number: str) -> Unit | None:
    if not building_id or not number or not 0 < building_id <= MAX_ID:
        return None
    return db.session.scalar(
        tenancy.select(Unit).where(
            Unit.building_id == building_id,
            func.upper(Unit.number) == number.strip().upper(),
            Unit.archived_at.is_(None),
        )
    )


def _building_choices(form) -> None:
    form.building_id.choices = [(0, "—")] + [(b.id, f"{b.code} · {b.name}") for b in _buildings()]


def _ref_taken(ref: str, except_id: int | None = None) -> bool:
    if not ref:
        return False
    stmt = tenancy.select(Resident, Resident.id).where(Resident.ref == ref)
    if except_id:
        stmt = stmt.where(Resident.id != except_id)
    return db.session.scalar(stmt) is not None


TEXT_FIELDS = ("StringField", "TextAreaField", "SelectField")


def form_values(form, fields: list[str]) -> dict:
    """The submitted values of ``fields``: text trimmed (absent text is ""), others as given."""
    values = {}
    for name in fields:
        field = form[name]
        if field.type in TEXT_FIELDS:
            values[name] = (field.data or "").strip()
        else:
            values[name] = field.data
    if "ref" in values:
        values["ref"] = values["ref"] or None
    return values


def _occupy(resident: Resident, unit: Unit, role: str, moved_in: date, primary: bool) -> Occupancy:
    occupancy = Occupancy(
        site_id=resident.site_id,
        resident_id=resident.id,
        unit_id=unit.id,
        role=role,
        moved_in=moved_in,
        is_primary_contact=primary,
    )
    db.session.add(occupancy)
    if unit.status == "vacant":
        unit.status = "let" if role == "tenant" else "occupied"
    return occupancy


@bp.route("/new", methods=["GET", "POST"])
@requires("residents.edit")
def new():
    form = NewResidentForm()
    _building_choices(form)
    status = 200
    if form.validate_on_submit():
        unit = None
        if form.unit_number.data or form.building_id.data:
            unit = _find_unit(form.building_id.data, form.unit_number.data)
            if unit is None:
                form.unit_number.errors.append(_("There is no such unit in this building."))
        if _ref_taken((form.ref.data or "").strip()):
            form.ref.errors.append(_("Another resident has this number."))
        if not form.errors:
            site = current_site()
            resident = Resident(site_id=site.id, **form_values(form, form.FIELDS))
            db.session.add(resident)
            db.session.flush()
            if unit is not None:
                _occupy(
                    resident,
                    unit,
                    form.role.data,
                    form.moved_in.data or clock.today(current_site()),
                    True,
                )
            audit.record("resident.created", resident, detail={"name": resident.name})
            host().hooks_for(site).butler_resident_created(site=site, resident=resident)
            db.session.commit()
            flash(_("%(name)s is added.", name=resident.name), "success")
            return redirect(url_for("residents.show", resident_id=resident.id), code=303)
        status = 422
    elif request.method == "POST":
        status = 422
    return render_template("core/residents/new.html", form=form), status


# --- The resident's page ---------------------------------------------------------------


def _page_context(person: Resident) -> dict:
    site = current_site()
    occupancies = db.session.scalars(
        tenancy.select(Occupancy, site=site)
        .where(Occupancy.resident_id == person.id)
        .options(selectinload(Occupancy.unit).selectinload(Unit.building))
        .order_by(Occupancy.moved_out.is_not(None), Occupancy.moved_in.desc())
    ).all()
    current_units = [o.unit_id for o in occupancies if o.moved_out is None]
    household = []
    if current_units:
        household = db.session.execute(
            tenancy.select(Occupancy, Occupancy, Resident, site=site)
            .join(Resident, Resident.id == Occupancy.resident_id)
            .where(
                Occupancy.unit_id.in_(current_units),
                Occupancy.moved_out.is_(None),
                Resident.id != person.id,
                Resident.archived_at.is_(None),
            )
            .order_by(Occupancy.is_primary_contact.desc(), Resident.name)
        ).all()
    contacts = db.session.execute(
        tenancy.select(Contact, Contact, User.display_name, site=site)
        .join(User, User.id == Contact.staff_id)
        .where(Contact.resident_id == person.id)
        .order_by(Contact.at.desc())
        .limit(HISTORY_LIMIT)
    ).all()
    return {
        "resident": person,
        "occupancies": occupancies,
        "household": household,
        "contacts": contacts,
        "vehicles": db.session.scalars(
            tenancy.select(Vehicle, site=site).where(Vehicle.resident_id == person.id)
        ).all(),
        "pets": db.session.scalars(
            tenancy.select(Pet, site=site).where(Pet.resident_id == person.id)
        ).all(),
        "changes": _history(person),
        "sensitive_reads": (
            sensitive_reads(site, person.id) if can(current_user, "audit.view") else None
        ),
        "panels": panel_links(collect("butler_resident_panels", resident=person)),
        "role_labels": ROLE_LABELS,
        "kind_labels": CONTACT_KIND_LABELS,
        "section_titles": SECTION_TITLES,
        "sections": {name: (SECTIONS[name].FIELDS, field_labels(name)) for name in SECTIONS},
        "change_labels": {k: v for name in SECTIONS for k, v in field_labels(name).items()},
        "action_labels": ACTION_LABELS,
        "can_edit": can(current_user, "residents.edit"),
        "can_handle_personal_data": can(current_user, "residents.personal_data"),
        "contact_form": ContactForm(),
        "move_in_form": _move_in_form(),
        "move_out_form": MoveOutForm(moved_out=clock.today(current_site())),
        "vehicle_form": VehicleForm(),
        "pet_form": PetForm(),
    }


def _history(person: Resident) -> list[tuple[AuditLog, str | None, dict]]:
    rows = db.session.execute(
        tenancy.select(AuditLog, AuditLog, User.display_name, site=person.site_id)
        .outerjoin(User, User.id == AuditLog.user_id)
        .where(
            AuditLog.object_type == "Resident",
            AuditLog.object_id == person.id,
            # Reads of health or care records are listed apart, to those who may see them.
            ~tenancy.select(AuditRead, AuditRead.id, site=person.site_id)
            .where(AuditRead.audit_id == AuditLog.id)
            .exists(),
        )
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
        .limit(HISTORY_LIMIT)
    ).all()
    return [(entry, who, json.loads(entry.detail) if entry.detail else {}) for entry, who in rows]


def _move_in_form(form: MoveInForm | None = None) -> MoveInForm:
    form = form or MoveInForm(moved_in=clock.today(current_site()))
    _building_choices(form)
    return form


@bp.route("/<int:resident_id>")
@requires("residents.view")
def show(resident_id: int):
    person = get_or_404(Resident, resident_id)
    return render_template("core/residents/show.html", **_page_context(person))


# --- Sections edited in place ---------------------------------------------------------


def _section_form(section: str):
    form_class = SECTIONS.get(section)
    if form_class is None:
        abort(404)
    return form_class


def field_labels(section: str) -> dict[str, str]:
    """The label of each field of a section, for showing values outside the form."""
    form = SECTIONS[section](meta={"csrf": False}, formdata=None)
    return {name: str(form[name].label.text) for name in SECTIONS[section].FIELDS}


def _render_section(person: Resident, section: str, form=None, conflicts=None, editing=False):
    return render_template(
        "core/residents/_section.html",
        field_labels=field_labels(section),
        resident=person,
        section=section,
        title=SECTION_TITLES[section],
        form=form,
        fields=SECTIONS[section].FIELDS,
        editing=editing,
        conflicts=conflicts,
        can_edit=can(current_user, "residents.edit"),
    )


@bp.route("/<int:resident_id>/<section>")
@requires("residents.view")
def section(resident_id: int, section: str):
    person = get_or_404(Resident, resident_id)
    _section_form(section)
    if not htmx.wants_partial():
        return redirect(url_for("residents.show", resident_id=person.id, _anchor=section))
    return _render_section(person, section)


@bp.route("/<int:resident_id>/<section>/edit", methods=["GET", "POST"])
@requires("residents.edit")
def edit_section(resident_id: int, section: str):
    person = get_or_404(Resident, resident_id)
    form_class = _section_form(section)
    if request.method == "GET":
        form = form_class(obj=person, version_id=person.version_id)
        if htmx.wants_partial():
            return _render_section(person, section, form=form, editing=True)
        return render_template(
            "core/residents/edit.html",
            resident=person,
            section=section,
            title=SECTION_TITLES[section],
            form=form,
            fields=form_class.FIELDS,
        )
    form = form_class()
    status, conflicts = 200, None
    if form.validate():
        if "ref" in form_class.FIELDS and _ref_taken((form.ref.data or "").strip(), person.id):
            form.ref.errors.append(_("Another resident has this number."))
            status = 422
        elif is_stale(person, form.version_id.data):
            conflicts = differences(person, form, form_class.FIELDS)
            form.version_id.data = str(person.version_id)
            status = 409
        else:
            new_values = form_values(form, form_class.FIELDS)
            diff = audit.changes(person, form_class.FIELDS, new_values)
            for name, value in new_values.items():
                setattr(person, name, value)
            if diff:
                audit.record("resident.updated", person, detail=diff)
            db.session.commit()
            if htmx.wants_partial():
                return _render_section(person, section)
            flash(_("Saved."), "success")
            return redirect(
                url_for("residents.show", resident_id=person.id, _anchor=section), code=303
            )
    else:
        status = 422
    if htmx.wants_partial():
        return _render_section(
            person, section, form=form, conflicts=conflicts, editing=True
        ), status
    return render_template(
        "core/residents/edit.html",
        resident=person,
        section=section,
        title=SECTION_TITLES[section],
        form=form,
        fields=form_class.FIELDS,
        conflicts=conflicts,
    ), status


# --- Contacts, vehicles, pets ---------------------------------------------------------


def _back_to(person: Resident, anchor: str):
    return redirect(url_for("residents.show", resident_id=person.id, _anchor=anchor), code=303)


def _form_failed(person: Resident, anchor: str, form, **extra) -> tuple:
    """Show the resident's page again with the failed form and its messages (422)."""
    context = _page_context(person)
    context[anchor.replace("-", "_") + "_form"] = form
    context.update(extra)
    return render_template("core/residents/show.html", **context), 422


@bp.route("/<int:resident_id>/contacts", methods=["POST"])
@requires("residents.edit")
def add_contact(resident_id: int):
    person = get_or_404(Resident, resident_id)
    form = ContactForm()
    if not form.validate():
        return _form_failed(person, "contact", form)
    contact = Contact(
        site_id=person.site_id,
        resident_id=person.id,
        kind=form.kind.data,
        summary=form.summary.data.strip(),
        at=clock.now(),
        staff_id=current_user.id,
    )
    db.session.add(contact)
    audit.record("resident.contact_added", person, detail={"kind": contact.kind})
    db.session.commit()
    flash(_("The contact is written down."), "success")
    return _back_to(person, "contacts")


@bp.route("/<int:resident_id>/vehicles", methods=["POST"])
@requires("residents.edit")
def add_vehicle(resident_id: int):
    person = get_or_404(Resident, resident_id)
    form = VehicleForm()
    if form.validate():
        plate = form.plate.data.strip().upper()
        taken = db.session.scalar(
            tenancy.select(Vehicle, Vehicle.id, site=person.site_id).where(Vehicle.plate == plate)
        )
        if taken:
            form.plate.errors.append(_("This plate is already registered on this site."))
    if form.errors or not form.plate.data:
        return _form_failed(person, "vehicle", form)
    values = form_values(form, ["description", "parking_space"])
    db.session.add(Vehicle(site_id=person.site_id, resident_id=person.id, plate=plate, **values))
    audit.record("resident.vehicle_added", person, detail={"plate": plate})
    db.session.commit()
    return _back_to(person, "vehicles")


@bp.route("/<int:resident_id>/pets", methods=["POST"])
@requires("residents.edit")
def add_pet(resident_id: int):
    person = get_or_404(Resident, resident_id)
    form = PetForm()
    if not form.validate():
        return _form_failed(person, "pet", form)
    values = form_values(form, ["species", "name", "notes"])
    db.session.add(Pet(site_id=person.site_id, resident_id=person.id, **values))
    audit.record("resident.pet_added", person, detail={"species": values["species"]})
    db.session.commit()
    return _back_to(person, "vehicles")


# --- Moving in and out ----------------------------------------------------------------


@bp.route("/<int:resident_id>/occupancies", methods=["POST"])
@requires("residents.edit")
def move_in(resident_id: int):
    person = get_or_404(Resident, resident_id)
    form = _move_in_form(MoveInForm())
    unit = None
    if form.validate():
        unit = _find_unit(form.building_id.data, form.unit_number.data)
        if unit is None:
            form.unit_number.errors.append(_("There is no such unit in this building."))
        elif db.session.scalar(
            tenancy.select(Occupancy, Occupancy.id, site=person.site_id).where(
                Occupancy.resident_id == person.id,
                Occupancy.unit_id == unit.id,
                Occupancy.moved_out.is_(None),
            )
        ):
            form.unit_number.errors.append(_("%(name)s already lives there.", name=person.name))
    if form.errors or unit is None:
        return _form_failed(person, "move-in", form)
    occupancy = _occupy(
        person, unit, form.role.data, form.moved_in.data, form.is_primary_contact.data
    )
    audit.record(
        "resident.moved_in",
        person,
        detail={
            "unit": unit.label,
            "role": occupancy.role,
            "moved_in": occupancy.moved_in.isoformat(),
        },
    )
    db.session.commit()
    flash(_("%(name)s now lives in %(unit)s.", name=person.name, unit=unit.label), "success")
    return _back_to(person, "occupancies")


@bp.route("/<int:resident_id>/occupancies/<int:occupancy_id>/end", methods=["POST"])
@requires("residents.edit")
def move_out(resident_id: int, occupancy_id: int):
    person = get_or_404(Resident, resident_id)
    occupancy = get_or_404(Occupancy, occupancy_id)
    if occupancy.resident_id != person.id:
        abort(404)
    form = MoveOutForm()
    if occupancy.moved_out is not None:
        form.moved_out.errors = [_("This stay has already ended.")]
    elif form.validate() and form.moved_out.data < occupancy.moved_in:
        form.moved_out.errors.append(_("Moving out cannot come before moving in."))
    if form.errors or occupancy.moved_out is not None:
        return _form_failed(person, "move-out", form, move_out_for=occupancy.id)
    occupancy.moved_out = form.moved_out.data
    unit = occupancy.unit
    still_there = db.session.scalar(
        tenancy.select(Occupancy, func.count(Occupancy.id), site=unit.site_id).where(
            Occupancy.unit_id == unit.id,
            Occupancy.moved_out.is_(None),
            Occupancy.id != occupancy.id,
        )
    )
    if not still_there and unit.status in ("occupied", "let"):
        unit.status = "vacant"
    audit.record(
        "resident.moved_out",
        person,
        detail={"unit": unit.label, "moved_out": occupancy.moved_out.isoformat()},
    )
    site = current_site()
    host().hooks_for(site).butler_resident_moved_out(
        site=site, resident=person, occupancy=occupancy
    )
    db.session.commit()
    flash(_("%(name)s moved out of %(unit)s.", name=person.name, unit=unit.label), "success")
    return _back_to(person, "occupancies")


# --- Archiving ---------------------------------------------------------------------


@bp.route("/<int:resident_id>/archive", methods=["POST"])
@requires("residents.edit")
def archive(resident_id: int):
    person = get_or_404(Resident, resident_id)
    if person.archived_at is None:
        person.archive()
        audit.record("resident.archived", person)
        db.session.commit()
        flash(
            _(
                "%(name)s is archived. Nothing is deleted: restore them at any time.",
                name=person.name,
            ),
            "success",
        )
    return _back_to(person, "top")


@bp.route("/<int:resident_id>/restore", methods=["POST"])
@requires("residents.edit")
def restore(resident_id: int):
    person = get_or_404(Resident, resident_id)
    if person.erased_at is not None:
        flash(_("An erased resident cannot be restored."), "error")
    elif person.archived_at is not None:
        person.restore()
        audit.record("resident.restored", person)
        db.session.commit()
        flash(_("%(name)s is restored.", name=person.name), "success")
    return _back_to(person, "top")
