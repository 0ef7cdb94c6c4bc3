"""Rounds on the phone: today's rounds, a round and its checkpoints, marking items, the
QR code of a checkpoint and the printable sheet of them, and the day's weather."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

import segno
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func
from wtforms.fields.choices import SelectChoice

from core import audit, clock, tenancy, uploads
from core.day import SET_WEATHER, set_weather, weather_of
from core.extensions import db
from core.formdata import takes_files
from core.models import Building, Unit, User
from core.security import can, requires
from core.tenancy import current_site, get_or_404
from plugins.inspections import labels, rules
from plugins.inspections.forms import MarkForm, StartForm, WeatherForm
from plugins.inspections.models import (
    RENOVATION_CHECKS,
    VACANT_CHECKS,
    InspectionsCheckpoint,
    InspectionsItem,
    InspectionsRound,
)
from plugins.inspections.views.base import NAME, bp, building_choices, save_photo

RECENT = 20


def _labels() -> dict:
    return {
        "area_labels": labels.AREA_LABELS,
        "kind_labels": labels.KIND_LABELS,
        "owner_labels": labels.OWNER_LABELS,
        "round_kind_labels": labels.ROUND_KIND_LABELS,
        "result_labels": labels.RESULT_LABELS,
        "renovation_check_labels": labels.RENOVATION_CHECK_LABELS,
        "vacant_check_labels": labels.VACANT_CHECK_LABELS,
        "condition_labels": labels.CONDITION_LABELS,
    }


def _start_form(buildings: list[Building]) -> StartForm:
    form = StartForm()
    form.building_id.choices = [SelectChoice(b.id, f"{b.code} {b.name}") for b in buildings]
    return form


def _walkable(site) -> list[Building]:
    """The buildings the user starts rounds in: their own, or the site's for the office."""
    mine = rules.buildings_of(site, current_user)
    if mine:
        return mine
    return [
        b
        for b in db.session.scalars(
            tenancy.select(Building).where(Building.archived_at.is_(None)).order_by(Building.code)
        )
    ]


@bp.route("/")
@requires("inspections.view")
def index():
    site = current_site()
    now, today = clock.now(), clock.today(site)
    mine = rules.buildings_of(site, current_user)
    shown = mine or _walkable(site)
    dues = rules.rounds_due(site, shown, today)
    weather = weather_of(site, today)
    weather_form = WeatherForm(formdata=None, kind=weather or "")
    week_start = today - timedelta(days=today.weekday())
    joint_this_week = db.session.scalar(
        tenancy.select(InspectionsRound, func.count()).where(
            InspectionsRound.kind == "joint",
            InspectionsRound.day >= week_start,
            InspectionsRound.day <= today,
        )
    )
    recent = tenancy.select(InspectionsRound).order_by(InspectionsRound.started_at.desc())
    if mine:
        recent = recent.where(InspectionsRound.butler_id == current_user.id)
    recent_rounds = db.session.scalars(recent.limit(RECENT)).all()
    names = _names({r.butler_id for r in recent_rounds})
    buildings = {b.id: b for b in _walkable(site)}
    return render_template(
        "inspections/index.html",
        dues=dues,
        now=now,
        zone=clock.zone(site),
        today=today,
        weather=weather,
        weather_form=weather_form,
        can_set_weather=can(current_user, SET_WEATHER, site),
        can_walk=can(current_user, "inspections.walk", site),
        can_configure=can(current_user, "inspections.configure", site),
        start_form=_start_form(list(buildings.values())),
        joint_this_week=joint_this_week,
        recent=recent_rounds,
        names=names,
        buildings=buildings,
        **_labels(),
    )


def _names(ids) -> dict[int, str]:
    if not ids:
        return {}
    return dict(
        db.session.execute(db.select(User.id, User.display_name).where(User.id.in_(ids))).all()
    )


