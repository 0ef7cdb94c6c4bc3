"""Events views: Times on the site's clock, and the list of events."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask import (
    render_template,
    request,
)
from flask_login import current_user

from core import clock, tenancy
from core.extensions import db
from core.security import can, requires
from core.tenancy import current_site
from plugins.events.models import Event, Registration
from plugins.events.views.base import bp

# --- Times on the site's clock ------------------------------------------------------------


def at_local(day: date, moment: time) -> datetime:
    """``day`` at ``moment`` on the site's clock, as a UTC time."""
    return datetime.combine(day, moment, tzinfo=clock.zone(current_site())).astimezone(UTC)


def month_of(text: str | None) -> date:
    """The first day of the month ``YYYY-MM`` (this month when absent or unreadable)."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return date(year, month, 1)
    except ValueError:
        pass
    return clock.today(current_site()).replace(day=1)


def next_month(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1)


# --- Lists ------------------------------------------------------------------------------


def _with_places(stmt: sa.Select) -> list[tuple[Event, int, int]]:
    """Rows of (event, confirmed places, waiting places) for the events ``stmt`` selects."""
    site_id = current_site().id

    def total(status: str):
        return (
            sa.select(sa.func.coalesce(sa.func.sum(Registration.places), 0))
            .where(
                Registration.site_id == site_id,
                Registration.event_id == Event.id,
                Registration.status == status,
            )
            .correlate(Event)
            .scalar_subquery()
        )

    rows = db.session.execute(
        stmt.add_columns(total("confirmed"), total("waiting")).order_by(Event.starts_at, Event.id)
    ).all()
    return [(event, int(confirmed), int(waiting)) for event, confirmed, waiting in rows]


def events_between(start: datetime, end: datetime) -> sa.Select:
    return tenancy.select(Event).where(Event.starts_at >= start, Event.starts_at < end)


@bp.route("/")
@requires("events.view")
def index():
    first = month_of(request.args.get("month"))
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    start, end = at_local(weeks[0][0], time(0)), at_local(weeks[-1][-1] + timedelta(1), time(0))
    rows = _with_places(events_between(start, end))
    zone = clock.zone(current_site())
    by_day: dict[date, list] = {}
    for row in rows:
        by_day.setdefault(row[0].starts_at.astimezone(zone).date(), []).append(row)
    month_rows = [
        row for row in rows if row[0].starts_at.astimezone(zone).date().month == first.month
    ]
    return render_template(
        "events/index.html",
        first=first,
        weeks=weeks,
        by_day=by_day,
        rows=month_rows,
        today=clock.today(current_site()),
        previous=(first - timedelta(days=1)).replace(day=1),
        following=next_month(first),
        weekdays=[weeks[0][i] for i in range(7)],
        can_manage=can(current_user, "events.manage"),
        can_report=can(current_user, "events.report"),
    )
