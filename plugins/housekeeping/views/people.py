"""The emergency duty roster (typhoon, flood, fire) and staff evaluations per period."""

from __future__ import annotations

import re

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from core import audit, clock, tenancy
from core.extensions import db
from core.security import requires
from core.tenancy import current_site
from plugins.housekeeping.forms import PERIOD_PATTERN, DutyForm, EvaluationForm, StaffRecordForm
from plugins.housekeeping.labels import (
    CRITERIA_LABELS,
    EMERGENCY_LABELS,
    SCORE_LABELS,
    SHIFT_LABELS,
    STAFF_RECORD_LABELS,
)
from plugins.housekeeping.models import (
    HousekeepingDuty,
    HousekeepingEvaluation,
    HousekeepingStaffRecord,
)
from plugins.housekeeping.views import bp
from plugins.housekeeping.views.common import members, render


def _staff_choices(form_field) -> None:
    form_field.choices = [SelectChoice(u.id, u.display_name) for u in members()]


def _roster_page(status: int = 200, form=None):
    today = clock.today(current_site())
    form = form or DutyForm(formdata=None, duty_on=today)
    _staff_choices(form.user_id)
    duties = db.session.scalars(
        tenancy.select(HousekeepingDuty)
        .where(HousekeepingDuty.duty_on >= today)
        .options(selectinload(HousekeepingDuty.user))
        .order_by(HousekeepingDuty.duty_on, HousekeepingDuty.shift, HousekeepingDuty.id)
        .limit(200)
    ).all()
    return render(
        "housekeeping/duty_roster.html",
        status,
        duties=duties,
        form=form,
        emergencies=EMERGENCY_LABELS,
        shifts=SHIFT_LABELS,
    )


@bp.route("/duty-roster")
@requires("housekeeping.view")
def duty_roster():
    return _roster_page()


@bp.route("/duty-roster", methods=["POST"])
@requires("housekeeping.assign")
def add_duty():
    form = DutyForm()
    _staff_choices(form.user_id)
    if not form.validate_on_submit():
        return _roster_page(422, form)
    duty = tenancy.new(
        HousekeepingDuty,
        user_id=form.user_id.data,
        emergency=form.emergency.data,
        duty_on=form.duty_on.data,
        shift=form.shift.data,
        task=(form.task.data or "").strip(),
    )
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        form = DutyForm()
        _staff_choices(form.user_id)
        form.validate()
        form.shift.errors.append(_("This person is already on duty on that shift."))
        return _roster_page(422, form)
    audit.record(
        "housekeeping.duty_added",
        duty,
        detail={"emergency": duty.emergency, "day": duty.duty_on.isoformat(), "shift": duty.shift},
    )
    db.session.commit()
    flash(_("The duty is on the roster."), "success")
    return redirect(url_for("housekeeping.duty_roster"), code=303)


# --- Evaluations ---------------------------------------------------------------------------


def _evaluations_page(status: int = 200, form=None):
    period = request.args.get("period", "")
    if not re.match(PERIOD_PATTERN, period):
        period = clock.today(current_site()).strftime("%Y-%m")
    form = form or EvaluationForm(formdata=None, period=period)
    _staff_choices(form.user_id)
    evaluations = db.session.scalars(
        tenancy.select(HousekeepingEvaluation)
        .where(HousekeepingEvaluation.period == period)
        .options(selectinload(HousekeepingEvaluation.user))
        .order_by(HousekeepingEvaluation.id)
    ).all()
    return render(
        "housekeeping/evaluations.html",
        status,
        period=period,
        evaluations=evaluations,
        form=form,
        scores=SCORE_LABELS,
        criteria=CRITERIA_LABELS,
    )


@bp.route("/evaluations")
@requires("housekeeping.evaluate")
def evaluations():
    return _evaluations_page()


@bp.route("/evaluations", methods=["POST"])
@requires("housekeeping.evaluate")
def evaluate():
    form = EvaluationForm()
    _staff_choices(form.user_id)
    if not form.validate_on_submit():
        return _evaluations_page(422, form)
    found = db.session.scalar(
        tenancy.select(HousekeepingEvaluation).where(
            HousekeepingEvaluation.user_id == form.user_id.data,
            HousekeepingEvaluation.period == form.period.data,
        )
    )
    # One evaluation per person and period: evaluating again replaces it.
    evaluation = found or tenancy.new(
        HousekeepingEvaluation, user_id=form.user_id.data, period=form.period.data
    )
    evaluation.score = form.score.data
    for name, value in form.criteria().items():
        setattr(evaluation, name, value)
    evaluation.comments = (form.comments.data or "").strip()
    evaluation.evaluator_id = current_user.id
    evaluation.evaluated_at = clock.now()
    db.session.flush()
    audit.record(
        "housekeeping.evaluated",
        evaluation,
        detail={"user": evaluation.user_id, "period": evaluation.period},
    )
    db.session.commit()
    flash(_("The evaluation is saved."), "success")
    return redirect(url_for("housekeeping.evaluations", period=evaluation.period), code=303)


# --- Grooming checks, discipline and training: the housekeeping managers' records ----------


GROOMED = {"y": True, "n": False}


def _records_page(status: int = 200, form=None):
    site = current_site()
    form = form or StaffRecordForm(formdata=None, day=clock.today(site))
    _staff_choices(form.user_id)
    who = request.args.get("user_id", "")
    query = tenancy.select(HousekeepingStaffRecord).options(
        selectinload(HousekeepingStaffRecord.user)
    )
    if who.isdigit() and len(who) < 10:
        query = query.where(HousekeepingStaffRecord.user_id == int(who))
    records = db.session.scalars(
        query.order_by(HousekeepingStaffRecord.day.desc(), HousekeepingStaffRecord.id.desc()).limit(
            200
        )
    ).all()
    return render(
        "housekeeping/staff_records.html",
        status,
        form=form,
        records=records,
        kinds=STAFF_RECORD_LABELS,
        who=int(who) if who.isdigit() and len(who) < 10 else None,
        staff=members(),
    )


@bp.route("/staff-records")
@requires("housekeeping.staff_records")
def staff_records():
    return _records_page()


@bp.route("/staff-records", methods=["POST"])
@requires("housekeeping.staff_records")
def add_staff_record():
    form = StaffRecordForm()
    _staff_choices(form.user_id)
    if not form.validate_on_submit():
        return _records_page(422, form)
    record = tenancy.new(
        HousekeepingStaffRecord,
        user_id=form.user_id.data,
        kind=form.kind.data,
        day=form.day.data,
        passed={"y": True, "n": False}.get(form.passed.data)
        if form.kind.data == "grooming"
        else None,
        note=form.note.data.strip(),
        by_id=current_user.id,
    )
    db.session.flush()
    # The audit log keeps that a record was made, not what it says.
    audit.record("housekeeping.staff_record_added", record, detail={"kind": record.kind})
    db.session.commit()
    flash(_("The record is kept."), "success")
    return redirect(url_for("housekeeping.staff_records", user_id=record.user_id), code=303)
