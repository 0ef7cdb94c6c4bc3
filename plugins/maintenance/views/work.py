"""The due and overdue lists, logging a visit with its photo, the butler's check, the
month's log, and the unit's panel."""

from __future__ import annotations

from datetime import datetime, time

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import audit, clock, tenancy, uploads
from core.extensions import db
from core.formdata import takes_files
from core.models import Building, Unit
from core.security import can, requires
from core.tenancy import current_site, get_or_404
from plugins.maintenance import rules
from plugins.maintenance.forms import CheckForm, WorkForm
from plugins.maintenance.labels import task_name
from plugins.maintenance.models import MaintenanceContract, MaintenanceTask, MaintenanceWork
from plugins.maintenance.views.base import bp, my_building_ids, save_photo, words

LOG_ON_PAGE = 100


@bp.route("/")
@requires("maintenance.view")
def index():
    site = current_site()
    today = clock.today(site)
    mine = my_building_ids(site, current_user)
    everyone = request.args.get("all") == "1"
    owed = rules.due_list(site, today, None if everyone else mine)
    return render_template(
        "maintenance/index.html",
        overdue=[d for d in owed if d.overdue],
        due=[d for d in owed if not d.overdue],
        today=today,
        mine=mine is not None and not everyone,
        has_mine=mine is not None,
        can_log=can(current_user, "maintenance.log"),
        **words(),
    )


def _task_in(task_id: int, building_id: int) -> tuple[MaintenanceTask, Building]:
    task = get_or_404(MaintenanceTask, task_id)
    building = get_or_404(Building, building_id)
    if task.removed_at is not None or task.building_id not in (None, building.id):
        abort(404)
    return task, building


def _log_page(task, building, form, status=200):
    site = current_site()
    today = clock.today(site)
    span = rules.period_of(site, task.span, today)
    recent = db.session.scalars(
        tenancy.select(MaintenanceWork)
        .where(MaintenanceWork.task_id == task.id, MaintenanceWork.building_id == building.id)
        .order_by(MaintenanceWork.done_on.desc(), MaintenanceWork.id.desc())
        .limit(5)
    ).all()
    contract = db.session.get(MaintenanceContract, task.contract_id)
    return render_template(
        "maintenance/log.html",
        task=task,
        building=building,
        contract=contract,
        span=span,
        slots=span.slots(task.times),
        form=form,
        recent=recent,
        **words(),
    ), status


@bp.route("/tasks/<int:task_id>/buildings/<int:building_id>/log", methods=["GET", "POST"])
@takes_files
@requires("maintenance.log")
def log(task_id: int, building_id: int):
    site = current_site()
    task, building = _task_in(task_id, building_id)
    if request.method == "GET":
        now = clock.local_now(site)
        contract = db.session.get(MaintenanceContract, task.contract_id)
        form = WorkForm(
            formdata=None,
            done_on=now.date(),
            done_time=now.time().replace(second=0, microsecond=0),
            who=contract.contractor.company,
        )
        return _log_page(task, building, form)
    form = WorkForm()
    photo_key = None
    valid = form.validate()
    if valid:
        try:
            photo_key = save_photo(form.photo)
        except uploads.Refused:
            valid = False
    if not valid:
        return _log_page(task, building, form, 422)
    at = form.done_time.data or clock.local_now(site).time()
    work = tenancy.new(
        MaintenanceWork,
        task_id=task.id,
        building_id=building.id,
        done_on=form.done_on.data,
        done_at=datetime.combine(
            form.done_on.data, time(at.hour, at.minute), tzinfo=clock.zone(site)
        ),
        who=form.who.data,
        note=form.note.data or "",
        photo_key=photo_key,
        logged_by_id=current_user.id,
        logged_at=clock.now(),
    )
    db.session.flush()
    audit.record("maintenance.work_logged", work, detail={"task": task.id, "building": building.id})
    db.session.commit()
    flash(
        _("%(task)s in %(building)s is logged.", task=task_name(task), building=building.code),
        "success",
    )
    return redirect(url_for("maintenance.show_work", work_id=work.id), code=303)


def _work_page(work, form=None, status=200):
    return render_template(
        "maintenance/work.html",
        work=work,
        form=form or CheckForm(formdata=None, result=work.check_result or "accepted"),
        can_check=can(current_user, "maintenance.log"),
        **words(),
    ), status


@bp.route("/work/<int:work_id>")
@requires("maintenance.view")
def show_work(work_id: int):
    return _work_page(get_or_404(MaintenanceWork, work_id))


@bp.route("/work/<int:work_id>/check", methods=["POST"])
@requires("maintenance.log")
def check(work_id: int):
    work = get_or_404(MaintenanceWork, work_id)
    form = CheckForm()
    if not form.validate():
        return _work_page(work, form, 422)
    work.check_result = form.result.data
    work.check_note = form.note.data or ""
    work.checked_by_id = current_user.id
    work.checked_at = clock.now()
    audit.record("maintenance.work_checked", work, detail={"result": work.check_result})
    db.session.commit()
    flash(_("Your check is saved."), "success")
    return redirect(url_for("maintenance.show_work", work_id=work.id), code=303)


@bp.route("/work/<int:work_id>/photo")
@requires("maintenance.view")
def work_photo(work_id: int):
    work = get_or_404(MaintenanceWork, work_id)
    if not work.photo_key:
        abort(404)
    return uploads.send(work.photo_key)


@bp.route("/work")
@requires("maintenance.view")
def work_log():
    site = current_site()
    month = request.args.get("month") or clock.this_month(site)
    error = None
    try:
        first, last = rules.month_span(month)
    except ValueError:
        error = _("Choose a month.")
        month = clock.this_month(site)
        first, last = rules.month_span(month)
    rows = db.session.scalars(
        tenancy.select(MaintenanceWork)
        .where(MaintenanceWork.done_on >= first, MaintenanceWork.done_on <= last)
        .options(
            sa.orm.joinedload(MaintenanceWork.task), sa.orm.joinedload(MaintenanceWork.building)
        )
        .order_by(MaintenanceWork.done_on.desc(), MaintenanceWork.id.desc())
        .limit(LOG_ON_PAGE)
    ).all()
    return render_template(
        "maintenance/work_log.html", rows=rows, month=month, error=error, **words()
    ), (422 if error else 200)


@bp.route("/units/<int:unit_id>/panel")
@requires("maintenance.view")
def unit_panel(unit_id: int):
    site = current_site()
    unit = get_or_404(Unit, unit_id)
    owed = rules.due_list(site, clock.today(site), {unit.building_id})
    return render_template(
        "maintenance/_panel.html",
        owed=owed,
        unit=unit,
        can_log=can(current_user, "maintenance.log"),
        **words(),
    )
