"""An estate with the maintenance plugin on: two towers in Hong Kong, a butler of tower 1,
an assistant, a manager and the front desk, and helpers that put contractors, contracts
and logged work in directly (the views are tested on their own)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time

import pytest
import sqlalchemy as sa

from core import clock as core_clock
from core.extensions import db
from core.models import Building, Site, User
from core.testing.photos import tiny_png
from plugins.maintenance import rules
from plugins.maintenance.models import (
    MaintenanceContract,
    MaintenanceContractor,
    MaintenanceTask,
    MaintenanceWork,
)

PNG = tiny_png()


def png(name: str = "drain.png"):
    return (io.BytesIO(PNG), name)


@dataclass
class Estate:
    site: Site
    t1: Building
    t2: Building
    unit_id: int
    butler: User
    assistant: User
    manager: User
    front_desk: User
    switches: dict

    @property
    def url(self) -> str:
        return f"/s/{self.site.slug}/maintenance"


@pytest.fixture
def estate(make) -> Estate:
    built = make.estate(
        name="Harbour View",
        timezone="Asia/Hong_Kong",
        plugins=["maintenance"],
        towers=["T1", "T2"],
        units=[{"tower": 0, "floor": 5, "number": "5B", "status": "occupied"}],
        staff={
            "ben": {"role": "butler", "towers": [0], "display_name": "Ben Lau"},
            "amy": {"role": "assistant", "display_name": "Amy Ho", "email": "amy@example.com"},
            "mia": "manager",
            "fay": "front_desk",
        },
    )
    return Estate(
        site=built.site,
        t1=built.towers[0],
        t2=built.towers[1],
        unit_id=built.units[0].id,
        butler=built.staff["ben"],
        assistant=built.staff["amy"],
        manager=built.staff["mia"],
        front_desk=built.staff["fay"],
        switches=built.switches,
    )


def add_contractor(app, estate, company="Sparkle Cleaning", services=("cleaning",)) -> int:
    with app.app_context():
        row = MaintenanceContractor(
            site_id=estate.site.id, company=company, services=list(services)
        )
        db.session.add(row)
        db.session.commit()
        return row.id


def add_contract(
    app, estate, contractor_id: int, starts_on: date, ends_on: date, services=("cleaning",)
) -> int:
    """A contract with the default plan for ``services``."""
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        row = MaintenanceContract(
            site_id=site.id,
            contractor_id=contractor_id,
            title="Cleaning 2026",
            starts_on=starts_on,
            ends_on=ends_on,
            value_minor=120000_00,
        )
        db.session.add(row)
        db.session.flush()
        rules.add_default_plan(site, row, services)
        db.session.commit()
        return row.id


def task_of(app, contract_id: int, code: str) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(MaintenanceTask.id).where(
                MaintenanceTask.contract_id == contract_id, MaintenanceTask.code == code
            )
        )


def log_work(app, estate, task_id: int, building_id: int, day: date, **fields) -> int:
    with app.app_context():
        zone = core_clock.zone(estate.site)
        row = MaintenanceWork(
            site_id=estate.site.id,
            task_id=task_id,
            building_id=building_id,
            done_on=day,
            done_at=datetime.combine(day, time(10), tzinfo=zone),
            who=fields.pop("who", "Sparkle Cleaning"),
            logged_by_id=estate.butler.id,
            **fields,
        )
        db.session.add(row)
        db.session.commit()
        return row.id


def site_of(estate) -> Site:
    return db.session.get(Site, estate.site.id)
