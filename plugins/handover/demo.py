"""The handover plugin's demo rows: slots for the coming days, two owners booked, one
unit handed over last week with its defects, one of them closed."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

from werkzeug.datastructures import FileStorage

from core import clock, signatures, tenancy, uploads
from core.extensions import db
from core.models import Building, Membership, Occupancy, Site, Unit, User
from plugins.handover import rules
from plugins.handover.models import HandoverBooking, HandoverDefect, HandoverSlot, HandoverStep

DEMO_OWNERS = ("Lam Ka Yan", "Cheung Siu Ming", "Ho Wing Sze")


def _staff(site: Site) -> User | None:
    return db.session.scalar(
        db.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.site_id == site.id, Membership.role.in_(("butler", "manager")))
        .order_by(Membership.role, User.id)
        .limit(1)
    )


def _vacant_units(site: Site, count: int) -> list[Unit]:
    lived_in = tenancy.select(Occupancy, Occupancy.unit_id, site=site).where(
        Occupancy.moved_out.is_(None)
    )
    return list(
        db.session.scalars(
            tenancy.select(Unit, site=site)
            .join(Building, Building.id == Unit.building_id)
            .where(Unit.archived_at.is_(None), Unit.id.not_in(lived_in))
            .order_by(Building.code, Unit.number)
            .limit(count)
        )
    )


def add_demo_handovers(site: Site, now: datetime) -> None:
    """Add the demo rows once; a second run finds the demo owners and adds nothing."""
    if db.session.scalar(
        tenancy.select(HandoverBooking, HandoverBooking.id, site=site).where(
            HandoverBooking.owner_name.in_(DEMO_OWNERS)
        )
    ):
        return
    staff = _staff(site)
    units = _vacant_units(site, 3)
    if staff is None or len(units) < 3:
        return
    zone = clock.zone(site)
    today = clock.today(site)
    past = HandoverSlot(
        site_id=site.id,
        starts_at=datetime.combine(today - timedelta(days=7), time(10), tzinfo=zone),
        minutes=60,
        capacity=4,
        booked=1,
    )
    coming = [
        HandoverSlot(
            site_id=site.id,
            starts_at=datetime.combine(today + timedelta(days=day), time(hour), tzinfo=zone),
            minutes=60,
            capacity=4,
            booked=0,
        )
        for day in (1, 2)
        for hour in (10, 14)
    ]
    db.session.add_all([past, *coming])
    db.session.flush()
    for owner, unit, slot in zip(DEMO_OWNERS[1:], units[1:], coming[:2], strict=True):
        rules.take_place(site, slot.id)
        booking = HandoverBooking(
            site_id=site.id,
            slot_id=slot.id,
            unit_id=unit.id,
            owner_name=owner,
            owner_phone="91230000",
            status="booked",
            created_at=now,
            created_by_id=staff.id,
        )
        db.session.add(booking)
        db.session.flush()
        rules.lay_out_rooms(site, booking)
    _handed_over(site, staff, units[0], past, now)
    db.session.flush()


def _handed_over(site: Site, staff: User, unit: Unit, slot: HandoverSlot, now: datetime) -> None:
    signed = uploads.save(
        FileStorage(io.BytesIO(signatures.sample_png()), "signature.png"), plugin=rules.NAME
    )
    at = slot.starts_at + timedelta(minutes=50)
    booking = HandoverBooking(
        site_id=site.id,
        slot_id=slot.id,
        unit_id=unit.id,
        owner_name=DEMO_OWNERS[0],
        owner_email="owner@example.com",
        status="handed_over",
        has_id=True,
        has_contract=True,
        has_payment=True,
        keys_count=4,
        meter_electricity="00012.5",
        meter_water="0003",
        signed_by=DEMO_OWNERS[0],
        signature_key=signed.key,
        handed_over_at=at,
        handed_over_by_id=staff.id,
        created_at=at - timedelta(days=10),
        created_by_id=staff.id,
    )
    db.session.add(booking)
    db.session.flush()
    rules.lay_out_rooms(site, booking)
    db.session.flush()
    for room in booking.rooms:
        room.passed = "walls,floors,doors,windows,plumbing,electrical,kitchen,bathroom"
        room.inspected_at = at - timedelta(minutes=30)
        room.inspected_by_id = staff.id
    bathroom = booking.rooms[-1]
    bathroom.passed = "walls,floors,doors,windows,electrical,kitchen"
    today = clock.today(site)
    defects = [
        ("plumbing", "major", "Basin tap drips", "Kwong Plumbing", today - timedelta(days=1)),
        ("bathroom", "minor", "Cracked tile by the door", "Sun Fitting", today + timedelta(days=5)),
    ]
    for kind, severity, place, contractor, due in defects:
        db.session.add(
            HandoverDefect(
                site_id=site.id,
                booking_id=booking.id,
                unit_id=unit.id,
                room_id=bathroom.id,
                kind=kind,
                severity=severity,
                place=place,
                contractor=contractor,
                due_on=due,
                status="open",
                found_at=at - timedelta(minutes=20),
                found_by_id=staff.id,
            )
        )
    db.session.add(
        HandoverStep(
            site_id=site.id,
            unit_id=unit.id,
            booking_id=booking.id,
            step="handed_over",
            at=at,
            by_id=staff.id,
        )
    )
    unit.status = "renovating"
    db.session.add(
        HandoverStep(
            site_id=site.id,
            unit_id=unit.id,
            step="renovating",
            at=now - timedelta(days=2),
            by_id=staff.id,
        )
    )
