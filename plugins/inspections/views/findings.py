"""Findings: the open list, one finding's page, closing it with a note (and a photo)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import audit, clock, tenancy, uploads
from core.extensions import db
from core.formdata import takes_files
from core.models import Building, Unit, User
from core.security import can, requires
from core.tenancy import current_site, get_or_404
from plugins.inspections import labels, rules
from plugins.inspections.forms import CloseForm
from plugins.inspections.models import InspectionsCheckpoint, InspectionsFinding
from plugins.inspections.views.base import PER_PAGE, bp, building_choices, save_photo

F = InspectionsFinding


@bp.route("/findings")
@requires("inspections.view")
def findings():
    site = current_site()
    closed = request.args.get("status") == "closed"
    building = request.args.get("building", type=int)
    page = max(1, min(request.args.get("page", 1, type=int) or 1, 10_000))
    query = tenancy.select(F).where(F.closed_at.is_not(None) if closed else F.closed_at.is_(None))
    choices = building_choices()
    if building in {c.value for c in choices}:
        query = query.where(F.building_id == building)
    else:
        building = None
    order = (F.closed_at.desc(), F.id.desc()) if closed else (F.due_on, F.id)
    rows = db.session.scalars(
        query.order_by(*order).offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1)
    ).all()
    codes = dict(
        db.session.execute(tenancy.select(Building, Building.id, Building.code, site=site)).all()
    )
    return render_template(
        "inspections/findings.html",
        rows=rows[:PER_PAGE],
        more=len(rows) > PER_PAGE,
        page=page,
        closed=closed,
        building=building,
        choices=choices,
        codes=codes,
        today=clock.today(site),
        area_labels=labels.AREA_LABELS,
        kind_labels=labels.KIND_LABELS,
        owner_labels=labels.OWNER_LABELS,
    )


def _page(finding: InspectionsFinding, status: int = 200, form: CloseForm | None = None):
    site = current_site()
    people = {finding.raised_by_id, finding.closed_by_id} - {None}
    names = dict(
        db.session.execute(db.select(User.id, User.display_name).where(User.id.in_(people))).all()
    )
    return render_template(
        "inspections/finding.html",
        finding=finding,
        building=db.session.get(Building, finding.building_id),
        checkpoint=db.session.get(InspectionsCheckpoint, finding.checkpoint_id)
        if finding.checkpoint_id
        else None,
        unit=db.session.get(Unit, finding.unit_id) if finding.unit_id else None,
        names=names,
        form=form or CloseForm(formdata=None),
        can_close=can(current_user, "inspections.close", site) and finding.closed_at is None,
        photo_needed=rules.settings_of(site).photo_to_close,
        today=clock.today(site),
        area_labels=labels.AREA_LABELS,
        kind_labels=labels.KIND_LABELS,
        owner_labels=labels.OWNER_LABELS,
        unit_check_labels=labels.UNIT_CHECK_LABELS,
    ), status


@bp.route("/findings/<int:finding_id>")
@requires("inspections.view")
def finding(finding_id: int):
    return _page(get_or_404(F, finding_id))


@bp.route("/findings/<int:finding_id>/close", methods=["POST"])
@takes_files
@requires("inspections.close")
def close(finding_id: int):
    site = current_site()
    item = get_or_404(F, finding_id)
    form = CloseForm()
    if not form.validate():
        return _page(item, 422, form)
    try:
        photo_key = save_photo(form.photo)
    except uploads.Refused:
        return _page(item, 422, form)
    try:
        rules.close_finding(site, item, current_user, clock.now(), form.note.data or "", photo_key)
    except rules.Refused as refused:
        if photo_key:
            uploads.delete(photo_key)
        db.session.rollback()
        getattr(form, refused.field).errors = [str(refused)]
        return _page(get_or_404(F, finding_id), 422, form)
    audit.record("inspections.finding_closed", item)
    db.session.commit()
    flash(_("The finding is closed."), "success")
    return redirect(url_for("inspections.finding", finding_id=item.id), code=303)


@bp.route("/findings/<int:finding_id>/photo")
@requires("inspections.view")
def finding_photo(finding_id: int):
    item = get_or_404(F, finding_id)
    if not item.photo_key:
        abort(404)
    return uploads.send(item.photo_key)


@bp.route("/findings/<int:finding_id>/close-photo")
@requires("inspections.view")
def close_photo(finding_id: int):
    item = get_or_404(F, finding_id)
    if not item.close_photo_key:
        abort(404)
    return uploads.send(item.close_photo_key)
