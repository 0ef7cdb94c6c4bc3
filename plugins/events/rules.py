"""The rules of registering: places are limited, the waiting list is served in order.

Every change to an event's registrations first locks the event's row (``SELECT … FOR
UPDATE`` on PostgreSQL; SQLite takes its write lock at ``BEGIN IMMEDIATE``), then counts
the confirmed places inside the same transaction. Two staff members registering the last
place at the same moment therefore queue on the lock: one gets the place, the other the
waiting list, and the event is never over its capacity.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from babel.dates import format_date
from flask_babel import force_locale
from flask_babel import gettext as _

from core import clock, outbox, tenancy
from core.extensions import db
from core.models import Occupancy, Resident, Site, Unit
from plugins.events.models import AudienceBuilding, Event, Registration

SOURCE = "events"


class Refused(Exception):
    """A registration that cannot be made; ``field`` is the form field the message belongs to."""

    def __init__(self, message: str, field: str = "resident_id") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Places:
    """How an event's places stand: taken by confirmed households, and waiting."""

    capacity: int
    confirmed: int
    waiting: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.confirmed, 0)


# --- Counting ----------------------------------------------------------------------------


def lock(event: Event) -> Event:
    """``event`` read again under a row lock held until the transaction ends."""
    return db.session.execute(
        tenancy.select(Event, site=event.site_id)
        .where(Event.id == event.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def places_of(event: Event) -> Places:
    """The places of ``event``: confirmed and waiting, counted in people."""
    rows = db.session.execute(
        sa.select(Registration.status, sa.func.coalesce(sa.func.sum(Registration.places), 0))
        .where(
            Registration.site_id == event.site_id,
            Registration.event_id == event.id,
            Registration.status.in_(("confirmed", "waiting")),
        )
        .group_by(Registration.status)
    ).all()
    counts = {status: int(total) for status, total in rows}
    return Places(event.capacity, counts.get("confirmed", 0), counts.get("waiting", 0))


# --- Who may come ------------------------------------------------------------------------


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def lives_in_audience(event: Event, resident: Resident) -> bool:
    """True when ``resident`` lives in one of the event's buildings (or the event is for all)."""
    if event.audience != "buildings":
        return True
    found = db.session.execute(
        sa.select(Occupancy.id)
        .join(Unit, Unit.id == Occupancy.unit_id)
        .join(
            AudienceBuilding,
            sa.and_(
                AudienceBuilding.building_id == Unit.building_id,
                AudienceBuilding.event_id == event.id,
                AudienceBuilding.site_id == event.site_id,
            ),
        )
        .where(
            Occupancy.site_id == event.site_id,
            Occupancy.resident_id == resident.id,
            Occupancy.moved_out.is_(None),
        )
        .limit(1)
    ).first()
    return found is not None


def check_may_register(event: Event, resident: Resident, at: datetime) -> None:
    """Raise ``Refused`` when ``resident`` may not be registered for ``event`` at ``at``."""
    if event.is_cancelled:
        raise Refused(_("This event has been cancelled."))
    if event.starts_at <= at:
        raise Refused(_("This event has already started."))
    if event.registration_opens_at is not None and at < event.registration_opens_at:
        raise Refused(_("Registration has not opened yet."))
    if event.registration_closes_at is not None and at >= event.registration_closes_at:
        raise Refused(_("Registration has closed."))
    if resident.site_id != event.site_id or resident.archived_at is not None:
        raise Refused(_("There is no such resident."))
    if not lives_in_audience(event, resident):
        raise Refused(_("This resident does not live in the buildings this event is for."))
    if resident.birth_date is not None and (event.min_age or event.max_age):
        age = age_on(resident.birth_date, event.starts_at.date())
        if (event.min_age and age < event.min_age) or (event.max_age and age > event.max_age):
            raise Refused(_("This resident is outside the event's age band."))


# --- Registering, cancelling, the waiting list ----------------------------------------


def register(
    event: Event,
    resident: Resident,
    places: int,
    channel: str = "phone",
    by_id: int | None = None,
    at: datetime | None = None,
) -> Registration:
    """Register ``resident``'s household for ``event``: confirmed if the places are free,
    else on the waiting list. The caller commits."""
    at = at or clock.now()
    event = lock(event)
    check_may_register(event, resident, at)
    if places < 1:
        raise Refused(_("At least one person must come."), "places")
    if places > event.capacity:
        raise Refused(
            _("This event has only %(n)s places.", n=event.capacity),
            "places",
        )
    registration = db.session.execute(
        tenancy.select(Registration, site=event.site_id).where(
            Registration.event_id == event.id,
            Registration.resident_id == resident.id,
        )
    ).scalar_one_or_none()
    if registration is not None and registration.status != "cancelled":
        raise Refused(_("This resident is already registered for this event."))
    status = "confirmed" if places <= places_of(event).free else "waiting"
    if registration is None:
        registration = Registration(
            site_id=event.site_id, event_id=event.id, resident_id=resident.id
        )
        db.session.add(registration)
    registration.places = places
    registration.status = status
    registration.channel = channel
    registration.queued_at = at
    registration.registered_by_id = by_id
    registration.attended = False
    registration.feedback_score = None
    db.session.flush()
    return registration


def cancel(registration: Registration) -> list[Registration]:
    """Cancel ``registration``; the households promoted from the waiting list to the freed
    places, in order. The caller commits."""
    event = lock(registration.event)
    db.session.refresh(registration)
    if registration.status == "cancelled":
        return []
    was_confirmed = registration.status == "confirmed"
    registration.status = "cancelled"
    db.session.flush()
    return promote(event) if was_confirmed else []


def promote(event: Event) -> list[Registration]:
    """Give free places to the waiting list, in the order people joined it.

    Households are taken in order; one too large for the places left keeps its turn
    while smaller households behind it who fit are given places. The event must be
    locked (``lock``). Each promoted household is told through the outbox.
    """
    free = places_of(event).free
    promoted = []
    if free <= 0 or event.is_cancelled:
        return promoted
    waiting = db.session.scalars(
        tenancy.select(Registration, site=event.site_id)
        .where(
            Registration.event_id == event.id,
            Registration.status == "waiting",
        )
        .order_by(Registration.queued_at, Registration.id)
    ).all()
    for registration in waiting:
        if registration.places <= free:
            registration.status = "confirmed"
            free -= registration.places
            promoted.append(registration)
            if free == 0:
                break
    db.session.flush()
    site = db.session.get(Site, event.site_id)
    for registration in promoted:
        # A household promoted, cancelled and promoted again is told each time.
        suffix = f"{registration.id}-{int(registration.queued_at.timestamp())}"
        notify(site, event, registration.resident, "promoted", suffix)
    return promoted


# --- Messages ----------------------------------------------------------------------------


def channel_for(resident: Resident) -> tuple[str, str] | None:
    """The channel and address a resident agreed to be told through, or None."""
    if resident.consent_sms and resident.phone:
        return "sms", resident.phone
    if resident.consent_email and resident.email:
        return "email", resident.email
    return None


def local_when(event: Event, site: Site, locale: str) -> str:
    """When ``event`` starts, on the site's clock, written for ``locale``."""
    starts = event.starts_at.astimezone(clock.zone(site))
    return f"{format_date(starts.date(), 'long', locale=locale)} {starts:%H:%M}"


def notify(site: Site, event: Event, resident: Resident, kind: str, suffix: str = "") -> bool:
    """Queue an invitation, a reminder or a "you have a place" message; True if queued.

    The dedupe key names the event, the resident and the kind: nothing is sent twice.
    """
    address = channel_for(resident)
    if address is None:
        return False
    locale = resident.preferred_locale or site.default_locale or "en"
    with force_locale(locale):
        when = local_when(event, site, locale)
        if kind == "invitation":
            subject = _("Invitation: %(title)s", title=event.title)
            body = _(
                "You are invited to %(title)s at %(place)s on %(when)s. "
                "Call the management office to register.",
                title=event.title,
                place=event.place,
                when=when,
            )
        elif kind == "reminder":
            subject = _("Reminder: %(title)s", title=event.title)
            body = _(
                "A reminder: %(title)s is at %(place)s on %(when)s. We look forward to seeing you.",
                title=event.title,
                place=event.place,
                when=when,
            )
        else:
            subject = _("You have a place: %(title)s", title=event.title)
            body = _(
                "A place has become free: you are now registered for %(title)s at "
                "%(place)s on %(when)s.",
                title=event.title,
                place=event.place,
                when=when,
            )
    key = f"events:{kind}:{event.id}:{resident.id}" + (f":{suffix}" if suffix else "")
    queued = outbox.queue(
        site,
        address[0],
        address[1],
        str(subject),
        str(body),
        dedupe_key=key,
        resident=resident,
        source=SOURCE,
    )
    return queued is not None
