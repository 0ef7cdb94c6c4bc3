"""Buildings and units: the list, the floor grid, their forms, and each unit's page."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import and_, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError
from wtforms import DecimalField, HiddenField, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError

from core import audit, clock, htmx, tenancy
from core.conflicts import FieldConflict, differences, is_stale
from core.contributions import collect, panel_links
from core.extensions import db
from core.forms import text_field
from core.forms.residents import ROLE_LABELS
from core.models import UNIT_STATUSES, Building, ButlerAssignment, Occupancy, Unit, User
from core.security import can, requires
from core.views.auth import safe_next

bp = Blueprint("buildings", __name__, url_prefix="/s/<site_slug>")

PER_PAGE = 50
MAX_FLOORS = 200
MAX_AREA = Decimal("999999.99")  # the column is NUMERIC(8, 2)
STATUS_LABELS = {
    "occupied": _l("Occupied"),
    "vacant": _l("Vacant"),
    "renovating": _l("Renovating"),
    "let": _l("Let"),
}

# --- Forms -----------------------------------------------------------------------------


def _between(low: int, high: int, message: Any):
    """A range check that stays quiet when the value did not parse (that has its message)."""

    def check(form: FlaskForm, field: IntegerField) -> None:
        if field.data is not None and not low <= field.data <= high:
            raise ValidationError(message)

    return check


def _area(form: FlaskForm, field: DecimalField) -> None:
    value = field.data
    if value is None:
        return
    if not value.is_finite() or value < 0 or value > MAX_AREA:
        raise ValidationError(_l("Give an area from 0 to 999,999.99 m²."))
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError(_l("Give the area with at most 2 decimals."))


class BuildingForm(FlaskForm):
    FIELDS = ["code", "name", "floors"]

    code = text_field(
        _l("Code"), max=20, required=_l("Give the building a code."), autocomplete="off"
    )
    name = text_field(_l("Name"), max=120, required=_l("Give the building a name."))
    floors = IntegerField(
        _l("Floors"),
        validators=[
            InputRequired(message=_l("Say how many floors the building has.")),
            _between(1, MAX_FLOORS, _l("A building has from 1 to 200 floors.")),
        ],
        invalid_value_message=_l("Write a whole number."),
        render_kw={"min": 1, "max": MAX_FLOORS, "inputmode": "numeric"},
    )
    version_id = HiddenField()


class UnitForm(FlaskForm):
    FIELDS = ["floor", "number", "area_m2", "status", "room_type"]

    floor = IntegerField(
        _l("Floor"),
        validators=[InputRequired(message=_l("Say which floor it is on."))],
        invalid_value_message=_l("Write a whole number."),
        render_kw={"min": 1, "inputmode": "numeric"},
    )
    number = text_field(_l("Number"), max=20, required=_l("Give it a number."), autocomplete="off")
    area_m2 = DecimalField(
        _l("Area (m²)"),
        places=2,
        validators=[Optional(), _area],
        invalid_value_message=_l("Write the area as a number, such as 85.5."),
        render_kw={"min": 0, "step": "0.01", "inputmode": "decimal"},
    )
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(code, STATUS_LABELS[code]) for code in UNIT_STATUSES],
        default="vacant",
    )
    room_type = text_field(_l("Room type"), max=40)
    version_id = HiddenField()


def _unit_form(**kwargs: Any) -> tuple[UnitForm, list[str]]:
    """The unit form for the current site, and the fields it edits (room type: hotels only)."""
    form = UnitForm(**kwargs)
    if tenancy.current_site().is_hotel:
        return form, UnitForm.FIELDS
    del form.room_type
    return form, [name for name in UnitForm.FIELDS if name != "room_type"]


# --- Queries ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildingRow:
    building: Building
    units: int
    butler: str | None


@dataclass(frozen=True)
class FloorRow:
    """A floor of the grid with its units; a run of empty floors is one row."""

    high: int
    low: int
    units: list[Unit]


def building_rows(
    *, archived: bool | None = None, ids: list[int] | None = None, page: int = 1
) -> list[BuildingRow]:
    """Buildings of the site with their unit count and responsible butler, in one query."""
    unit_count = (
        select(func.count(Unit.id))
        .where(
            Unit.site_id == Building.site_id,
            Unit.building_id == Building.id,
            Unit.archived_at.is_(None),
        )
        .correlate(Building)
        .scalar_subquery()
    )
    stmt = (
        tenancy.select(Building, Building, unit_count, User.display_name)
        .outerjoin(
            ButlerAssignment,
            and_(
                ButlerAssignment.site_id == Building.site_id,
                ButlerAssignment.building_id == Building.id,
                ButlerAssignment.ends_on.is_(None),
            ),
        )
        .outerjoin(User, User.id == ButlerAssignment.user_id)
    )
    if archived is not None:
        stmt = stmt.where(
            Building.archived_at.is_not(None) if archived else Building.archived_at.is_(None)
        )
    if ids is not None:
        stmt = stmt.where(Building.id.in_(ids))
    stmt = stmt.order_by(Building.code, Building.id).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    return [BuildingRow(b, units, butler) for b, units, butler in db.session.execute(stmt)]


def building_counts() -> dict[str, int]:
    """How many of the site's buildings are in use and how many are archived."""
    archived = case((Building.archived_at.is_not(None), 1), else_=0)
    total, gone = db.session.execute(
        tenancy.select(Building, func.count(Building.id), func.coalesce(func.sum(archived), 0))
    ).one()
    return {"current": total - gone, "archived": gone}


