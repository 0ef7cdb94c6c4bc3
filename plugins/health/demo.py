"""Demo data: a health check with its times, invitations and some results."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from core import clock, tenancy
from core.extensions import db
from core.models import Occupancy, Resident, Site
from plugins.health.models import (
    HealthCampaign,
    HealthCampaignCheck,
    HealthCheck,
    HealthInvitation,
    HealthProfile,
    HealthResult,
    HealthSlot,
)
from plugins.health.rules import age_on, ensure_standard_checks, flag_of, normal_range

DEMO_NAME = "Spring health check 春季健康檢測"


def add_demo(site: Site) -> None:
    """One campaign last month with results, found again by its name on a rerun."""
    ensure_standard_checks(site)
    db.session.flush()
    if db.session.scalar(
        tenancy.select(HealthCampaign, HealthCampaign.id, site=site).where(
            HealthCampaign.name == DEMO_NAME
        )
    ):
        return
    rng = random.Random(site.id)
    zone = clock.zone(site)
    day = clock.today(site) - timedelta(days=20)
    campaign = HealthCampaign(
        site_id=site.id,
        name=DEMO_NAME,
        place="會所 Clubhouse",
        starts_on=day,
        ends_on=day + timedelta(days=1),
        notes="",
        created_at=clock.now(),
    )
    db.session.add(campaign)
    db.session.flush()
    checks = list(
        db.session.scalars(tenancy.select(HealthCheck, site=site).where(HealthCheck.standard))
    )
    for check in checks:
        db.session.add(
            HealthCampaignCheck(site_id=site.id, campaign_id=campaign.id, check_id=check.id)
        )
    slots = []
    for offset in range(2):
        for hour in (9, 10, 11, 14, 15):
            slot = HealthSlot(
                site_id=site.id,
                campaign_id=campaign.id,
                starts_at=datetime.combine(day + timedelta(days=offset), time(hour), tzinfo=zone),
                capacity=6,
            )
            db.session.add(slot)
            slots.append(slot)
    db.session.flush()
    residents = db.session.scalars(
        tenancy.select(Resident, site=site)
        .join(Occupancy, Occupancy.resident_id == Resident.id)
        .where(Occupancy.moved_out.is_(None))
        .order_by(Resident.id)
        .limit(30)
    ).unique()
    for n, resident in enumerate(residents):
        slot = slots[n % len(slots)]
        came = n % 5 != 4
        invitation = HealthInvitation(
            site_id=site.id,
            campaign_id=campaign.id,
            resident_id=resident.id,
            slot_id=slot.id,
            status="attended" if came else "booked",
            invited_at=clock.now(),
            attended_at=slot.starts_at if came else None,
        )
        db.session.add(invitation)
        if not came or n % 7 == 3:
            continue
        profile = HealthProfile(
            site_id=site.id,
            resident_id=resident.id,
            sex=rng.choice(["F", "M"]),
            consent=True,
            consent_given_at=clock.now(),
        )
        db.session.add(profile)
        _demo_results(site, campaign, resident, profile, checks, day, rng)


VALUES = {
    "blood_pressure": lambda r: (r.randint(105, 160), r.randint(65, 95)),
    "blood_glucose": lambda r: (r.randint(42, 78), None),
    "bmi": lambda r: (r.randint(190, 290), None),
    "heart_rate": lambda r: (r.randint(55, 105), None),
    "vision": lambda r: (r.randint(5, 12), None),
    "bone_density": lambda r: (r.randint(-30, 10), None),
}


def _demo_results(site, campaign, resident, profile, checks, day: date, rng) -> None:
    age = age_on(resident.birth_date, day)
    for check in checks:
        value, value2 = VALUES[check.code](rng)
        band = normal_range(check, profile.sex, age)
        db.session.add(
            HealthResult(
                site_id=site.id,
                campaign_id=campaign.id,
                resident_id=resident.id,
                check_id=check.id,
                measured_on=day,
                value=value,
                value2=value2,
                flag=flag_of(band, value, value2),
                range_low=band.low if band else None,
                range_high=band.high if band else None,
                range_low2=band.low2 if band else None,
                range_high2=band.high2 if band else None,
                age=age,
                entered_at=clock.now(),
            )
        )
