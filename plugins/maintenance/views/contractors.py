"""Contractors (外委單位), their contracts with a scan of the signed copy, each contract's
plan (the frequency of each task), what was missed or late against it, and the copy of
the plan for next year."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from core import audit, clock, money, tenancy, uploads
from core.charts import Chart, Series
from core.extensions import db
from core.formdata import takes_files
from core.security import can, requires
from core.tenancy import current_site, get_or_404
from plugins.maintenance import rules
from plugins.maintenance.forms import ChangeTaskForm, ContractForm, ContractorForm, TaskForm
from plugins.maintenance.labels import SERVICE_LABELS, task_name
from plugins.maintenance.models import (
    MaintenanceContract,
    MaintenanceContractor,
    MaintenanceTask,
)
from plugins.maintenance.views.base import bp, save_photo, words


def _contractors_page(form=None, status=200):
    rows = db.session.scalars(
        tenancy.select(MaintenanceContractor)
        .where(MaintenanceContractor.archived_at.is_(None))
        .order_by(MaintenanceContractor.company)
    ).all()
    return render_template(
        "maintenance/contractors.html",
        rows=rows,
        form=form or ContractorForm(formdata=None),
        can_manage=can(current_user, "maintenance.manage"),
        **words(),
    ), status


@bp.route("/contractors")
@requires("maintenance.view")
def contractors():
    return _contractors_page()


@bp.route("/contractors", methods=["POST"])
@requires("maintenance.manage")
def add_contractor():
    form = ContractorForm()
    if form.validate():
        taken = db.session.scalar(
            tenancy.select(MaintenanceContractor, MaintenanceContractor.id).where(
                MaintenanceContractor.company == form.company.data
            )
        )
        if taken:
            form.company.errors.append(_("This company is in the register already."))
    if form.errors:
        return _contractors_page(form, 422)
    row = tenancy.new(
        MaintenanceContractor,
        company=form.company.data,
        services=list(form.services.data),
        contact_name=form.contact_name.data or "",
        phone=form.phone.data or "",
        email=form.email.data or "",
        notes=form.notes.data or "",
    )
    db.session.flush()
    audit.record("maintenance.contractor_added", row)
    db.session.commit()
    flash(_("%(company)s is in the register.", company=row.company), "success")
    return redirect(url_for("maintenance.contractor", contractor_id=row.id), code=303)


@bp.route("/contractors/<int:contractor_id>", methods=["POST"])
@requires("maintenance.manage")
def edit_contractor(contractor_id: int):
    row = get_or_404(MaintenanceContractor, contractor_id)
    form = ContractorForm()
    if form.validate() and form.company.data != row.company:
        taken = db.session.scalar(
            tenancy.select(MaintenanceContractor, MaintenanceContractor.id).where(
                MaintenanceContractor.company == form.company.data
            )
        )
        if taken:
            form.company.errors.append(_("This company is in the register already."))
    if form.errors:
        return _contractor_page(row, edit_form=form, status=422)
    before = {"company": row.company, "services": row.services}
    row.company, row.services = form.company.data, list(form.services.data)
    row.contact_name, row.phone = form.contact_name.data or "", form.phone.data or ""
    row.email, row.notes = form.email.data or "", form.notes.data or ""
    audit.record("maintenance.contractor_changed", row, detail={"before": before})
    db.session.commit()
    flash(_("The contractor's details are saved."), "success")
    return redirect(url_for("maintenance.contractor", contractor_id=row.id), code=303)


@bp.route("/contractors/<int:contractor_id>/archive", methods=["POST"])
@requires("maintenance.manage")
def archive_contractor(contractor_id: int):
    row = get_or_404(MaintenanceContractor, contractor_id)
    if row.archived_at is None:  # a second tap changes nothing
        row.archived_at = clock.now()
        audit.record("maintenance.contractor_archived", row)
        db.session.commit()
    flash(
        _(
            "%(company)s is off the register; its contracts and scores are kept.",
            company=row.company,
        ),
        "success",
    )
    return redirect(url_for("maintenance.contractors"), code=303)


def history_chart(site, scored, limit: int) -> Chart | None:
    """The contractor's scores month by month, one line per service, with the threshold."""
    if not scored:
        return None
    months = sorted({e.month for e in scored})[-12:]
    services = sorted({e.service for e in scored})
    by_key = {(e.service, e.month): e.score for e in scored}
    series = [
        Series(str(SERVICE_LABELS[s]), tuple(by_key.get((s, m)) for m in months)) for s in services
    ]
    series.append(Series(_("Threshold"), tuple(limit for _m in months)))
    return Chart("line", _("Scores by month"), tuple(months), tuple(series))


def _contractor_page(contractor, form=None, edit_form=None, status=200):
    site = current_site()
    contracts = db.session.scalars(
        tenancy.select(MaintenanceContract)
        .where(MaintenanceContract.contractor_id == contractor.id)
        .order_by(MaintenanceContract.starts_on.desc())
    ).all()
    scored = rules.history(site, contractor.id)
    limit = rules.threshold(site)
    return render_template(
        "maintenance/contractor.html",
        contractor=contractor,
        contracts=contracts,
        scored=list(reversed(scored)),
        warned=rules.warnings(scored, limit),
        threshold=limit,
        figure=history_chart(site, scored, limit),
        form=form or ContractForm(formdata=None),
        edit_form=edit_form or ContractorForm(formdata=None, obj=contractor),
        can_manage=can(current_user, "maintenance.manage"),
        show_money=money.formatter(site.currency),
        **words(),
    ), status


