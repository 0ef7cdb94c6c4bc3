"""The resident's health record: profile and consent, export, erasure, the resident page's panel."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import delete, select, update

from core import audit, clock, exports, tenancy
from core.extensions import db
from core.models import Resident, User
from core.security import can, requires
from plugins.health import reports
from plugins.health.forms import EraseForm, ProfileForm
from plugins.health.labels import SEX_LABELS, flag_labels, status_labels
from plugins.health.models import (
    HealthCampaign,
    HealthCheck,
    HealthErasure,
    HealthInvitation,
    HealthProfile,
    HealthResult,
)
from plugins.health.rules import birth_date_of, has_consent, profile_of
from plugins.health.trend import trend_svg
from plugins.health.views import bp
from plugins.health.views.common import audit_view


def _record_context(resident: Resident, profile_form: ProfileForm | None = None) -> dict:
    profile = profile_of(resident)
    rows = db.session.execute(
        tenancy.select(HealthResult, HealthResult, HealthCampaign.name)
        .join(HealthCampaign, HealthCampaign.id == HealthResult.campaign_id)
        .where(HealthResult.resident_id == resident.id)
        .order_by(HealthResult.measured_on, HealthResult.id)
    ).all()
    checks = {
        c.id: c
        for c in db.session.scalars(
            tenancy.select(HealthCheck).where(
                HealthCheck.id.in_({result.check_id for result, _n in rows})
            )
        )
    }
    measures = []
    for check_id in sorted(checks, key=lambda i: (checks[i].position, i)):
        series = [(r, name) for r, name in rows if r.check_id == check_id]
        measures.append((checks[check_id], series, trend_svg(checks[check_id], series)))
    invitations = db.session.execute(
        tenancy.select(HealthInvitation, HealthInvitation, HealthCampaign)
        .join(HealthCampaign, HealthCampaign.id == HealthInvitation.campaign_id)
        .where(HealthInvitation.resident_id == resident.id)
        .order_by(HealthCampaign.starts_on.desc())
    ).all()
    erasures = db.session.execute(
        tenancy.select(HealthErasure, HealthErasure, User.display_name)
        .outerjoin(User, User.id == HealthErasure.erased_by_id)
        .where(HealthErasure.resident_id == resident.id)
        .order_by(HealthErasure.erased_at.desc())
    ).all()
    people = {}
    if profile is not None:
        ids = {profile.consent_given_by_id, profile.consent_withdrawn_by_id} - {None}
        if ids:
            people = {
                u.id: u.display_name
                for u in db.session.scalars(select(User).where(User.id.in_(ids)))
            }
    if profile_form is None:
        profile_form = ProfileForm(
            sex=profile.sex if profile else "",
            birth_date=profile.birth_date if profile else None,
            consent=has_consent(profile),
        )
    return {
        "resident": resident,
        "profile": profile,
        "birth_date": birth_date_of(resident, profile),
        "consent": has_consent(profile),
        "people": people,
        "measures": measures,
        "invitations": invitations,
        "erasures": erasures,
        "profile_form": profile_form,
        "erase_form": EraseForm(),
        "sex_labels": SEX_LABELS,
        "flag_labels": flag_labels(),
        "status_labels": status_labels(),
        "can_edit": can(current_user, "health.records.edit"),
        "can_export": can(current_user, "health.records.export"),
        "can_erase": can(current_user, "health.records.erase"),
    }


@bp.route("/residents/<int:resident_id>")
@requires("health.records.view")
def record(resident_id: int):
    resident = tenancy.get_or_404(Resident, resident_id)
    html = render_template("health/record.html", **_record_context(resident))
    audit_view(resident, "record")
    return html


@bp.route("/residents/<int:resident_id>/profile", methods=["POST"])
@requires("health.records.edit")
def save_profile(resident_id: int):
    resident = tenancy.get_or_404(Resident, resident_id)
    form = ProfileForm()
    if not form.validate():
        return render_template("health/record.html", **_record_context(resident, form)), 422
    profile = profile_of(resident)
    if profile is None:
        profile = tenancy.new(HealthProfile, resident_id=resident.id, consent=False)
    at = clock.now()
    was = profile.consent
    profile.sex = form.sex.data or ""
    profile.birth_date = form.birth_date.data
    if form.consent.data and not was:
        profile.consent = True
        profile.consent_given_at, profile.consent_given_by_id = at, current_user.id
        profile.consent_withdrawn_at = profile.consent_withdrawn_by_id = None
        audit.record("health.consent.given", resident)
    elif was and not form.consent.data:
        profile.consent = False
        profile.consent_withdrawn_at, profile.consent_withdrawn_by_id = at, current_user.id
        audit.record("health.consent.withdrawn", resident)
    audit.record("health.profile.saved", resident)
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("health.record", resident_id=resident.id), code=303)


@bp.route("/residents/<int:resident_id>/export")
@requires("health.records.export")
def export(resident_id: int):
    """The resident's own record as JSON, for a data-subject request."""
    resident = tenancy.get_or_404(Resident, resident_id)
    data = reports.subject_export(resident)
    audit.record_read("health.record.exported", resident, residents=[resident])
    db.session.commit()
    return exports.json_attachment(data, f"health-record-{resident.id}.json")


@bp.route("/residents/<int:resident_id>/erase", methods=["POST"])
@requires("health.records.erase")
def erase(resident_id: int):
    resident = tenancy.get_or_404(Resident, resident_id)
    form = EraseForm()
    if not form.validate():
        context = _record_context(resident)
        context["erase_form"] = form
        return render_template("health/record.html", **context), 422
    deleted = db.session.execute(
        delete(HealthResult).where(
            HealthResult.site_id == resident.site_id, HealthResult.resident_id == resident.id
        )
    ).rowcount
    db.session.execute(
        update(HealthInvitation)
        .where(
            HealthInvitation.site_id == resident.site_id,
            HealthInvitation.resident_id == resident.id,
        )
        .values(assessment="", assessed_at=None, assessed_by_id=None)
    )
    profile = profile_of(resident)
    at = clock.now()
    if profile is not None:
        profile.sex, profile.birth_date = "", None
        if profile.consent:
            profile.consent = False
            profile.consent_withdrawn_at, profile.consent_withdrawn_by_id = at, current_user.id
    tenancy.new(
        HealthErasure,
        resident_id=resident.id,
        erased_at=at,
        erased_by_id=current_user.id,
        results_deleted=deleted,
    )
    audit.record("health.record.erased", resident, detail={"results": deleted})
    db.session.commit()
    flash(_("The health values of %(name)s are erased.", name=resident.name), "success")
    return redirect(url_for("health.record", resident_id=resident.id), code=303)


@bp.route("/residents/<int:resident_id>/panel")
@requires("health.view")
def resident_panel(resident_id: int):
    """The resident's page panel: which health checks they took part in, never a value."""
    resident = tenancy.get_or_404(Resident, resident_id)
    rows = db.session.execute(
        tenancy.select(HealthInvitation, HealthInvitation.status, HealthCampaign)
        .join(HealthCampaign, HealthCampaign.id == HealthInvitation.campaign_id)
        .where(HealthInvitation.resident_id == resident.id)
        .order_by(HealthCampaign.starts_on.desc())
        .limit(20)
    ).all()
    return render_template(
        "health/_panel.html",
        resident=resident,
        rows=rows,
        status_labels=status_labels(),
        can_read=can(current_user, "health.records.view"),
    )
