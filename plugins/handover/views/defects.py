"""Defects to closure: the list with the overdue ones first, counts by kind and
contractor, and a defect's page (assign, re-inspect, the owner confirms)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import case
from sqlalchemy.orm import selectinload

from core import audit, clock, tenancy
from core.extensions import db
from core.models import Unit
from core.security import requires
from core.tenancy import current_site, get_or_404
from plugins.handover import rules
from plugins.handover.forms import AssignForm, ConfirmForm, ReinspectForm
from plugins.handover.models import HandoverDefect
from plugins.handover.views.base import bp, page

PER_PAGE = 30  # the overdue first, then by date
D = HandoverDefect


@bp.route("/defects")
@requires("handover.view")
def defects():
    site = current_site()
    today = clock.today(site)
    closed = request.args.get("status") == "closed"
    overdue = request.args.get("overdue") == "1" and not closed
    contractor = request.args.get("contractor", "")[:120]
    query = tenancy.select(D).where(D.status == "closed" if closed else D.status != "closed")
    if overdue:
        query = query.where(D.due_on < today)
    if contractor:
        query = query.where(D.contractor == contractor)
    late_first = case((D.due_on < today, 0), else_=1)
    rows = db.session.scalars(
        query.options(selectinload(D.unit).selectinload(Unit.building))
        .order_by(D.closed_at.desc() if closed else late_first, D.due_on, D.id)
        .limit(PER_PAGE)
    ).all()
    by_kind, by_contractor = rules.counts(site, today)
    chips = []
    if overdue:
        chips.append((_("Overdue"), url_for("handover.defects", contractor=contractor or None)))
    if contractor:
        chips.append((contractor, url_for("handover.defects", overdue="1" if overdue else None)))
    return page(
        "handover/defects.html",
        rows=rows,
        closed=closed,
        overdue=overdue,
        contractor=contractor,
        chips=chips,
        by_kind=by_kind,
        by_contractor=by_contractor,
        today=today,
    )


def _defect_page(defect: HandoverDefect, status: int = 200, **forms):
    return page(
        "handover/defect.html",
        status,
        defect=defect,
        overdue=rules.is_overdue(defect, clock.today(current_site())),
        assign_form=forms.get("assign_form")
        or AssignForm(formdata=None, contractor=defect.contractor, due_on=defect.due_on),
        reinspect_form=forms.get("reinspect_form") or ReinspectForm(formdata=None),
        confirm_form=forms.get("confirm_form")
        or ConfirmForm(formdata=None, confirmed_by=defect.booking.owner_name),
    )


@bp.route("/defects/<int:defect_id>")
@requires("handover.view")
def defect(defect_id: int):
    return _defect_page(get_or_404(HandoverDefect, defect_id))


def _act(defect_id: int, form_class, form_key: str, act, event: str, done: str):
    """Validate, apply ``act(defect, form)``, audit and commit; the page again on refusal."""
    defect = get_or_404(HandoverDefect, defect_id)
    form = form_class()
    if not form.validate():
        return _defect_page(defect, 422, **{form_key: form})
    try:
        act(defect, form)
    except rules.Refused as refused:
        db.session.rollback()
        getattr(form, refused.field).errors = [str(refused)]
        return _defect_page(get_or_404(HandoverDefect, defect_id), 409, **{form_key: form})
    audit.record(event, defect, detail={"status": defect.status})
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("handover.defect", defect_id=defect.id), code=303)


@bp.route("/defects/<int:defect_id>/assign", methods=["POST"])
@requires("handover.defects")
def assign(defect_id: int):
    return _act(
        defect_id,
        AssignForm,
        "assign_form",
        lambda d, f: rules.assign(d, f.contractor.data, f.due_on.data),
        "handover.defect.assigned",
        _("The defect is given to the contractor."),
    )


@bp.route("/defects/<int:defect_id>/reinspect", methods=["POST"])
@requires("handover.inspect")
def reinspect(defect_id: int):
    return _act(
        defect_id,
        ReinspectForm,
        "reinspect_form",
        lambda d, f: rules.reinspect(d, f.put_right.data == "yes", f.note.data, current_user),
        "handover.defect.reinspected",
        _("The re-inspection is written down."),
    )


@bp.route("/defects/<int:defect_id>/confirm", methods=["POST"])
@requires("handover.inspect")
def confirm(defect_id: int):
    return _act(
        defect_id,
        ConfirmForm,
        "confirm_form",
        lambda d, f: rules.confirm(d, f.confirmed_by.data),
        "handover.defect.closed",
        _("The owner confirmed: the defect is closed."),
    )
