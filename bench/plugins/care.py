"""Care at scale: two years of parcels, a year of birthday greetings, notices, away
periods and special care on a 2,000-household estate.

About twelve parcels a day are signed in, almost all handed over within a few days; some
150 are on the shelf, a third of them held too long. Most residents were greeted on
their last birthday. The parcel register and the week's birthdays (of the whole site) are
the lists a butler and the front desk open all day.
"""

from __future__ import annotations

from datetime import timedelta

from bench.seed import _bulk
from plugins.care.models import (
    CareAway,
    CareCase,
    CareGreeting,
    CareNotice,
    CareParcel,
    CareVisit,
)

KIND = "residential"
DAYS = 2 * 365
PARCELS_PER_DAY = 12
HELD = 150
NOTICES = 60
CARRIERS = ("SF Express 順豐", "Hongkong Post 香港郵政", "DHL", "京東物流", "Lalamove")


def _parcels(site_id: int, ctx: dict) -> list[dict]:
    rng, now = ctx["rng"], ctx["now"]
    units, staff, residents = ctx["unit_ids"], ctx["staff_ids"], ctx["resident_ids"]
    count = DAYS * PARCELS_PER_DAY
    rows = []
    for n, parcel_id in enumerate(ctx["ids"].take(CareParcel, count)):
        held = n >= count - HELD
        received = now - timedelta(minutes=rng.randrange(1, DAYS * 24 * 60))
        if held:
            received = now - timedelta(hours=rng.randrange(1, 20 * 24))
        handed = None if held else received + timedelta(hours=rng.randrange(1, 96))
        rows.append(
            {
                "id": parcel_id,
                "site_id": site_id,
                "unit_id": rng.choice(units),
                "resident_id": rng.choice(residents) if residents else None,
                "carrier": rng.choice(CARRIERS),
                "tracking_number": f"SF{rng.randrange(10**11, 10**12)}",
                "shelf": f"{rng.choice('ABCD')}{rng.randrange(1, 9)}",
                "photo_key": "",
                "received_at": received,
                "received_by_id": rng.choice(staff),
                "told_at": received + timedelta(minutes=30),
                "told_how": rng.choice(("message", "phone", "in_person")),
                "told_by_id": rng.choice(staff),
                "handed_at": handed,
                "handed_to": "" if held else "陳大文",
                "handed_by_id": None if held else rng.choice(staff),
                "signature_key": "" if held else f"care/{parcel_id:032x}.png",
            }
        )
    return rows


def seed(site_id: int, ctx: dict) -> dict[str, int]:
    rng, now, ids = ctx["rng"], ctx["now"], ctx["ids"]
    residents, staff, units = ctx["resident_ids"], ctx["staff_ids"], ctx["unit_ids"]
    parcels = _parcels(site_id, ctx)
    greeted = rng.sample(residents, len(residents) * 4 // 5) if residents else []
    greetings = [
        {
            "id": greeting_id,
            "site_id": site_id,
            "resident_id": resident_id,
            "year": now.year - (1 if rng.random() < 0.5 else 0),
            "method": rng.choice(("sms", "email", "card", "visit")),
            "at": now - timedelta(days=rng.randrange(1, 360)),
            "by_id": rng.choice(staff),
            "note": "",
            "outbox_id": None,
        }
        for greeting_id, resident_id in zip(
            ids.take(CareGreeting, len(greeted)), greeted, strict=True
        )
    ]
    notices = [
        {
            "id": notice_id,
            "site_id": site_id,
            "template": rng.choice(("typhoon", "rainstorm", "cold", "water_cut", "lift_works")),
            "audience": "site",
            "day": (now - timedelta(days=12 * n)).date(),
            "title_en": "Notice",
            "body_en": "A reminder from the management office.",
            "title_zh_Hant": "溫馨提示",
            "body_zh_Hant": "管理處溫馨提示。",
            "title_zh_Hans": "",
            "body_zh_Hans": "",
            "created_at": now - timedelta(days=12 * n + 1),
            "created_by_id": rng.choice(staff),
            "sent_at": now - timedelta(days=12 * n),
            "sent_by_id": rng.choice(staff),
            "queued_count": 0,
        }
        for n, notice_id in enumerate(ids.take(CareNotice, NOTICES))
    ]
    today = now.date()
    aways = [
        {
            "id": away_id,
            "site_id": site_id,
            "unit_id": rng.choice(units),
            "resident_id": None,
            "starts_on": today - timedelta(days=rng.randrange(0, 10)),
            "ends_on": today + timedelta(days=rng.randrange(1, 30)),
            "hold_parcels": True,
            "may_enter": "Domestic helper",
            "forward_to": "",
            "do_not_allow": "",
            "note": "",
            "created_at": now - timedelta(days=10),
            "created_by_id": rng.choice(staff),
            "ended_at": None,
        }
        for away_id in ids.take(CareAway, 40)
    ]
    cases, visits = [], []
    for case_id in ids.take(CareCase, 80):
        cases.append(
            {
                "id": case_id,
                "site_id": site_id,
                "resident_id": rng.choice(residents),
                "building_id": rng.choice(ctx["building_ids"]),
                "kind": rng.choice(("illness", "bereavement", "hospital")),
                "happened_on": today - timedelta(days=rng.randrange(1, 700)),
                "summary": "住院治療",
                "follow_up_on": None,
                "created_at": now - timedelta(days=rng.randrange(1, 700)),
                "created_by_id": rng.choice(staff),
            }
        )
    for visit_id, case in zip(ids.take(CareVisit, len(cases)), cases, strict=True):
        visits.append(
            {
                "id": visit_id,
                "site_id": site_id,
                "case_id": case["id"],
                "visited_at": case["created_at"] + timedelta(days=1),
                "by_id": case["created_by_id"],
                "note": "送上水果慰問。",
            }
        )
    _bulk(CareParcel, parcels)
    _bulk(CareGreeting, greetings)
    _bulk(CareNotice, notices)
    _bulk(CareAway, aways)
    _bulk(CareCase, cases)
    _bulk(CareVisit, visits)
    return {
        "care parcels": len(parcels),
        "care greetings": len(greetings),
        "care notices": len(notices),
        "care cases": len(cases),
    }


def pages(base: str) -> list[tuple[str, str]]:
    care = f"{base}/care"
    return [
        ("care: the parcel register, 150 held", f"{care}/parcels"),
        ("care: this week's birthdays, whole site", f"{care}/birthdays?all=1"),
        ("care: the care front page", f"{care}/"),
        ("care: notices with their delivery", f"{care}/notices"),
        ("care: special care, the manager's list", f"{care}/special"),
        ("care: the month's report", f"{care}/reports/monthly"),
    ]
