"""The health programme at scale: four years of health checks on a 2,000-resident estate.

Every site gets the six standard checks. The first site seeded (the one measured) has
two campaigns a year for four years, each inviting 600 residents, about 70 % of whom
come and have every check measured; the other sites get two smaller campaigns, so the
tables hold other sites' rows too. Measured: the campaign list, the largest campaign's
page, its summary, and the health record of a resident who came to every campaign.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bench.seed import _bulk
from plugins.health.models import (
    HealthCampaign,
    HealthCampaignCheck,
    HealthCheck,
    HealthInvitation,
    HealthProfile,
    HealthRange,
    HealthResult,
    HealthSlot,
)
from plugins.health.rules import STANDARD_CHECKS, scale

KIND = "residential"
YEARS = 4
INVITED, SMALL_INVITED = 600, 60
SLOTS_PER_CAMPAIGN = 20
MEASURED: dict[str, int] = {}
VALUES = {
    "blood_pressure": lambda r: (r.randint(100, 170), r.randint(60, 100)),
    "blood_glucose": lambda r: (r.randint(40, 90), None),
    "bmi": lambda r: (r.randint(170, 320), None),
    "heart_rate": lambda r: (r.randint(52, 110), None),
    "vision": lambda r: (r.randint(4, 15), None),
    "bone_density": lambda r: (r.randint(-35, 15), None),
}


def _checks(site_id: int, ids) -> list[dict]:
    checks, ranges = [], []
    for position, (check_id, std) in enumerate(
        zip(ids.take(HealthCheck, len(STANDARD_CHECKS)), STANDARD_CHECKS, strict=True), 1
    ):
        checks.append(
            {
                "id": check_id,
                "site_id": site_id,
                "code": std.code,
                "name": str(std.name),
                "unit": std.unit,
                "kind": "pair" if std.plausible2 else "single",
                "decimals": std.decimals,
                "plausible_min": scale(std.plausible[0], std.decimals),
                "plausible_max": scale(std.plausible[1], std.decimals),
                "plausible_min2": scale(std.plausible2[0], 0) if std.plausible2 else None,
                "plausible_max2": scale(std.plausible2[1], 0) if std.plausible2 else None,
                "position": position * 10,
                "standard": True,
            }
        )
        for range_id, (sex, age_min, age_max, low, high) in zip(
            ids.take(HealthRange, len(std.normal)), std.normal, strict=True
        ):
            ranges.append(
                {
                    "id": range_id,
                    "site_id": site_id,
                    "check_id": check_id,
                    "sex": sex,
                    "age_min": age_min,
                    "age_max": age_max,
                    "low": scale(low, std.decimals),
                    "high": scale(high, std.decimals),
                    "low2": scale(std.normal2[0], 0) if std.normal2 else None,
                    "high2": scale(std.normal2[1], 0) if std.normal2 else None,
                }
            )
    _bulk(HealthCheck, checks)
    _bulk(HealthRange, ranges)
    return checks


def seed(site_id: int, ctx: dict) -> dict[str, int]:
    rng, now, ids = ctx["rng"], ctx["now"], ctx["ids"]
    residents, staff = ctx["resident_ids"], ctx["staff_ids"]
    measured = ctx["measured"]
    checks = _checks(site_id, ids)
    count = YEARS * 2 if measured else 2
    invited = min(INVITED if measured else SMALL_INVITED, len(residents))
    regulars = residents[:invited] if measured else []  # come to every campaign
    campaigns, links, slots, invitations, results = [], [], [], [], []
    profiles = {}
    today = now.date()
    for n, campaign_id in enumerate(ids.take(HealthCampaign, count)):
        day = today - timedelta(days=182 * (count - n)) + timedelta(days=14)
        campaigns.append(
            {
                "id": campaign_id,
                "site_id": site_id,
                "name": f"{day.year} 健康檢測 {'春' if day.month < 7 else '秋'}",
                "place": "會所多用途室",
                "starts_on": day,
                "ends_on": day + timedelta(days=1),
                "notes": "",
                "created_by_id": rng.choice(staff),
                "created_at": now - timedelta(days=182 * (count - n)),
            }
        )
        for link_id, check in zip(ids.take(HealthCampaignCheck, len(checks)), checks, strict=True):
            links.append(
                {
                    "id": link_id,
                    "site_id": site_id,
                    "campaign_id": campaign_id,
                    "check_id": check["id"],
                }
            )
        slot_ids = list(ids.take(HealthSlot, SLOTS_PER_CAMPAIGN))
        for k, slot_id in enumerate(slot_ids):
            starts = datetime.combine(
                day + timedelta(days=k // 10), time(9 + k % 10 // 2), tzinfo=now.tzinfo
            )
            slots.append(
                {
                    "id": slot_id,
                    "site_id": site_id,
                    "campaign_id": campaign_id,
                    "starts_at": starts,
                    "capacity": invited // SLOTS_PER_CAMPAIGN + 5,
                }
            )
        people = regulars[: invited // 2] + rng.sample(
            residents, invited - len(regulars[: invited // 2])
        )
        people = list(dict.fromkeys(people))
        for invitation_id, resident_id in zip(
            ids.take(HealthInvitation, len(people)), people, strict=True
        ):
            came = resident_id in regulars[: invited // 2] or rng.random() < 0.7
            invitations.append(
                {
                    "id": invitation_id,
                    "site_id": site_id,
                    "campaign_id": campaign_id,
                    "resident_id": resident_id,
                    "slot_id": rng.choice(slot_ids),
                    "status": "attended" if came else rng.choice(("booked", "missed", "declined")),
                    "invited_at": now - timedelta(days=182 * (count - n) - 1),
                    "invited_by_id": rng.choice(staff),
                    "attended_at": now - timedelta(days=182 * (count - n) - 14) if came else None,
                    "assessment": "血壓略高，建議三個月後覆檢。"
                    if came and rng.random() < 0.3
                    else "",
                    "assessed_at": None,
                    "assessed_by_id": None,
                }
            )
            if not came:
                continue
            profiles.setdefault(resident_id, rng.choice(("F", "M")))
            age = rng.randint(20, 90)
            for result_id, check in zip(ids.take(HealthResult, len(checks)), checks, strict=True):
                value, value2 = VALUES[check["code"]](rng)
                results.append(
                    {
                        "id": result_id,
                        "site_id": site_id,
                        "campaign_id": campaign_id,
                        "resident_id": resident_id,
                        "check_id": check["id"],
                        "measured_on": day,
                        "value": value,
                        "value2": value2,
                        "flag": rng.choice(("normal",) * 4 + ("high", "low")),
                        "range_low": None,
                        "range_high": None,
                        "range_low2": None,
                        "range_high2": None,
                        "age": age,
                        "entered_by_id": rng.choice(staff),
                        "entered_at": now - timedelta(days=182 * (count - n) - 14),
                    }
                )
    profile_rows = [
        {
            "id": profile_id,
            "site_id": site_id,
            "resident_id": resident_id,
            "sex": sex,
            "birth_date": None,
            "consent": True,
            "consent_given_at": now - timedelta(days=800),
            "consent_given_by_id": rng.choice(staff),
            "consent_withdrawn_at": None,
            "consent_withdrawn_by_id": None,
        }
        for profile_id, (resident_id, sex) in zip(
            ids.take(HealthProfile, len(profiles)), profiles.items(), strict=True
        )
    ]
    for model, rows in (
        (HealthCampaign, campaigns),
        (HealthCampaignCheck, links),
        (HealthSlot, slots),
        (HealthInvitation, invitations),
        (HealthProfile, profile_rows),
        (HealthResult, results),
    ):
        _bulk(model, rows)
    if measured:
        MEASURED.update(campaign_id=campaigns[-1]["id"], resident_id=regulars[0])
    return {
        "campaigns": len(campaigns),
        "invitations": len(invitations),
        "results": len(results),
        "profiles": len(profile_rows),
    }


def pages(base: str) -> list[tuple[str, str]]:
    health = f"{base}/health"
    campaign, resident = MEASURED.get("campaign_id", 1), MEASURED.get("resident_id", 1)
    return [
        ("health checks", f"{health}/"),
        ("health check, 600 invited, page 1", f"{health}/campaigns/{campaign}"),
        ("health check, page 20", f"{health}/campaigns/{campaign}?page=20"),
        ("health-check summary", f"{health}/campaigns/{campaign}/summary"),
        ("health record, 8 checks", f"{health}/residents/{resident}"),
    ]
