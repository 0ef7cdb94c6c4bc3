"""Demo events for the demo estates: a weekly class, a festival party, a past talk."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from core import clock, tenancy
from core.extensions import db
from core.models import Occupancy, Resident, Site
from plugins.events.models import Event, Registration

SERIES_KEY = "demo-tai-chi"


def _at(site: Site, day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=clock.zone(site)).astimezone(UTC)


def add_demo_events(site: Site, now: datetime) -> None:
    """Add the demo events once; a second run finds them by title and adds nothing."""
    exists = db.session.scalar(
        tenancy.select(Event, Event.id, site=site).where(Event.series_key == SERIES_KEY)
    )
    if exists:
        return
    today = now.astimezone(clock.zone(site)).date()
    monday = today - timedelta(days=today.weekday())
    events = []
    for week in range(6):
        day = monday + timedelta(days=5, weeks=week - 1)  # Saturdays, from last week on
        events.append(
            Event(
                site_id=site.id,
                title="Tai chi in the garden 太極班",
                description="Gentle morning class for all ages. Wear comfortable shoes.",
                place="Podium garden",
                starts_at=_at(site, day, 8),
                ends_at=_at(site, day, 9),
                capacity=30,
                price=0,
                series_key=SERIES_KEY,
            )
        )
    festival = today + timedelta(days=10)
    events.append(
        Event(
            site_id=site.id,
            title="Mid-autumn lantern evening 中秋燈籠晚會",
            description="Lanterns, mooncakes and riddles for families.",
            place="Clubhouse function room",
            starts_at=_at(site, festival, 19),
            ends_at=_at(site, festival, 21),
            capacity=40,
            price=5000,
            registration_closes_at=_at(site, festival - timedelta(days=1), 0),
        )
    )
    db.session.add_all(events)
    db.session.flush()
    residents = db.session.scalars(
        tenancy.select(Resident, site=site)
        .where(
            Resident.archived_at.is_(None),
            Resident.id.in_(
                tenancy.select(Occupancy, Occupancy.resident_id, site=site).where(
                    Occupancy.moved_out.is_(None)
                )
            ),
        )
        .order_by(Resident.id)
        .limit(12)
    ).all()
    past, coming = events[0], events[-1]
    for n, resident in enumerate(residents):
        for event, attended in ((past, n % 4 != 0), (coming, False)):
            db.session.add(
                Registration(
                    site_id=site.id,
                    event_id=event.id,
                    resident_id=resident.id,
                    places=1 + n % 3,
                    status="confirmed",
                    channel="phone" if n % 2 else "walk_in",
                    queued_at=now - timedelta(days=20 - n),
                    attended=attended if event is past else False,
                    feedback_score=(3 + n % 3) if attended and event is past else None,
                )
            )
