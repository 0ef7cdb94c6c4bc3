"""The health plugin's part of the security world: one of each of its objects."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core import clock as core_clock
from core.extensions import db
from core.models import PluginEnablement, Site
from core.testing.walks import register_world
from plugins.health.models import (
    HealthCampaign,
    HealthCampaignCheck,
    HealthCheck,
    HealthErasure,
    HealthInvitation,
    HealthProfile,
    HealthResult,
    HealthSlot,
)
from plugins.health.rules import ensure_standard_checks

NAME = "health"


def fill(site: Site, ids: dict[str, int]) -> dict[str, int]:
    db.session.add(PluginEnablement(site_id=site.id, plugin=NAME, enabled=True))
    ensure_standard_checks(site)
    db.session.flush()
    checks = db.session.scalars(
        select(HealthCheck).where(HealthCheck.site_id == site.id).order_by(HealthCheck.id)
    ).all()
    day = date(2030, 6, 3)
    campaign = HealthCampaign(
        site_id=site.id,
        name=f"Summer check of {site.slug}",
        place="Clubhouse",
        starts_on=day,
        ends_on=day,
        created_by_id=ids["user_id"],
        created_at=core_clock.now(),
    )
    db.session.add(campaign)
    db.session.flush()
    for check in checks:
        db.session.add(
            HealthCampaignCheck(site_id=site.id, campaign_id=campaign.id, check_id=check.id)
        )
    slot = HealthSlot(
        site_id=site.id,
        campaign_id=campaign.id,
        starts_at=datetime.combine(day, time(9, 30), tzinfo=ZoneInfo("Asia/Hong_Kong")),
        capacity=10,
    )
    db.session.add(slot)
    db.session.flush()
    invitation = HealthInvitation(
        site_id=site.id,
        campaign_id=campaign.id,
        resident_id=ids["resident_id"],
        slot_id=slot.id,
        status="attended",
        invited_at=core_clock.now(),
        attended_at=core_clock.now(),
        assessment="Walk daily.",
    )
    profile = HealthProfile(
        site_id=site.id,
        resident_id=ids["resident_id"],
        sex="F",
        birth_date=date(1950, 5, 5),
        consent=True,
        consent_given_at=core_clock.now(),
    )
    heart = next(c for c in checks if c.code == "heart_rate")
    result = HealthResult(
        site_id=site.id,
        campaign_id=campaign.id,
        resident_id=ids["resident_id"],
        check_id=heart.id,
        measured_on=day,
        value=72,
        flag="normal",
        range_low=60,
        range_high=100,
        age=80,
        entered_at=core_clock.now(),
    )
    erasure = HealthErasure(
        site_id=site.id,
        resident_id=ids["resident_id"],
        erased_at=core_clock.now(),
        results_deleted=0,
    )
    db.session.add_all([invitation, profile, result, erasure])
    db.session.flush()
    return {
        "campaign_id": campaign.id,
        "invitation_id": invitation.id,
        "check_id": heart.id,
        "slot_id": slot.id,
        "resident_id": ids["resident_id"],
    }


register_world(NAME, fill)
