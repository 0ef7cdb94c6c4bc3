"""Guests' requests and complaints, and lost and found."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from core import audit, clock, tenancy, uploads
from core.extensions import db
from core.formdata import takes_files
from core.security import requires
from core.tenancy import current_site
from plugins.housekeeping.forms import (
    ClaimForm,
    CloseRequestForm,
    DisposeForm,
    GuestRequestForm,
    LostItemForm,
    LostSettingForm,
)
from plugins.housekeeping.labels import (
    LOST_STATE_LABELS,
    REQUEST_KIND_LABELS,
    SATISFACTION_LABELS,
)
from plugins.housekeeping.models import (
    HousekeepingGuestRequest,
    HousekeepingLostItem,
    HousekeepingSetting,
)
from plugins.housekeeping.rules import disposable_from
from plugins.housekeeping.views import bp
from plugins.housekeeping.views.common import keep_photo, members, render, send_photo
from plugins.housekeeping.views.engineering import room_by_number

NAME = "housekeeping"
PAGE = 60
DEFAULT_LOST_DAYS = 90


# --- Guests' requests and complaints -------------------------------------------------------


def _assignee_choices(field) -> None:
    field.choices = [SelectChoice(0, "—")] + [SelectChoice(u.id, u.display_name) for u in members()]


def _requests_page(status: int = 200, form=None, close_form=None, closing=None):
    form = form or GuestRequestForm(formdata=None)
    _assignee_choices(form.assigned_to_id)
    opened = db.session.scalars(
        tenancy.select(HousekeepingGuestRequest)
        .where(HousekeepingGuestRequest.closed_at.is_(None))
        .options(
            selectinload(HousekeepingGuestRequest.unit),
            selectinload(HousekeepingGuestRequest.assigned_to),
        )
        .order_by(HousekeepingGuestRequest.logged_at, HousekeepingGuestRequest.id)
        .limit(PAGE)
    ).all()
    closed = db.session.scalars(
        tenancy.select(HousekeepingGuestRequest)
        .where(HousekeepingGuestRequest.closed_at.is_not(None))
        .options(selectinload(HousekeepingGuestRequest.unit))
        .order_by(HousekeepingGuestRequest.closed_at.desc(), HousekeepingGuestRequest.id.desc())
        .limit(20)
    ).all()
    return render(
        "housekeeping/guest_requests.html",
        status,
        form=form,
        opened=opened,
        closed=closed,
        close_form=close_form or CloseRequestForm(formdata=None),
        closing=closing,
        kinds=REQUEST_KIND_LABELS,
        satisfaction=SATISFACTION_LABELS,
    )


@bp.route("/guest-requests")
@requires("housekeeping.guests")
def guest_requests():
    return _requests_page()


@bp.route("/guest-requests", methods=["POST"])
@requires("housekeeping.guests")
def log_request():
    form = GuestRequestForm()
    _assignee_choices(form.assigned_to_id)
    if not form.validate_on_submit():
        return _requests_page(422, form=form)
    unit, problem = room_by_number(form.room.data)
    if problem:
        form.room.errors = [problem]
        return _requests_page(422, form=form)
    logged = tenancy.new(
        HousekeepingGuestRequest,
        unit_id=unit.id,
        kind=form.kind.data,
        what=form.what.data.strip(),
        assigned_to_id=form.assigned_to_id.data or None,
        logged_by_id=current_user.id,
        logged_at=clock.now(),
    )
    db.session.flush()
    audit.record(
        "housekeeping.guest_request_logged",
        logged,
        detail={"room": unit.number, "kind": logged.kind, "assigned_to": logged.assigned_to_id},
    )
    db.session.commit()
    flash(_("Logged for room %(number)s.", number=unit.number), "success")
    return redirect(url_for("housekeeping.guest_requests"), code=303)


@bp.route("/guest-requests/<int:request_id>/close", methods=["POST"])
@requires("housekeeping.guests")
def close_request(request_id: int):
    logged = tenancy.get_or_404(HousekeepingGuestRequest, request_id)
    if logged.closed_at is None:
        form = CloseRequestForm()
        if not form.validate_on_submit():
            return _requests_page(422, close_form=form, closing=logged.id)
        logged.closed_at = clock.now()
        logged.satisfaction = form.satisfaction.data
        logged.outcome = (form.outcome.data or "").strip()
        audit.record(
            "housekeeping.guest_request_closed",
            logged,
            detail={"satisfaction": logged.satisfaction, "outcome": logged.outcome},
        )
        db.session.commit()
    flash(_("Closed."), "success")
    return redirect(url_for("housekeeping.guest_requests"), code=303)


# --- Lost and found ---------------------------------------------------------------------


def keep_days() -> int:
    """How many days the site keeps lost property before it may be disposed of."""
    days = db.session.scalar(tenancy.select(HousekeepingSetting, HousekeepingSetting.lost_days))
    return days or DEFAULT_LOST_DAYS


def _lost_page(status: int = 200, form=None, claim=None, dispose=None, acting=None, setting=None):
    today = clock.today(current_site())
    days = keep_days()
    items = db.session.scalars(
        tenancy.select(HousekeepingLostItem)
        .order_by(
            (HousekeepingLostItem.state != "kept"),
            HousekeepingLostItem.found_on.desc(),
            HousekeepingLostItem.id.desc(),
        )
        .limit(PAGE)
    ).all()
    due = {item.id: disposable_from(item.found_on, days) for item in items}
    # Babel's date formatting is slow: once per day shown, not once per row.
    shown = {*due.values(), *(i.found_on for i in items), *(i.closed_on for i in items)}
    dates = {day: format_date(day) for day in shown if day is not None}
    return render(
        "housekeeping/lost_found.html",
        status,
        form=form
        or LostItemForm(formdata=None, found_on=today, found_by=current_user.display_name),
        claim_form=claim or ClaimForm(formdata=None),
        dispose_form=dispose or DisposeForm(formdata=None),
        setting_form=setting or LostSettingForm(formdata=None, lost_days=days),
        acting=acting,
        items=items,
        days=days,
        today=today,
        due=due,
        dates=dates,
        states=LOST_STATE_LABELS,
    )


@bp.route("/lost-and-found")
@requires("housekeeping.lost_found")
def lost_found():
    return _lost_page()


@bp.route("/lost-and-found", methods=["POST"])
@takes_files
@requires("housekeeping.lost_found")
def log_lost():
    form = LostItemForm()
    if not form.validate_on_submit():
        return _lost_page(422, form=form)
    try:
        photo_key = keep_photo(form.photo)
    except uploads.Refused:
        return _lost_page(422, form=form)
    found = tenancy.new(
        HousekeepingLostItem,
        item=form.item.data.strip(),
        found_where=form.found_where.data.strip(),
        found_by=form.found_by.data.strip(),
        found_on=form.found_on.data,
        kept_at=form.kept_at.data.strip(),
        photo_key=photo_key,
        state="kept",
        logged_by_id=current_user.id,
    )
    db.session.flush()
    audit.record(
        "housekeeping.lost_logged",
        found,
        detail={"item": found.item, "where": found.found_where, "kept_at": found.kept_at},
    )
    db.session.commit()
    flash(
        _("%(item)s is logged as kept at %(place)s.", item=found.item, place=found.kept_at),
        "success",
    )
    return redirect(url_for("housekeeping.lost_found"), code=303)


@bp.route("/lost-and-found/<int:found_id>/claim", methods=["POST"])
@requires("housekeeping.lost_found")
def claim_lost(found_id: int):
    found = tenancy.get_or_404(HousekeepingLostItem, found_id)
    if found.state != "kept":
        flash(_("This item is no longer kept."), "error")
        return redirect(url_for("housekeeping.lost_found"), code=303)
    form = ClaimForm()
    if not form.validate_on_submit():
        return _lost_page(422, claim=form, acting=found.id)
    found.state = "claimed"
    found.claimed_by = form.claimed_by.data.strip()
    found.claim_id_seen = form.claim_id_seen.data.strip()
    found.signed = True
    found.closed_on = clock.today(current_site())
    found.closed_by_id = current_user.id
    audit.record(
        "housekeeping.lost_claimed",
        found,
        detail={"item": found.item, "claimed_by": found.claimed_by, "id_seen": found.claim_id_seen},
    )
    db.session.commit()
    flash(_("%(item)s is handed back.", item=found.item), "success")
    return redirect(url_for("housekeeping.lost_found"), code=303)


@bp.route("/lost-and-found/<int:found_id>/dispose", methods=["POST"])
@requires("housekeeping.lost_dispose")
def dispose_lost(found_id: int):
    found = tenancy.get_or_404(HousekeepingLostItem, found_id)
    if found.state != "kept":
        flash(_("This item is no longer kept."), "error")
        return redirect(url_for("housekeeping.lost_found"), code=303)
    form = DisposeForm()
    if not form.validate_on_submit():
        return _lost_page(422, dispose=form, acting=found.id)
    today = clock.today(current_site())
    allowed = disposable_from(found.found_on, keep_days())
    if today < allowed:
        form.reason.errors = [
            _("It is kept until %(day)s: it may be disposed of from then.", day=allowed.isoformat())
        ]
        return _lost_page(422, dispose=form, acting=found.id)
    found.state = "disposed"
    found.disposal_reason = form.reason.data.strip()
    found.closed_on = today
    found.closed_by_id = current_user.id
    audit.record(
        "housekeeping.lost_disposed",
        found,
        detail={"item": found.item, "reason": found.disposal_reason},
    )
    db.session.commit()
    flash(_("%(item)s is disposed of.", item=found.item), "success")
    return redirect(url_for("housekeeping.lost_found"), code=303)


@bp.route("/lost-and-found/photos/<int:found_id>")
@requires("housekeeping.lost_found")
def lost_photo(found_id: int):
    return send_photo(tenancy.get_or_404(HousekeepingLostItem, found_id).photo_key)


@bp.route("/lost-and-found/settings", methods=["POST"])
@requires("housekeeping.lost_dispose")
def lost_settings():
    form = LostSettingForm()
    if not form.validate_on_submit():
        return _lost_page(422, setting=form)
    setting = db.session.scalar(tenancy.select(HousekeepingSetting))
    if setting is None:
        setting = tenancy.new(HousekeepingSetting, lost_days=form.lost_days.data)
    before = setting.lost_days
    setting.lost_days = form.lost_days.data
    db.session.flush()
    audit.record(
        "housekeeping.lost_days_set", setting, detail={"from": before, "to": setting.lost_days}
    )
    db.session.commit()
    flash(
        _("Lost property is kept %(days)s days.", days=setting.lost_days),
        "success",
    )
    return redirect(url_for("housekeeping.lost_found"), code=303)
