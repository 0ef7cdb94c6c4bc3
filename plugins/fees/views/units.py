"""The arrears list, a unit's fees (statement, payment, chasing, reason), its receipts,
its printable statement and reminder letter, and the unit page's panel.

Every form works without JavaScript (a 303 back to the unit after a save). A refusal
shows the unit's page again with the message next to the field (422) and writes nothing.
"""

from __future__ import annotations

import math

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import clock, tenancy
from core.buildings import looked_after, looks_after_any, site_buildings
from core.extensions import db
from core.models import Building, Unit
from core.security import can, requires
from core.tenancy import current_site
from plugins.fees import queries, rules
from plugins.fees.forms import CancelPaymentForm, ChaseForm, PaymentForm, ReasonForm
from plugins.fees.jobs import recipient_of
from plugins.fees.models import FeesPayment
from plugins.fees.queries import BUCKETS
from plugins.fees.views.base import bp, int_arg

# The reason's fields are "why-reason" and "why-note": the contact form has a note too.
REASON_PREFIX = "why-"


@bp.route("/")
@requires("fees.view")
def index():
    site = current_site()
    mine_possible = looks_after_any(site, current_user)
    show = request.args.get("show", "mine" if mine_possible else "all")
    if show not in ("mine", "all") or (show == "mine" and not mine_possible):
        show = "all"
    building_id = int_arg("building")
    bucket = request.args.get("bucket") or None
    if bucket not in BUCKETS:
        bucket = None
    if building_id is not None:
        building_ids = [tenancy.get_or_404(Building, building_id).id]
    elif show == "mine":
        building_ids = list(db.session.scalars(looked_after(site.id, current_user.id)))
    else:
        building_ids = None
    page = int_arg("page", 10_000) or 1
    rows, total = queries.arrears_list(site, building_ids=building_ids, bucket=bucket, page=page)
    summary = queries.aged(site, clock.today(site), building_ids)
    args = {"show": show, "building": building_id or "", "bucket": bucket or ""}
    return render_template(
        "fees/index.html",
        rows=rows,
        total=total,
        summary=summary,
        show=show,
        mine_possible=mine_possible,
        building_id=building_id,
        bucket=bucket,
        buildings=site_buildings(site),
        page=page,
        pages=max(1, math.ceil(total / queries.LIST_PAGE)),
        args={k: v for k, v in args.items() if v},
    )


def _unit_page(unit: Unit, status: int = 200, **forms):
    site = current_site()
    bills, payments, balance, overdue = queries.statement(site, unit)
    pay_form = forms.get("pay") or PaymentForm(formdata=None)
    chase_form = forms.get("chase") or ChaseForm(formdata=None)
    arrear = queries.reason_of(site, unit)
    reason_form = forms.get("reason") or ReasonForm(
        formdata=None,
        prefix=REASON_PREFIX,
        reason=arrear.reason if arrear else None,
        note=arrear.note if arrear else "",
    )
    return render_template(
        "fees/unit.html",
        unit=unit,
        bills=bills,
        payments=payments,
        balance=balance,
        overdue=overdue,
        arrear=arrear,
        chases=queries.chases_of(site, unit),
        pay_form=pay_form,
        chase_form=chase_form,
        reason_form=reason_form,
        cancel_form=CancelPaymentForm(formdata=None),
        can_collect=can(current_user, "fees.collect"),
        can_chase=can(current_user, "fees.chase"),
        can_void=can(current_user, "fees.void"),
        today=clock.today(site),
    ), status


@bp.route("/units/<int:unit_id>")
@requires("fees.view")
def unit(unit_id: int):
    return _unit_page(tenancy.get_or_404(Unit, unit_id))


def _refused(unit: Unit, key: str, form, error: Exception | None = None):
    db.session.rollback()
    unit = tenancy.get_or_404(Unit, unit.id)
    if error is not None:
        form.form_errors.append(str(error))
    return _unit_page(unit, 422, **{key: form})


def _saved(unit: Unit, message: str, anchor: str = ""):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".unit", unit_id=unit.id) + anchor, code=303)


