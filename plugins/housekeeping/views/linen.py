"""Linen: items and where their pieces are, par levels per room type, movements, and the
monthly stocktake with the linen room. Stock never goes below zero: the form says so, and
the CHECK constraints refuse it even if two movements race."""

from __future__ import annotations

from collections import defaultdict

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from wtforms.fields.choices import SelectChoice

from core import audit, clock, tenancy
from core.extensions import db
from core.models import Unit
from core.security import requires
from core.tenancy import current_site
from plugins.housekeeping.forms import LinenItemForm, MovementForm, ParForm, StocktakeForm
from plugins.housekeeping.labels import LINEN_MOVE_LABELS
from plugins.housekeeping.models import (
    LINEN_EFFECTS,
    HousekeepingLinenItem,
    HousekeepingLinenMovement,
    HousekeepingLinenPar,
    HousekeepingStocktake,
)
from plugins.housekeeping.views import bp
from plugins.housekeeping.views.common import render

PLACES = {
    "in_store": _l("in the linen room"),
    "on_floors": _l("on the floors"),
    "in_laundry": _l("at the laundry"),
}


def _items() -> list[HousekeepingLinenItem]:
    return list(
        db.session.scalars(
            tenancy.select(HousekeepingLinenItem).order_by(HousekeepingLinenItem.name)
        )
    )


def _room_types() -> dict[str, int]:
    """Each room type of the site and how many rooms have it."""
    return dict(
        db.session.execute(
            tenancy.select(Unit, Unit.room_type, func.count(Unit.id))
            .where(Unit.archived_at.is_(None), Unit.room_type != "")
            .group_by(Unit.room_type)
            .order_by(Unit.room_type)
        ).all()
    )


def period_now() -> str:
    return clock.today(current_site()).strftime("%Y-%m")


def _page(status: int = 200, item_form=None, movement_form=None):
    items = _items()
    pars: dict[int, dict[str, int]] = defaultdict(dict)
    for par in db.session.scalars(tenancy.select(HousekeepingLinenPar)):
        pars[par.item_id][par.room_type] = par.par
    types = _room_types()
    # What one full set of the hotel's rooms needs, from each type's par and its rooms.
    needed = {item.id: sum(types.get(t, 0) * n for t, n in pars[item.id].items()) for item in items}
    period = period_now()
    counted = {
        take.item_id: take
        for take in db.session.scalars(
            tenancy.select(HousekeepingStocktake).where(HousekeepingStocktake.period == period)
        )
    }
    movement_form = movement_form or MovementForm(formdata=None)
    movement_form.item_id.choices = [SelectChoice(i.id, i.name) for i in items]
    moves = db.session.scalars(
        tenancy.select(HousekeepingLinenMovement)
        .order_by(HousekeepingLinenMovement.moved_at.desc(), HousekeepingLinenMovement.id.desc())
        .limit(15)
    ).all()
    names = {item.id: item.name for item in items}
    return render(
        "housekeeping/linen.html",
        status,
        items=items,
        pars=pars,
        needed=needed,
        room_types=list(types),
        period=period,
        counted=counted,
        item_form=item_form or LinenItemForm(formdata=None),
        movement_form=movement_form,
        moves=moves,
        names=names,
        move_labels=LINEN_MOVE_LABELS,
    )


@bp.route("/linen")
@requires("housekeeping.linen")
def linen():
    return _page()


@bp.route("/linen", methods=["POST"])
@requires("housekeeping.linen_manage")
def add_linen():
    form = LinenItemForm()
    if form.validate_on_submit():
        name = form.name.data.strip()
        taken = db.session.scalar(
            tenancy.select(HousekeepingLinenItem).where(HousekeepingLinenItem.name == name)
        )
        if taken is None:
            item = tenancy.new(HousekeepingLinenItem, name=name, in_store=form.in_store.data)
            db.session.flush()
            audit.record(
                "housekeeping.linen_added", item, detail={"item": name, "in_store": item.in_store}
            )
            db.session.commit()
            flash(_("%(item)s is on the list.", item=name), "success")
            return redirect(url_for("housekeeping.linen"), code=303)
        form.name.errors.append(_("The list already has this item."))
    return _page(422, item_form=form)


def _shortfall(item: HousekeepingLinenItem, kind: str, quantity: int) -> str | None:
    """Why ``quantity`` pieces cannot move out of where they are, or None."""
    for column, sign in LINEN_EFFECTS[kind]:
        have = getattr(item, column)
        if sign < 0 and have < quantity:
            return _(
                "Only %(count)s pieces are %(place)s.",
                count=have,
                place=PLACES[column],
            )
    return None


