"""Contractors and planned work at scale: every one of the 50 estates has its cleaning,
pest-control and water-tank contractors on last year's and this year's contracts with
the job description's default plan, and a year of their visits logged in each building
(about nine in ten of what the plan asks for, some late), with twelve months of scores.

Measured on one estate: the due and overdue list (the plan, the buildings and one grouped
count of the current periods' work, whatever the size of the log), a contractor's page
with its score history and chart, a contract's page with what was missed or late against
it, the month's evaluations and the year's summary.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bench.seed import _bulk
from core.extensions import db
from core.models import Building, Site
from plugins.maintenance import rules
from plugins.maintenance.models import (
    MaintenanceContract,
    MaintenanceContractor,
    MaintenanceEvaluation,
    MaintenanceTask,
    MaintenanceWork,
)

KIND = "residential"
COMPANIES = (
    ("潔美清潔服務有限公司", "cleaning"),
    ("安心滅蟲有限公司", "pest_control"),
    ("清源水務工程有限公司", "water_tanks"),
)
MEASURED: dict[str, int] = {}


def _spans(span: str, first: date, last: date) -> list[tuple[date, date]]:
    """The calendar periods of ``span`` from the one holding ``first`` to ``last``."""
    months = {"month": 1, "quarter": 3, "year": 12}[span]
    start = date(first.year, ((first.month - 1) // months) * months + 1, 1)
    found = []
    while start <= last:
        index = start.year * 12 + start.month - 1 + months
        following = date(index // 12, index % 12 + 1, 1)
        found.append((start, following - timedelta(days=1)))
        start = following
    return found


def seed(site_id: int, ctx: dict) -> dict[str, int]:
    """All 50 estates at once, from the measured one's call (the others add nothing)."""
    if not ctx["measured"]:
        return {}
    rng, now, ids = ctx["rng"], ctx["now"], ctx["ids"]
    postgres = db.session.connection().dialect.name == "postgresql"
    sites = db.session.execute(sa.select(Site.id, Site.timezone).where(Site.kind == KIND)).all()
    by_site: dict[int, list[int]] = {}
    for sid, bid in db.session.execute(sa.select(Building.site_id, Building.id)).all():
        by_site.setdefault(sid, []).append(bid)
    staff = ctx["staff_ids"][0]
    contractors, contracts, tasks, work, scores = [], [], [], [], []
    for sid, timezone in sites:
        zone = ZoneInfo(timezone)
        today = now.astimezone(zone).date()
        for company, service in COMPANIES:
            [contractor_id] = ids.take(MaintenanceContractor, 1)
            services = json.dumps([service]) if postgres else [service]
            contractors.append(
                {
                    "id": contractor_id,
                    "site_id": sid,
                    "company": company,
                    "services": services,
                    "contact_name": "",
                    "phone": "",
                    "email": "",
                    "notes": "",
                    "created_at": now,
                }
            )
            for year in (today.year - 1, today.year):
                [contract_id] = ids.take(MaintenanceContract, 1)
                contracts.append(
                    {
                        "id": contract_id,
                        "site_id": sid,
                        "contractor_id": contractor_id,
                        "title": f"{year} {company}",
                        "starts_on": date(year, 1, 1),
                        "ends_on": date(year, 12, 31),
                        "value_minor": 12_000_000,
                        "created_at": now,
                    }
                )
                for code, task_service, span, times in rules.default_tasks([service]):
                    [task_id] = ids.take(MaintenanceTask, 1)
                    tasks.append(
                        {
                            "id": task_id,
                            "site_id": sid,
                            "contract_id": contract_id,
                            "code": code,
                            "name": "",
                            "service": task_service,
                            "span": span,
                            "times": times,
                        }
                    )
                    first = max(date(year, 1, 1), today - timedelta(days=365))
                    last = min(date(year, 12, 31), today)
                    for start, end in _spans(span, first, last):
                        length = (end - start).days + 1
                        for building_id in by_site.get(sid, []):
                            for n in range(times):
                                if rng.random() < 0.1:
                                    continue  # missed
                                day = start + timedelta(
                                    days=min(
                                        length - 1, (n * length) // times + rng.randrange(0, 18)
                                    )
                                )
                                if day > today:
                                    continue
                                work.append(
                                    {
                                        "site_id": sid,
                                        "task_id": task_id,
                                        "building_id": building_id,
                                        "done_on": day,
                                        "done_at": datetime.combine(day, time(10), tzinfo=zone),
                                        "who": company,
                                        "note": "",
                                        "logged_by_id": staff,
                                        "logged_at": now,
                                        "check_note": "",
                                        "check_result": "accepted",
                                    }
                                )
            month = rules.month_of(today)
            for _ in range(12):
                month = rules.previous_month(month)
                score = rng.randrange(50, 96)
                [evaluation_id] = ids.take(MaintenanceEvaluation, 1)
                scores.append(
                    {
                        "id": evaluation_id,
                        "site_id": sid,
                        "contractor_id": contractor_id,
                        "service": service,
                        "month": month,
                        "quality": score,
                        "punctuality": score,
                        "attitude": score,
                        "compliance": 90,
                        "score": score,
                        "comments": "",
                        "reopen_reason": "",
                        "scored_at": now,
                        "scored_by_id": staff,
                    }
                )
    for row, work_id in zip(work, ids.take(MaintenanceWork, len(work)), strict=True):
        row["id"] = work_id
    _bulk(MaintenanceContractor, contractors)
    _bulk(MaintenanceContract, contracts)
    _bulk(MaintenanceTask, tasks)
    _bulk(MaintenanceWork, work)
    _bulk(MaintenanceEvaluation, scores)
    MEASURED["contractor_id"] = contractors[0]["id"]
    MEASURED["contract_id"] = contracts[1]["id"]
    return {
        "contractors": len(contractors),
        "tasks": len(tasks),
        "work logged": len(work),
        "evaluations": len(scores),
    }


def pages(base: str) -> list[tuple[str, str]]:
    maintenance = f"{base}/maintenance"
    return [
        ("maintenance: the due and overdue list, every building", f"{maintenance}/?all=1"),
        (
            "maintenance: a contractor, its scores and chart",
            f"{maintenance}/contractors/{MEASURED.get('contractor_id', 1)}",
        ),
        (
            "maintenance: a contract, missed and late against it",
            f"{maintenance}/contracts/{MEASURED.get('contract_id', 1)}",
        ),
        ("maintenance: the month's evaluations", f"{maintenance}/evaluations"),
        ("maintenance: the year's summary", f"{maintenance}/year"),
    ]
