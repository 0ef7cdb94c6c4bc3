"""The care plugin's front page, its settings, and its panels on residents and units."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func

from core import audit, clock, tenancy
from core.extensions import db
from core.models import Resident, Unit
from core.security import can, requires
from core.tenancy import current_site, get_or_404
from plugins.care import rules
from plugins.care.forms import OptOutForm, SettingsForm
from plugins.care.models import LOCALES, CareGreeting, CareNotice, CareParcel
from plugins.care.views.base import PANEL_LIMIT, bp, page, words


@bp.route("/")
@requires("care.view")
def index():
    site = current_site()
    today = clock.today(site)
    week = rules.birthdays(site, today, rules.WEEK, rules.scope_buildings(site, current_user))
    held = db.session.scalar(
        tenancy.select(CareParcel, func.count(CareParcel.id)).where(CareParcel.handed_at.is_(None))
    )
    too_long = db.session.scalar(
        tenancy.select(CareParcel, func.count(CareParcel.id)).where(
            CareParcel.handed_at.is_(None),
            CareParcel.received_at < rules.held_since(site, clock.now()),
        )
    )
    drafts = db.session.scalar(
        tenancy.select(CareNotice, func.count(CareNotice.id)).where(CareNotice.sent_at.is_(None))
    )
    return page(
        "care/index.html",
        birthdays_today=[b for b in week if b.day == today],
        birthdays_week=[b for b in week if b.day != today],
        held=held,
        too_long=too_long,
        drafts=drafts,
    )


@bp.route("/settings", methods=["GET", "POST"])
@requires("care.settings")
def settings():

    site = current_site()
    current = rules.settings_of(site)
    if request.method == "GET":
        form = SettingsForm(
            formdata=None,
            elderly_age=current.elderly_age,
            parcel_days=current.parcel_days,
            **{f"greeting_{c}": getattr(current, f"greeting_{c}") for c in LOCALES},
        )
        return page("care/settings.html", form=form)
    form = SettingsForm()
    if not form.validate():
        return page("care/settings.html", 422, form=form)
    if current.id is None:
        db.session.add(current)
    before = {"elderly_age": current.elderly_age, "parcel_days": current.parcel_days}
    current.elderly_age = form.elderly_age.data
    current.parcel_days = form.parcel_days.data
    for code in LOCALES:
        setattr(current, f"greeting_{code}", getattr(form, f"greeting_{code}").data or "")
    db.session.flush()
    audit.record(
        "care.settings.changed",
        current,
        detail={
            "before": before,
            "after": {"elderly_age": current.elderly_age, "parcel_days": current.parcel_days},
        },
    )
    db.session.commit()
    flash(_("The care settings are saved."), "success")
    return redirect(url_for("care.settings"), code=303)


@bp.route("/residents/<int:resident_id>/panel")
@requires("care.view")
def resident_panel(resident_id: int):
    site = current_site()
    resident = get_or_404(Resident, resident_id)
    today = clock.today(site)
    birthday = year = greeting = None
    if resident.birth_date is not None:
        birthday = rules.nearest_birthday(resident.birth_date, today)
        if birthday < today - timedelta(days=30):
            birthday = rules.occurrence(resident.birth_date, today.year + 1)
        year = birthday.year
        greeting = db.session.scalar(
            tenancy.select(CareGreeting).where(
                CareGreeting.resident_id == resident.id, CareGreeting.year == year
            )
        )
    parcels = db.session.scalars(
        tenancy.select(CareParcel)
        .where(CareParcel.resident_id == resident.id, CareParcel.handed_at.is_(None))
        .order_by(CareParcel.received_at)
        .limit(PANEL_LIMIT)
    ).all()
    opted_out = rules.is_opted_out(site, resident)
    return render_template(
        "care/_panel.html",
        resident=resident,
        birthday=birthday,
        greeting=greeting,
        parcels=parcels,
        opted_out=opted_out,
        opt_form=OptOutForm(formdata=None, opt_out=opted_out),
        can_greet=can(current_user, "care.greet", site),
        can_special=can(current_user, "care.special", site),
        **words(),
    )


@bp.route("/residents/<int:resident_id>/opt-out", methods=["POST"])
@requires("care.greet")
def opt_out(resident_id: int):
    site = current_site()
    resident = get_or_404(Resident, resident_id)
    form = OptOutForm()
    if not form.validate():
        flash(_("The form has expired; try again."), "error")
        return redirect(url_for("residents.show", resident_id=resident.id), code=303)
    rules.set_opt_out(site, resident, bool(form.opt_out.data), current_user)
    audit.record("care.opt_out", resident, detail={"opt_out": bool(form.opt_out.data)})
    db.session.commit()
    if form.opt_out.data:
        flash(_("%(name)s will not be offered birthday greetings.", name=resident.name), "success")
    else:
        flash(
            _("%(name)s will be offered birthday greetings again.", name=resident.name), "success"
        )
    return redirect(url_for("residents.show", resident_id=resident.id), code=303)


@bp.route("/units/<int:unit_id>/panel")
@requires("care.view")
def unit_panel(unit_id: int):
    site = current_site()
    unit = get_or_404(Unit, unit_id)
    today = clock.today(site)
    parcels = db.session.scalars(
        tenancy.select(CareParcel)
        .where(CareParcel.unit_id == unit.id, CareParcel.handed_at.is_(None))
        .order_by(CareParcel.received_at)
        .limit(PANEL_LIMIT)
    ).all()
    return render_template(
        "care/_unit_panel.html",
        unit=unit,
        periods=rules.away_now(site, unit.id, today),
        parcels=parcels,
        today=today,
        can_parcels=can(current_user, "care.parcels", site),
    )
