"""The programme's daily job: remind residents the day before their booked time."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _

from core import clock, outbox, tenancy
from core.extensions import db
from core.models import Resident, Site
from plugins.health.models import HealthCampaign, HealthInvitation, HealthSlot


def channel_for(resident: Resident) -> tuple[str, str]:
    """The channel the resident agreed to (SMS, else e-mail), else a printed notice."""
    if resident.phone and resident.consent_sms:
        return "sms", resident.phone
    if resident.email and resident.consent_email:
        return "email", resident.email
    return "notice", resident.name


def send_reminders(site: Site, now: datetime) -> int:
    """Queue a reminder for every time booked tomorrow (site's clock); how many were new.

    The dedupe key names the invitation and the slot: a rerun sends nothing twice, and a
    resident moved to another time is reminded of the new one.
    """
    zone = clock.zone(site)
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    start = datetime.combine(tomorrow, time(0), tzinfo=zone)
    end = start + timedelta(days=1)
    rows = db.session.execute(
        tenancy.select(
            HealthInvitation, HealthInvitation, HealthSlot, HealthCampaign, Resident, site=site
        )
        .join(HealthSlot, HealthSlot.id == HealthInvitation.slot_id)
        .join(HealthCampaign, HealthCampaign.id == HealthInvitation.campaign_id)
        .join(Resident, Resident.id == HealthInvitation.resident_id)
        .where(
            HealthInvitation.status == "booked",
            HealthSlot.starts_at >= start,
            HealthSlot.starts_at < end,
        )
    ).all()
    queued = 0
    for invitation, slot, campaign, resident in rows:
        channel, recipient = channel_for(resident)
        locale = resident.preferred_locale or site.default_locale or "en"
        with force_locale(locale):
            body = _(
                "Reminder: your health check “%(campaign)s” is tomorrow at %(time)s, %(place)s.",
                campaign=campaign.name,
                time=slot.starts_at.astimezone(zone).strftime("%H:%M"),
                place=campaign.place or _("the clubhouse"),
            )
            subject = _("Your health check tomorrow")
        message = outbox.queue(
            site,
            channel,
            recipient,
            subject,
            body,
            dedupe_key=f"health.reminder.{invitation.id}.{slot.id}",
            resident=resident,
            source="health",
        )
        queued += message is not None
    return queued
