"""The maintenance plugin's part of the security world: a contractor with a contract (and
its scan), its default plan, a visit logged with a photo, and an evaluation."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

from werkzeug.datastructures import FileStorage

from core import clock as core_clock
from core import uploads
from core.extensions import db
from core.models import PluginEnablement, Site
from core.testing.walks import register_world
from plugins.maintenance import rules
from plugins.maintenance.models import (
    MaintenanceContract,
    MaintenanceContractor,
    MaintenanceEvaluation,
    MaintenanceTask,
    MaintenanceWork,
)
from tests.plugins.maintenance.conftest import PNG

NAME = "maintenance"
MONTH = "2026-10"


def _photo(name: str) -> str:
    return uploads.save(FileStorage(io.BytesIO(PNG), name), plugin=NAME).key


def fill(site: Site, ids: dict[str, int]) -> dict[str, int]:
    db.session.add(PluginEnablement(site_id=site.id, plugin=NAME, enabled=True))
    today = core_clock.today(site)
    contractor = MaintenanceContractor(
        site_id=site.id, company=f"Sparkle Cleaning {site.slug}", services=["cleaning"]
    )
    db.session.add(contractor)
    db.session.flush()
    contract = MaintenanceContract(
        site_id=site.id,
        contractor_id=contractor.id,
        title="Cleaning",
        starts_on=today - timedelta(days=400),
        ends_on=today + timedelta(days=400),
        value_minor=100000,
        document_key=_photo("contract.png"),
    )
    db.session.add(contract)
    db.session.flush()
    rules.add_default_plan(site, contract, ["cleaning"])
    db.session.flush()
    task = db.session.scalars(
        db.select(MaintenanceTask).where(MaintenanceTask.contract_id == contract.id)
    ).first()
    work = MaintenanceWork(
        site_id=site.id,
        task_id=task.id,
        building_id=ids["building_id"],
        done_on=today,
        done_at=datetime.combine(today, time(10), tzinfo=core_clock.zone(site)),
        who="Sparkle Cleaning",
        photo_key=_photo("road.png"),
        logged_by_id=ids["user_id"],
    )
    evaluation = MaintenanceEvaluation(
        site_id=site.id,
        contractor_id=contractor.id,
        service="cleaning",
        month=MONTH,
        quality=80,
        punctuality=80,
        attitude=80,
        score=80,
        scored_at=core_clock.now(),
    )
    db.session.add_all([work, evaluation])
    db.session.flush()
    return {
        "contractor_id": contractor.id,
        "contract_id": contract.id,
        "task_id": task.id,
        "work_id": work.id,
        "evaluation_id": evaluation.id,
        "building_id": ids["building_id"],
        "unit_id": ids["unit_id"],
    }


register_world(NAME, fill, fixed_arguments={"service": "cleaning", "month": MONTH})