def current_butler(building: Building) -> str | None:
    """The display name of the butler now responsible for ``building``, if any."""
    return db.session.scalar(
        select(User.display_name)
        .join(ButlerAssignment, ButlerAssignment.user_id == User.id)
        .where(
            ButlerAssignment.site_id == building.site_id,
            ButlerAssignment.building_id == building.id,
            ButlerAssignment.ends_on.is_(None),
        )
    )


def natural_key(text: str) -> list[Any]:
    """Sort key that puts 2A before 10A."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", text)]


def floor_rows(floors: int, units: list[Unit]) -> list[FloorRow]:
    """The floors from the top down, each with its units in number order."""
    by_floor: dict[int, list[Unit]] = {}
    for unit in units:
        by_floor.setdefault(unit.floor, []).append(unit)
    top, bottom = max([floors, *by_floor]), min([1, *by_floor])
    rows: list[FloorRow] = []
    empty_from: int | None = None
    for floor in range(top, bottom - 1, -1):
        here = by_floor.get(floor)
        if here:
            if empty_from is not None:
                rows.append(FloorRow(empty_from, floor + 1, []))
                empty_from = None
            rows.append(FloorRow(floor, floor, sorted(here, key=lambda u: natural_key(u.number))))
        elif empty_from is None:
            empty_from = floor
    if empty_from is not None:
        rows.append(FloorRow(empty_from, bottom, []))
    return rows


def _code_taken(code: str, building_id: int | None = None) -> Building | None:
    stmt = tenancy.select(Building).where(func.lower(Building.code) == code.lower())
    if building_id is not None:
        stmt = stmt.where(Building.id != building_id)
    return db.session.scalars(stmt.limit(1)).first()


def _number_taken(building: Building, number: str, unit_id: int | None = None) -> Unit | None:
    stmt = tenancy.select(Unit).where(
        Unit.building_id == building.id, func.lower(Unit.number) == number.lower()
    )
    if unit_id is not None:
        stmt = stmt.where(Unit.id != unit_id)
    return db.session.scalars(stmt.limit(1)).first()


def _highest_unit_floor(building: Building) -> int | None:
    return db.session.scalar(
        tenancy.select(Unit, func.max(Unit.floor)).where(
            Unit.building_id == building.id, Unit.archived_at.is_(None)
        )
    )


# --- Helpers shared by the views --------------------------------------------------------


@bp.context_processor
def _buildings_context() -> dict:
    return {
        "status_labels": STATUS_LABELS,
        "statuses": UNIT_STATUSES,
        "role_labels": ROLE_LABELS,
        "may_edit": can(current_user, "buildings.edit"),
    }


def _render(partial: str, full: str, status: int = 200, **context: Any):
    """The form or fragment alone for htmx, else the whole page, with ``status``."""
    template = partial if htmx.wants_partial() else full
    return render_template(template, **context), status


def _done(url: str, message: str):
    """After a save: 303 to ``url``, or for htmx a full navigation there."""
    flash(message, "success")
    if htmx.wants_partial():
        return htmx.set_headers(make_response("", 204), redirect=url)
    return redirect(url, code=303)


def _apply(obj: Any, form: FlaskForm, fields: list[str]) -> dict[str, list[Any]]:
    """Copy the form's values onto ``obj``; the changes, for the audit log."""
    values = {name: form[name].data for name in fields}
    diff = audit.changes(obj, fields, values)
    for name, value in values.items():
        setattr(obj, name, value)
    return diff


