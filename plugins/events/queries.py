"""The queries behind the hooks: this week's events for the dashboard and the search."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from core import clock, tenancy
from core.extensions import db
from core.models import Site
from core.plugins.api import DayItem
from core.search import like_escape
from plugins.events.models import Event, Registration

WIDGET_LIMIT = 8
SEARCH_LIMIT = 10


def week_bounds(site: Site, now: datetime) -> tuple[datetime, datetime]:
    """Monday 00:00 to next Monday 00:00 of the week holding ``now``, site's clock, in UTC."""
    zone = clock.zone(site)
    today = now.astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    start = datetime.combine(monday, time(0), tzinfo=zone)
    return start.astimezone(UTC), (start + timedelta(days=7)).astimezone(UTC)


def this_week(site: Site, now: datetime) -> list[tuple[Event, int]]:
    """The week's events not cancelled, each with its confirmed places, first first."""
    start, end = week_bounds(site, now)
    confirmed = (
        tenancy.select(
            Registration, sa.func.coalesce(sa.func.sum(Registration.places), 0), site=site
        )
        .where(Registration.event_id == Event.id, Registration.status == "confirmed")
        .correlate(Event)
        .scalar_subquery()
    )
    rows = db.session.execute(
        tenancy.select(Event, Event, confirmed, site=site)
        .where(
            Event.starts_at >= start,
            Event.starts_at < end,
            Event.cancelled_at.is_(None),
        )
        .order_by(Event.starts_at, Event.id)
        .limit(WIDGET_LIMIT)
    ).all()
    return [(event, int(taken)) for event, taken in rows]


def search(site: Site, query: str) -> list[Event]:
    """The site's events whose title or place holds ``query``, latest first."""
    query = query.strip()[:100]
    if not query:
        return []
    pattern = f"%{like_escape(query)}%"
    return list(
        db.session.scalars(
            tenancy.select(Event, site=site)
            .where(
                sa.or_(
                    Event.title.ilike(pattern, escape="\\"),
                    Event.place.ilike(pattern, escape="\\"),
                )
            )
            .order_by(Event.starts_at.desc(), Event.id)
            .limit(SEARCH_LIMIT)
        )
    )


def day_items(site: Site, day: date) -> list[DayItem]:
    """For the day page: the site's events of ``day`` not cancelled, to look in on (ticked
    done by whoever goes)."""
    zone = clock.zone(site)
    start = datetime.combine(day, time(0), tzinfo=zone)
    rows = db.session.scalars(
        tenancy.select(Event, site=site)
        .where(
            Event.starts_at >= start.astimezone(UTC),
            Event.starts_at < (start + timedelta(days=1)).astimezone(UTC),
            Event.cancelled_at.is_(None),
        )
        .order_by(Event.starts_at, Event.id)
        .limit(WIDGET_LIMIT)
    ).all()
    return [
        DayItem(
            key=f"events.event.{event.id}",
            title=event.title,
            url=url_for("events.show", event_id=event.id),
            kind=_l("Community event"),
            time=event.starts_at,
            detail=event.place or "",
            tickable=True,
            permission="events.view",
        )
        for event in rows
    ]
