"""The day's occupancy, rooms shared out to attendants by credits, each attendant's list."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from types import SimpleNamespace

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from core import audit, clock, htmx, tenancy
from core.extensions import db
from core.models import Building, Unit, User
from core.roles import ROOM_ATTENDANTS
from core.security import requires
from core.tenancy import current_site
from plugins.housekeeping.forms import MAX_LINES, OccupancyForm, ReassignForm, SuggestForm
from plugins.housekeeping.labels import MOVEMENT_LABELS
from plugins.housekeeping.models import (
    CREDITS,
    HousekeepingAssignment,
    HousekeepingRoom,
)
from plugins.housekeeping.rules import BLOCKED, CLEANED, Load, fair_split
from plugins.housekeeping.views import bp
from plugins.housekeeping.views.common import (
    ID,
    change_status,
    members,
    parse_day,
    render,
    role_holders,
    room_for_write,
    room_of,
)

WORDS = {
    "d": "departure",
    "dep": "departure",
    "departure": "departure",
    "c/o": "departure",
    "co": "departure",
    "s": "stayover",
    "so": "stayover",
    "stay": "stayover",
    "stayover": "stayover",
    "stay-over": "stayover",
    "a": "arrival",
    "arr": "arrival",
    "arrival": "arrival",
    "離店": "departure",
    "续住": "stayover",
    "續住": "stayover",
    "到店": "arrival",
}


def _rows(day: date) -> list[HousekeepingAssignment]:
    return list(
        db.session.scalars(
            tenancy.select(HousekeepingAssignment)
            .join(Unit, Unit.id == HousekeepingAssignment.unit_id)
            .where(HousekeepingAssignment.day == day)
            .options(
                selectinload(HousekeepingAssignment.unit).selectinload(Unit.building),
                selectinload(HousekeepingAssignment.attendant),
            )
            .order_by(Unit.floor, Unit.number, HousekeepingAssignment.id)
        )
    )


def _attendant_choices(form: ReassignForm, staff: list[User]) -> None:
    form.attendant_id.choices = [SelectChoice(0, "—")] + [
        SelectChoice(u.id, u.display_name) for u in staff
    ]


def assignment_kit(staff: list[User], rows: list) -> SimpleNamespace:
    """What every row of the day needs, worked out once: URLs, labels, the attendants to
    choose from, the times rooms were cleaned (in the site's zone)."""
    zone = clock.zone(current_site())
    return SimpleNamespace(
        room=url_for("housekeeping.room", unit_id=ID).replace(str(ID), "__ID__"),
        reassign=url_for("housekeeping.reassign", assignment_id=ID).replace(str(ID), "__ID__"),
        csrf=generate_csrf(),
        # The attendants' <option>s, escaped once; each row marks its own as selected.
        options=Markup("").join(
            Markup('<option value="{}">{}</option>').format(value, label)
            for value, label in [(0, "—")] + [(u.id, u.display_name) for u in staff]
        ),
        movements={code: str(label) for code, label in MOVEMENT_LABELS.items()},
        times={r.id: r.cleaned_at.astimezone(zone).strftime("%H:%M") for r in rows if r.cleaned_at},
        t=SimpleNamespace(
            room=_("Room"),
            floor=_("Floor"),
            movement=_("Movement"),
            credits=_("Credits"),
            attendant=_("Attendant"),
            attendant_for=_("Attendant for room"),
            cleaned=_("Cleaned"),
            save=_("Save"),
            saved=_("Saved."),
            choose=_("Choose an attendant from the list."),
            vip=_("VIP"),
        ),
    )


def day_rows(day: date, assignment_id: int | None = None) -> list:
    """The rooms of the day as plain rows (id, unit_id, number, floor, movement, vip,
    credits, attendant_id, cleaned_at), in floor order: no ORM objects for 600 rooms."""
    stmt = (
        tenancy.select(
            HousekeepingAssignment,
            HousekeepingAssignment.id,
            HousekeepingAssignment.unit_id,
            Unit.number,
            Unit.floor,
            HousekeepingAssignment.movement,
            HousekeepingAssignment.vip,
            HousekeepingAssignment.credits,
            HousekeepingAssignment.attendant_id,
            HousekeepingAssignment.cleaned_at,
        )
        .join(Unit, Unit.id == HousekeepingAssignment.unit_id)
        .where(HousekeepingAssignment.day == day)
        .order_by(Unit.floor, Unit.number, HousekeepingAssignment.id)
    )
    if assignment_id is not None:
        stmt = stmt.where(HousekeepingAssignment.id == assignment_id)
    return list(db.session.execute(stmt))


def _page(day: date, status: int = 200, occupancy_form=None, suggest_form=None):
    rows = day_rows(day)
    staff = members()
    attendants = role_holders(ROOM_ATTENDANTS)
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        if row.attendant_id:
            totals[row.attendant_id][0] += 1
            totals[row.attendant_id][1] += row.credits
    occupancy_form = occupancy_form or OccupancyForm(formdata=None, day=day)
    if suggest_form is None:
        on_duty = sorted({r.attendant_id for r in rows if r.attendant_id}) or sorted(attendants)
        suggest_form = SuggestForm(formdata=None, day=day, attendants=on_duty)
    suggest_form.attendants.choices = [SelectChoice(u.id, u.display_name) for u in staff]
    return render(
        "housekeeping/assignments.html",
        status,
        day=day,
        rows=rows,
        staff=staff,
        totals=totals,
        total_credits=sum(r.credits for r in rows),
        occupancy_form=occupancy_form,
        suggest_form=suggest_form,
        akit=assignment_kit(staff, rows),
    )


@bp.route("/assignments")
@requires("housekeeping.assign")
def assignments():
    today = clock.today(current_site())
    return _page(parse_day(request.args.get("day"), today))


def _units_by_name() -> tuple[dict[str, list[Unit]], dict[str, Unit]]:
    units = db.session.execute(
        tenancy.select(Unit, Unit, Building.code)
        .join(Building, Building.id == Unit.building_id)
        .where(Unit.archived_at.is_(None))
    ).all()
    by_number: dict[str, list[Unit]] = defaultdict(list)
    by_code: dict[str, Unit] = {}
    for unit, code in units:
        by_number[unit.number.upper()].append(unit)
        by_code[f"{code}-{unit.number}".upper()] = unit
    return by_number, by_code


def parse_occupancy(text: str) -> tuple[list[tuple[Unit, str, bool]], list[str]]:
    """The rooms of the pasted lines (room, movement, VIP), and one problem per bad line."""
    by_number, by_code = _units_by_name()
    found: dict[int, tuple[Unit, str, bool]] = {}
    problems: list[str] = []
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_LINES:
        return [], [_("At most %(count)s rooms a day.", count=MAX_LINES)]
    for n, line in enumerate(lines, start=1):
        words = [w for w in re.split(r"[\s,;]+", line.strip().lower()) if w]
        vip = "vip" in words
        words = [w for w in words if w != "vip"]
        if len(words) != 2 or words[1] not in WORDS:
            problems.append(
                _("Line %(n)s: write the room, then D, S or A (and VIP if it is one).", n=n)
            )
            continue
        name = words[0].upper()
        unit = by_code.get(name)
        if unit is None:
            candidates = by_number.get(name, [])
            if len(candidates) > 1:
                problems.append(
                    _(
                        "Line %(n)s: several buildings have room %(room)s; write T1-%(room)s.",
                        n=n,
                        room=words[0],
                    )
                )
                continue
            unit = candidates[0] if candidates else None
        if unit is None:
            problems.append(_("Line %(n)s: there is no room %(room)s.", n=n, room=words[0][:20]))
            continue
        found[unit.id] = (unit, WORDS[words[1]], vip)
    return list(found.values()), problems


@bp.route("/assignments/occupancy", methods=["POST"])
@requires("housekeeping.assign")
def occupancy():
    site = current_site()
    form = OccupancyForm()
    today = clock.today(site)
    if not form.validate_on_submit():
        return _page(parse_day(request.form.get("day"), today), 422, occupancy_form=form)
    day = form.day.data
    rooms, problems = parse_occupancy(form.lines.data)
    if problems:
        form.lines.errors.extend(problems)
        return _page(day, 422, occupancy_form=form)
    existing = {r.unit_id: r for r in _rows(day)}
    for unit, movement, vip in rooms:
        row = existing.get(unit.id)
        if row is None:
            row = tenancy.new(HousekeepingAssignment, day=day, unit_id=unit.id)
        row.movement, row.vip, row.credits = movement, vip, CREDITS[movement]
        room = room_for_write(unit)
        room.vip = vip
        if day == today and room.status not in BLOCKED:
            # The day's work shows on the board: departures and stay-overs need cleaning.
            wanted = {"departure": "vacant_dirty", "stayover": "occupied_dirty"}.get(movement)
            if wanted:
                change_status(room, wanted)
    audit.record(
        "housekeeping.occupancy_entered",
        detail={"day": day.isoformat(), "rooms": len(rooms)},
    )
    db.session.commit()
    flash(_("%(count)s rooms entered for the day.", count=len(rooms)), "success")
    return redirect(url_for("housekeeping.assignments", day=day.isoformat()), code=303)


@bp.route("/assignments/suggest", methods=["POST"])
@requires("housekeeping.assign")
def suggest():
    site = current_site()
    form = SuggestForm()
    form.attendants.choices = [SelectChoice(u.id, u.display_name) for u in members()]
    day = parse_day(request.form.get("day"), clock.today(site))
    if not form.validate_on_submit():
        return _page(day, 422, suggest_form=form)
    day = form.day.data
    rows = _rows(day)
    chosen = list(dict.fromkeys(form.attendants.data))
    split = fair_split([Load(r.id, r.unit.floor, r.unit.number, r.credits) for r in rows], chosen)
    for row in rows:
        row.attendant_id = split.get(row.id)
    audit.record(
        "housekeeping.assigned",
        detail={"day": day.isoformat(), "attendants": chosen, "rooms": len(rows)},
    )
    db.session.commit()
    flash(_("The rooms are shared out. Adjust any room below."), "success")
    return redirect(url_for("housekeeping.assignments", day=day.isoformat()), code=303)


def _row(assignment: HousekeepingAssignment, status: int = 200, **flags):
    [row] = day_rows(assignment.day, assignment.id)
    akit = assignment_kit(members(), [row])
    return render("housekeeping/_assignment_row.html", status, row=row, akit=akit, **flags)


@bp.route("/assignments/<int:assignment_id>", methods=["POST"])
@requires("housekeeping.assign")
def reassign(assignment_id: int):
    row = tenancy.get_or_404(HousekeepingAssignment, assignment_id)
    form = ReassignForm()
    _attendant_choices(form, members())
    if not form.validate_on_submit():
        if htmx.wants_partial():
            return _row(row, 422, error=True)
        return _page(row.day, 422)
    row.attendant_id = form.attendant_id.data or None
    audit.record(
        "housekeeping.reassigned",
        row,
        detail={"room": row.unit.number, "attendant": row.attendant_id},
    )
    db.session.commit()
    if htmx.wants_partial():
        return _row(row, saved=True)
    return redirect(url_for("housekeeping.assignments", day=row.day.isoformat()), code=303)


# --- The attendant's list ----------------------------------------------------------------


def _my_rows(day: date) -> list[tuple[HousekeepingAssignment, str, bool]]:
    """The attendant's rooms of the day: rush rooms first (the first set first), then in
    floor order."""
    rows = db.session.execute(
        tenancy.select(
            HousekeepingAssignment,
            HousekeepingAssignment,
            HousekeepingRoom.status,
            HousekeepingRoom.rush_at,
        )
        .join(Unit, Unit.id == HousekeepingAssignment.unit_id)
        .outerjoin(
            HousekeepingRoom,
            (HousekeepingRoom.unit_id == HousekeepingAssignment.unit_id)
            & (HousekeepingRoom.site_id == HousekeepingAssignment.site_id),
        )
        .where(
            HousekeepingAssignment.day == day,
            HousekeepingAssignment.attendant_id == current_user.id,
        )
        .options(selectinload(HousekeepingAssignment.unit).selectinload(Unit.building))
        .order_by(
            HousekeepingRoom.rush_at.is_(None), HousekeepingRoom.rush_at, Unit.floor, Unit.number
        )
    ).all()
    return [(row, status or "vacant_clean", rush is not None) for row, status, rush in rows]


@bp.route("/my-rooms")
@requires("housekeeping.clean")
def my_rooms():
    day = clock.today(current_site())
    rows = _my_rows(day)
    return render(
        "housekeeping/my_rooms.html",
        day=day,
        rows=rows,
        done=sum(1 for row, _status, _rush in rows if row.cleaned_at),
        credits=sum(row.credits for row, _status, _rush in rows),
    )


@bp.route("/my-rooms/<int:assignment_id>/cleaned", methods=["POST"])
@requires("housekeeping.clean")
def cleaned(assignment_id: int):
    # Anyone who cleans may tick any room of the day (a supervisor helping out, a colleague
    # taking over a floor): the audit log keeps who did.
    row = tenancy.get_or_404(HousekeepingAssignment, assignment_id)
    room = room_of(row.unit)
    if row.cleaned_at is None:
        row.cleaned_at = clock.now()
        status = room.status if room else "vacant_clean"
        if status in CLEANED:
            room = room_for_write(row.unit)
            change_status(room, CLEANED[status])
        audit.record(
            "housekeeping.cleaned", row, detail={"room": row.unit.number, "status": status}
        )
        db.session.commit()
    status = room.status if room else "vacant_clean"
    if htmx.wants_partial():
        return render(
            "housekeeping/_my_room.html",
            row=row,
            room_status=status,
            rush=bool(room and room.rush_at),
        )
    flash(_("Room %(number)s is cleaned.", number=row.unit.number), "success")
    return redirect(url_for("housekeeping.my_rooms"), code=303)
