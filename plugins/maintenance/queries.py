"""What the maintenance plugin gives the core's pages: the widget, the day page's items,
the work log's lines."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from core import clock
from core.extensions import db
from core.models import Building, Site, User
from core.plugins.api import DayItem, WorkLogEntry
from plugins.maintenance import rules
from plugins.maintenance.labels import CHECK_LABELS, task_name
from plugins.maintenance.models import MaintenanceTask, MaintenanceWork
from plugins.maintenance.views.base import my_building_ids


def widget(site: Site, user: User) -> dict:
    """How many tasks are overdue and due this week in the user's buildings (or all)."""
    today = clock.today(site)
    owed = rules.due_list(site, today, my_building_ids(site, user))
    return {
        "overdue": sum(1 for d in owed if d.overdue),
        "this_week": sum(1 for d in owed if not d.overdue and (d.due_on - today).days < 7),
        "first": owed[:3],
        "task_name": task_name,
    }


def day_items(site: Site, user: User, day: date) -> list[DayItem]:
    """The planned work due by ``day`` and still owed, in the user's buildings."""
    owed = rules.due_list(site, day, my_building_ids(site, user))
    return [
        DayItem(
            key=f"maintenance.task.{d.task.id}.{d.building.id}.{d.span.key}.{d.done}",
            title=f"{task_name(d.task)} · {d.building.code}",
            url=url_for("maintenance.log", task_id=d.task.id, building_id=d.building.id),
            kind=_l("Planned work"),
            detail=f"{d.contractor.company} · {d.done}/{d.required}",
            overdue=d.overdue,
            permission="maintenance.log",
        )
        for d in owed
        if d.due_on <= day
    ]


def work_log(site: Site, butler: User, day: date) -> list[WorkLogEntry]:
    """The contractors' visits ``butler`` logged or checked on the site's ``day``."""
    start, end = clock.day_bounds(site, day)
    rows = db.session.execute(
        sa.select(MaintenanceWork, MaintenanceTask, Building.code)
        .join(MaintenanceTask, MaintenanceTask.id == MaintenanceWork.task_id)
        .join(Building, Building.id == MaintenanceWork.building_id)
        .where(
            MaintenanceWork.site_id == site.id,
            sa.or_(
                sa.and_(
                    MaintenanceWork.logged_by_id == butler.id,
                    MaintenanceWork.logged_at >= start,
                    MaintenanceWork.logged_at < end,
                ),
                sa.and_(
                    MaintenanceWork.checked_by_id == butler.id,
                    MaintenanceWork.checked_at >= start,
                    MaintenanceWork.checked_at < end,
                ),
            ),
        )
        .order_by(MaintenanceWork.logged_at, MaintenanceWork.id)
    ).all()
    entries = []
    for work, task, code in rows:
        url = url_for("maintenance.show_work", work_id=work.id)
        title = f"{task_name(task)} · {code}"
        if work.logged_by_id == butler.id and start <= work.logged_at < end:
            entries.append(
                WorkLogEntry(
                    key=f"maintenance.work.{work.id}",
                    time=work.logged_at,
                    kind=_l("Contractor's work logged"),
                    title=title,
                    url=url,
                    detail=work.who,
                )
            )
        if work.checked_by_id == butler.id and work.checked_at and start <= work.checked_at < end:
            entries.append(
                WorkLogEntry(
                    key=f"maintenance.check.{work.id}",
                    time=work.checked_at,
                    kind=_l("Contractor's work checked"),
                    title=title,
                    url=url,
                    outcome=str(CHECK_LABELS[work.check_result]),
                )
            )
    return entries
