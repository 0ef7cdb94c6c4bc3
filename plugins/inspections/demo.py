"""Demo data: every building's default route, a few days of rounds with findings (one
closed, some still open), and a renovation permit whose worker's pass has run out."""

from __future__ import annotations

from datetime import timedelta

from core import clock, tenancy
from core.buildings import site_buildings
from core.extensions import db
from core.models import Site, Unit
from plugins.inspections import rules
from plugins.inspections.models import (
    InspectionsPass,
    InspectionsPermit,
    InspectionsRound,
)


def seed_routes(site: Site) -> None:
    """The settings and each building's default route, where it has none."""
    rules.settings_of(site)
    for building in site_buildings(site):
        rules.seed_route(site, building)


def load_demo(site: Site) -> None:
    seed_routes(site)
    if db.session.scalar(tenancy.select(InspectionsRound, InspectionsRound.id, site=site).limit(1)):
        return
    now = clock.now()
    for building in site_buildings(site):
        butler = rules.butler_of(site, building.id)
        if butler is None:
            continue
        for days_ago in (3, 2, 1):
            for hours in (0, 6):
                day = clock.today(site) - timedelta(days=days_ago)
                periods = rules.periods_of_day(site, day)
                if not periods:
                    continue
                period = periods[0] if hours == 0 else periods[-1]
                at = period.start + timedelta(minutes=10)
                round_ = rules.start_round(site, building, butler, at)
                checkpoints = rules.checkpoints_of(site, building.id)
                items = rules.items_for(site, round_, [c.id for c in checkpoints])
                for index, item in enumerate(items):
                    finding = None
                    result = "ok"
                    if days_ago == 1 and hours == 0 and index in (1, 4):
                        result = "finding"
                        finding = rules.FindingInput(
                            note=(
                                "Corridor lamp out on 12/F"
                                if index == 1
                                else "Fire door propped open on 8/F"
                            ),
                            owner_kind="contractor" if index == 1 else "butler",
                            owner_name="Bright Electrical" if index == 1 else "",
                        )
                    rules.mark(
                        site,
                        round_,
                        butler,
                        at + timedelta(minutes=index),
                        result,
                        item=item,
                        finding=finding,
                    )
                rules.complete_round(round_, at + timedelta(minutes=40))
        findings = rules.open_findings(site, building.id)
        if findings:
            rules.close_finding(
                site, findings[-1], butler, now - timedelta(hours=2), "Door closed, sign put up"
            )
    unit = db.session.scalar(
        tenancy.select(Unit, site=site).where(Unit.archived_at.is_(None)).order_by(Unit.id).limit(1)
    )
    if unit is not None and not db.session.scalar(
        tenancy.select(InspectionsPermit, InspectionsPermit.id, site=site).limit(1)
    ):
        today = clock.today(site)
        permit = InspectionsPermit(
            site_id=site.id,
            unit_id=unit.id,
            number=f"RP-{today.year}-001",
            starts_on=today - timedelta(days=10),
            ends_on=today + timedelta(days=20),
            contractor="Harbour Renovation Ltd",
            hours="09:00-18:00",
            deposit=500000,
            scope="Kitchen and bathroom",
        )
        db.session.add(permit)
        db.session.flush()
        db.session.add_all(
            [
                InspectionsPass(
                    site_id=site.id,
                    permit_id=permit.id,
                    name="Lee Ka Ho",
                    expires_on=today + timedelta(days=20),
                ),
                InspectionsPass(
                    site_id=site.id,
                    permit_id=permit.id,
                    name="Chan Wing",
                    expires_on=today - timedelta(days=2),
                ),
            ]
        )
    db.session.flush()
