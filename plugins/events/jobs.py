"""Invitations and the day-before reminders, queued through the outbox once each."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from core import clock, tenancy
from core.extensions import db
from core.models import Occupancy, Resident, Site, Unit
from plugins.events.models import AudienceBuilding, Event, Registration
from plugins.events.rules import notify


def audience_residents(event: Event) -> sa.Select:
    """Residents living on the site now (in the event's buildings when it names some)."""
    living = (
        sa.select(Occupancy.resident_id)
        .join(Unit, Unit.id == Occupancy.unit_id)
        .where(Occupancy.site_id == event.site_id, Occupancy.moved_out.is_(None))
    )
    if event.audience == "buildings":
        living = living.where(
            Unit.building_id.in_(
                tenancy.select(
                    AudienceBuilding, AudienceBuilding.building_id, site=event.site_id
                ).where(
                    AudienceBuilding.event_id == event.id,
                )
            )
        )
    return (
        tenancy.select(Resident, site=event.site_id)
        .where(
            Resident.archived_at.is_(None),
            Resident.id.in_(living),
        )
        .order_by(Resident.id)
    )


def invite(site: Site, event: Event) -> int:
    """Queue an invitation to every resident of the audience who agreed to messages;
    how many were queued now (those invited before are not invited again)."""
    queued = 0
    for resident in db.session.scalars(audience_residents(event)):
        if notify(site, event, resident, "invitation"):
            queued += 1
    return queued


def tomorrow_utc(site: Site, now: datetime) -> tuple[datetime, datetime]:
    """The start and end (UTC) of tomorrow on the site's clock."""
    zone = clock.zone(site)
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    start = datetime.combine(tomorrow, time(0), tzinfo=zone)
    end = datetime.combine(tomorrow + timedelta(days=1), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def send_reminders(site: Site, now: datetime) -> int:
    """Queue a reminder to every household with a place at an event tomorrow (site's
    clock); how many were queued. Run again the same day, it queues nothing new."""
    start, end = tomorrow_utc(site, now)
    registrations = db.session.scalars(
        sa.select(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.site_id == site.id,
            Registration.status == "confirmed",
            Event.site_id == site.id,
            Event.cancelled_at.is_(None),
            Event.starts_at >= start,
            Event.starts_at < end,
        )
        .options(selectinload(Registration.event), selectinload(Registration.resident))
        .order_by(Registration.id)
    ).all()
    return sum(1 for r in registrations if notify(site, r.event, r.resident, "reminder"))
