"""Engineering work orders from a room or a public area, and rush rooms.

A work order is housekeeping's own (docs/decisions.md says why): reported with a photo
and a priority, it may take its room out of order, and the room comes back as vacant
dirty only when the order is closed with engineering's repair.
"""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import case
from sqlalchemy.orm import selectinload

from core import audit, clock, tenancy, uploads
from core.extensions import db
from core.formdata import takes_files
from core.models import Unit
from core.security import requires
from core.tenancy import current_site
from plugins.housekeeping.forms import CloseOrderForm, WorkOrderForm
from plugins.housekeeping.labels import PRIORITY_LABELS
from plugins.housekeeping.models import PRIORITIES, HousekeepingBlock, HousekeepingWorkOrder
from plugins.housekeeping.rules import CLEANED, OCCUPIED
from plugins.housekeeping.views import bp
from plugins.housekeeping.views.common import (
    change_status,
    keep_photo,
    render,
    room_for_write,
    room_of,
    send_photo,
)
from plugins.housekeeping.views.rooms import lift_block

NAME = "housekeeping"
PAGE = 50


def room_by_number(number: str) -> tuple[Unit | None, str | None]:
    """The site's room numbered ``number``, or why there is none to take."""
    units = db.session.scalars(
        tenancy.select(Unit)
        .where(Unit.number == number.strip(), Unit.archived_at.is_(None))
        .limit(2)
    ).all()
    if not units:
        return None, _("There is no room %(number)s.", number=number.strip())
    if len(units) > 1:
        return None, _(
            "Several rooms are numbered %(number)s: report it from the room's page.",
            number=number.strip(),
        )
    return units[0], None


def _orders(state: str) -> list[HousekeepingWorkOrder]:
    """The open orders, the urgent first and then the oldest; or the last closed."""
    query = tenancy.select(HousekeepingWorkOrder).options(
        selectinload(HousekeepingWorkOrder.unit), selectinload(HousekeepingWorkOrder.reported_by)
    )
    if state == "closed":
        query = query.where(HousekeepingWorkOrder.closed_at.is_not(None)).order_by(
            HousekeepingWorkOrder.closed_at.desc(), HousekeepingWorkOrder.id.desc()
        )
    else:
        rank = case(
            {code: n for n, code in enumerate(PRIORITIES)}, value=HousekeepingWorkOrder.priority
        )
        query = query.where(HousekeepingWorkOrder.closed_at.is_(None)).order_by(
            rank, HousekeepingWorkOrder.reported_at, HousekeepingWorkOrder.id
        )
    return list(db.session.scalars(query.limit(PAGE)))


def _page(status: int = 200, form: WorkOrderForm | None = None, close_form=None, closing=None):
    state = request.args.get("state", "open")
    state = state if state in ("open", "closed") else "open"
    return render(
        "housekeeping/work_orders.html",
        status,
        state=state,
        orders=_orders(state),
        form=form or WorkOrderForm(formdata=None),
        close_form=close_form or CloseOrderForm(formdata=None),
        closing=closing,
        priorities=PRIORITY_LABELS,
    )


@bp.route("/work-orders")
@requires("housekeeping.work_orders")
def work_orders():
    return _page()


def _take_out_of_order(unit: Unit, order: HousekeepingWorkOrder) -> HousekeepingBlock:
    today = clock.today(current_site())
    blocked = tenancy.new(
        HousekeepingBlock,
        unit_id=unit.id,
        kind="out_of_order",
        reason=_("Work order %(number)s: %(problem)s", number=order.id, problem=order.problem)[
            :300
        ],
        # Until engineering closes the order; the day is when it was taken out.
        starts_on=today,
        ends_on=today,
        agreed_with="",
        created_by_id=current_user.id,
        created_at=clock.now(),
    )
    change_status(room_for_write(unit), "out_of_order")
    db.session.flush()
    audit.record(
        "housekeeping.blocked",
        blocked,
        detail={"room": unit.number, "kind": "out_of_order", "work_order": order.id},
    )
    return blocked


