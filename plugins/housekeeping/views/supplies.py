"""Cleaning and guest supplies: stock, what goes to the floors, the weekly requisition
(drafted from last week's consumption and the par, approved, received into stock), and
the inventory of cleaning machines."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from core import audit, clock, tenancy
from core.extensions import db
from core.security import requires
from core.tenancy import current_site
from plugins.housekeeping.forms import MachineCheckForm, MachineForm, SupplyForm, SupplyUseForm
from plugins.housekeeping.labels import (
    MACHINE_CONDITION_LABELS,
    REQUISITION_LABELS,
    SUPPLY_KIND_LABELS,
)
from plugins.housekeeping.models import (
    HousekeepingMachine,
    HousekeepingRequisition,
    HousekeepingRequisitionLine,
    HousekeepingSupply,
    HousekeepingSupplyUse,
)
from plugins.housekeeping.rules import to_order, week_start
from plugins.housekeeping.views import bp
from plugins.housekeeping.views.common import render


def _supplies() -> list[HousekeepingSupply]:
    return list(
        db.session.scalars(
            tenancy.select(HousekeepingSupply).order_by(
                HousekeepingSupply.kind, HousekeepingSupply.name
            )
        )
    )


def used_last_week() -> dict[int, int]:
    """Each supply's consumption over the seven days before today."""
    today = clock.today(current_site())
    return dict(
        db.session.execute(
            tenancy.select(
                HousekeepingSupplyUse,
                HousekeepingSupplyUse.supply_id,
                func.sum(HousekeepingSupplyUse.quantity),
            )
            .where(
                HousekeepingSupplyUse.used_on >= today - timedelta(days=7),
                HousekeepingSupplyUse.used_on < today,
            )
            .group_by(HousekeepingSupplyUse.supply_id)
        ).all()
    )


def _page(status: int = 200, supply_form=None, use_form=None, machine_form=None):
    supplies = _supplies()
    use_form = use_form or SupplyUseForm(formdata=None)
    use_form.supply_id.choices = [SelectChoice(s.id, s.name) for s in supplies]
    requisitions = db.session.scalars(
        tenancy.select(HousekeepingRequisition)
        .order_by(HousekeepingRequisition.week_of.desc())
        .limit(8)
    ).all()
    machine_form = machine_form or MachineForm(formdata=None)
    for field in machine_form:  # the supply form on the same page has a "name" too
        field.id = f"machine-{field.name}"
    machines = db.session.scalars(
        tenancy.select(HousekeepingMachine).order_by(HousekeepingMachine.code)
    ).all()
    return render(
        "housekeeping/supplies.html",
        status,
        supplies=supplies,
        used=used_last_week(),
        kinds=SUPPLY_KIND_LABELS,
        supply_form=supply_form or SupplyForm(formdata=None),
        use_form=use_form,
        requisitions=requisitions,
        requisition_labels=REQUISITION_LABELS,
        machines=machines,
        machine_form=machine_form,
        machine_labels=MACHINE_CONDITION_LABELS,
        this_week=week_start(clock.today(current_site())),
    )


@bp.route("/supplies")
@requires("housekeeping.linen")
def supplies():
    return _page()


@bp.route("/supplies", methods=["POST"])
@requires("housekeeping.linen_manage")
def add_supply():
    form = SupplyForm()
    if form.validate_on_submit():
        name = form.name.data.strip()
        taken = db.session.scalar(
            tenancy.select(HousekeepingSupply).where(HousekeepingSupply.name == name)
        )
        if taken is None:
            supply = tenancy.new(
                HousekeepingSupply,
                name=name,
                kind=form.kind.data,
                in_stock=form.in_stock.data,
                par=form.par.data,
            )
            db.session.flush()
            audit.record("housekeeping.supply_added", supply, detail={"supply": name})
            db.session.commit()
            flash(_("%(item)s is on the list.", item=name), "success")
            return redirect(url_for("housekeeping.supplies"), code=303)
        form.name.errors.append(_("The list already has this item."))
    return _page(422, supply_form=form)


@bp.route("/supplies/use", methods=["POST"])
@requires("housekeeping.linen")
def use_supply():
    form = SupplyUseForm()
    form.supply_id.choices = [SelectChoice(s.id, s.name) for s in _supplies()]
    if not form.validate_on_submit():
        return _page(422, use_form=form)
    supply = tenancy.get_or_404(HousekeepingSupply, form.supply_id.data)
    quantity = form.quantity.data
    problem = None
    if supply.in_stock < quantity:
        problem = _("Only %(count)s in stock.", count=supply.in_stock)
    else:
        try:
            # Relative to what is there; the CHECK refuses a stock below zero.
            db.session.execute(
                update(HousekeepingSupply)
                .where(
                    HousekeepingSupply.id == supply.id,
                    HousekeepingSupply.site_id == current_site().id,
                )
                .values(in_stock=HousekeepingSupply.in_stock - quantity)
                .execution_options(synchronize_session=False)
            )
        except IntegrityError:
            db.session.rollback()
            problem = _("Not enough in stock.")
    if problem:
        form.quantity.errors.append(problem)
        return _page(422, use_form=form)
    use = tenancy.new(
        HousekeepingSupplyUse,
        supply_id=supply.id,
        used_on=clock.today(current_site()),
        quantity=quantity,
        by_id=current_user.id,
    )
    db.session.flush()
    audit.record(
        "housekeeping.supply_used", use, detail={"supply": supply.name, "quantity": quantity}
    )
    db.session.commit()
    flash(
        _("%(item)s: %(count)s taken to the floors.", item=supply.name, count=quantity), "success"
    )
    return redirect(url_for("housekeeping.supplies"), code=303)


