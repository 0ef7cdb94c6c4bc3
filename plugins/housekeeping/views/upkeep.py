"""The deep-cleaning schedule (carpets, curtains, furniture on a cycle, what is due this
week) and uniforms issued to staff and returned."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import and_, func
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from core import audit, clock, tenancy
from core.extensions import db
from core.models import Building, Unit
from core.security import requires
from core.tenancy import current_site
from plugins.housekeeping.forms import CycleForm, DeepCleanForm, UniformForm, UniformReturnForm
from plugins.housekeeping.labels import DEEP_CLEAN_LABELS, UNIFORM_CONDITION_LABELS
from plugins.housekeeping.models import (
    HousekeepingCleaningCycle,
    HousekeepingDeepClean,
    HousekeepingUniformIssue,
)
from plugins.housekeeping.rules import next_due, week_end
from plugins.housekeeping.views import bp
from plugins.housekeeping.views.common import members, render

SHOWN = 200  # rooms due listed at most; the count says how many there are


def due_this_week() -> tuple[list[tuple], int]:
    """``(unit id, number, floor, kind, due on)`` of every room whose deep cleaning of a
    kind falls due by Sunday, oldest first (at most ``SHOWN``), and how many there are."""
    site = current_site()
    cycles = list(db.session.scalars(tenancy.select(HousekeepingCleaningCycle)))
    if not cycles:
        return [], 0
    last = (
        tenancy.select(
            HousekeepingDeepClean,
            HousekeepingDeepClean.unit_id,
            HousekeepingDeepClean.kind,
            func.max(HousekeepingDeepClean.done_on).label("done_on"),
        )
        .group_by(HousekeepingDeepClean.unit_id, HousekeepingDeepClean.kind)
        .subquery()
    )
    by = clock.today(site)
    until = week_end(by)
    due = []
    for cycle in cycles:
        rows = db.session.execute(
            tenancy.select(Unit, Unit.id, Unit.number, Unit.floor, last.c.done_on)
            .join(Building, Building.id == Unit.building_id)
            .outerjoin(last, and_(last.c.unit_id == Unit.id, last.c.kind == cycle.kind))
            .where(
                Unit.archived_at.is_(None),
                Building.archived_at.is_(None),
            )
        )
        for unit_id, number, floor, done_on in rows:
            when = next_due(done_on, cycle.starts_on, cycle.every_days)
            if when <= until:
                due.append((unit_id, number, floor, cycle.kind, when))
    due.sort(key=lambda d: (d[4], d[2], d[1]))
    return due[:SHOWN], len(due)


def _deep_page(status: int = 200, cycle_form=None):
    cycles = {c.kind: c for c in db.session.scalars(tenancy.select(HousekeepingCleaningCycle))}
    due, total = due_this_week()
    return render(
        "housekeeping/deep_cleaning.html",
        status,
        cycles=cycles,
        due=due,
        total=total,
        shown=SHOWN,
        week_ends=week_end(clock.today(current_site())),
        kinds=DEEP_CLEAN_LABELS,
        cycle_form=cycle_form or CycleForm(formdata=None, starts_on=clock.today(current_site())),
    )


@bp.route("/deep-cleaning")
@requires("housekeeping.view")
def deep_cleaning():
    return _deep_page()


@bp.route("/deep-cleaning/cycles", methods=["POST"])
@requires("housekeeping.assign")
def set_cycle():
    form = CycleForm()
    if not form.validate_on_submit():
        return _deep_page(422, cycle_form=form)
    cycle = db.session.scalar(
        tenancy.select(HousekeepingCleaningCycle).where(
            HousekeepingCleaningCycle.kind == form.kind.data
        )
    )
    if cycle is None:
        cycle = tenancy.new(HousekeepingCleaningCycle, kind=form.kind.data)
    cycle.every_days, cycle.starts_on = form.every_days.data, form.starts_on.data
    db.session.flush()
    audit.record(
        "housekeeping.cycle_set",
        cycle,
        detail={"kind": cycle.kind, "every_days": cycle.every_days},
    )
    db.session.commit()
    flash(_("The cycle is saved."), "success")
    return redirect(url_for("housekeeping.deep_cleaning"), code=303)


@bp.route("/deep-cleaning/done", methods=["POST"])
@requires("housekeeping.clean")
def deep_cleaned():
    form = DeepCleanForm()
    if not form.validate_on_submit():
        flash(_("Choose a room and a kind of deep cleaning."), "error")
        return _deep_page(422)
    unit = tenancy.get_or_404(Unit, form.unit_id.data)
    done = tenancy.new(
        HousekeepingDeepClean,
        unit_id=unit.id,
        kind=form.kind.data,
        done_on=clock.today(current_site()),
        by_id=current_user.id,
    )
    db.session.flush()
    audit.record("housekeeping.deep_cleaned", done, detail={"room": unit.number, "kind": done.kind})
    db.session.commit()
    flash(
        _(
            "Room %(number)s: %(kind)s done.",
            number=unit.number,
            kind=DEEP_CLEAN_LABELS[done.kind],
        ),
        "success",
    )
    return redirect(url_for("housekeeping.deep_cleaning"), code=303)


# --- Uniforms ------------------------------------------------------------------------------


def _uniform_page(status: int = 200, form=None):
    staff = members()
    form = form or UniformForm(formdata=None)
    form.holder_id.choices = [SelectChoice(u.id, u.display_name) for u in staff]
    issues = db.session.scalars(
        tenancy.select(HousekeepingUniformIssue)
        .options(selectinload(HousekeepingUniformIssue.holder))
        .order_by(
            HousekeepingUniformIssue.returned_on.is_not(None),
            HousekeepingUniformIssue.issued_on.desc(),
            HousekeepingUniformIssue.id.desc(),
        )
        .limit(200)
    ).all()
    return render(
        "housekeeping/uniforms.html",
        status,
        form=form,
        issues=issues,
        return_form=UniformReturnForm(formdata=None),
        conditions=UNIFORM_CONDITION_LABELS,
    )


@bp.route("/uniforms")
@requires("housekeeping.linen")
def uniforms():
    return _uniform_page()


@bp.route("/uniforms", methods=["POST"])
@requires("housekeeping.linen")
def issue_uniform():
    form = UniformForm()
    form.holder_id.choices = [SelectChoice(u.id, u.display_name) for u in members()]
    if not form.validate_on_submit():
        return _uniform_page(422, form)
    issued = tenancy.new(
        HousekeepingUniformIssue,
        holder_id=form.holder_id.data,
        item=form.item.data.strip(),
        size=form.size.data,
        quantity=form.quantity.data,
        condition_out=form.condition_out.data,
        issued_on=clock.today(current_site()),
        by_id=current_user.id,
    )
    db.session.flush()
    audit.record(
        "housekeeping.uniform_issued",
        issued,
        detail={"item": issued.item, "size": issued.size, "to": issued.holder_id},
    )
    db.session.commit()
    flash(_("%(item)s issued.", item=issued.item), "success")
    return redirect(url_for("housekeeping.uniforms"), code=303)


@bp.route("/uniforms/<int:uniform_id>/return", methods=["POST"])
@requires("housekeeping.linen")
def return_uniform(uniform_id: int):
    issued = tenancy.get_or_404(HousekeepingUniformIssue, uniform_id)
    form = UniformReturnForm()
    if not form.validate_on_submit():
        flash(_("Choose the condition it came back in."), "error")
        return _uniform_page(422)
    if issued.returned_on is None:
        issued.returned_on = clock.today(current_site())
        issued.condition_in = form.condition_in.data
        audit.record(
            "housekeeping.uniform_returned",
            issued,
            detail={"item": issued.item, "condition": issued.condition_in},
        )
        db.session.commit()
    flash(_("%(item)s returned.", item=issued.item), "success")
    return redirect(url_for("housekeeping.uniforms"), code=303)
