"""The handover plugin's job: remind each owner of their appointment the day before,
once per booking (by SMS when a phone is known, else by e-mail)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from core import clock, outbox, tenancy
from core.extensions import db
from core.models import Site, Unit
from plugins.handover.models import HandoverBooking, HandoverSlot

NAME = "handover"


def remind_owners(site: Site, now: datetime) -> int:
    """Queue a reminder for every booking of tomorrow (the site's day); how many queued.
    The dedupe key names the booking, so a second run tells nobody twice."""
    tomorrow = now.astimezone(clock.zone(site)).date() + timedelta(days=1)
    start, end = clock.day_bounds(site, tomorrow)
    bookings = db.session.scalars(
        tenancy.select(HandoverBooking, site=site)
        .join(HandoverSlot, HandoverSlot.id == HandoverBooking.slot_id)
        .where(
            HandoverBooking.status == "booked",
            HandoverSlot.starts_at >= start,
            HandoverSlot.starts_at < end,
        )
        .options(
            selectinload(HandoverBooking.slot),
            selectinload(HandoverBooking.unit).selectinload(Unit.building),
        )
    ).all()
    queued = 0
    with force_locale(site.default_locale or "en"):
        for booking in bookings:
            channel, to = (
                ("sms", booking.owner_phone)
                if booking.owner_phone
                else ("email", booking.owner_email)
            )
            if not to:
                continue
            at = booking.slot.starts_at.astimezone(clock.zone(site)).strftime("%Y-%m-%d %H:%M")
            body = _(
                "Your handover of %(unit)s is at %(at)s. Please bring your identity card, "
                "the purchase contract and the proof of payment.",
                unit=booking.unit.label,
                at=at,
            )
            message = outbox.queue(
                site,
                channel,
                to,
                subject=_("Your handover appointment"),
                body=body,
                dedupe_key=f"handover-reminder-{booking.id}",
                source=NAME,
            )
            queued += message is not None
    return queued
