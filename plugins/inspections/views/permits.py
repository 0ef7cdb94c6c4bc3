"""Renovation permits (裝修許可證) per unit: dates, contractor, hours, deposit, the approved
drawings and the workers' passes; the unit page's renovation history."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func
from wtforms.fields.choices import SelectChoice

from core import audit, clock, money, tenancy, uploads
from core.extensions import db
from core.formdata import takes_files
from core.models import Building, Unit
from core.security import can, requires
from core.tenancy import current_site, get_or_404
from plugins.inspections import rules
from plugins.inspections.forms import DrawingForm, PassForm, PermitForm
from plugins.inspections.models import InspectionsDrawing, InspectionsPass, InspectionsPermit
from plugins.inspections.views.base import PANEL_LIMIT, PER_PAGE, bp, save_photo

P = InspectionsPermit


def _unit_choices() -> list[SelectChoice]:
    rows = db.session.execute(
        tenancy.select(Unit, Unit.id, Building.code, Unit.number)
        .join(Building, Building.id == Unit.building_id)
        .where(Unit.archived_at.is_(None))
        .order_by(Building.code, Unit.floor, Unit.number)
    ).all()
    return [SelectChoice(uid, f"{code}-{number}") for uid, code, number in rows]


def _units(ids) -> dict[int, str]:
    if not ids:
        return {}
    rows = db.session.execute(
        tenancy.select(Unit, Unit.id, Building.code, Unit.number)
        .join(Building, Building.id == Unit.building_id)
        .where(Unit.id.in_(ids))
    ).all()
    return {uid: f"{code}-{number}" for uid, code, number in rows}


@bp.route("/permits")
@requires("inspections.view")
def permits():
    site = current_site()
    today = clock.today(site)
    rows = db.session.scalars(
        tenancy.select(P)
        .order_by(P.ends_on < today, P.starts_on.desc(), P.id.desc())
        .limit(PER_PAGE)
    ).all()
    expired = dict(
        db.session.execute(
            tenancy.select(InspectionsPass, InspectionsPass.permit_id, func.count())
            .where(
                InspectionsPass.permit_id.in_([p.id for p in rows]),
                InspectionsPass.expires_on < today,
            )
            .group_by(InspectionsPass.permit_id)
        ).all()
    )
    return render_template(
        "inspections/permits.html",
        rows=rows,
        units=_units({p.unit_id for p in rows}),
        expired=expired,
        today=today,
        can_edit=can(current_user, "inspections.permits", site),
        currency=site.currency,
    )


@bp.route("/permits/new", methods=["GET", "POST"])
@requires("inspections.permits")
def new_permit():
    site = current_site()
    form = PermitForm()
    form.unit_id.choices = _unit_choices()
    status = 200
    if form.is_submitted():
        status = 422
        valid = form.validate()
        deposit = 0
        if form.deposit.data and form.deposit.data.strip():
            try:
                deposit = money.parse(form.deposit.data, site.currency, allow_zero=True)
            except money.MoneyError as error:
                form.deposit.errors = [str(error)]
                valid = False
        if valid and db.session.scalar(tenancy.select(P, P.id).where(P.number == form.number.data)):
            form.number.errors = [_("A permit with this number exists already.")]
            valid = False
        if valid:
            unit = get_or_404(Unit, form.unit_id.data)
            permit = tenancy.new(
                P,
                unit_id=unit.id,
                number=form.number.data,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                contractor=form.contractor.data,
                hours=form.hours.data or "",
                deposit=deposit,
                scope=form.scope.data or "",
                created_at=clock.now(),
            )
            db.session.flush()
            audit.record("inspections.permit_added", permit)
            db.session.commit()
            flash(_("Permit %(number)s is recorded.", number=permit.number), "success")
            return redirect(url_for("inspections.permit", permit_id=permit.id), code=303)
    return render_template("inspections/permit_new.html", form=form), status


def _permit_page(permit: InspectionsPermit, status: int = 200, **forms):
    site = current_site()
    return render_template(
        "inspections/permit.html",
        permit=permit,
        unit=_units({permit.unit_id}).get(permit.unit_id, ""),
        unit_id=permit.unit_id,
        today=clock.today(site),
        pass_form=forms.get("pass_form") or PassForm(formdata=None),
        drawing_form=forms.get("drawing_form") or DrawingForm(formdata=None),
        can_edit=can(current_user, "inspections.permits", site),
        deposit=money.show(permit.deposit, site.currency),
        expired=lambda p: rules.pass_expired(p, clock.today(site)),
    ), status


@bp.route("/permits/<int:permit_id>")
@requires("inspections.view")
def permit(permit_id: int):
    return _permit_page(get_or_404(P, permit_id))


@bp.route("/permits/<int:permit_id>/passes", methods=["POST"])
@takes_files
@requires("inspections.permits")
def add_pass(permit_id: int):
    item = get_or_404(P, permit_id)
    form = PassForm()
    if not form.validate():
        return _permit_page(item, 422, pass_form=form)
    try:
        key = save_photo(form.photo)
    except uploads.Refused:
        return _permit_page(item, 422, pass_form=form)
    worker = tenancy.new(
        InspectionsPass,
        permit_id=item.id,
        name=form.name.data,
        photo_key=key,
        expires_on=form.expires_on.data,
    )
    db.session.flush()
    audit.record("inspections.pass_added", worker, detail={"permit": item.id})
    db.session.commit()
    flash(_("The pass of %(name)s is recorded.", name=worker.name), "success")
    return redirect(url_for("inspections.permit", permit_id=item.id), code=303)


@bp.route("/permits/<int:permit_id>/drawings", methods=["POST"])
@takes_files
@requires("inspections.permits")
def add_drawing(permit_id: int):
    item = get_or_404(P, permit_id)
    form = DrawingForm()
    try:
        key = save_photo(form.photo, required=True)
    except uploads.Refused:
        return _permit_page(item, 422, drawing_form=form)
    drawing = tenancy.new(
        InspectionsDrawing,
        permit_id=item.id,
        key=key,
        original_name=(form.photo.data.filename or "")[:200],
    )
    db.session.flush()
    audit.record("inspections.drawing_added", drawing, detail={"permit": item.id})
    db.session.commit()
    flash(_("The drawing is added."), "success")
    return redirect(url_for("inspections.permit", permit_id=item.id), code=303)


@bp.route("/passes/<int:pass_id>/photo")
@requires("inspections.view")
def pass_photo(pass_id: int):
    worker = get_or_404(InspectionsPass, pass_id)
    if not worker.photo_key:
        abort(404)
    return uploads.send(worker.photo_key)


@bp.route("/drawings/<int:drawing_id>")
@requires("inspections.view")
def drawing(drawing_id: int):
    return uploads.send(get_or_404(InspectionsDrawing, drawing_id).key)


@bp.route("/units/<int:unit_id>/panel")
@requires("inspections.view")
def unit_panel(unit_id: int):
    site = current_site()
    unit = get_or_404(Unit, unit_id)
    rows = db.session.scalars(
        tenancy.select(P)
        .where(P.unit_id == unit.id)
        .order_by(P.starts_on.desc())
        .limit(PANEL_LIMIT)
    ).all()
    return render_template("inspections/_panel.html", unit=unit, rows=rows, today=clock.today(site))
