"""The health programme's campaigns: planning, times, invitations, booking and attendance."""

from __future__ import annotations

from datetime import datetime, time

from flask import flash, redirect, render_template, request, url_for
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from wtforms.fields.choices import SelectChoice

from core import audit, clock, outbox, tenancy
from core.extensions import db
from core.models import Resident
from core.security import can, requires
from core.tenancy import current_site
from plugins.health.forms import AttendanceForm, BookForm, CampaignForm, InviteForm, SlotForm
from plugins.health.jobs import channel_for
from plugins.health.labels import status_labels
from plugins.health.models import (
    HealthCampaign,
    HealthCampaignCheck,
    HealthCheck,
    HealthInvitation,
    HealthProfile,
    HealthSlot,
)
from plugins.health.rules import check_name, choose_residents
from plugins.health.views import bp
from plugins.health.views.common import PER_PAGE, counts_by_campaign, invitation_or_404


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
        counts=counts_by_campaign([c.id for c in campaigns]),
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
        today=clock.today(current_site()),
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
            at = time.fromisoformat((form.time.data or "").strip())
        except ValueError:
            form.time.errors.append(_("Give the time as HH:MM, such as 09:30."))
        else:
            if not campaign.starts_on <= form.day.data <= campaign.ends_on:
                form.day.errors.append(_("The day must fall within the health check's dates."))
            else:
                starts = datetime.combine(form.day.data, at, tzinfo=clock.zone(current_site()))
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


def sendinvitation_or_404(campaign: HealthCampaign, resident: Resident, consent: bool) -> bool:
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
        if not _addinvitation_or_404(campaign, rid):
            continue  # someone else invited them a moment ago: theirs is the one
        invited += 1
        sendinvitation_or_404(campaign, residents[rid], rid in consents)
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


def _addinvitation_or_404(campaign: HealthCampaign, resident_id: int) -> bool:
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


@bp.route("/invitations/<int:invitation_id>/book", methods=["POST"])
@requires("health.manage")
def book(invitation_id: int):
    invitation = invitation_or_404(invitation_id)
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
            HealthInvitation.slot_id == slot.id, HealthInvitation.status.in_(("booked", "attended"))
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
    invitation = invitation_or_404(invitation_id)
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
