"""Demo data: each butler has visited some of their households this quarter and planned
a few for this week, so that the quota, the grid and the day page show something."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa

from core import clock, tenancy
from core.extensions import db
from core.models import ButlerAssignment, Site
from plugins.visits import rules
from plugins.visits.models import VisitsPlan, VisitsVisit

KINDS = ("routine", "routine", "routine", "care", "new_resident", "festival")
OUTCOMES = ("met", "met", "met", "not_home", "follow_up")


def load_demo(site: Site) -> None:
    """About half the households visited this quarter and three planned today, once."""
    if db.session.scalar(tenancy.select(VisitsVisit, VisitsVisit.id, site=site).limit(1)):
        return
    today = clock.today(site)
    quarter = rules.span_of(site, rules.QUARTER, today)
    zone = clock.zone(site)
    butlers = db.session.execute(
        sa.select(ButlerAssignment.user_id, ButlerAssignment.building_id).where(
            ButlerAssignment.site_id == site.id, ButlerAssignment.ends_on.is_(None)
        )
    ).all()
    for user_id, building_id in butlers:
        found = rules.households(site, today, [building_id], limit=None)
        for i, h in enumerate(found):
            if i % 2:
                continue
            day = quarter.first + timedelta(days=(i * 7) % max(1, (today - quarter.first).days))
            day = max(day, h.moved_in)
            if day > today:
                continue
            db.session.add(
                VisitsVisit(
                    site_id=site.id,
                    unit_id=h.unit_id,
                    resident_id=h.resident_id,
                    building_id=building_id,
                    visited_at=datetime.combine(day, time(10 + i % 8), tzinfo=zone),
                    visited_on=day,
                    kind=KINDS[i % len(KINDS)],
                    outcome=OUTCOMES[i % len(OUTCOMES)],
                    butler_id=user_id,
                    notes="家中一切安好。",
                    form={},
                    changed=[],
                )
            )
        for h in [h for i, h in enumerate(found) if i % 2][:3]:
            db.session.add(
                VisitsPlan(
                    site_id=site.id,
                    butler_id=user_id,
                    unit_id=h.unit_id,
                    resident_id=h.resident_id,
                    planned_on=today,
                )
            )
    db.session.flush()
