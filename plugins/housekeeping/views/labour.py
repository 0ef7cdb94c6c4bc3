"""Labour: wage grades, minutes per room type, the hours worked from the roster, and the
month's rooms per attendant-hour and labour cost per occupied room."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from flask import flash, redirect, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from core import audit, charts, clock, money, tenancy
from core.extensions import db
from core.models import Unit, User
from core.security import requires
from core.tenancy import current_site
from plugins.housekeeping.forms import GradeForm, RoomTimeForm, ShiftForm
from plugins.housekeeping.models import (
    HousekeepingAssignment,
    HousekeepingGrade,
    HousekeepingRoomTime,
    HousekeepingShift,
)
from plugins.housekeeping.rules import OCCUPIED_MOVEMENTS, LabourMonth, labour_month, wage_cost
from plugins.housekeeping.views import bp
from plugins.housekeeping.views.common import members, render
from plugins.housekeeping.views.reports import _period


def month_labour(first: date, following: date) -> tuple[LabourMonth, list[dict], dict]:
    """The month's totals, one row per member of staff who worked, and the days' costs."""
    shifts = db.session.execute(
        tenancy.select(
            HousekeepingShift,
            HousekeepingShift.user_id,
            HousekeepingShift.day,
            HousekeepingShift.minutes,
            HousekeepingGrade.hourly_rate,
        )
        .join(HousekeepingGrade, HousekeepingGrade.id == HousekeepingShift.grade_id)
        .where(HousekeepingShift.day >= first, HousekeepingShift.day < following)
    ).all()
    in_month = (HousekeepingAssignment.day >= first, HousekeepingAssignment.day < following)
    cleaned = dict(
        db.session.execute(
            tenancy.select(
                HousekeepingAssignment,
                HousekeepingAssignment.attendant_id,
                func.count(HousekeepingAssignment.id),
            )
            .where(*in_month, HousekeepingAssignment.cleaned_at.is_not(None))
            .group_by(HousekeepingAssignment.attendant_id)
        ).all()
    )
    occupied_by_day = dict(
        db.session.execute(
            tenancy.select(
                HousekeepingAssignment,
                HousekeepingAssignment.day,
                func.count(HousekeepingAssignment.id),
            )
            .where(*in_month, HousekeepingAssignment.movement.in_(OCCUPIED_MOVEMENTS))
            .group_by(HousekeepingAssignment.day)
        ).all()
    )
    site = current_site()
    standard = db.session.scalar(
        tenancy.select(
            HousekeepingAssignment, func.coalesce(func.sum(HousekeepingRoomTime.minutes), 0)
        )
        .select_from(HousekeepingAssignment)
        .join(Unit, Unit.id == HousekeepingAssignment.unit_id)
        .join(
            HousekeepingRoomTime,
            (HousekeepingRoomTime.room_type == Unit.room_type)
            & (HousekeepingRoomTime.site_id == site.id),
        )
        .where(*in_month, HousekeepingAssignment.cleaned_at.is_not(None))
    )
    totals = labour_month(
        [(minutes, rate) for _uid, _day, minutes, rate in shifts],
        rooms_cleaned=sum(cleaned.values()),
        occupied=sum(occupied_by_day.values()),
        standard_minutes=int(standard or 0),
    )
    per_person: dict[int, list[tuple[int, int]]] = defaultdict(list)
    day_cost: dict[date, int] = defaultdict(int)
    for uid, day, minutes, rate in shifts:
        per_person[uid].append((minutes, rate))
        day_cost[day] += wage_cost(minutes, rate)
    names = dict(
        db.session.execute(
            db.select(User.id, User.display_name).where(User.id.in_(per_person.keys()))
        ).all()
    )
    rows = []
    for uid, lines in per_person.items():
        figures = labour_month(lines, rooms_cleaned=cleaned.get(uid, 0), occupied=0)
        rows.append({"name": names.get(uid, "?"), "figures": figures})
    rows.sort(key=lambda row: row["name"])
    days = {
        day: (day_cost.get(day, 0), occupied_by_day.get(day, 0))
        for day in sorted(set(day_cost) | set(occupied_by_day))
    }
    return totals, rows, days


def _charts(rows: list[dict], days: dict) -> list[charts.Chart]:
    currency = current_site().currency
    made = []
    if rows:
        made.append(
            charts.from_rows(
                "bar",
                _("Rooms per attendant-hour"),
                [(row["name"], (row["figures"].rooms_per_hour or 0,)) for row in rows],
                [_("Rooms per hour")],
            )
        )
    per_room = [
        (day.strftime("%d"), (cost / occupied / 10 ** money.exponent(currency),))
        for day, (cost, occupied) in days.items()
        if occupied
    ]
    if per_room:
        made.append(
            charts.from_rows(
                "line",
                _("Labour cost per occupied room, by day"),
                per_room,
                [currency],
            )
        )
    return made


def _page(status: int = 200, grade_form=None, time_form=None, shift_form=None):
    period, first, following = _period()
    today = clock.today(current_site())
    grades = db.session.scalars(
        tenancy.select(HousekeepingGrade).order_by(HousekeepingGrade.name)
    ).all()
    grade_choices = [SelectChoice(g.id, g.name) for g in grades]
    shift_form = shift_form or ShiftForm(formdata=None, day=today)
    shift_form.user_id.choices = [SelectChoice(u.id, u.display_name) for u in members()]
    shift_form.grade_id.choices = grade_choices
    totals, rows, days = month_labour(first, following)
    shifts = db.session.scalars(
        tenancy.select(HousekeepingShift)
        .where(HousekeepingShift.day >= first, HousekeepingShift.day < following)
        .options(selectinload(HousekeepingShift.user), selectinload(HousekeepingShift.grade))
        .order_by(HousekeepingShift.day.desc(), HousekeepingShift.id.desc())
        .limit(200)
    ).all()
    # Babel's date formatting is slow: once per day of the month, not once per line.
    dates = {day: format_date(day) for day in {line.day for line in shifts}}
    return render(
        "housekeeping/labour.html",
        status,
        dates=dates,
        period=period,
        totals=totals,
        rows=rows,
        charts_=_charts(rows, days),
        grades=grades,
        times=db.session.scalars(
            tenancy.select(HousekeepingRoomTime).order_by(HousekeepingRoomTime.room_type)
        ).all(),
        shifts=shifts,
        grade_form=grade_form or GradeForm(formdata=None),
        time_form=time_form or RoomTimeForm(formdata=None),
        shift_form=shift_form,
        currency=current_site().currency,
    )


@bp.route("/labour")
@requires("housekeeping.labour")
def labour():
    return _page()


@bp.route("/labour/grades", methods=["POST"])
@requires("housekeeping.labour")
def add_grade():
    form = GradeForm()
    if not form.validate_on_submit():
        return _page(422, grade_form=form)
    name = form.name.data.strip()
    grade = db.session.scalar(
        tenancy.select(HousekeepingGrade).where(HousekeepingGrade.name == name)
    )
    if grade is None:
        grade = tenancy.new(HousekeepingGrade, name=name, hourly_rate=form.hourly_rate.minor)
    grade.hourly_rate = form.hourly_rate.minor
    try:
        db.session.flush()
    except IntegrityError:  # the same grade added twice at once: the first is kept
        db.session.rollback()
        form.name.errors = [_("This grade is already there.")]
        return _page(422, grade_form=form)
    audit.record("housekeeping.grade_set", grade, detail={"name": name, "rate": grade.hourly_rate})
    db.session.commit()
    flash(_("Grade %(name)s is saved.", name=name), "success")
    return redirect(url_for("housekeeping.labour"), code=303)


@bp.route("/labour/room-times", methods=["POST"])
@requires("housekeeping.labour")
def set_room_time():
    form = RoomTimeForm()
    if not form.validate_on_submit():
        return _page(422, time_form=form)
    room_type = form.room_type.data.strip()
    row = db.session.scalar(
        tenancy.select(HousekeepingRoomTime).where(HousekeepingRoomTime.room_type == room_type)
    )
    if row is None:
        row = tenancy.new(HousekeepingRoomTime, room_type=room_type, minutes=form.minutes.data)
    row.minutes = form.minutes.data
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        form.room_type.errors = [_("This room type is already there.")]
        return _page(422, time_form=form)
    audit.record(
        "housekeeping.room_time_set", row, detail={"room_type": room_type, "minutes": row.minutes}
    )
    db.session.commit()
    flash(_("%(type)s: %(minutes)s minutes.", type=room_type, minutes=row.minutes), "success")
    return redirect(url_for("housekeeping.labour"), code=303)


@bp.route("/labour/hours", methods=["POST"])
@requires("housekeeping.labour")
def record_hours():
    form = ShiftForm()
    form.user_id.choices = [SelectChoice(u.id, u.display_name) for u in members()]
    form.grade_id.choices = [
        SelectChoice(gid, name)
        for gid, name in db.session.execute(
            tenancy.select(HousekeepingGrade, HousekeepingGrade.id, HousekeepingGrade.name)
        )
    ]
    if not form.validate_on_submit():
        return _page(422, shift_form=form)
    line = db.session.scalar(
        tenancy.select(HousekeepingShift).where(
            HousekeepingShift.user_id == form.user_id.data, HousekeepingShift.day == form.day.data
        )
    )
    if line is None:
        line = tenancy.new(
            HousekeepingShift,
            user_id=form.user_id.data,
            day=form.day.data,
            minutes=form.minutes,
            grade_id=form.grade_id.data,
        )
    line.minutes, line.grade_id = form.minutes, form.grade_id.data
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        form.day.errors = [_("Someone entered this day at the same moment: look again.")]
        return _page(422, shift_form=form)
    audit.record(
        "housekeeping.hours_recorded",
        line,
        detail={"user_id": line.user_id, "day": line.day.isoformat(), "minutes": line.minutes},
    )
    db.session.commit()
    flash(_("The hours are recorded."), "success")
    return redirect(url_for("housekeeping.labour", period=line.day.strftime("%Y-%m")), code=303)