# --- The weekly requisition ----------------------------------------------------------------


@bp.route("/requisitions", methods=["POST"])
@requires("housekeeping.linen")
def draft_requisition():
    """This week's requisition, drafted (or drafted again while still a draft)."""
    week = week_start(clock.today(current_site()))
    requisition = db.session.scalar(
        tenancy.select(HousekeepingRequisition).where(HousekeepingRequisition.week_of == week)
    )
    if requisition is not None and requisition.status != "draft":
        flash(_("This week's requisition is already approved."), "error")
        return redirect(url_for("housekeeping.requisition", requisition_id=requisition.id))
    if requisition is None:
        requisition = tenancy.new(HousekeepingRequisition, week_of=week, status="draft")
    requisition.drafted_by_id = current_user.id
    db.session.flush()
    used = used_last_week()
    existing = {line.supply_id: line for line in requisition.lines}
    for supply in _supplies():
        line = existing.get(supply.id) or tenancy.new(
            HousekeepingRequisitionLine, requisition_id=requisition.id, supply_id=supply.id
        )
        line.quantity = to_order(supply.par, supply.in_stock, used.get(supply.id, 0))
    audit.record("housekeeping.requisition_drafted", requisition, detail={"week": str(week)})
    db.session.commit()
    return redirect(url_for("housekeeping.requisition", requisition_id=requisition.id), code=303)


@bp.route("/requisitions/<int:requisition_id>")
@requires("housekeeping.linen")
def requisition(requisition_id: int):
    found = tenancy.get_or_404(HousekeepingRequisition, requisition_id)
    lines = db.session.scalars(
        tenancy.select(HousekeepingRequisitionLine)
        .where(HousekeepingRequisitionLine.requisition_id == found.id)
        .options(selectinload(HousekeepingRequisitionLine.supply))
        .order_by(HousekeepingRequisitionLine.id)
    ).all()
    return render(
        "housekeeping/requisition.html",
        requisition=found,
        lines=lines,
        labels=REQUISITION_LABELS,
        used=used_last_week(),
    )


@bp.route("/requisitions/<int:requisition_id>/approve", methods=["POST"])
@requires("housekeeping.linen_manage")
def approve_requisition(requisition_id: int):
    found = tenancy.get_or_404(HousekeepingRequisition, requisition_id)
    if found.status == "draft":
        found.status = "approved"
        found.approved_by_id = current_user.id
        found.approved_at = clock.now()
        audit.record("housekeeping.requisition_approved", found)
        db.session.commit()
        flash(_("The requisition is approved."), "success")
    return redirect(url_for("housekeeping.requisition", requisition_id=found.id), code=303)


@bp.route("/requisitions/<int:requisition_id>/receive", methods=["POST"])
@requires("housekeeping.linen")
def receive_requisition(requisition_id: int):
    found = tenancy.get_or_404(HousekeepingRequisition, requisition_id)
    if found.status != "approved":
        flash(_("Only an approved requisition can be received."), "error")
        return redirect(url_for("housekeeping.requisition", requisition_id=found.id), code=303)
    for line in found.lines:
        if line.quantity:
            db.session.execute(
                update(HousekeepingSupply)
                .where(
                    HousekeepingSupply.id == line.supply_id,
                    HousekeepingSupply.site_id == found.site_id,
                )
                .values(in_stock=HousekeepingSupply.in_stock + line.quantity)
                .execution_options(synchronize_session=False)
            )
    found.status = "received"
    found.received_at = clock.now()
    audit.record("housekeeping.requisition_received", found)
    db.session.commit()
    flash(_("The supplies are received into stock."), "success")
    return redirect(url_for("housekeeping.requisition", requisition_id=found.id), code=303)


# --- Machines ------------------------------------------------------------------------------


@bp.route("/machines", methods=["POST"])
@requires("housekeeping.linen_manage")
def add_machine():
    form = MachineForm()
    if form.validate_on_submit():
        code = form.code.data.strip()
        taken = db.session.scalar(
            tenancy.select(HousekeepingMachine).where(HousekeepingMachine.code == code)
        )
        if taken is None:
            machine = tenancy.new(
                HousekeepingMachine,
                code=code,
                name=form.name.data.strip(),
                location=(form.location.data or "").strip(),
                condition="working",
                checked_on=clock.today(current_site()),
            )
            db.session.flush()
            audit.record("housekeeping.machine_added", machine, detail={"machine": code})
            db.session.commit()
            flash(_("Machine %(code)s is in the inventory.", code=code), "success")
            return redirect(url_for("housekeeping.supplies"), code=303)
        form.code.errors.append(_("The inventory already has this number."))
    return _page(422, machine_form=form)


@bp.route("/machines/<int:machine_id>", methods=["POST"])
@requires("housekeeping.linen")
def check_machine(machine_id: int):
    machine = tenancy.get_or_404(HousekeepingMachine, machine_id)
    form = MachineCheckForm()
    if not form.validate_on_submit():
        flash(_("Choose the machine's condition."), "error")
        return _page(422)
    machine.condition = form.condition.data
    machine.checked_on = clock.today(current_site())
    audit.record("housekeeping.machine_checked", machine, detail={"condition": machine.condition})
    db.session.commit()
    flash(_("Machine %(code)s checked.", code=machine.code), "success")
    return redirect(url_for("housekeeping.supplies"), code=303)
