"""The site's checks and their normal ranges."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from core import audit, tenancy
from core.extensions import db
from core.security import requires
from plugins.health.forms import CheckForm, RangeForm
from plugins.health.labels import RANGE_SEX_LABELS
from plugins.health.models import HealthCheck, HealthRange
from plugins.health.rules import Refused, check_name, parse
from plugins.health.views import bp


def _check_list() -> list[HealthCheck]:
    return list(
        db.session.scalars(
            tenancy.select(HealthCheck)
            .options(selectinload(HealthCheck.ranges))
            .order_by(HealthCheck.position, HealthCheck.id)
        )
    )


def _range_form(checks: list[HealthCheck], form: RangeForm | None = None) -> RangeForm:
    form = form or RangeForm()
    form.check_id.choices = [SelectChoice(c.id, check_name(c)) for c in checks]
    return form


def _checks_page(check_form=None, range_form=None, status=200):
    checks = _check_list()
    return render_template(
        "health/checks.html",
        checks=checks,
        check_form=check_form or CheckForm(decimals="0"),
        range_form=_range_form(checks, range_form),
        range_sex_labels=RANGE_SEX_LABELS,
    ), status


@bp.route("/checks")
@requires("health.manage")
def checks():
    return _checks_page()


@bp.route("/checks", methods=["POST"])
@requires("health.manage")
def add_check():
    form = CheckForm()
    bounds = None
    if form.validate():
        decimals = int(form.decimals.data)
        low = high = None
        try:
            low = parse(form.plausible_min.data, decimals)
        except Refused as refused:
            form.plausible_min.errors.append(str(refused))
        try:
            high = parse(form.plausible_max.data, decimals)
        except Refused as refused:
            form.plausible_max.errors.append(str(refused))
        if low is not None and high is not None:
            if low >= high:
                form.plausible_max.errors.append(_("The highest value must be above the lowest."))
            elif max(abs(low), abs(high)) >= 10**9:
                form.plausible_max.errors.append(_("This number is too large."))
            else:
                bounds = (low, high)
    if bounds is None:
        return _checks_page(check_form=form, status=422)
    count = db.session.scalar(tenancy.select(HealthCheck, func.count(HealthCheck.id)))
    check = tenancy.new(
        HealthCheck,
        code=f"new_{count}",
        name=form.name.data.strip(),
        unit=(form.unit.data or "").strip(),
        kind="single",
        decimals=decimals,
        plausible_min=bounds[0],
        plausible_max=bounds[1],
        position=1000 + count,
        standard=False,
    )
    db.session.flush()
    check.code = f"site_{check.id}"
    audit.record("health.check.added", check, detail={"name": check.name})
    db.session.commit()
    flash(_("The check is added. Give it a normal range."), "success")
    return redirect(url_for("health.checks", _anchor=f"check-{check.id}"), code=303)


@bp.route("/ranges", methods=["POST"])
@requires("health.manage")
def add_range():
    checks = _check_list()
    form = _range_form(checks, RangeForm())
    bounds = None
    check = None
    if form.validate():
        check = next(c for c in checks if c.id == form.check_id.data)
        low = high = None
        try:
            low = parse(form.low.data, check.decimals)
        except Refused as refused:
            form.low.errors.append(str(refused))
        try:
            high = parse(form.high.data, check.decimals)
        except Refused as refused:
            form.high.errors.append(str(refused))
        if low is not None and high is not None:
            if low > high:
                form.high.errors.append(_("The upper bound must not be below the lower."))
            elif not (check.plausible_min <= low and high <= check.plausible_max):
                form.high.errors.append(_("The range must lie within the plausible values."))
            else:
                bounds = (low, high)
    if bounds is None or check is None:
        return _checks_page(range_form=form, status=422)
    rng = tenancy.new(
        HealthRange,
        check_id=check.id,
        sex=form.sex.data,
        age_min=form.age_min.data,
        age_max=form.age_max.data,
        low=bounds[0],
        high=bounds[1],
    )
    if check.kind == "pair" and check.ranges:
        rng.low2, rng.high2 = check.ranges[0].low2, check.ranges[0].high2
    audit.record("health.range.added", check, detail={"sex": rng.sex})
    db.session.commit()
    return redirect(url_for("health.checks", _anchor=f"check-{check.id}"), code=303)
