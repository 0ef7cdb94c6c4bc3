"""Public areas: their cleaning schedule from the day's functions, the public-area
attendant of each, inspections against their checklists, and the night shift's spot
checks of rooms and areas."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from wtforms import BooleanField
from wtforms.fields.choices import SelectChoice

from core import audit, clock, tenancy
from core.extensions import db
from core.models import Unit
from core.security import requires
from core.tenancy import current_site
from plugins.housekeeping.forms import AreaAttendantForm, AreaForm, FunctionForm, SpotCheckForm
from plugins.housekeeping.labels import AREA_KIND_LABELS, CHECKLIST, CLEANING_LABELS
from plugins.housekeeping.models import (
    HousekeepingArea,
    HousekeepingFunction,
    HousekeepingSpotCheck,
)
from plugins.housekeeping.rules import day_schedule
from plugins.housekeeping.views import bp
from plugins.housekeeping.views.common import members, parse_day, render


def _areas() -> list[HousekeepingArea]:
    return list(
        db.session.scalars(
            tenancy.select(HousekeepingArea)
            .options(selectinload(HousekeepingArea.attendant))
            .order_by(HousekeepingArea.kind, HousekeepingArea.name)
        )
    )


def _attendant_choices() -> list[SelectChoice]:
    return [SelectChoice(0, "—")] + [SelectChoice(u.id, u.display_name) for u in members()]


def _page(status: int = 200, area_form=None, function_form=None):
    site = current_site()
    day = parse_day(request.args.get("day"), clock.today(site))
    areas = _areas()
    by_id = {area.id: area for area in areas}
    functions = db.session.scalars(
        tenancy.select(HousekeepingFunction)
        .where(HousekeepingFunction.day == day)
        .order_by(HousekeepingFunction.starts_at, HousekeepingFunction.id)
    ).all()
    schedule = day_schedule(
        [(f.area_id, f.name, f.starts_at, f.ends_at, f.covers) for f in functions]
    )
    function_form = function_form or FunctionForm(formdata=None, day=day, covers=0)
    function_form.area_id.choices = [SelectChoice(a.id, a.name) for a in areas]
    choices = _attendant_choices()
    return render(
        "housekeeping/areas.html",
        status,
        day=day,
        areas=areas,
        by_id=by_id,
        functions=functions,
        schedule=schedule,
        area_form=area_form or AreaForm(formdata=None),
        function_form=function_form,
        attendant_choices=choices,
        kinds=AREA_KIND_LABELS,
        cleanings=CLEANING_LABELS,
    )


@bp.route("/areas")
@requires("housekeeping.view")
def areas():
    return _page()


@bp.route("/areas", methods=["POST"])
@requires("housekeeping.areas")
def add_area():
    form = AreaForm()
    if not form.validate_on_submit():
        return _page(422, area_form=form)
    area = tenancy.new(
        HousekeepingArea,
        name=form.name.data.strip(),
        kind=form.kind.data,
        checklist="\n".join(
            line.strip() for line in form.checklist.data.splitlines() if line.strip()
        ),
    )
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        form.name.errors = [_("There is already an area of this name.")]
        return _page(422, area_form=form)
    audit.record("housekeeping.area_added", area, detail={"name": area.name, "kind": area.kind})
    db.session.commit()
    flash(_("%(name)s is added.", name=area.name), "success")
    return redirect(url_for("housekeeping.areas"), code=303)


@bp.route("/areas/<int:area_id>/attendant", methods=["POST"])
@requires("housekeeping.areas")
def assign_area(area_id: int):
    area = tenancy.get_or_404(HousekeepingArea, area_id)
    form = AreaAttendantForm()
    form.attendant_id.choices = _attendant_choices()
    if not form.validate_on_submit():
        flash(_("Choose an attendant."), "error")
        return redirect(url_for("housekeeping.areas"), code=303)
    area.attendant_id = form.attendant_id.data or None
    audit.record(
        "housekeeping.area_assigned", area, detail={"area": area.name, "to": area.attendant_id}
    )
    db.session.commit()
    flash(_("%(name)s: saved.", name=area.name), "success")
    return redirect(url_for("housekeeping.areas"), code=303)


@bp.route("/areas/functions", methods=["POST"])
@requires("housekeeping.areas")
def add_function():
    form = FunctionForm()
    form.area_id.choices = [SelectChoice(a.id, a.name) for a in _areas()]
    if not form.validate_on_submit():
        return _page(422, function_form=form)
    function = tenancy.new(
        HousekeepingFunction,
        day=form.day.data,
        area_id=form.area_id.data,
        name=form.name.data.strip(),
        starts_at=form.starts_at.data,
        ends_at=form.ends_at.data,
        covers=form.covers.data,
    )
    db.session.flush()
    audit.record(
        "housekeeping.function_added",
        function,
        detail={"name": function.name, "day": function.day.isoformat(), "covers": function.covers},
    )
    db.session.commit()
    flash(_("%(name)s is on the schedule.", name=function.name), "success")
    return redirect(url_for("housekeeping.areas", day=function.day.isoformat()), code=303)


# --- Inspections and night spot checks ----------------------------------------------------


def _check_form(items: list[str], post: bool) -> SpotCheckForm:
    class Checked(SpotCheckForm):
        pass

    for n, item in enumerate(items):
        setattr(Checked, f"item_{n}", BooleanField(item))
    return Checked() if post else Checked(formdata=None, night=_is_night())


def _is_night() -> bool:
    hour = clock.now().astimezone(clock.zone(current_site())).hour
    return hour >= 23 or hour < 7


def _check(items: list[str], title: str, unit: Unit | None, area: HousekeepingArea | None):
    form = _check_form(items, request.method == "POST")
    if request.method == "GET" or not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render("housekeeping/spot_check.html", status, form=form, items=items, title=title)
    failed = [item for n, item in enumerate(items) if not form[f"item_{n}"].data]
    check = tenancy.new(
        HousekeepingSpotCheck,
        unit_id=unit.id if unit else None,
        area_id=area.id if area else None,
        night=bool(form.night.data),
        passed=not failed,
        failed_items="\n".join(failed),
        findings=(form.findings.data or "").strip(),
        by_id=current_user.id,
        checked_at=clock.now(),
    )
    db.session.flush()
    audit.record(
        "housekeeping.spot_checked",
        check,
        detail={"what": title, "passed": check.passed, "night": check.night},
    )
    db.session.commit()
    if failed:
        flash(_("%(what)s: %(count)s items not right.", what=title, count=len(failed)), "error")
    else:
        flash(_("%(what)s: all right.", what=title), "success")
    return redirect(url_for("housekeeping.spot_checks"), code=303)


@bp.route("/areas/<int:area_id>/check", methods=["GET", "POST"])
@requires("housekeeping.spot_check")
def check_area(area_id: int):
    area = tenancy.get_or_404(HousekeepingArea, area_id)
    return _check(area.items, area.name, None, area)


@bp.route("/rooms/<int:unit_id>/spot-check", methods=["GET", "POST"])
@requires("housekeeping.spot_check")
def spot_check_room(unit_id: int):
    unit = tenancy.get_or_404(Unit, unit_id)
    items = [str(label) for label in CHECKLIST.values()]
    return _check(items, _("Room %(number)s", number=unit.number), unit, None)


@bp.route("/spot-checks")
@requires("housekeeping.spot_check")
def spot_checks():
    checks = db.session.scalars(
        tenancy.select(HousekeepingSpotCheck)
        .options(
            selectinload(HousekeepingSpotCheck.unit),
            selectinload(HousekeepingSpotCheck.area),
            selectinload(HousekeepingSpotCheck.by),
        )
        .order_by(HousekeepingSpotCheck.checked_at.desc(), HousekeepingSpotCheck.id.desc())
        .limit(100)
    ).all()
    return render("housekeeping/spot_checks.html", checks=checks, areas=_areas())
