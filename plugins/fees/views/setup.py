"""The site's fees and the billing of a month (managers)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from core import audit, clock, tenancy
from core.extensions import db
from core.security import requires
from core.tenancy import current_site
from plugins.fees import rules
from plugins.fees.forms import FeeForm, GenerateForm
from plugins.fees.models import FeesFee
from plugins.fees.views.base import bp


def _page(status: int = 200, fee_form=None, generate_form=None):
    site = current_site()
    fees = db.session.scalars(tenancy.select(FeesFee).order_by(FeesFee.name)).all()
    return render_template(
        "fees/setup.html",
        fees=fees,
        fee_form=fee_form or FeeForm(formdata=None),
        generate_form=generate_form or GenerateForm(formdata=None, month=clock.this_month(site)),
    ), status


@bp.route("/setup")
@requires("fees.manage")
def setup():
    return _page()


@bp.route("/setup/fees", methods=["POST"])
@requires("fees.manage")
def fee_add():
    form = FeeForm()
    if not form.validate_on_submit():
        return _page(422, fee_form=form)
    taken = db.session.scalar(tenancy.select(FeesFee).where(FeesFee.name == form.name.data))
    if taken is not None:
        form.name.errors.append(_("There is a fee of that name already."))
        return _page(422, fee_form=form)
    fee = tenancy.new(
        FeesFee,
        name=form.name.data,
        kind=form.kind.data,
        basis=form.basis.data,
        rate_minor=form.rate.minor,
        frequency=form.frequency.data,
        due_day=form.due_day.data,
        active=True,
    )
    db.session.flush()
    audit.record("fees.fee_added", fee, detail={"name": fee.name, "rate_minor": fee.rate_minor})
    db.session.commit()
    flash(_("The fee is added."), "success")
    return redirect(url_for(".setup"), code=303)


@bp.route("/setup/generate", methods=["POST"])
@requires("fees.manage")
def generate():
    form = GenerateForm()
    if not form.validate_on_submit():
        return _page(422, generate_form=form)
    result = rules.generate(current_site(), form.month.data, current_user)
    db.session.commit()
    flash(
        ngettext(
            "%(num)d bill made for %(month)s.",
            "%(num)d bills made for %(month)s.",
            result.made,
            month=form.month.data,
        )
        + (
            " "
            + ngettext("%(num)d was there already.", "%(num)d were there already.", result.already)
            if result.already
            else ""
        )
        + (
            " "
            + ngettext(
                "%(num)d unit has no area and was not billed.",
                "%(num)d units have no area and were not billed.",
                result.no_area,
            )
            if result.no_area
            else ""
        ),
        "success",
    )
    return redirect(url_for(".setup"), code=303)