@bp.route("/contractors/<int:contractor_id>")
@requires("maintenance.view")
def contractor(contractor_id: int):
    return _contractor_page(get_or_404(MaintenanceContractor, contractor_id))


@bp.route("/contractors/<int:contractor_id>/contracts", methods=["POST"])
@takes_files
@requires("maintenance.manage")
def add_contract(contractor_id: int):
    site = current_site()
    row = get_or_404(MaintenanceContractor, contractor_id)
    form = ContractForm()
    valid = form.validate()
    key = None
    if valid:
        try:
            key = save_photo(form.document)
        except uploads.Refused:
            valid = False
    if not valid:
        return _contractor_page(row, form, status=422)
    contract = tenancy.new(
        MaintenanceContract,
        contractor_id=row.id,
        title=form.title.data,
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        value_minor=getattr(form.value, "minor", 0),  # left empty: no value given
        document_key=key,
    )
    db.session.flush()
    added = rules.add_default_plan(site, contract, row.services) if form.default_plan.data else 0
    audit.record("maintenance.contract_added", contract, detail={"tasks": added})
    db.session.commit()
    flash(_("The contract is saved."), "success")
    return redirect(url_for("maintenance.contract", contract_id=contract.id), code=303)


def _building_choices() -> list[SelectChoice]:
    site = current_site()
    return [SelectChoice(0, _("Every building"))] + [
        SelectChoice(b.id, f"{b.code} {b.name}") for b in rules.buildings(site)
    ]


def _contract_page(contract, task_form=None, change=None, status=200):
    site = current_site()
    today = clock.today(site)
    tasks = db.session.scalars(
        tenancy.select(MaintenanceTask)
        .where(MaintenanceTask.contract_id == contract.id, MaintenanceTask.removed_at.is_(None))
        .order_by(MaintenanceTask.service, MaintenanceTask.id)
    ).all()
    if task_form is None:
        task_form = TaskForm(formdata=None)
    task_form.building_id.choices = _building_choices()
    return render_template(
        "maintenance/contract.html",
        contract=contract,
        tasks=tasks,
        tally=rules.against_contract(site, contract, today),
        task_form=task_form,
        change=change,
        copy=rules.copied_already(site, contract),
        can_manage=can(current_user, "maintenance.manage"),
        show_money=money.formatter(site.currency),
        **words(),
    ), status


@bp.route("/contracts/<int:contract_id>")
@requires("maintenance.view")
def contract(contract_id: int):
    return _contract_page(get_or_404(MaintenanceContract, contract_id))


@bp.route("/contracts/<int:contract_id>/document")
@requires("maintenance.view")
def contract_document(contract_id: int):
    row = get_or_404(MaintenanceContract, contract_id)
    if not row.document_key:
        abort(404)
    return uploads.send(row.document_key)


@bp.route("/contracts/<int:contract_id>/tasks", methods=["POST"])
@requires("maintenance.manage")
def add_task(contract_id: int):
    row = get_or_404(MaintenanceContract, contract_id)
    form = TaskForm()
    form.building_id.choices = _building_choices()
    if not form.validate():
        return _contract_page(row, task_form=form, status=422)
    task = tenancy.new(
        MaintenanceTask,
        contract_id=row.id,
        name=form.name.data,
        service=form.service.data,
        span=form.span.data,
        times=form.times.data,
        building_id=form.building_id.data or None,
    )
    db.session.flush()
    audit.record("maintenance.task_added", task, detail={"contract": row.id})
    db.session.commit()
    flash(_("%(task)s is in the plan.", task=task.name), "success")
    return redirect(url_for("maintenance.contract", contract_id=row.id), code=303)


def _task(task_id: int) -> MaintenanceTask:
    task = get_or_404(MaintenanceTask, task_id)
    if task.removed_at is not None:
        abort(404)
    return task


@bp.route("/tasks/<int:task_id>/change", methods=["POST"])
@requires("maintenance.manage")
def change_task(task_id: int):
    task = _task(task_id)
    form = ChangeTaskForm()
    if not form.validate():
        contract = db.session.get(MaintenanceContract, task.contract_id)
        return _contract_page(contract, change=(task.id, form), status=422)
    task.times, task.span = form.times.data, form.span.data
    audit.record("maintenance.task_changed", task, detail={"times": task.times, "span": task.span})
    db.session.commit()
    flash(_("%(task)s is changed.", task=task_name(task)), "success")
    return redirect(url_for("maintenance.contract", contract_id=task.contract_id), code=303)


@bp.route("/tasks/<int:task_id>/remove", methods=["POST"])
@requires("maintenance.manage")
def remove_task(task_id: int):
    task = get_or_404(MaintenanceTask, task_id)
    if task.removed_at is None:  # a second tap (or a resent form) changes nothing
        task.removed_at = clock.now()
        audit.record("maintenance.task_removed", task)
        db.session.commit()
    flash(_("%(task)s is taken off the plan.", task=task_name(task)), "success")
    return redirect(url_for("maintenance.contract", contract_id=task.contract_id), code=303)


@bp.route("/contracts/<int:contract_id>/copy", methods=["POST"])
@requires("maintenance.manage")
def copy_contract(contract_id: int):
    site = current_site()
    row = get_or_404(MaintenanceContract, contract_id)
    copy = rules.copied_already(site, row)
    if copy is None:
        copy = rules.copy_for_next_year(site, row)
        audit.record("maintenance.plan_copied", copy, detail={"from": row.id})
        db.session.commit()
        flash(_("Next year's plan is copied: change what the new contract changes."), "success")
    return redirect(url_for("maintenance.contract", contract_id=copy.id), code=303)