@bp.route("/work-orders", methods=["POST"])
@takes_files
@requires("housekeeping.work_orders")
def report_repair():
    form = WorkOrderForm()
    if not form.validate_on_submit():
        return _page(422, form=form)
    unit = None
    number = (form.room.data or "").strip()
    if number:
        unit, problem = room_by_number(number)
        if problem:
            form.room.errors = [problem]
            return _page(422, form=form)
    if form.out_of_order.data:
        if unit is None:
            form.out_of_order.errors = [_("Only a room can be taken out of order.")]
            return _page(422, form=form)
        room = room_of(unit)
        if room is not None and room.status in OCCUPIED:
            form.out_of_order.errors = [
                _("A guest is in the room: move the guest before taking it out of order.")
            ]
            return _page(422, form=form)
    try:
        photo_key = keep_photo(form.photo)
    except uploads.Refused:
        return _page(422, form=form)
    order = tenancy.new(
        HousekeepingWorkOrder,
        unit_id=unit.id if unit else None,
        place="" if unit else form.place.data.strip(),
        problem=form.problem.data.strip(),
        priority=form.priority.data,
        photo_key=photo_key,
        reported_by_id=current_user.id,
        reported_at=clock.now(),
    )
    db.session.flush()
    if form.out_of_order.data and unit is not None:
        order.block_id = _take_out_of_order(unit, order).id
    audit.record(
        "housekeeping.work_order_reported",
        order,
        detail={
            "room": unit.number if unit else None,
            "place": order.place,
            "priority": order.priority,
            "out_of_order": order.block_id is not None,
        },
    )
    db.session.commit()
    if order.block_id:
        flash(
            _(
                "Work order %(order)s is sent to engineering; room %(number)s is out of order.",
                order=order.id,
                number=unit.number,
            ),
            "success",
        )
    else:
        flash(_("Work order %(order)s is sent to engineering.", order=order.id), "success")
    if unit is not None and request.form.get("back") == "room":
        return redirect(url_for("housekeeping.room", unit_id=unit.id), code=303)
    return redirect(url_for("housekeeping.work_orders"), code=303)


@bp.route("/work-orders/<int:order_id>/close", methods=["POST"])
@requires("housekeeping.close_orders")
def close_order(order_id: int):
    order = tenancy.get_or_404(HousekeepingWorkOrder, order_id)
    if order.closed_at is not None:
        flash(_("Work order %(order)s is already closed.", order=order.id), "success")
        return redirect(url_for("housekeeping.work_orders"), code=303)
    form = CloseOrderForm()
    if not form.validate_on_submit():
        return _page(422, close_form=form, closing=order.id)
    order.closed_at = clock.now()
    order.closed_by_id = current_user.id
    order.engineer = form.engineer.data.strip()
    order.work_done = form.work_done.data.strip()
    returned = None
    if order.block_id is not None:
        blocked = tenancy.get_or_404(HousekeepingBlock, order.block_id)
        if blocked.ended_at is None:
            unit = tenancy.get_or_404(Unit, blocked.unit_id)
            lift_block(blocked, unit)
            returned = unit
    audit.record(
        "housekeeping.work_order_closed",
        order,
        detail={"engineer": order.engineer, "work_done": order.work_done},
    )
    db.session.commit()
    if returned is not None:
        flash(
            _(
                "Work order %(order)s is closed; room %(number)s is back, to be cleaned.",
                order=order.id,
                number=returned.number,
            ),
            "success",
        )
    else:
        flash(_("Work order %(order)s is closed.", order=order.id), "success")
    return redirect(url_for("housekeeping.work_orders"), code=303)


@bp.route("/work-orders/<int:order_id>/photo")
@requires("housekeeping.work_orders")
def order_photo(order_id: int):
    return send_photo(tenancy.get_or_404(HousekeepingWorkOrder, order_id).photo_key)


# --- Rush rooms ------------------------------------------------------------------------


@bp.route("/rooms/<int:unit_id>/rush", methods=["POST"])
@requires("housekeeping.rush")
def rush(unit_id: int):
    unit = tenancy.get_or_404(Unit, unit_id)
    room = room_of(unit)
    if room is None or room.status not in CLEANED:
        flash(_("Only a room waiting to be cleaned can be a rush."), "error")
        return redirect(url_for("housekeeping.room", unit_id=unit.id), code=303)
    if room.rush_at is None:
        room.rush_at = clock.now()
        room.rush_by_id = current_user.id
        audit.record("housekeeping.rush", room, detail={"room": unit.number})
        db.session.commit()
    flash(_("Room %(number)s is a rush: it is cleaned first.", number=unit.number), "success")
    return redirect(url_for("housekeeping.room", unit_id=unit.id), code=303)


@bp.route("/rooms/<int:unit_id>/rush/end", methods=["POST"])
@requires("housekeeping.rush")
def end_rush(unit_id: int):
    unit = tenancy.get_or_404(Unit, unit_id)
    room = room_of(unit)
    if room is not None and room.rush_at is not None:
        room.rush_at = None
        room.rush_by_id = None
        audit.record("housekeeping.rush_ended", room, detail={"room": unit.number})
        db.session.commit()
    flash(_("Room %(number)s is no longer a rush.", number=unit.number), "success")
    return redirect(url_for("housekeeping.room", unit_id=unit.id), code=303)
