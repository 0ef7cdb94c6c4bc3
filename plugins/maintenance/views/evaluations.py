"""The monthly evaluation (月評估): open on the 1st for the month before, scored by the
25th, locked after (a manager may reopen it with a reason); the year's summary; the
site's threshold."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import audit, clock, tenancy
from core.extensions import db
from core.security import can, requires
from core.tenancy import current_site, get_or_404
from plugins.maintenance import rules
from plugins.maintenance.forms import EvaluationForm, ReopenForm, SettingsForm
from plugins.maintenance.models import SERVICES, MaintenanceContractor, MaintenanceSettings
from plugins.maintenance.views.base import bp, refused_message, words


def _last_month(site) -> str:
    return rules.previous_month(clock.this_month(site))


@bp.route("/evaluations")
@requires("maintenance.view")
def evaluations():
    site = current_site()
    month = request.args.get("month") or _last_month(site)
    error = None
    try:
        rules.month_span(month)
    except ValueError:
        error, month = _("Choose a month."), _last_month(site)
    now = clock.now()
    limit = rules.threshold(site)
    warned = rules.warned_in(site, month)
    rows = [
        (
            item,
            rules.state(site, month, item.evaluation, now),
            (item.contractor.id, item.service) in warned,
        )
        for item in rules.to_evaluate(site, month)
    ]
    opens, locks = rules.window(site, month)
    return render_template(
        "maintenance/evaluations.html",
        month=month,
        rows=rows,
        error=error,
        opens=opens,
        locks=locks,
        threshold=limit,
        previous=rules.previous_month(month),
        following=rules.next_month(month),
        can_manage=can(current_user, "maintenance.manage"),
        **words(),
    ), (422 if error else 200)


def _target(contractor_id: int, service: str, month: str):
    contractor = get_or_404(MaintenanceContractor, contractor_id)
    if service not in SERVICES:
        abort(404)
    try:
        rules.month_span(month)
    except ValueError:
        abort(404)
    return contractor


def _evaluation_page(
    contractor, service, month, form=None, reopen_form=None, message=None, status=200
):
    site = current_site()
    evaluation = rules.find(site, contractor.id, service, month)
    code = rules.state(site, month, evaluation, clock.now())
    if form is None:
        form = EvaluationForm(formdata=None, obj=evaluation)
    limit = rules.threshold(site)
    scored = rules.history(site, contractor.id, service)
    opens, locks = rules.window(site, month)
    return render_template(
        "maintenance/evaluation.html",
        contractor=contractor,
        service=service,
        month=month,
        evaluation=evaluation,
        state=code,
        may_score=rules.may_score(code) and can(current_user, "maintenance.evaluate"),
        may_reopen=code in ("locked", "missed") and can(current_user, "maintenance.reopen"),
        tally=rules.compliance(site, contractor.id, service, month),
        form=form,
        reopen_form=reopen_form or ReopenForm(formdata=None),
        message=message,
        threshold=limit,
        warned=(service, month) in rules.warnings(scored, limit),
        opens=opens,
        locks=locks,
        **words(),
    ), status


@bp.route("/evaluations/<int:contractor_id>/<service>/<month>")
@requires("maintenance.view")
def evaluation(contractor_id: int, service: str, month: str):
    return _evaluation_page(_target(contractor_id, service, month), service, month)


@bp.route("/evaluations/<int:contractor_id>/<service>/<month>", methods=["POST"])
@requires("maintenance.evaluate")
def score(contractor_id: int, service: str, month: str):
    site = current_site()
    contractor = _target(contractor_id, service, month)
    form = EvaluationForm()
    if not form.validate():
        return _evaluation_page(contractor, service, month, form=form, status=422)
    marks = {k: form[k].data for k in ("quality", "punctuality", "attitude")}
    try:
        row = rules.score(
            site,
            contractor,
            service,
            month,
            current_user,
            marks,
            form.comments.data or "",
            clock.now(),
        )
    except rules.Refused as refused:
        db.session.rollback()
        return _evaluation_page(
            contractor,
            service,
            month,
            form=form,
            message=refused_message(str(refused)),
            status=409,
        )
    db.session.flush()
    audit.record("maintenance.evaluated", row, detail={"month": month, "score": row.score})
    db.session.commit()
    flash(_("The evaluation is saved: %(score)s of 100.", score=row.score), "success")
    limit = rules.threshold(site)
    if (service, month) in rules.warnings(rules.history(site, contractor.id, service), limit):
        flash(_("Below %(threshold)s for the second month in a row.", threshold=limit), "error")
    return redirect(
        url_for(
            "maintenance.evaluation", contractor_id=contractor.id, service=service, month=month
        ),
        code=303,
    )


@bp.route("/evaluations/<int:contractor_id>/<service>/<month>/reopen", methods=["POST"])
@requires("maintenance.reopen")
def reopen(contractor_id: int, service: str, month: str):
    site = current_site()
    contractor = _target(contractor_id, service, month)
    form = ReopenForm()
    if form.validate():
        try:
            row = rules.reopen(
                site, contractor, service, month, current_user, form.reason.data, clock.now()
            )
        except rules.Refused as refused:
            form.reason.errors = [refused_message(str(refused))]
    if form.errors:
        db.session.rollback()
        return _evaluation_page(contractor, service, month, reopen_form=form, status=422)
    db.session.flush()
    audit.record("maintenance.evaluation_reopened", row, detail={"reason": row.reopen_reason})
    db.session.commit()
    flash(_("The evaluation is open again until it is scored."), "success")
    return redirect(
        url_for(
            "maintenance.evaluation", contractor_id=contractor.id, service=service, month=month
        ),
        code=303,
    )


@bp.route("/year")
@requires("maintenance.view")
def year():
    site = current_site()
    today = clock.today(site)
    try:
        chosen = int(request.args.get("year") or today.year)
    except ValueError:
        chosen = 0
    if not 2000 <= chosen <= 2100:
        abort(404)
    months = [f"{chosen}-{m:02d}" for m in range(1, 13)]
    return render_template(
        "maintenance/year.html",
        year=chosen,
        months=months,
        rows=rules.year_summary(site, chosen, today),
        can_manage=can(current_user, "maintenance.manage"),
        **words(),
    )


@bp.route("/settings", methods=["GET", "POST"])
@requires("maintenance.manage")
def settings():
    site = current_site()
    if request.method == "GET":
        form = SettingsForm(formdata=None, threshold=rules.threshold(site))
        return render_template("maintenance/settings.html", form=form)
    form = SettingsForm()
    if not form.validate():
        return render_template("maintenance/settings.html", form=form), 422
    row = db.session.scalar(tenancy.select(MaintenanceSettings)) or tenancy.new(MaintenanceSettings)
    row.threshold = form.threshold.data
    audit.record("maintenance.settings_saved", detail={"threshold": row.threshold})
    db.session.commit()
    flash(_("The settings are saved."), "success")
    return redirect(url_for("maintenance.evaluations"), code=303)
