"""Birthdays (生日祝福): today's and this week's, greeted once a year."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import audit, clock
from core.extensions import db
from core.models import Resident
from core.security import requires
from core.tenancy import current_site, get_or_404
from plugins.care import rules
from plugins.care.forms import GreetForm
from plugins.care.views.base import bp, page


def _week(everyone: bool) -> list[rules.Birthday]:
    site = current_site()
    buildings = None if everyone else rules.scope_buildings(site, current_user)
    return rules.birthdays(site, clock.today(site), rules.WEEK, buildings)


def _birthdays_page(status: int = 200, message: str = "", failed: int | None = None, form=None):
    everyone = request.values.get("all") == "1"
    rows = _week(everyone)
    today = clock.today(current_site())
    return page(
        "care/birthdays.html",
        status,
        today_rows=[b for b in rows if b.day == today],
        week_rows=[b for b in rows if b.day != today],
        everyone=everyone,
        message=message,
        failed=failed,
        failed_form=form,
        form=GreetForm(formdata=None),
    )


@bp.route("/birthdays")
@requires("care.view")
def birthdays():
    return _birthdays_page()


@bp.route("/birthdays/<int:resident_id>/greet", methods=["POST"])
@requires("care.greet")
def greet(resident_id: int):
    site = current_site()
    resident = get_or_404(Resident, resident_id)
    form = GreetForm()
    if not form.validate():
        return _birthdays_page(422, failed=resident.id, form=form)
    try:
        greeting = rules.greet(site, resident, form.method.data, current_user, form.note.data or "")
    except rules.Refused as refused:
        db.session.rollback()
        status = 409 if refused.conflict else 422
        return _birthdays_page(status, message=refused.message)
    audit.record(
        "care.greeted", greeting, detail={"resident_id": resident.id, "method": greeting.method}
    )
    db.session.commit()
    flash(_("%(name)s's birthday greeting is recorded.", name=resident.name), "success")
    return redirect(url_for("care.birthdays", all=request.values.get("all") or None), code=303)
