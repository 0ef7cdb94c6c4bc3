"""Home visits at scale: a year of visits on the bench's estates (100,000 residents over
50 estates; 600 households, 2,000 residents on the measured one).

Each household had a visit about every two months from its butler, some twice in a month;
a few units are left unvisited for a year. The quota page, a building's floor grid, the
quota report and a resident's panel are what is measured: each is a fixed number of
grouped queries whatever the number of residents.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from core.extensions import db
from plugins.visits.models import VisitsPlan, VisitsVisit

KIND = "residential"
DAYS = 365
KINDS = ("routine",) * 6 + ("care", "festival", "new_resident", "complaint_follow_up")
OUTCOMES = ("met",) * 7 + ("not_home", "declined", "follow_up")

HONG_KONG = ZoneInfo("Asia/Hong_Kong")  # the bench estates' zone
MEASURED: dict[str, int] = {}


def seed(site_id: int, ctx: dict) -> dict[str, int]:
    rng, now, ids = ctx["rng"], ctx["now"], ctx["ids"]
    units, residents, buildings = ctx["unit_ids"], ctx["resident_ids"], ctx["building_ids"]
    butler = ctx["staff_ids"][0]
    per_building = len(units) // len(buildings)
    postgres = db.session.connection().dialect.name == "postgresql"
    empty_form, no_change = ("{}", "[]") if postgres else ({}, [])
    visits, plans = [], []
    # The bench's layout: the n-th resident is the primary contact of the n-th unit.
    for n, (unit_id, resident_id) in enumerate(zip(units, residents, strict=False)):
        if n % 50 == 7:
            continue  # never visited
        days_ago = rng.randrange(0, 60)
        while days_ago < DAYS:
            at = (now - timedelta(days=days_ago)).replace(second=0, microsecond=0)
            visits.append(
                {
                    "site_id": site_id,
                    "unit_id": unit_id,
                    "resident_id": resident_id,
                    "building_id": buildings[n // per_building],
                    "visited_at": at,
                    "visited_on": at.astimezone(HONG_KONG).date(),
                    "kind": rng.choice(KINDS),
                    "outcome": rng.choice(OUTCOMES),
                    "butler_id": butler,
                    "companions": "",
                    "notes": "家中一切安好。",
                    "form": empty_form,
                    "changed": no_change,
                    "created_at": at,
                }
            )
            days_ago += rng.randrange(40, 80)
        if n % 40 == 3:
            plans.append(
                {
                    "site_id": site_id,
                    "butler_id": butler,
                    "unit_id": unit_id,
                    "resident_id": resident_id,
                    "planned_on": now.date() + timedelta(days=n % 3),
                    "created_at": now,
                }
            )
    for row, visit_id in zip(visits, ids.take(VisitsVisit, len(visits)), strict=True):
        row["id"] = visit_id
    for row, plan_id in zip(plans, ids.take(VisitsPlan, len(plans)), strict=True):
        row["id"] = plan_id
    from bench.seed import _bulk

    _bulk(VisitsVisit, visits)
    _bulk(VisitsPlan, plans)
    if ctx["measured"]:
        MEASURED["building_id"] = buildings[0]
        MEASURED["resident_id"] = residents[0]
    return {"visits": len(visits), "planned visits": len(plans)}


def pages(base: str) -> list[tuple[str, str]]:
    visits = f"{base}/visits"
    return [
        ("visits: the quota page, every butler and household", f"{visits}/"),
        ("visits: a building's floor grid", f"{visits}/buildings/{MEASURED.get('building_id', 1)}"),
        ("visits: the quota report", f"{visits}/reports/quota"),
        (
            "visits: a resident's panel",
            f"{visits}/residents/{MEASURED.get('resident_id', 1)}/panel",
        ),
    ]
