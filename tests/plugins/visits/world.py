"""The visits plugin's part of the security world: a visit and a planned visit per site."""

from __future__ import annotations

from core import clock as core_clock
from core.extensions import db
from core.models import PluginEnablement, Site
from core.testing.walks import register_world
from plugins.visits.models import VisitsPlan, VisitsVisit

NAME = "visits"


def fill(site: Site, ids: dict[str, int]) -> dict[str, int]:
    db.session.add(PluginEnablement(site_id=site.id, plugin=NAME, enabled=True))
    today = core_clock.today(site)
    visit = VisitsVisit(
        site_id=site.id,
        unit_id=ids["unit_id"],
        resident_id=ids["resident_id"],
        building_id=ids["building_id"],
        visited_at=core_clock.now(),
        visited_on=today,
        kind="routine",
        outcome="follow_up",
        butler_id=ids["user_id"],
        notes="Asked about the lift",
        form={"employer": "Harbour Bank"},
        changed=["employer"],
    )
    plan = VisitsPlan(
        site_id=site.id,
        butler_id=ids["user_id"],
        unit_id=ids["unit_id"],
        resident_id=ids["resident_id"],
        planned_on=today,
    )
    db.session.add_all([visit, plan])
    db.session.flush()
    return {
        "visit_id": visit.id,
        "plan_id": plan.id,
        "unit_id": ids["unit_id"],
        "resident_id": ids["resident_id"],
        "building_id": ids["building_id"],
    }


register_world(NAME, fill)