@bp.route("/rounds", methods=["POST"])
@requires("inspections.walk")
def start():
    site = current_site()
    form = _start_form(_walkable(site))
    valid = form.validate()
    if valid and form.kind.data == "joint" and not (form.participants.data or "").strip():
        form.participants.errors = [_("Name who walks with you.")]
        valid = False
    if not valid:
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("inspections.index"), code=303)
    building = get_or_404(Building, form.building_id.data)
    round_ = rules.start_round(
        site,
        building,
        current_user,
        clock.now(),
        kind=form.kind.data,
        participants=(form.participants.data or "").strip(),
    )
    audit.record("inspections.round_started", round_, detail={"kind": round_.kind})
    db.session.commit()
    if form.checkpoint_id.data:
        checkpoint = get_or_404(InspectionsCheckpoint, form.checkpoint_id.data)
        if checkpoint.building_id == building.id:
            return redirect(
                url_for("inspections.checkpoint", round_id=round_.id, checkpoint_id=checkpoint.id),
                code=303,
            )
    return redirect(url_for("inspections.show", round_id=round_.id), code=303)


def _round(round_id: int) -> InspectionsRound:
    return get_or_404(InspectionsRound, round_id)


def _round_context(round_: InspectionsRound) -> dict:
    site = current_site()
    building = db.session.get(Building, round_.building_id)
    checkpoints = rules.checkpoints_of(site, round_.building_id)
    weather = weather_of(site, round_.day)
    items = rules.items_for(site, round_, [c.id for c in checkpoints], weather)
    by_checkpoint: dict[int, list[InspectionsItem]] = defaultdict(list)
    for item in items:
        by_checkpoint[item.checkpoint_id].append(item)
    marks = rules.marks_of(site, round_.id)
    item_marks = {m.item_id: m for m in marks if m.item_id is not None}
    unit_marks = {(m.unit_id, m.unit_check): m for m in marks if m.unit_id is not None}
    findings = rules.open_findings(site, round_.building_id)
    open_by_checkpoint: dict[int | None, list] = defaultdict(list)
    for finding in findings:
        open_by_checkpoint[finding.checkpoint_id].append(finding)
    day = round_.day
    return {
        "round": round_,
        "building": building,
        "butler_name": _names({round_.butler_id}).get(round_.butler_id, ""),
        "checkpoints": checkpoints,
        "items": by_checkpoint,
        "item_marks": item_marks,
        "unit_marks": unit_marks,
        "open_by_checkpoint": open_by_checkpoint,
        "open_count": len(findings),
        "renovations": rules.renovations_of(site, round_.building_id, day),
        "vacant": rules.vacant_units(site, round_.building_id),
        "renovation_checks": RENOVATION_CHECKS,
        "vacant_checks": VACANT_CHECKS,
        "weather": weather,
        "today": clock.today(site),
        "can_mark": can(current_user, "inspections.walk", site) and round_.completed_at is None,
        "mark_form": MarkForm(formdata=None),
        "error_form": None,
        "error_key": None,
        "message": None,
        **_labels(),
    }


@bp.route("/rounds/<int:round_id>")
@requires("inspections.view")
def show(round_id: int):
    round_ = _round(round_id)
    return render_template("inspections/round.html", **_round_context(round_))


@bp.route("/rounds/<int:round_id>/checkpoints/<int:checkpoint_id>")
@requires("inspections.view")
def checkpoint(round_id: int, checkpoint_id: int):
    round_ = _round(round_id)
    point = get_or_404(InspectionsCheckpoint, checkpoint_id)
    if point.building_id != round_.building_id:
        abort(404)
    return render_template(
        "inspections/checkpoint.html", checkpoint=point, **_round_context(round_)
    )


@bp.route("/c/<int:checkpoint_id>")
@requires("inspections.view")
def qr(checkpoint_id: int):
    """Where a checkpoint's QR code leads: into this period's round, or to start one."""
    site = current_site()
    point = get_or_404(InspectionsCheckpoint, checkpoint_id)
    current = rules.current_round(site, point.building_id, clock.now())
    if current is not None and current.completed_at is None:
        return redirect(
            url_for("inspections.checkpoint", round_id=current.id, checkpoint_id=point.id)
        )
    building = db.session.get(Building, point.building_id)
    form = _start_form([building])
    form.building_id.data = building.id
    form.checkpoint_id.data = point.id
    return render_template(
        "inspections/qr.html",
        checkpoint=point,
        building=building,
        done_round=current,
        start_form=form,
        can_walk=can(current_user, "inspections.walk", site),
        **_labels(),
    )


