"""The health programme's pages: campaigns, invitations, results, records and reports.

Health values are shown only to roles holding ``health.records.view``; every page that
shows them is written to the audit log (who, when, which resident) and every answer of
this blueprint carries ``Cache-Control: no-store``. Butlers see the programme and who
took part, never a value.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import case, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from core import audit, clock, outbox, tenancy
from core.extensions import db
from core.models import Resident, User
from core.security import can, requires
from core.tenancy import current_site
from plugins.health import reports
from plugins.health.forms import (
    RANGE_SEX_LABELS,
    SEX_LABELS,
    AssessmentForm,
    AttendanceForm,
    BookForm,
    CampaignForm,
    CheckForm,
    EraseForm,
    InviteForm,
    ProfileForm,
    RangeForm,
    SlotForm,
    results_form_class,
)
from plugins.health.jobs import channel_for
from plugins.health.models import (
    HealthCampaign,
    HealthCampaignCheck,
    HealthCheck,
    HealthErasure,
    HealthInvitation,
    HealthProfile,
    HealthRange,
    HealthResult,
    HealthSlot,
)
from plugins.health.rules import (
    Refused,
    age_on,
    birth_date_of,
    check_name,
    check_plausible,
    choose_residents,
    flag_of,
    has_consent,
    normal_range,
    parse,
    profile_of,
    show,
)
from plugins.health.trend import trend_svg

bp = Blueprint("health", __name__, template_folder="templates")

PER_PAGE = 25


def status_labels() -> dict[str, str]:
    return {
        "invited": _("Invited"),
        "booked": _("Booked"),
        "attended": _("Came"),
        "missed": _("Did not come"),
        "declined": _("Declined"),
    }


def flag_labels() -> dict[str, str]:
    return {
        "high": _("Above normal"),
        "low": _("Below normal"),
        "normal": _("Normal"),
        "": _("No normal range"),
    }


@bp.after_request
def _no_store(response: Response) -> Response:
    # Health data must not stay in a browser's or a proxy's cache; the lists are cheap.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


@bp.app_template_global("health_show")
def _show(value, decimals):
    return show(value, decimals)


@bp.app_template_global("health_check_name")
def _check_name(check):
    return check_name(check)


def _audit_view(resident: Resident, page: str) -> None:
    """Write down that the current user saw this resident's health values.

    Called once the page is rendered: the commit expires every loaded row, and a page
    rendered after it would load each row again.
    """
    audit.record("health.record.viewed", resident, detail={"page": page})
    db.session.commit()


def _tz() -> ZoneInfo:
    return ZoneInfo(current_site().timezone)


def _today() -> date:
    return clock.now().astimezone(_tz()).date()


# --- Campaigns ---------------------------------------------------------------------------


def _counts_by_campaign(campaign_ids: list[int]) -> dict[int, dict[str, int]]:
    if not campaign_ids:
        return {}
    rows = db.session.execute(
        tenancy.select(
            HealthInvitation,
            HealthInvitation.campaign_id,
            func.count(HealthInvitation.id),
            func.sum(case((HealthInvitation.status == "booked", 1), else_=0)),
            func.sum(case((HealthInvitation.status == "attended", 1), else_=0)),
        )
        .where(HealthInvitation.campaign_id.in_(campaign_ids))
        .group_by(HealthInvitation.campaign_id)
    ).all()
    return {
        cid: {"invited": n, "booked": int(b or 0), "attended": int(a or 0)} for cid, n, b, a in rows
    }


@bp.route("/")
@requires("health.view")
def index():
    page = max(1, min(request.args.get("page", 1, type=int) or 1, 10_000))
    total = db.session.scalar(tenancy.select(HealthCampaign, func.count(HealthCampaign.id)))
    campaigns = db.session.scalars(
        tenancy.select(HealthCampaign)
        .order_by(HealthCampaign.starts_on.desc(), HealthCampaign.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return render_template(
        "health/index.html",
        campaigns=campaigns,
        counts=_counts_by_campaign([c.id for c in campaigns]),
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
        today=_today(),
        can_manage=can(current_user, "health.manage"),
    )


def _check_choices(form: CampaignForm) -> None:
    checks = db.session.scalars(
        tenancy.select(HealthCheck).order_by(HealthCheck.position, HealthCheck.id)
    ).all()
    form.checks.choices = [SelectChoice(c.id, check_name(c)) for c in checks]


@bp.route("/campaigns/new", methods=["GET", "POST"])
@requires("health.manage")
def new_campaign():
    form = CampaignForm()
    _check_choices(form)
    if request.method == "GET":
        form.checks.data = [choice.value for choice in form.checks.choices]
        return render_template("health/campaign_form.html", form=form)
    if not form.validate():
        return render_template("health/campaign_form.html", form=form), 422
    campaign = tenancy.new(
        HealthCampaign,
        name=form.name.data.strip(),
        place=(form.place.data or "").strip(),
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        notes=(form.notes.data or "").strip(),
        created_by_id=current_user.id,
        created_at=clock.now(),
    )
    db.session.flush()
    for check_id in sorted(set(form.checks.data)):
        tenancy.new(HealthCampaignCheck, campaign_id=campaign.id, check_id=check_id)
    audit.record("health.campaign.created", campaign, detail={"name": campaign.name})
    db.session.commit()
    flash(_("The health check is planned. Now add its times and invite residents."), "success")
    return redirect(url_for("health.campaign", campaign_id=campaign.id), code=303)


def _slot_rows(campaign: HealthCampaign) -> list[tuple[HealthSlot, int]]:
    booked = dict(
        db.session.execute(
            tenancy.select(HealthInvitation, HealthInvitation.slot_id, func.count())
            .where(
                HealthInvitation.campaign_id == campaign.id,
                HealthInvitation.slot_id.is_not(None),
                HealthInvitation.status.in_(("booked", "attended")),
            )
            .group_by(HealthInvitation.slot_id)
        ).all()
    )
    slots = db.session.scalars(
        tenancy.select(HealthSlot)
        .where(HealthSlot.campaign_id == campaign.id)
        .order_by(HealthSlot.starts_at, HealthSlot.id)
    ).all()
    return [(slot, booked.get(slot.id, 0)) for slot in slots]


INVITATIONS_PER_PAGE = 30


def _campaign_page(campaign: HealthCampaign, status: int = 200, **forms):
    page = max(1, min(request.args.get("page", 1, type=int) or 1, 10_000))
    total = db.session.scalar(
        tenancy.select(HealthInvitation, func.count(HealthInvitation.id)).where(
            HealthInvitation.campaign_id == campaign.id
        )
    )
    invitations = db.session.execute(
        tenancy.select(HealthInvitation, HealthInvitation, Resident.name)
        .join(Resident, Resident.id == HealthInvitation.resident_id)
        .where(HealthInvitation.campaign_id == campaign.id)
        .order_by(Resident.name, HealthInvitation.id)
        .limit(INVITATIONS_PER_PAGE)
        .offset((page - 1) * INVITATIONS_PER_PAGE)
    ).all()
    slots = _slot_rows(campaign)
    labels = {slot.id: format_datetime(slot.starts_at, "short") for slot, _n in slots}
    context = {
        "campaign": campaign,
        "invitations": invitations,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // INVITATIONS_PER_PAGE)),
        "slots": slots,
        "slot_labels": labels,
        "slot_options": [
            (slot.id, f"{labels[slot.id]} ({taken}/{slot.capacity})") for slot, taken in slots
        ],
        "slot_form": forms.get("slot_form") or SlotForm(day=campaign.starts_on),
        "attendance_choices": [
            (choice.value, str(choice.label)) for choice in AttendanceForm.status_choices()
        ],
        "status_labels": status_labels(),
        "can_manage": can(current_user, "health.manage"),
        "can_enter": can(current_user, "health.records.edit"),
        "can_read": can(current_user, "health.records.view"),
        "can_summary": can(current_user, "health.summary.view"),
        "tz": _tz(),
    }
    return render_template("health/campaign.html", **context), status


@bp.route("/campaigns/<int:campaign_id>")
@requires("health.view")
def campaign(campaign_id: int):
    return _campaign_page(tenancy.get_or_404(HealthCampaign, campaign_id))


@bp.route("/campaigns/<int:campaign_id>/slots", methods=["POST"])
@requires("health.manage")
def add_slot(campaign_id: int):
    campaign = tenancy.get_or_404(HealthCampaign, campaign_id)
    form = SlotForm()
    starts = None
    if form.validate():
        try:
            clock = time.fromisoformat((form.time.data or "").strip())
        except ValueError:
            form.time.errors.append(_("Give the time as HH:MM, such as 09:30."))
        else:
            if not campaign.starts_on <= form.day.data <= campaign.ends_on:
                form.day.errors.append(_("The day must fall within the health check's dates."))
            else:
                starts = datetime.combine(form.day.data, clock, tzinfo=_tz())
    if starts is None:
        return _campaign_page(campaign, 422, slot_form=form)
    slot = tenancy.new(
        HealthSlot, campaign_id=campaign.id, starts_at=starts, capacity=form.capacity.data
    )
    db.session.flush()
    audit.record("health.slot.added", campaign, detail={"slot": slot.id})
    db.session.commit()
    return redirect(url_for("health.campaign", campaign_id=campaign.id, _anchor="slots"), code=303)


# --- Invitations ----------------------------------------------------------------------


def _invite_form_values(form: InviteForm) -> tuple[int, int, str]:
    low = form.age_min.data if form.age_min.data is not None else 0
    high = form.age_max.data if form.age_max.data is not None else 150
    return low, high, form.household.data or "any"


def _already_invited(campaign: HealthCampaign) -> set[int]:
    return set(
        db.session.scalars(
            tenancy.select(HealthInvitation, HealthInvitation.resident_id).where(
                HealthInvitation.campaign_id == campaign.id
            )
        )
    )


@bp.route("/campaigns/<int:campaign_id>/invite")
@requires("health.manage")
def invite_preview(campaign_id: int):
    campaign = tenancy.get_or_404(HealthCampaign, campaign_id)
    form = InviteForm(request.args, meta={"csrf": False})
    chosen = None
    if request.args and form.validate():
        low, high, household = _invite_form_values(form)
        chosen = choose_residents(current_site(), campaign.starts_on, low, high, household)
    return render_template(
        "health/invite.html",
        campaign=campaign,
        form=form,
        chosen=chosen,
        invited=_already_invited(campaign),
    )


def _invitation_text(campaign: HealthCampaign, resident: Resident, consent: bool) -> str:
    lines = [
        _("Dear %(name)s,", name=resident.name),
        _(
            "You are invited to the health check “%(campaign)s” at %(place)s, "
            "from %(start)s to %(end)s.",
            campaign=campaign.name,
            place=campaign.place or _("the clubhouse"),
            start=campaign.starts_on.isoformat(),
            end=campaign.ends_on.isoformat(),
        ),
    ]
    if consent:
        lines.append(
            _(
                "You have agreed that we keep your results in your health record. "
                "You may withdraw your consent at any time."
            )
        )
    else:
        lines.append(
            _(
                "We keep your results in a health record only if you agree. "
                "Without your consent, no health record is kept."
            )
        )
    lines.append(_("Tell your butler which time suits you."))
    return "\n".join(lines)


def send_invitation(campaign: HealthCampaign, resident: Resident, consent: bool) -> bool:
    """Queue the invitation message; False when it was queued before (never twice)."""
    site = current_site()
    channel, recipient = channel_for(resident)
    locale = resident.preferred_locale or site.default_locale or "en"
    with force_locale(locale):
        subject = _("Invitation to a health check")
        body = _invitation_text(campaign, resident, consent)
    message = outbox.queue(
        site,
        channel,
        recipient,
        subject,
        body,
        dedupe_key=f"health.invitation.{campaign.id}.{resident.id}",
        resident=resident,
        source="health",
    )
    return message is not None


@bp.route("/campaigns/<int:campaign_id>/invite", methods=["POST"])
@requires("health.manage")
def invite(campaign_id: int):
    campaign = tenancy.get_or_404(HealthCampaign, campaign_id)
    form = InviteForm()
    if not form.validate():
        invited = _already_invited(campaign)
        return render_template(
            "health/invite.html", campaign=campaign, form=form, chosen=None, invited=invited
        ), 422
    low, high, household = _invite_form_values(form)
    chosen = choose_residents(current_site(), campaign.starts_on, low, high, household)
    before = _already_invited(campaign)
    new_ids = [rid for rid, _name in chosen if rid not in before]
    residents = {
        r.id: r
        for r in db.session.scalars(tenancy.select(Resident).where(Resident.id.in_(new_ids)))
    }
    consents = set(
        db.session.scalars(
            tenancy.select(HealthProfile, HealthProfile.resident_id).where(
                HealthProfile.resident_id.in_(new_ids), HealthProfile.consent.is_(True)
            )
        )
    )
    invited = 0
    for rid in new_ids:
        if not _add_invitation(campaign, rid):
            continue  # someone else invited them a moment ago: theirs is the one
        invited += 1
        send_invitation(campaign, residents[rid], rid in consents)
    audit.record(
        "health.invitations.sent",
        campaign,
        detail={"invited": invited, "age": f"{low}-{high}", "household": household},
    )
    db.session.commit()
    flash(
        _(
            "%(new)s residents invited; %(old)s had been invited before.",
            new=invited,
            old=len(chosen) - invited,
        ),
        "success",
    )
    return redirect(url_for("health.campaign", campaign_id=campaign.id), code=303)


def _add_invitation(campaign: HealthCampaign, resident_id: int) -> bool:
    """Invite the resident; False when they were invited meanwhile (the unique key says so).

    Each insert has its own savepoint, so a colleague inviting the same people at the same
    moment costs neither of them an error: each resident is invited once.
    """
    try:
        with db.session.begin_nested():
            tenancy.new(
                HealthInvitation,
                campaign_id=campaign.id,
                resident_id=resident_id,
                status="invited",
                invited_at=clock.now(),
                invited_by_id=current_user.id,
            )
    except IntegrityError:
        return False
    return True


def _invitation(invitation_id: int) -> HealthInvitation:
    return tenancy.get_or_404(HealthInvitation, invitation_id)


@bp.route("/invitations/<int:invitation_id>/book", methods=["POST"])
@requires("health.manage")
def book(invitation_id: int):
    invitation = _invitation(invitation_id)
    campaign = invitation.campaign
    slots = _slot_rows(campaign)
    form = BookForm()
    form.slot_id.choices = [SelectChoice(s.id, "") for s, _n in slots]
    if not form.validate():
        flash(_("Choose one of the health check's times."), "error")
        return _campaign_page(campaign, 422)
    # The slot's row is locked until the commit (PostgreSQL), so two bookings of its last
    # place are made one after the other and the second sees it full.
    slot = db.session.execute(
        tenancy.select(HealthSlot).where(HealthSlot.id == form.slot_id.data).with_for_update()
    ).scalar_one()
    taken = db.session.scalar(
        tenancy.select(HealthInvitation, func.count(HealthInvitation.id)).where(
            HealthInvitation.slot_id == slot.id,
            HealthInvitation.status.in_(("booked", "attended")),
        )
    )
    if invitation.slot_id != slot.id and taken >= slot.capacity:
        flash(_("That time is full: choose another."), "error")
        return _campaign_page(campaign, 422)
    invitation.slot_id = slot.id
    if invitation.status in ("invited", "missed", "declined", "booked"):
        invitation.status = "booked"
    audit.record("health.invitation.booked", invitation, detail={"slot": slot.id})
    db.session.commit()
    return redirect(url_for("health.campaign", campaign_id=campaign.id, _anchor="people"), code=303)


@bp.route("/invitations/<int:invitation_id>/attendance", methods=["POST"])
@requires("health.manage")
def attendance(invitation_id: int):
    invitation = _invitation(invitation_id)
    form = AttendanceForm()
    if not form.validate():
        flash(_("Choose whether the resident came."), "error")
        return _campaign_page(invitation.campaign, 422)
    invitation.status = form.status.data
    invitation.attended_at = clock.now() if form.status.data == "attended" else None
    audit.record("health.invitation.attendance", invitation, detail={"status": form.status.data})
    db.session.commit()
    return redirect(
        url_for("health.campaign", campaign_id=invitation.campaign_id, _anchor="people"), code=303
    )


# --- Results --------------------------------------------------------------------------


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


def _checks_of(campaign: HealthCampaign) -> list[HealthCheck]:
    return list(
        db.session.scalars(
            tenancy.select(HealthCheck)
            .join(HealthCampaignCheck, HealthCampaignCheck.check_id == HealthCheck.id)
            .where(HealthCampaignCheck.campaign_id == campaign.id)
            .options(selectinload(HealthCheck.ranges))
            .order_by(HealthCheck.position, HealthCheck.id)
        )
    )


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
    invitation = _invitation(invitation_id)
    checks = _checks_of(invitation.campaign)
    form_class = results_form_class(checks)
    if request.method == "GET":
        existing = _results_of(invitation)
        data = {"measured_on": _today()}
        for check in checks:
            if check.id in existing:
                data[check.code] = show(existing[check.id].value, check.decimals)
                if check.kind == "pair":
                    data[f"{check.code}_2"] = show(existing[check.id].value2, 0)
        form = form_class(data=data)
        page = _results_page(invitation, checks, form)
        _audit_view(invitation.resident, "results")
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
            _("Saved. Outside the normal range: %(checks)s.", checks=", ".join(flagged)),
            "warning",
        )
    else:
        flash(_("Saved. Every result is within the normal range."), "success")
    return redirect(url_for("health.results", invitation_id=invitation.id), code=303)


# --- Assessment -----------------------------------------------------------------------


def _assessment_context(invitation: HealthInvitation) -> dict:
    checks = _checks_of(invitation.campaign)
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
    invitation = _invitation(invitation_id)
    html = render_template(
        "health/assessment.html",
        form=AssessmentForm(assessment=invitation.assessment),
        **_assessment_context(invitation),
    )
    _audit_view(invitation.resident, "assessment")
    return html


@bp.route("/invitations/<int:invitation_id>/assessment", methods=["POST"])
@requires("health.records.edit")
def save_assessment(invitation_id: int):
    invitation = _invitation(invitation_id)
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


# --- The resident's health record -----------------------------------------------------


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
    _audit_view(resident, "record")
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
    audit.record("health.record.exported", resident)
    db.session.commit()
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    # <, > and & only ever occur inside JSON strings, so escaping them as \uXXXX keeps the
    # same JSON (it parses back to the same text) while no markup a resident typed is ever
    # in the bytes, should a browser be led to show the file rather than save it.
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        body = body.replace(char, escaped)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="health-record-{resident.id}.json"',
            "X-Content-Type-Options": "nosniff",
        },
    )


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


# --- Checks and their normal ranges ---------------------------------------------------


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


# --- Summary for managers ---------------------------------------------------------------


@bp.route("/summary")
@requires("health.summary.view")
def summary_index():
    period = request.args.get("period", "")
    stmt = tenancy.select(HealthCampaign).order_by(HealthCampaign.starts_on.desc())
    try:
        first = date.fromisoformat(period + "-01") if period else None
    except ValueError:
        first = None
    if first is not None:
        following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
        stmt = stmt.where(HealthCampaign.starts_on < following, HealthCampaign.ends_on >= first)
    campaigns = db.session.scalars(stmt.limit(200)).all()
    return render_template(
        "health/summary_index.html",
        campaigns=campaigns,
        period=period if first else "",
        counts=_counts_by_campaign([c.id for c in campaigns]),
    )


@bp.route("/campaigns/<int:campaign_id>/summary")
@requires("health.summary.view")
def summary(campaign_id: int):
    campaign = tenancy.get_or_404(HealthCampaign, campaign_id)
    data = reports.campaign_summary(campaign, _checks_of(campaign))
    if request.args.get("export") == "xlsx":
        return Response(
            reports.summary_xlsx(campaign, data),
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={
                "Content-Disposition": f'attachment; filename="health-summary-{campaign.id}.xlsx"'
            },
        )
    return render_template("health/summary.html", campaign=campaign, data=data)
