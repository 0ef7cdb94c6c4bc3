"""Results and assessments: what health staff enter after a check, and the printed sheet."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from core import audit, clock, tenancy
from core.extensions import db
from core.models import User
from core.security import can, requires
from core.tenancy import current_site
from plugins.health.forms import AssessmentForm, results_form_class
from plugins.health.labels import SEX_LABELS, flag_labels
from plugins.health.models import HealthCheck, HealthInvitation, HealthResult
from plugins.health.rules import (
    Refused,
    age_on,
    birth_date_of,
    check_name,
    check_plausible,
    flag_of,
    has_consent,
    normal_range,
    parse,
    profile_of,
    show,
)
from plugins.health.views import bp
from plugins.health.views.common import audit_view, checks_of, invitation_or_404


def _results_of(invitation: HealthInvitation) -> dict[int, HealthResult]:
    return {
        r.check_id: r
        for r in db.session.scalars(
            tenancy.select(HealthResult).where(
                HealthResult.campaign_id == invitation.campaign_id,
                HealthResult.resident_id == invitation.resident_id,
            )
        )
    }


def _results_page(invitation, checks, form, status=200):
    resident = invitation.resident
    profile = profile_of(resident)
    return render_template(
        "health/results.html",
        invitation=invitation,
        campaign=invitation.campaign,
        resident=resident,
        profile=profile,
        consent=has_consent(profile),
        checks=checks,
        form=form,
        results=_results_of(invitation),
        flag_labels=flag_labels(),
    ), status


@bp.route("/invitations/<int:invitation_id>/results", methods=["GET", "POST"])
@requires("health.records.edit")
def results(invitation_id: int):
    invitation = invitation_or_404(invitation_id)
    checks = checks_of(invitation.campaign)
    form_class = results_form_class(checks)
    if request.method == "GET":
        existing = _results_of(invitation)
        data = {"measured_on": clock.today(current_site())}
        for check in checks:
            if check.id in existing:
                data[check.code] = show(existing[check.id].value, check.decimals)
                if check.kind == "pair":
                    data[f"{check.code}_2"] = show(existing[check.id].value2, 0)
        form = form_class(data=data)
        page = _results_page(invitation, checks, form)
        audit_view(invitation.resident, "results")
        return page
    form = form_class()
    resident = invitation.resident
    profile = profile_of(resident)
    if not has_consent(profile):
        form.form_errors.append(
            _("%(name)s has not given consent: no results are kept.", name=resident.name)
        )
        return _results_page(invitation, checks, form, 422)
    if not form.validate():
        return _results_page(invitation, checks, form, 422)
    values: list[tuple[HealthCheck, int, int | None]] = []
    for check in checks:
        field = form[check.code]
        field2 = form[f"{check.code}_2"] if check.kind == "pair" else None
        text, text2 = (field.data or "").strip(), (field2.data or "").strip() if field2 else ""
        if not text and not text2:
            continue
        try:
            value = parse(text, check.decimals)
            value2 = None
            if field2 is not None:
                if not text2:
                    raise Refused(_("Give both numbers of the blood pressure."))
                value2 = parse(text2, 0)
        except Refused as refused:
            field.errors.append(str(refused))
            continue
        problems = check_plausible(check, value, value2)
        if problems:
            field.errors.extend(problems)
            continue
        values.append((check, value, value2))
    if any(form[name].errors for name in form._fields):
        return _results_page(invitation, checks, form, 422)
    if not values:
        form.form_errors.append(_("Enter at least one result."))
        return _results_page(invitation, checks, form, 422)
    day = form.measured_on.data
    age = age_on(birth_date_of(resident, profile), day)
    existing = _results_of(invitation)
    flagged = []
    for check, value, value2 in values:
        rng = normal_range(check, profile.sex, age)
        flag = flag_of(rng, value, value2)
        fields = dict(
            measured_on=day,
            value=value,
            value2=value2,
            flag=flag,
            range_low=rng.low if rng else None,
            range_high=rng.high if rng else None,
            range_low2=rng.low2 if rng else None,
            range_high2=rng.high2 if rng else None,
            age=age,
            entered_by_id=current_user.id,
            entered_at=clock.now(),
        )
        result = existing.get(check.id)
        if result is None:
            tenancy.new(
                HealthResult,
                campaign_id=invitation.campaign_id,
                resident_id=resident.id,
                check_id=check.id,
                **fields,
            )
        else:
            for name, v in fields.items():
                setattr(result, name, v)
        if flag in ("high", "low"):
            flagged.append(check_name(check))
    invitation.status = "attended"
    invitation.attended_at = invitation.attended_at or clock.now()
    audit.record("health.results.entered", resident, detail={"campaign": invitation.campaign_id})
    try:
        db.session.commit()
    except IntegrityError:
        # A colleague saved this resident's first results at the same moment.
        db.session.rollback()
        flash(_("Someone saved these results at the same time: check them and save again."))
        return redirect(url_for("health.results", invitation_id=invitation_id), code=303)
    if flagged:
        flash(
            _("Saved. Outside the normal range: %(checks)s.", checks=", ".join(flagged)), "warning"
        )
    else:
        flash(_("Saved. Every result is within the normal range."), "success")
    return redirect(url_for("health.results", invitation_id=invitation.id), code=303)


# --- Assessment -----------------------------------------------------------------------


def _assessment_context(invitation: HealthInvitation) -> dict:
    checks = checks_of(invitation.campaign)
    profile = profile_of(invitation.resident)
    users = {}
    if invitation.assessed_by_id:
        users[invitation.assessed_by_id] = db.session.get(User, invitation.assessed_by_id)
    return {
        "invitation": invitation,
        "campaign": invitation.campaign,
        "resident": invitation.resident,
        "profile": profile,
        "checks": checks,
        "results": _results_of(invitation),
        "flag_labels": flag_labels(),
        "sex_labels": SEX_LABELS,
        "assessor": users.get(invitation.assessed_by_id),
        "can_write": can(current_user, "health.records.edit"),
        "age": age_on(birth_date_of(invitation.resident, profile), invitation.campaign.starts_on),
    }


@bp.route("/invitations/<int:invitation_id>/assessment")
@requires("health.records.view")
def assessment(invitation_id: int):
    invitation = invitation_or_404(invitation_id)
    html = render_template(
        "health/assessment.html",
        form=AssessmentForm(assessment=invitation.assessment),
        **_assessment_context(invitation),
    )
    audit_view(invitation.resident, "assessment")
    return html


@bp.route("/invitations/<int:invitation_id>/assessment", methods=["POST"])
@requires("health.records.edit")
def save_assessment(invitation_id: int):
    invitation = invitation_or_404(invitation_id)
    form = AssessmentForm()
    if not has_consent(profile_of(invitation.resident)):
        form.assessment.errors = [_("Without the resident's consent nothing is kept.")]
    elif form.validate():
        invitation.assessment = (form.assessment.data or "").strip()
        invitation.assessed_at = clock.now()
        invitation.assessed_by_id = current_user.id
        audit.record("health.assessment.written", invitation.resident)
        db.session.commit()
        flash(_("The assessment is saved."), "success")
        return redirect(url_for("health.assessment", invitation_id=invitation.id), code=303)
    return render_template(
        "health/assessment.html", form=form, **_assessment_context(invitation)
    ), 422


@bp.route("/print.css")
@requires("health.view")
def print_css():
    return Response(
        render_template("health/print.css"), mimetype="text/css", headers={"Vary": "Cookie"}
    )