@bp.route("/rounds/<int:round_id>/marks", methods=["POST"])
@takes_files
@requires("inspections.walk")
def mark(round_id: int):
    site = current_site()
    round_ = _round(round_id)
    form = MarkForm()
    item = unit = point = None
    error_key = message = None
    valid = form.validate()
    if valid and form.item_id.data is None and not (form.unit_id.data and form.unit_check.data):
        form.result.errors = [_("Choose the item.")]
        message = _("Choose the item.")
        valid = False
    if valid and form.item_id.data is not None:
        item = get_or_404(InspectionsItem, form.item_id.data)
        point = get_or_404(InspectionsCheckpoint, item.checkpoint_id)
        if point.building_id != round_.building_id:
            abort(404)
        error_key = f"item-{item.id}"
    elif valid:
        unit = get_or_404(Unit, form.unit_id.data)
        if unit.building_id != round_.building_id:
            abort(404)
        error_key = f"unit-{unit.id}-{form.unit_check.data}"
    if valid and round_.completed_at is not None:
        message = _("This round is finished; start the next one.")
        valid = False
    photo_key = None
    if valid and form.result.data == "finding":
        try:
            photo_key = save_photo(form.photo)
        except uploads.Refused:
            valid = False
    if valid:
        given = rules.FindingInput(
            note=form.note.data or "",
            owner_kind=form.owner_kind.data,
            owner_name=form.owner_name.data or "",
            due_on=form.due_on.data,
            photo_key=photo_key,
        )
        try:
            _mark, raised = rules.mark(
                site,
                round_,
                current_user,
                clock.now(),
                form.result.data,
                item=item,
                unit=unit,
                unit_check=form.unit_check.data or None,
                finding=given,
            )
        except rules.Refused as refused:
            getattr(form, refused.field).errors = [str(refused)]
            if photo_key:
                uploads.delete(photo_key)
            valid = False
    if not valid:
        db.session.rollback()
        context = _round_context(round_)
        context.update(error_form=form, error_key=error_key, message=message)
        if point is not None:
            return render_template("inspections/checkpoint.html", checkpoint=point, **context), 422
        return render_template("inspections/round.html", **context), 422
    if raised is not None:
        audit.record("inspections.finding_raised", raised, detail={"round": round_.id})
    db.session.commit()
    if point is not None:
        return redirect(
            url_for("inspections.checkpoint", round_id=round_.id, checkpoint_id=point.id),
            code=303,
        )
    return redirect(url_for("inspections.show", round_id=round_.id) + "#units", code=303)


@bp.route("/rounds/<int:round_id>/complete", methods=["POST"])
@requires("inspections.walk")
def complete(round_id: int):
    round_ = _round(round_id)
    if not FlaskForm().validate():
        abort(400)
    rules.complete_round(round_, clock.now())
    audit.record(
        "inspections.round_completed",
        round_,
        detail={"ok": round_.ok_count, "findings": round_.finding_count},
    )
    db.session.commit()
    flash(
        _(
            "Round finished: %(ok)s OK, %(findings)s findings.",
            ok=round_.ok_count,
            findings=round_.finding_count,
        ),
        "success",
    )
    return redirect(url_for("inspections.index"), code=303)


@bp.route("/weather", methods=["POST"])
@requires(SET_WEATHER)
def weather():
    site = current_site()
    form = WeatherForm()
    if not form.validate():
        flash(_("Choose the day's weather."), "error")
        return redirect(url_for("inspections.index"), code=303)
    set_weather(site, clock.today(site), form.kind.data or None, by=current_user, source="site")
    audit.record("inspections.weather", detail={"kind": form.kind.data or "fair"})
    db.session.commit()
    flash(_("Today's weather is noted."), "success")
    return redirect(url_for("inspections.index"), code=303)


@bp.route("/qr-sheet")
@requires("inspections.view")
def qr_sheet():
    """A printable A4 sheet of the checkpoints' QR codes, one building at a time."""
    site = current_site()
    choices = building_choices()
    chosen = request.args.get("building", type=int)
    if chosen not in {c.value for c in choices}:
        chosen = choices[0].value if choices else None
    building = db.session.get(Building, chosen) if chosen else None
    points = []
    if building is not None:
        for point in rules.checkpoints_of(site, building.id):
            target = url_for("inspections.qr", checkpoint_id=point.id, _external=True)
            svg = segno.make(target, error="m").svg_inline(
                scale=4, border=2, dark="#111", light="#fff"
            )
            points.append((point, target, svg))
    return render_template(
        "inspections/qr_sheet.html",
        building=building,
        choices=choices,
        points=points,
        **_labels(),
    )


__all__ = ["NAME"]
