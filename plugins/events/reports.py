"""What worked: registered, attended, no-shows and satisfaction, per event and per month.

Counts are of people (a household of three counts three). No-shows are counted only
for events that are over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from core import clock
from core.charts import Chart, Series
from core.extensions import db
from core.models import Site, User
from core.plugins.api import Sheet
from plugins.events.models import Event, Registration


@dataclass(frozen=True)
class Figures:
    event: Event | None
    registered: int
    attended: int
    no_shows: int
    scores: int
    satisfaction: float | None


def _figures_query(site_id: int) -> sa.Select:
    confirmed = sa.and_(
        Registration.site_id == site_id,
        Registration.event_id == Event.id,
        Registration.status == "confirmed",
    )

    def sub(*columns, where=None):
        stmt = sa.select(*columns).where(confirmed)
        if where is not None:
            stmt = stmt.where(where)
        return stmt.correlate(Event).scalar_subquery()

    places = sa.func.coalesce(sa.func.sum(Registration.places), 0)
    return sa.select(
        Event,
        sub(places),
        sub(places, where=Registration.attended.is_(True)),
        sub(sa.func.count(Registration.feedback_score)),
        sub(sa.func.avg(Registration.feedback_score)),
    ).where(Event.site_id == site_id)


def _rows(stmt: sa.Select) -> list[Figures]:
    now = clock.now()
    found = []
    for event, registered, attended, scores, average in db.session.execute(stmt).all():
        registered, attended = int(registered), int(attended)
        found.append(
            Figures(
                event=event,
                registered=registered,
                attended=attended,
                no_shows=registered - attended if event.is_over(now) else 0,
                scores=int(scores),
                satisfaction=float(average) if average is not None else None,
            )
        )
    return found


def of_event(event: Event) -> Figures:
    return _rows(_figures_query(event.site_id).where(Event.id == event.id))[0]


def of_month(site: Site, first: date) -> list[Figures]:
    """The figures of every event (not cancelled) starting in the month of ``first``."""
    zone = clock.zone(site)
    start = datetime.combine(first, time(0), tzinfo=zone).astimezone(UTC)
    end_day = (first + timedelta(days=32)).replace(day=1)
    end = datetime.combine(end_day, time(0), tzinfo=zone).astimezone(UTC)
    stmt = (
        _figures_query(site.id)
        .where(Event.starts_at >= start, Event.starts_at < end, Event.cancelled_at.is_(None))
        .order_by(Event.starts_at, Event.id)
    )
    return _rows(stmt)


def total(rows: list[Figures]) -> Figures:
    """The month's totals; satisfaction is the mean of every score given."""
    scores = sum(f.scores for f in rows)
    weighted = sum((f.satisfaction or 0) * f.scores for f in rows)
    return Figures(
        event=None,
        registered=sum(f.registered for f in rows),
        attended=sum(f.attended for f in rows),
        no_shows=sum(f.no_shows for f in rows),
        scores=scores,
        satisfaction=weighted / scores if scores else None,
    )


# --- The butler's share, for the hand-in pack -------------------------------------------


def butler_sheet(site: Site, period: str, butler: User) -> Sheet:
    """The month's events that ``butler`` organised or took sign-ups for, with the
    month's figures of each and the places the butler signed up."""
    first = date(int(period[:4]), int(period[5:7]), 1)
    month = of_month(site, first)
    signed = dict(
        db.session.execute(
            sa.select(Registration.event_id, sa.func.sum(Registration.places))
            .where(
                Registration.site_id == site.id,
                Registration.registered_by_id == butler.id,
                Registration.status == "confirmed",
                Registration.event_id.in_([f.event.id for f in month] or [0]),
            )
            .group_by(Registration.event_id)
        ).all()
    )
    mine = [f for f in month if f.event.staff_id == butler.id or f.event.id in signed]
    zone = clock.zone(site)
    rows = [
        (
            f.event.starts_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            f.event.title,
            f.event.capacity,
            f.registered,
            f.attended,
            f.no_shows,
            round(f.satisfaction, 2) if f.satisfaction is not None else None,
            int(signed.get(f.event.id) or 0),
        )
        for f in mine
    ]
    all_of_them = total(mine)
    rows.append(
        (
            _("Total"),
            "",
            sum(f.event.capacity for f in mine),
            all_of_them.registered,
            all_of_them.attended,
            all_of_them.no_shows,
            round(all_of_them.satisfaction, 2) if all_of_them.satisfaction is not None else None,
            sum(int(signed.get(f.event.id) or 0) for f in mine),
        )
    )
    return Sheet(
        title=_("Community events"),
        columns=(
            _("Date"),
            _("Event"),
            _("Places"),
            _("Registered"),
            _("Came"),
            _("Did not come"),
            _("Satisfaction (1 to 5)"),
            _("Signed up by the butler"),
        ),
        rows=tuple(rows),
        keys=(*(str(f.event.id) for f in mine), "total"),
    )


def month_chart(rows: list[Figures]) -> Chart:
    """Each event of the month: how many people registered, and how many came."""
    events = [f for f in rows if f.event is not None]
    return Chart(
        "bar",
        _("Registered and came, by event"),
        labels=tuple(f.event.title for f in events),
        series=(
            Series(_("Registered"), tuple(f.registered for f in events)),
            Series(_("Came"), tuple(f.attended for f in events)),
        ),
    )
