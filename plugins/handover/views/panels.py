"""The unit's panel: its handover, its steps since (renovating, occupied, let) and its
defects still open; the form that moves the unit on."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func

from core import audit, clock, tenancy
from core.extensions import db
from core.models import Unit
from core.security import can, requires
from core.tenancy import current_site, get_or_404
from plugins.handover import labels, rules
from plugins.handover.forms import StepForm
from plugins.handover.models import HandoverBooking, HandoverDefect
from plugins.handover.views.base import bp


def _panel(unit: Unit, status: int = 200, form: StepForm | None = None, full: bool = False):
    """The panel's fragment, or (after a refused step) a whole page around it."""
    site = current_site()
    booking = db.session.scalar(
        tenancy.select(HandoverBooking)
        .where(HandoverBooking.unit_id == unit.id, HandoverBooking.status != "cancelled")
        .order_by(HandoverBooking.id.desc())
        .limit(1)
    )
    open_defects = db.session.scalar(
        tenancy.select(HandoverDefect, func.count()).where(
            HandoverDefect.unit_id == unit.id, HandoverDefect.status != "closed"
        )
    )
    return render_template(
        "handover/unit_step.html" if full else "handover/_panel.html",
        unit=unit,
        booking=booking,
        steps=rules.steps_of(site, unit),
        open_defects=open_defects or 0,
        form=form or StepForm(formdata=None),
        can_move=can(current_user, "handover.inspect", site),
        can_book=can(current_user, "handover.book", site),
        today=clock.today(site),
        **labels.words(),
    ), status


@bp.route("/units/<int:unit_id>/panel")
@requires("handover.view")
def unit_panel(unit_id: int):
    return _panel(get_or_404(Unit, unit_id))


@bp.route("/units/<int:unit_id>/step", methods=["POST"])
@requires("handover.inspect")
def step(unit_id: int):
    site = current_site()
    unit = get_or_404(Unit, unit_id)
    form = StepForm()
    if not form.validate():
        return _panel(unit, 422, form, full=True)
    try:
        done = rules.record_step(site, unit, form.step.data, current_user)
    except rules.Refused as refused:
        db.session.rollback()
        form.step.errors = [str(refused)]
        return _panel(get_or_404(Unit, unit_id), 409, form, full=True)
    audit.record("handover.unit.step", done, detail={"unit_id": unit.id, "step": done.step})
    db.session.commit()
    return redirect(
        url_for("buildings.unit", unit_id=unit.id, _anchor="panel-handover-unit"), code=303
    )
