"""What the visits plugin gives the core's pages: the widget, the day page, the work log."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from core import clock
from core.extensions import db
from core.models import Building, Resident, Site, Unit, User
from core.plugins.api import DayItem, WorkLogEntry
from plugins.visits import rules
from plugins.visits.labels import KIND_LABELS, OUTCOME_LABELS
from plugins.visits.models import VisitsPlan, VisitsVisit


def widget(site: Site, user: User) -> dict:
    """The butler's month and quarter shares, their targets and the days left."""
    today = clock.today(site)
    month = rules.span_of(site, rules.MONTH, today)
    quarter = rules.span_of(site, rules.QUARTER, today)
    [mine] = rules.quota(site, month, quarter, today, user) or [rules.ButlerQuota(user.id, "")]
    goals = rules.targets(site)
    return {
        "month": mine.month,
        "quarter": mine.quarter,
        "month_target": goals.month / 10,
        "quarter_target": goals.quarter / 10,
        "month_days_left": month.days_left(today),
        "quarter_days_left": quarter.days_left(today),
        "month_met": mine.month.meets(goals.month),
        "quarter_met": mine.quarter.meets(goals.quarter),
    }


def day_items(site: Site, user: User, day: date) -> list[DayItem]:
    """The visits ``user`` planned for ``day``: done once the household is visited that day."""
    rows = db.session.execute(
        sa.select(VisitsPlan, Resident.name, Building.code, Unit.number)
        .join(Unit, Unit.id == VisitsPlan.unit_id)
        .join(Building, Building.id == Unit.building_id)
        .join(Resident, Resident.id == VisitsPlan.resident_id)
        .where(
            VisitsPlan.site_id == site.id,
            VisitsPlan.butler_id == user.id,
            VisitsPlan.removed_at.is_(None),
            VisitsPlan.planned_on == day,
        )
        .order_by(Building.code, Unit.floor, Unit.number)
    ).all()
    if not rows:
        return []
    done = rules.visited_households(site, [(p.unit_id, p.resident_id) for p, *_ in rows], day, day)
    today = clock.today(site)
    return [
        DayItem(
            key=f"visits.plan.{plan.id}",
            title=f"{code}-{number} · {name}",
            url=url_for("visits.record", unit_id=plan.unit_id, resident_id=plan.resident_id),
            kind=_l("Home visit"),
            done=(plan.unit_id, plan.resident_id) in done,
            overdue=day < today,
            permission="visits.record",
        )
        for plan, name, code, number in rows
    ]


def work_log(site: Site, butler: User, day: date) -> list[WorkLogEntry]:
    """The visits ``butler`` made on the site's ``day``, one line each."""
    rows = db.session.execute(
        sa.select(VisitsVisit, Resident.name, Building.code, Unit.number)
        .join(Unit, Unit.id == VisitsVisit.unit_id)
        .join(Building, Building.id == Unit.building_id)
        .join(Resident, Resident.id == VisitsVisit.resident_id)
        .where(
            VisitsVisit.site_id == site.id,
            VisitsVisit.butler_id == butler.id,
            VisitsVisit.visited_on == day,
        )
        .order_by(VisitsVisit.visited_at, VisitsVisit.id)
    ).all()
    return [
        WorkLogEntry(
            key=f"visits.visit.{visit.id}",
            time=visit.visited_at,
            kind=_l("Home visit"),
            title=f"{code}-{number} · {name}",
            url=url_for("visits.show", visit_id=visit.id),
            detail=str(KIND_LABELS[visit.kind]),
            outcome=str(OUTCOME_LABELS[visit.outcome]),
        )
        for visit, name, code, number in rows
    ]