@bp.route("/units/<int:unit_id>/payments", methods=["POST"])
@requires("fees.collect")
def pay(unit_id: int):
    unit = tenancy.get_or_404(Unit, unit_id)
    form = PaymentForm()
    if not form.validate_on_submit():
        return _refused(unit, "pay", form)
    try:
        payment = rules.pay(
            current_site(),
            unit,
            amount_minor=form.amount.minor,
            method=form.method.data,
            reference=form.reference.data or "",
            payer=form.payer.data or "",
            user=current_user,
        )
    except rules.Refused as error:
        return _refused(unit, "pay", form, error)
    db.session.commit()
    flash(_("The payment is recorded."), "success")
    return redirect(url_for(".receipt", payment_id=payment.id), code=303)


@bp.route("/units/<int:unit_id>/chases", methods=["POST"])
@requires("fees.chase")
def chase(unit_id: int):
    unit = tenancy.get_or_404(Unit, unit_id)
    form = ChaseForm()
    if not form.validate_on_submit():
        return _refused(unit, "chase", form)
    try:
        rules.record_chase(
            current_site(),
            unit,
            kind=form.kind.data,
            note=form.note.data or "",
            promise_on=form.promise_on.data,
            promise_minor=form.promise_amount.minor,
            user=current_user,
        )
    except rules.Refused as error:
        return _refused(unit, "chase", form, error)
    return _saved(unit, _("The contact is written down."), "#chasing")


@bp.route("/units/<int:unit_id>/reason", methods=["POST"])
@requires("fees.chase")
def reason(unit_id: int):
    unit = tenancy.get_or_404(Unit, unit_id)
    form = ReasonForm(prefix=REASON_PREFIX)
    if not form.validate_on_submit():
        return _refused(unit, "reason", form)
    rules.set_reason(
        current_site(), unit, reason=form.reason.data, note=form.note.data or "", user=current_user
    )
    return _saved(unit, _("The reason is saved."), "#why-owes")


@bp.route("/payments/<int:payment_id>/cancel", methods=["POST"])
@requires("fees.void")
def cancel_payment(payment_id: int):
    payment = tenancy.get_or_404(FeesPayment, payment_id)
    unit = tenancy.get_or_404(Unit, payment.unit_id)
    form = CancelPaymentForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        db.session.rollback()
        return _unit_page(unit, 422)
    try:
        rules.cancel_payment(
            payment, status=form.action.data, reason=form.reason.data, user=current_user
        )
    except rules.Refused as error:
        db.session.rollback()
        flash(str(error), "error")
        return _unit_page(tenancy.get_or_404(Unit, unit.id), 422)
    message = (
        _("The payment is voided.")
        if form.action.data == "voided"
        else _("The refund is recorded.")
    )
    return _saved(unit, message, "#payments")


@bp.route("/payments/<int:payment_id>/receipt")
@requires("fees.view")
def receipt(payment_id: int):
    payment = tenancy.get_or_404(FeesPayment, payment_id)
    unit = tenancy.get_or_404(Unit, payment.unit_id)
    site = current_site()
    _bills, _payments, balance, _overdue = queries.statement(site, unit)
    return render_template(
        "fees/receipt.html",
        payment=payment,
        unit=unit,
        balance=balance,
        printed_on=clock.today(site),
    )


@bp.route("/units/<int:unit_id>/statement")
@requires("fees.view")
def statement(unit_id: int):
    unit = tenancy.get_or_404(Unit, unit_id)
    site = current_site()
    bills, payments, balance, overdue = queries.statement(site, unit)
    return render_template(
        "fees/statement.html",
        unit=unit,
        bills=bills,
        payments=payments,
        balance=balance,
        overdue=overdue,
        printed_on=clock.today(site),
    )


@bp.route("/units/<int:unit_id>/letter")
@requires("fees.view")
def letter(unit_id: int):
    unit = tenancy.get_or_404(Unit, unit_id)
    site = current_site()
    today = clock.today(site)
    owing = [b for b in rules.owing_bills(site, unit) if b.due_on < today]
    if not owing:
        abort(404)
    found = recipient_of(site, unit.id)
    return render_template(
        "fees/letter.html",
        unit=unit,
        bills=owing,
        total=sum(b.due_minor for b in owing),
        addressee=found[0] if found else None,
        printed_on=today,
    )


@bp.route("/units/<int:unit_id>/panel")
@requires("fees.view")
def unit_panel(unit_id: int):
    unit = tenancy.get_or_404(Unit, unit_id)
    site = current_site()
    bills, payments, balance, overdue = queries.statement(site, unit)
    return render_template(
        "fees/_panel.html",
        unit=unit,
        bills=bills[:6],
        payments=payments[:3],
        balance=balance,
        overdue=overdue,
        arrear=queries.reason_of(site, unit),
    )