def _conflicts(obj: Any, form: FlaskForm, fields: list[str]) -> list[FieldConflict]:
    """Both versions of each field that differs, statuses shown by their names."""
    found = []
    for name in fields:
        for conflict in differences(obj, form, [name]):
            if name == "status":
                conflict = FieldConflict(
                    conflict.label,
                    STATUS_LABELS.get(conflict.theirs, conflict.theirs),
                    STATUS_LABELS.get(conflict.yours, conflict.yours),
                )
            found.append(conflict)
    return found


def _back(default: str) -> str:
    return safe_next(request.form.get("next")) or default


# --- Buildings -------------------------------------------------------------------------


@bp.route("/buildings/")
@requires("buildings.view")
def index():
    archived = request.args.get("archived") == "1"
    counts = building_counts()
    total = counts["archived" if archived else "current"]
    pages = max(math.ceil(total / PER_PAGE), 1)
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    rows = building_rows(archived=archived, page=page)
    return _render(
        "core/buildings/_list.html",
        "core/buildings/index.html",
        rows=rows,
        archived=archived,
        counts=counts,
        page=page,
        pages=pages,
    )


@bp.route("/buildings/new", methods=["GET", "POST"])
@requires("buildings.edit")
def create():
    form = BuildingForm()
    if request.method == "GET":
        return _building_form(form, building=None)
    valid = form.validate()
    if valid and _code_taken(form.code.data):
        form.code.errors.append(_("Another building of this site has this code."))
        valid = False
    if not valid:
        return _building_form(form, building=None, status=422)
    building = tenancy.new(Building)
    diff = _apply(building, form, BuildingForm.FIELDS)
    try:
        db.session.flush()
    except IntegrityError:  # someone took the code a moment ago
        db.session.rollback()
        form.code.errors.append(_("Another building of this site has this code."))
        return _building_form(form, building=None, status=422)
    audit.record("building.created", building, detail=diff)
    db.session.commit()
    return _done(
        url_for("buildings.show", building_id=building.id),
        _("Building %(code)s added.", code=building.code),
    )


@bp.route("/buildings/<int:building_id>")
@requires("buildings.view")
def show(building_id: int):
    building = tenancy.get_or_404(Building, building_id)
    units = db.session.scalars(tenancy.select(Unit).where(Unit.building_id == building.id)).all()
    in_use = [u for u in units if u.archived_at is None]
    archived_units = sorted(
        (u for u in units if u.archived_at is not None), key=lambda u: natural_key(u.number)
    )
    status = request.args.get("status")
    if status not in UNIT_STATUSES:
        status = None
    context = {
        "building": building,
        "rows": floor_rows(building.floors, in_use),
        "status": status,
        "status_counts": Counter(u.status for u in in_use),
        "total": len(in_use),
    }
    if htmx.wants_partial():
        return render_template("core/buildings/_grid.html", **context)
    return render_template(
        "core/buildings/show.html",
        butler=current_butler(building),
        archived_units=archived_units,
        **context,
    )