@bp.route("/linen/movements", methods=["POST"])
@requires("housekeeping.linen")
def move_linen():
    form = MovementForm()
    form.item_id.choices = [SelectChoice(i.id, i.name) for i in _items()]
    if not form.validate_on_submit():
        return _page(422, movement_form=form)
    item = tenancy.get_or_404(HousekeepingLinenItem, form.item_id.data)
    kind, quantity = form.kind.data, form.quantity.data
    problem = _shortfall(item, kind, quantity)
    if problem is None:
        # One UPDATE, relative to what is there: a movement saved meanwhile is not lost,
        # and the CHECKs refuse a count below zero.
        values = {
            column: getattr(HousekeepingLinenItem, column) + sign * quantity
            for column, sign in LINEN_EFFECTS[kind]
        }
        try:
            db.session.execute(
                update(HousekeepingLinenItem)
                .where(
                    HousekeepingLinenItem.id == item.id,
                    HousekeepingLinenItem.site_id == current_site().id,
                )
                .values(values)
                .execution_options(synchronize_session=False)
            )
        except IntegrityError:
            db.session.rollback()
            item = tenancy.get_or_404(HousekeepingLinenItem, form.item_id.data)
            problem = _shortfall(item, kind, quantity) or _("Not enough pieces.")
    if problem:
        form.quantity.errors.append(problem)
        return _page(422, movement_form=form)
    movement = tenancy.new(
        HousekeepingLinenMovement,
        item_id=item.id,
        kind=kind,
        quantity=quantity,
        moved_at=clock.now(),
        by_id=current_user.id,
        note=(form.note.data or "").strip(),
    )
    db.session.flush()
    audit.record(
        "housekeeping.linen_moved",
        movement,
        detail={"item": item.name, "kind": kind, "quantity": quantity},
    )
    db.session.commit()
    flash(
        _(
            "%(item)s: %(movement)s, %(count)s pieces.",
            item=item.name,
            count=quantity,
            movement=LINEN_MOVE_LABELS[kind],
        ),
        "success",
    )
    return redirect(url_for("housekeeping.linen"), code=303)


def _stocktake_page(item, form, status=200, done=None):
    return render(
        "housekeeping/stocktake.html",
        status,
        item=item,
        form=form,
        period=period_now(),
        done=done,
    )


@bp.route("/linen/<int:item_id>/stocktake", methods=["GET", "POST"])
@requires("housekeeping.linen")
def stocktake(item_id: int):
    item = tenancy.get_or_404(HousekeepingLinenItem, item_id)
    period = period_now()
    done = db.session.scalar(
        tenancy.select(HousekeepingStocktake).where(
            HousekeepingStocktake.item_id == item.id, HousekeepingStocktake.period == period
        )
    )
    form = StocktakeForm()
    if not form.validate_on_submit():
        if not form.is_submitted():
            form = StocktakeForm(formdata=None)
        return _stocktake_page(item, form, 422 if form.is_submitted() else 200, done)
    counts = (form.counted_store.data, form.counted_floors.data, form.counted_laundry.data)
    reason = (form.reason.data or "").strip()
    expected = item.total
    if sum(counts) != expected and not reason:
        form.reason.errors.append(_("The count differs from the books: say why."))
        return _stocktake_page(item, form, 422, done)
    if done is None:
        done = tenancy.new(HousekeepingStocktake, item_id=item.id, period=period)
    # A second count of the month replaces the first; the books before it are kept.
    else:
        expected = done.expected
    done.expected = expected
    done.counted_store, done.counted_floors, done.counted_laundry = counts
    done.reason = reason
    done.counted_at = clock.now()
    done.by_id = current_user.id
    item.in_store, item.on_floors, item.in_laundry = counts
    db.session.flush()
    audit.record(
        "housekeeping.stocktake",
        done,
        detail={
            "item": item.name,
            "period": period,
            "expected": expected,
            "counted": sum(counts),
            "reason": reason,
        },
    )
    db.session.commit()
    flash(
        _(
            "%(item)s counted: %(counted)s against %(expected)s expected.",
            item=item.name,
            counted=sum(counts),
            expected=expected,
        ),
        "success",
    )
    return redirect(url_for("housekeeping.linen"), code=303)


@bp.route("/linen/<int:item_id>/par", methods=["POST"])
@requires("housekeeping.linen_manage")
def linen_par(item_id: int):
    item = tenancy.get_or_404(HousekeepingLinenItem, item_id)
    form = ParForm()
    form.room_type.choices = [SelectChoice(t, t) for t in _room_types()]
    if not form.validate_on_submit():
        flash(_("Choose a room type and give a par level from 0 to 100."), "error")
        return _page(422)
    par = db.session.scalar(
        tenancy.select(HousekeepingLinenPar).where(
            HousekeepingLinenPar.item_id == item.id,
            HousekeepingLinenPar.room_type == form.room_type.data,
        )
    )
    if par is None:
        par = tenancy.new(HousekeepingLinenPar, item_id=item.id, room_type=form.room_type.data)
    par.par = form.par.data
    db.session.flush()
    audit.record(
        "housekeeping.linen_par",
        par,
        detail={"item": item.name, "room_type": par.room_type, "par": par.par},
    )
    db.session.commit()
    flash(_("Par level saved."), "success")
    return redirect(url_for("housekeeping.linen"), code=303)
