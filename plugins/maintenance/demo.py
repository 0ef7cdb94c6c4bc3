"""Demo data: three contractors with this year's contracts on the default plan, some of
the work logged and last month's evaluations scored, so that every page shows something."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from core import clock, tenancy
from core.extensions import db
from core.models import Site, User
from plugins.maintenance import rules
from plugins.maintenance.models import (
    MaintenanceContract,
    MaintenanceContractor,
    MaintenanceEvaluation,
    MaintenanceTask,
    MaintenanceWork,
)

CONTRACTORS = (
    ("潔美清潔服務有限公司", ["cleaning"], "陳小姐", "21234567", 48000000),
    ("安心滅蟲有限公司", ["pest_control"], "李先生", "23456789", 3600000),
    ("清源水務工程有限公司", ["water_tanks"], "黃先生", "27654321", 1200000),
)


def load_demo(site: Site) -> None:
    """The register, this year's plan and some of its log, once."""
    if db.session.scalar(
        tenancy.select(MaintenanceContractor, MaintenanceContractor.id, site=site).limit(1)
    ):
        return
    today = clock.today(site)
    someone = db.session.scalar(sa.select(User).order_by(User.id).limit(1))
    zone = clock.zone(site)
    for company, services, contact, phone, value in CONTRACTORS:
        contractor = MaintenanceContractor(
            site_id=site.id, company=company, services=services, contact_name=contact, phone=phone
        )
        db.session.add(contractor)
        db.session.flush()
        contract = MaintenanceContract(
            site_id=site.id,
            contractor_id=contractor.id,
            title=f"{today.year} {company}",
            starts_on=date(today.year, 1, 1),
            ends_on=date(today.year, 12, 31),
            value_minor=value,
        )
        db.session.add(contract)
        db.session.flush()
        rules.add_default_plan(site, contract, services)
        db.session.flush()
        if someone is None:
            continue
        tasks = db.session.scalars(
            sa.select(MaintenanceTask).where(MaintenanceTask.contract_id == contract.id)
        ).all()
        for building in rules.buildings(site):
            for task in tasks:
                span = rules.period_of(site, task.span, today)
                for n, due in enumerate(span.slots(task.times)):
                    day = min(due - timedelta(days=2 + n), today)
                    if day < span.first or (n + building.id) % 3 == 2:
                        continue
                    db.session.add(
                        MaintenanceWork(
                            site_id=site.id,
                            task_id=task.id,
                            building_id=building.id,
                            done_on=day,
                            done_at=datetime.combine(day, time(10), tzinfo=zone),
                            who=company,
                            logged_by_id=someone.id,
                            check_result="accepted",
                            checked_by_id=someone.id,
                            checked_at=clock.now(),
                        )
                    )
        last = rules.previous_month(clock.this_month(site))
        db.session.add(
            MaintenanceEvaluation(
                site_id=site.id,
                contractor_id=contractor.id,
                service=services[0],
                month=last,
                quality=85,
                punctuality=80,
                attitude=90,
                compliance=100,
                score=89,
                scored_by_id=someone.id,
                scored_at=clock.now(),
                comments="整體表現良好。",
            )
        )
    db.session.flush()