@bp.route("/buildings/<int:building_id>/edit", methods=["GET", "POST"])
@requires("buildings.edit")
def edit(building_id: int):
    building = tenancy.get_or_404(Building, building_id)
    if request.method == "GET":
        return _building_form(BuildingForm(obj=building), building=building)
    form = BuildingForm()
    valid = form.validate()
    if valid and _code_taken(form.code.data, building.id):
        form.code.errors.append(_("Another building of this site has this code."))
        valid = False
    highest = _highest_unit_floor(building)
    if valid and highest is not None and form.floors.data < highest:
        form.floors.errors.append(
            _(
                "Floor %(floor)s has units: move or archive them before taking floors away.",
                floor=highest,
            )
        )
        valid = False
    if is_stale(building, form.version_id.data):
        return _building_conflict(form, building)
    if not valid:
        return _building_form(form, building=building, status=422)
    diff = _apply(building, form, BuildingForm.FIELDS)
    if diff:
        audit.record("building.updated", building, detail=diff)
    try:
        db.session.commit()
    except StaleDataError:  # saved by someone else between our check and our write
        db.session.rollback()
        return _building_conflict(form, building)
    except IntegrityError:
        db.session.rollback()
        form.code.errors.append(_("Another building of this site has this code."))
        return _building_form(form, building=building, status=422)
    return _done(
        url_for("buildings.show", building_id=building.id),
        _("Building %(code)s saved.", code=building.code),
    )


def _building_conflict(form: BuildingForm, building: Building):
    db.session.refresh(building)
    conflicts = _conflicts(building, form, BuildingForm.FIELDS)
    form.version_id.data = str(building.version_id)
    return _building_form(form, building=building, conflicts=conflicts, status=409)


def _building_form(form, building, conflicts=None, status: int = 200):
    return _render(
        "core/buildings/_building_form.html",
        "core/buildings/building_form.html",
        status,
        form=form,
        building=building,
        conflicts=conflicts,
    )


@bp.route("/buildings/<int:building_id>/archive", methods=["POST"])
@requires("buildings.edit")
def archive(building_id: int):
    return _set_building_archived(building_id, True)


@bp.route("/buildings/<int:building_id>/restore", methods=["POST"])
@requires("buildings.edit")
def restore(building_id: int):
    return _set_building_archived(building_id, False)


def _set_building_archived(building_id: int, archived: bool):
    building = tenancy.get_or_404(Building, building_id)
    if building.is_archived != archived:
        when = clock.now() if archived else None
        diff = audit.changes(building, ["archived_at"], {"archived_at": when})
        building.archived_at = when
        audit.record(
            "building.archived" if archived else "building.restored", building, detail=diff
        )
        db.session.commit()
    if archived:
        note = _("Building %(code)s archived. Restore it at any time.", code=building.code)
    else:
        note = _("Building %(code)s restored.", code=building.code)
    if htmx.wants_partial():
        (row,) = building_rows(ids=[building.id])
        return render_template("core/buildings/_row.html", row=row, note=note)
    flash(note, "success")
    return redirect(_back(url_for("buildings.show", building_id=building.id)), code=303)


# --- Units -----------------------------------------------------------------------------


@bp.route("/buildings/<int:building_id>/units/new", methods=["GET", "POST"])
@requires("buildings.edit")
def unit_create(building_id: int):
    building = tenancy.get_or_404(Building, building_id)
    if building.is_archived:
        flash(_("Restore the building before adding to it."), "error")
        return redirect(url_for("buildings.show", building_id=building.id), code=303)
    if request.method == "GET":
        form, _fields = _unit_form(floor=request.args.get("floor", type=int))
        return _unit_form_page(form, building, unit=None)
    form, fields = _unit_form()
    if not _unit_valid(form, building, unit_id=None):
        return _unit_form_page(form, building, unit=None, status=422)
    unit = tenancy.new(Unit, building_id=building.id)
    diff = _apply(unit, form, fields)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        form.number.errors.append(_("This building already has this number."))
        return _unit_form_page(form, building, unit=None, status=422)
    audit.record("unit.created", unit, detail=diff)
    db.session.commit()
    if tenancy.current_site().is_hotel:
        message = _("Room %(number)s added.", number=unit.number)
    else:
        message = _("Unit %(number)s added.", number=unit.number)
    return _done(url_for("buildings.show", building_id=building.id), message)


