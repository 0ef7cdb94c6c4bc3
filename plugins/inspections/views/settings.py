"""The site's settings: round times, the lateness allowed, the closing rule, and each
building's route of checkpoints with their checklists."""

from __future__ import annotations

from collections import defaultdict

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import func

from core import audit, tenancy
from core.extensions import db
from core.models import Building
from core.security import requires
from core.tenancy import current_site, get_or_404
from plugins.inspections import labels, rules
from plugins.inspections.forms import CheckpointForm, ItemForm, SettingsForm
from plugins.inspections.models import InspectionsCheckpoint, InspectionsItem
from plugins.inspections.views.base import bp, building_choices


def _page(status: int = 200, **forms):
    site = current_site()
    settings = rules.settings_of(site)
    settings_form = forms.get("settings_form") or SettingsForm(formdata=None, obj=settings)
    checkpoint_form = forms.get("checkpoint_form") or CheckpointForm(formdata=None)
    choices = building_choices()
    checkpoint_form.building_id.choices = choices
    chosen = request.args.get("building", type=int) or forms.get("building")
    if chosen not in {c.value for c in choices}:
        chosen = choices[0].value if choices else None
    points = rules.checkpoints_of(site, chosen, active_only=False) if chosen else []
    items = defaultdict(list)
    if points:
        for item in db.session.scalars(
            tenancy.select(InspectionsItem)
            .where(InspectionsItem.checkpoint_id.in_([p.id for p in points]))
            .order_by(InspectionsItem.position, InspectionsItem.id)
        ):
            items[item.checkpoint_id].append(item)
    return render_template(
        "inspections/settings.html",
        settings_form=settings_form,
        checkpoint_form=checkpoint_form,
        item_form=forms.get("item_form") or ItemForm(formdata=None),
        blank_item_form=ItemForm(formdata=None),
        item_error_for=forms.get("item_error_for"),
        choices=choices,
        chosen=chosen,
        points=points,
        items=items,
        area_labels=labels.AREA_LABELS,
        kind_labels=labels.KIND_LABELS,
        condition_labels=labels.CONDITION_LABELS,
    ), status


@bp.route("/settings")
@requires("inspections.configure")
def settings():
    return _page()


@bp.route("/settings", methods=["POST"])
@requires("inspections.configure")
def save_settings():
    site = current_site()
    form = SettingsForm()
    if not form.validate():
        return _page(422, settings_form=form)
    row = rules.settings_of(site)
    row.first_round = form.first_round.data
    row.second_round = form.second_round.data
    row.late_minutes = form.late_minutes.data
    row.photo_to_close = bool(form.photo_to_close.data)
    audit.record("inspections.settings", row)
    db.session.commit()
    flash(_("The settings are saved."), "success")
    return redirect(url_for("inspections.settings"), code=303)


@bp.route("/settings/checkpoints", methods=["POST"])
@requires("inspections.configure")
def add_checkpoint():
    form = CheckpointForm()
    form.building_id.choices = building_choices()
    if not form.validate():
        return _page(422, checkpoint_form=form)
    building = get_or_404(Building, form.building_id.data)
    last = db.session.scalar(
        tenancy.select(InspectionsCheckpoint, func.max(InspectionsCheckpoint.position)).where(
            InspectionsCheckpoint.building_id == building.id
        )
    )
    point = tenancy.new(
        InspectionsCheckpoint,
        building_id=building.id,
        name=form.name.data,
        area=form.area.data,
        position=(last or 0) + 1,
    )
    db.session.flush()
    audit.record("inspections.checkpoint_added", point)
    db.session.commit()
    flash(_("The checkpoint is added."), "success")
    return redirect(url_for("inspections.settings", building=building.id), code=303)


@bp.route("/settings/checkpoints/<int:checkpoint_id>/items", methods=["POST"])
@requires("inspections.configure")
def add_item(checkpoint_id: int):
    point = get_or_404(InspectionsCheckpoint, checkpoint_id)
    form = ItemForm()
    if not form.validate():
        return _page(422, item_form=form, item_error_for=point.id, building=point.building_id)
    last = db.session.scalar(
        tenancy.select(InspectionsItem, func.max(InspectionsItem.position)).where(
            InspectionsItem.checkpoint_id == point.id
        )
    )
    item = tenancy.new(
        InspectionsItem,
        checkpoint_id=point.id,
        text=form.text.data,
        kind=form.kind.data,
        condition=form.condition.data,
        position=(last or 0) + 1,
    )
    db.session.flush()
    audit.record("inspections.item_added", item)
    db.session.commit()
    flash(_("The item is added."), "success")
    return redirect(url_for("inspections.settings", building=point.building_id), code=303)


@bp.route("/settings/items/<int:item_id>/toggle", methods=["POST"])
@requires("inspections.configure")
def toggle_item(item_id: int):
    item = get_or_404(InspectionsItem, item_id)
    if not FlaskForm().validate():
        abort(400)
    point = get_or_404(InspectionsCheckpoint, item.checkpoint_id)
    item.active = not item.active
    audit.record("inspections.item_toggled", item, detail={"active": item.active})
    db.session.commit()
    return redirect(url_for("inspections.settings", building=point.building_id), code=303)


@bp.route("/settings/buildings/<int:building_id>/default-route", methods=["POST"])
@requires("inspections.configure")
def default_route(building_id: int):
    building = get_or_404(Building, building_id)
    if not FlaskForm().validate():
        abort(400)
    rules.seed_route(current_site(), building)
    audit.record("inspections.default_route", building)
    db.session.commit()
    return redirect(url_for("inspections.settings", building=building.id), code=303)
