"""The room status board, a room's page, one-tap status changes, blocks, inspections."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import and_, func, or_
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from core import audit, clock, htmx, tenancy
from core.buildings import site_buildings
from core.extensions import db
from core.models import Building, Unit
from core.security import can, requires
from core.tenancy import current_site
from plugins.housekeeping.forms import BlockForm, InspectionForm, StatusForm, WorkOrderForm
from plugins.housekeeping.labels import CHECKLIST, STATUS_LABELS
from plugins.housekeeping.models import (
    DEFAULT_STATUS,
    STATUSES,
    HousekeepingAssignment,
    HousekeepingBlock,
    HousekeepingInspection,
    HousekeepingRoom,
    HousekeepingWorkOrder,
)
from plugins.housekeeping.rules import BLOCKED, CLEANED, SET_BY_HAND, next_action
from plugins.housekeeping.views import bp
from plugins.housekeeping.views.common import change_status, render, room_for_write, room_of

POLL_SECONDS = 10
# The board asks for rooms changed since a moment a little before it was drawn: a change
# saved by a transaction still running then is sent again rather than missed.
SINCE_MARGIN = timedelta(seconds=30)


@dataclass(frozen=True)
class Card:
    """One room on the board."""

    unit_id: int
    building: str
    number: str
    floor: int
    room_type: str
    status: str
    vip: bool
    released: bool
    rush: bool = False

    @property
    def action(self) -> str | None:
        return next_action(self.status, self.released)


def _cards(building_id: int | None, floor: int | None, since: datetime | None = None) -> list[Card]:
    """The rooms on the board (or only those whose card changed at ``since`` or later)."""
    site = current_site()
    current = func.coalesce(HousekeepingRoom.status, DEFAULT_STATUS)
    stmt = (
        tenancy.select(
            Unit,
            Unit.id,
            Building.code,
            Unit.number,
            Unit.floor,
            Unit.room_type,
            current,
            HousekeepingRoom.vip,
            HousekeepingRoom.released_at,
            HousekeepingRoom.rush_at,
        )
        .join(Building, Building.id == Unit.building_id)
        .outerjoin(
            HousekeepingRoom,
            and_(HousekeepingRoom.unit_id == Unit.id, HousekeepingRoom.site_id == site.id),
        )
        .where(Unit.archived_at.is_(None), Building.archived_at.is_(None))
        .order_by(Building.code, Unit.floor, Unit.number)
    )
    if building_id:
        stmt = stmt.where(Unit.building_id == building_id)
    if floor is not None:
        stmt = stmt.where(Unit.floor == floor)
    if since is not None:
        stmt = stmt.where(HousekeepingRoom.updated_at >= since)
    return [
        Card(
            uid, code, number, fl, room_type or "", st, bool(vip), released is not None, bool(rush)
        )
        for uid, code, number, fl, room_type, st, vip, released, rush in db.session.execute(stmt)
    ]


def _card(unit: Unit) -> Card:
    room = room_of(unit)
    return Card(
        unit.id,
        unit.building.code,
        unit.number,
        unit.floor,
        unit.room_type or "",
        room.status if room else DEFAULT_STATUS,
        bool(room and room.vip),
        bool(room and room.released_at),
        bool(room and room.rush_at),
    )


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    if not value.lstrip("-").isdigit() or len(value) > 9:
        return None
    return int(value)


def _since_arg() -> datetime | None:
    try:
        moment = datetime.fromisoformat(request.args.get("since", ""))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def _links(building_id: int | None, floor: int | None, status: str) -> dict:
    args = {"building": building_id or "", "floor": "" if floor is None else floor}
    links = {code: url_for("housekeeping.board", status=code, **args) for code in ("", *STATUSES)}
    links["self"] = url_for("housekeeping.board", status=status, **args)
    since = (clock.now() - SINCE_MARGIN).isoformat()
    # Unfiltered by status, the board refreshes room by room; a status filter redraws it
    # (a room may have to join or leave the list).
    links["poll"] = links["self"] if status else url_for("housekeeping.board", since=since, **args)
    return links


def _board_context(building_id: int | None, floor: int | None, status: str) -> dict:
    every = _cards(building_id, floor)
    counts = Counter(card.status for card in every)
    cards = [card for card in every if card.status == status] if status else every
    groups = [
        (place, list(group)) for place, group in groupby(cards, key=lambda c: (c.building, c.floor))
    ]
    return {
        "groups": groups,
        "counts": counts,
        "total": len(every),
        "links": _links(building_id, floor, status),
        "args": {"building": building_id, "floor": floor, "status": status},
        "many_buildings": len({card.building for card in every}) > 1,
        "poll": POLL_SECONDS,
    }


def _changes_context(building_id: int | None, floor: int | None, since: datetime) -> dict:
    """What the board's refresh sends: the rooms changed since it last asked, the counts
    by status, and the next refresh (htmx swaps the rooms in by their id)."""
    site = current_site()
    current = func.coalesce(HousekeepingRoom.status, DEFAULT_STATUS)
    stmt = (
        tenancy.select(Unit, current, func.count(Unit.id))
        .join(Building, Building.id == Unit.building_id)
        .outerjoin(
            HousekeepingRoom,
            and_(HousekeepingRoom.unit_id == Unit.id, HousekeepingRoom.site_id == site.id),
        )
        .where(Unit.archived_at.is_(None), Building.archived_at.is_(None))
        .group_by(current)
    )
    if building_id:
        stmt = stmt.where(Unit.building_id == building_id)
    if floor is not None:
        stmt = stmt.where(Unit.floor == floor)
    counts = Counter(dict(db.session.execute(stmt).all()))
    return {
        "changed": _cards(building_id, floor, since),
        "counts": counts,
        "total": sum(counts.values()),
        "links": _links(building_id, floor, ""),
        "args": {"building": building_id, "floor": floor, "status": ""},
        "poll": POLL_SECONDS,
    }


@bp.route("/")
@requires("housekeeping.view")
def board():
    status = request.args.get("status", "")
    status = status if status in STATUSES else ""
    since = _since_arg()
    target = request.headers.get("HX-Target") if htmx.wants_partial() else None
    if target == "room-board-poll" and since is not None and not status:
        changes = _changes_context(_int_arg("building"), _int_arg("floor"), since)
        return render("housekeeping/_board_changes.html", **changes)
    context = _board_context(_int_arg("building"), _int_arg("floor"), status)
    if target in ("room-board", "room-board-poll"):
        return render("housekeeping/_board.html", **context)
    floors = db.session.scalars(
        tenancy.select(Unit, Unit.floor)
        .where(Unit.archived_at.is_(None))
        .distinct()
        .order_by(Unit.floor)
    ).all()
    buildings = site_buildings(current_site())
    return render("housekeeping/board.html", floors=floors, buildings=buildings, **context)


BACK = {"board": "housekeeping.board", "room": "housekeeping.room"}


def _after_change(unit: Unit, message: str, error: str | None = None):
    """The card again (htmx, from the board) or the page the form came from."""
    if htmx.wants_partial():
        return render(
            "housekeeping/_room_card.html", 422 if error else 200, card=_card(unit), error=error
        )
    if error:
        return _room_page(unit, 422, error=error)
    flash(message, "success")
    back = BACK.get(request.form.get("back", ""), "housekeeping.room")
    target = url_for(back, unit_id=unit.id) if back == "housekeeping.room" else url_for(back)
    return redirect(target, code=303)


def _refusal(current: str, wanted: str) -> str | None:
    """Why ``wanted`` cannot follow ``current`` by hand, or None."""
    if current in BLOCKED and wanted != current:
        return _("The room is blocked: end the block first.")
    if wanted in BLOCKED and wanted != current:
        return _("Block a room from its page, with a reason and a period.")
    if wanted == "inspected" and current != "inspected":
        return _("Only an inspection marks a room inspected.")
    return None


@bp.route("/rooms/<int:unit_id>/status", methods=["POST"])
@requires("housekeeping.clean")
def set_status(unit_id: int):
    unit = tenancy.get_or_404(Unit, unit_id)
    form = StatusForm()
    room = room_of(unit)
    current = room.status if room else DEFAULT_STATUS
    if not form.validate_on_submit():
        return _after_change(unit, "", _("Choose a status."))
    wanted = form.status.data
    problem = _refusal(current, wanted)
    if problem:
        return _after_change(unit, "", problem)
    if wanted != current:  # a second tap on the same status changes nothing
        if CLEANED.get(current) != wanted and not can(current_user, "housekeeping.status"):
            abort(403)
        room = room_for_write(unit)
        change_status(room, wanted)
        audit.record(
            "housekeeping.status_changed",
            room,
            detail={"room": unit.number, "from": current, "to": wanted},
        )
        db.session.commit()
    return _after_change(
        unit, _("Room %(number)s: %(status)s.", number=unit.number, status=STATUS_LABELS[wanted])
    )


@bp.route("/rooms/<int:unit_id>/release", methods=["POST"])
@requires("housekeeping.inspect")
def release(unit_id: int):
    unit = tenancy.get_or_404(Unit, unit_id)
    room = room_of(unit)
    if room is None or room.status != "inspected":
        return _after_change(unit, "", _("Only an inspected room can be released."))
    if room.released_at is None:
        room.released_at = clock.now()
        audit.record("housekeeping.released", room, detail={"room": unit.number})
        db.session.commit()
    return _after_change(
        unit, _("Room %(number)s is released to the front desk.", number=unit.number)
    )


def _room_page(unit: Unit, status: int = 200, error: str | None = None, **forms):
    room = room_of(unit)
    blocks = db.session.scalars(
        tenancy.select(HousekeepingBlock)
        .where(HousekeepingBlock.unit_id == unit.id, HousekeepingBlock.ended_at.is_(None))
        .options(selectinload(HousekeepingBlock.created_by))
        .order_by(HousekeepingBlock.starts_on)
    ).all()
    inspections = db.session.scalars(
        tenancy.select(HousekeepingInspection)
        .where(HousekeepingInspection.unit_id == unit.id)
        .options(selectinload(HousekeepingInspection.inspector))
        .order_by(HousekeepingInspection.inspected_at.desc(), HousekeepingInspection.id.desc())
        .limit(10)
    ).all()
    today = clock.today(current_site())
    status_form = forms.get("status_form") or StatusForm(
        formdata=None, status=room.status if room else DEFAULT_STATUS
    )
    status_form.status.choices = [SelectChoice(s, STATUS_LABELS[s]) for s in SET_BY_HAND]
    block_form = forms.get("block_form") or BlockForm(formdata=None, starts_on=today, ends_on=today)
    orders = db.session.scalars(
        tenancy.select(HousekeepingWorkOrder)
        .where(HousekeepingWorkOrder.unit_id == unit.id, HousekeepingWorkOrder.closed_at.is_(None))
        .order_by(HousekeepingWorkOrder.id)
    ).all()
    return render(
        "housekeeping/room.html",
        status,
        unit=unit,
        card=_card(unit),
        blocks=blocks,
        inspections=inspections,
        checklist=CHECKLIST,
        status_form=status_form,
        block_form=block_form,
        orders=orders,
        held={o.block_id for o in orders if o.block_id},
        order_form=WorkOrderForm(formdata=None),
        error=error,
    )


@bp.route("/rooms/<int:unit_id>")
@requires("housekeeping.view")
def room(unit_id: int):
    return _room_page(tenancy.get_or_404(Unit, unit_id))


@bp.route("/rooms/<int:unit_id>/panel")
@requires("housekeeping.view")
def unit_panel(unit_id: int):
    unit = tenancy.get_or_404(Unit, unit_id)
    today = clock.today(current_site())
    blocks = db.session.scalars(
        tenancy.select(HousekeepingBlock)
        .where(
            HousekeepingBlock.unit_id == unit.id,
            HousekeepingBlock.ended_at.is_(None),
            or_(
                HousekeepingBlock.ends_on >= today,
                HousekeepingBlock.id.in_(
                    tenancy.select(HousekeepingWorkOrder, HousekeepingWorkOrder.block_id).where(
                        HousekeepingWorkOrder.closed_at.is_(None)
                    )
                ),
            ),
        )
        .order_by(HousekeepingBlock.starts_on)
    ).all()
    assignment = db.session.scalar(
        tenancy.select(HousekeepingAssignment)
        .where(HousekeepingAssignment.unit_id == unit.id, HousekeepingAssignment.day == today)
        .options(selectinload(HousekeepingAssignment.attendant))
    )
    return render(
        "housekeeping/_panel.html",
        card=_card(unit),
        unit=unit,
        blocks=blocks,
        assignment=assignment,
    )


@bp.route("/rooms/<int:unit_id>/blocks", methods=["POST"])
@requires("housekeeping.status")
def block(unit_id: int):
    unit = tenancy.get_or_404(Unit, unit_id)
    form = BlockForm()
    if not form.validate_on_submit():
        return _room_page(unit, 422, block_form=form)
    blocked = tenancy.new(
        HousekeepingBlock,
        unit_id=unit.id,
        kind=form.kind.data,
        reason=form.reason.data.strip(),
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        agreed_with=form.agreed_with.data.strip(),
        created_by_id=current_user.id,
        created_at=clock.now(),
    )
    room = room_for_write(unit)
    change_status(room, form.kind.data)
    db.session.flush()
    audit.record(
        "housekeeping.blocked",
        blocked,
        detail={
            "room": unit.number,
            "kind": blocked.kind,
            "reason": blocked.reason,
            "from": blocked.starts_on.isoformat(),
            "until": blocked.ends_on.isoformat(),
            "agreed_with": blocked.agreed_with,
        },
    )
    db.session.commit()
    flash(_("Room %(number)s is blocked.", number=unit.number), "success")
    return redirect(url_for("housekeeping.room", unit_id=unit.id), code=303)


@bp.route("/blocks/<int:block_id>/end", methods=["POST"])
@requires("housekeeping.status")
def end_block(block_id: int):
    blocked = tenancy.get_or_404(HousekeepingBlock, block_id)
    unit = tenancy.get_or_404(Unit, blocked.unit_id)
    if blocked.ended_at is None:
        order = order_holding(blocked)
        if order is not None:
            flash(
                _(
                    "The room stays out of order until engineering closes work order %(number)s.",
                    number=order.id,
                ),
                "error",
            )
            return redirect(url_for("housekeeping.room", unit_id=unit.id), code=303)
        lift_block(blocked, unit)
        db.session.commit()
        flash(_("The block of room %(number)s is ended.", number=unit.number), "success")
    return redirect(url_for("housekeeping.room", unit_id=unit.id), code=303)


def order_holding(blocked: HousekeepingBlock) -> HousekeepingWorkOrder | None:
    """The open work order that put ``blocked`` on its room, if any."""
    return db.session.scalar(
        tenancy.select(HousekeepingWorkOrder).where(
            HousekeepingWorkOrder.block_id == blocked.id,
            HousekeepingWorkOrder.closed_at.is_(None),
        )
    )


def lift_block(blocked: HousekeepingBlock, unit: Unit) -> None:
    """End ``blocked``: the room takes the kind of another open block, or goes back to
    vacant dirty, to be cleaned before it is sold again."""
    blocked.ended_at = clock.now()
    still = db.session.scalar(
        tenancy.select(HousekeepingBlock)
        .where(
            HousekeepingBlock.unit_id == unit.id,
            HousekeepingBlock.ended_at.is_(None),
            HousekeepingBlock.id != blocked.id,
        )
        .order_by(HousekeepingBlock.id.desc())
        .limit(1)
    )
    change_status(room_for_write(unit), still.kind if still else "vacant_dirty")
    audit.record("housekeeping.block_ended", blocked, detail={"room": unit.number})


# --- Inspections -----------------------------------------------------------------------


def _inspection_refusal(room: HousekeepingRoom | None) -> str | None:
    status = room.status if room else DEFAULT_STATUS
    if status != "vacant_clean":
        return _("Only a cleaned vacant room waits for inspection.")
    if room is not None and room.vip and not can(current_user, "housekeeping.inspect_vip"):
        return _("VIP rooms are inspected by the assistant executive housekeeper.")
    return None


@bp.route("/rooms/<int:unit_id>/inspect", methods=["GET", "POST"])
@requires("housekeeping.inspect")
def inspect(unit_id: int):
    unit = tenancy.get_or_404(Unit, unit_id)
    room = room_of(unit)
    refusal = _inspection_refusal(room)
    form = InspectionForm() if request.method == "POST" else InspectionForm(formdata=None)
    context = {"unit": unit, "card": _card(unit), "form": form, "checklist": CHECKLIST}
    if request.method == "GET" or refusal:
        status = 422 if request.method == "POST" else 200
        return render("housekeeping/inspect.html", status, refusal=refusal, **context)
    if not form.validate_on_submit():
        return render("housekeeping/inspect.html", 422, refusal=None, **context)
    failed = [code for code in CHECKLIST if not form[f"item_{code}"].data]
    room = room_for_write(unit)
    inspection = tenancy.new(
        HousekeepingInspection,
        unit_id=unit.id,
        inspector_id=current_user.id,
        inspected_at=clock.now(),
        passed=not failed,
        failed_items=",".join(failed),
        note=(form.note.data or "").strip(),
    )
    if failed:
        change_status(room, "vacant_dirty")
        # Back on the attendant's list of the day.
        for assignment in db.session.scalars(
            tenancy.select(HousekeepingAssignment).where(
                HousekeepingAssignment.unit_id == unit.id,
                HousekeepingAssignment.day == clock.today(current_site()),
            )
        ):
            assignment.cleaned_at = None
        message = _("Room %(number)s failed and goes back to be cleaned.", number=unit.number)
    else:
        change_status(room, "inspected")
        message = _("Room %(number)s passed inspection.", number=unit.number)
    db.session.flush()
    audit.record(
        "housekeeping.inspected",
        inspection,
        detail={"room": unit.number, "passed": not failed, "failed": failed},
    )
    db.session.commit()
    flash(message, "error" if failed else "success")
    return redirect(url_for("housekeeping.room", unit_id=unit.id), code=303)