@bp.route("/units/<int:unit_id>")
@requires("buildings.view")
def unit(unit_id: int):
    place = tenancy.get_or_404(Unit, unit_id)
    occupancies = db.session.scalars(
        tenancy.select(Occupancy, site=place.site_id)
        .where(Occupancy.unit_id == place.id)
        .options(selectinload(Occupancy.resident))
        .order_by(
            Occupancy.moved_out.is_not(None), Occupancy.moved_out.desc(), Occupancy.moved_in.desc()
        )
    ).all()
    panels = panel_links(collect("butler_unit_panels", unit=place))
    return render_template(
        "core/unit.html",
        unit=place,
        building=place.building,
        panels=panels,
        occupancies=occupancies,
    )


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
@requires("buildings.edit")
def unit_edit(unit_id: int):
    place = tenancy.get_or_404(Unit, unit_id)
    building = place.building
    if request.method == "GET":
        form, _fields = _unit_form(obj=place)
        return _unit_form_page(form, building, unit=place)
    form, fields = _unit_form()
    valid = _unit_valid(form, building, unit_id=place.id)
    if is_stale(place, form.version_id.data):
        return _unit_conflict(form, fields, place)
    if not valid:
        return _unit_form_page(form, building, unit=place, status=422)
    diff = _apply(place, form, fields)
    if diff:
        audit.record("unit.updated", place, detail=diff)
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return _unit_conflict(form, fields, place)
    except IntegrityError:
        db.session.rollback()
        form.number.errors.append(_("This building already has this number."))
        return _unit_form_page(form, building, unit=place, status=422)
    return _done(url_for("buildings.unit", unit_id=place.id), _("Saved."))


def _unit_valid(form: UnitForm, building: Building, unit_id: int | None) -> bool:
    """Validate the form, then the checks that need the building: floor range, number."""
    valid = form.validate()
    if form.floor.data is not None and not 1 <= form.floor.data <= building.floors:
        form.floor.errors.append(
            ngettext(
                "This building has %(num)d floor: write 1.",
                "This building has %(num)d floors: write a floor from 1 to %(num)d.",
                building.floors,
            )
        )
        valid = False
    if form.number.data and _number_taken(building, form.number.data, unit_id):
        form.number.errors.append(_("This building already has this number."))
        valid = False
    return valid


def _unit_conflict(form: UnitForm, fields: list[str], place: Unit):
    db.session.refresh(place)
    conflicts = _conflicts(place, form, fields)
    form.version_id.data = str(place.version_id)
    return _unit_form_page(form, place.building, unit=place, conflicts=conflicts, status=409)


def _unit_form_page(form, building, unit, conflicts=None, status: int = 200):
    return _render(
        "core/buildings/_unit_form.html",
        "core/buildings/unit_form.html",
        status,
        form=form,
        building=building,
        unit=unit,
        conflicts=conflicts,
    )


@bp.route("/units/<int:unit_id>/archive", methods=["POST"])
@requires("buildings.edit")
def unit_archive(unit_id: int):
    return _set_unit_archived(unit_id, True)


@bp.route("/units/<int:unit_id>/restore", methods=["POST"])
@requires("buildings.edit")
def unit_restore(unit_id: int):
    return _set_unit_archived(unit_id, False)


def _set_unit_archived(unit_id: int, archived: bool):
    place = tenancy.get_or_404(Unit, unit_id)
    if place.is_archived != archived:
        when = clock.now() if archived else None
        diff = audit.changes(place, ["archived_at"], {"archived_at": when})
        place.archived_at = when
        audit.record("unit.archived" if archived else "unit.restored", place, detail=diff)
        db.session.commit()
    if archived:
        flash(_("%(unit)s archived. Restore it at any time.", unit=place.label), "success")
    else:
        flash(_("%(unit)s restored.", unit=place.label), "success")
    return redirect(_back(url_for("buildings.unit", unit_id=place.id)), code=303)
