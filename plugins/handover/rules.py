"""The handover plugin's rules, usable outside a request: booking a slot without ever
overfilling it, the inspection room by room, handing over against the owner's signature,
defects to closure, and the unit's steps after handover."""

from __future__ import annotations

import io
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from core import clock, outbox, signatures, tenancy, uploads
from core.buildings import looked_after, site_buildings
from core.extensions import db
from core.models import Building, Site, Unit, User
from plugins.handover import labels
from plugins.handover.models import (
    CHECK_ITEMS,
    STEPS,
    HandoverBooking,
    HandoverDefect,
    HandoverRoom,
    HandoverSlot,
    HandoverStep,
)

NAME = "handover"
# The steps a unit may take once handed over, and the core's unit status of each.
UNIT_STATUS_OF = {
    "handed_over": "vacant",
    "renovating": "renovating",
    "occupied": "occupied",
    "let": "let",
}


class Refused(ValueError):
    """A rule said no; the message is for the person, next to the field named."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


# --- Slots and bookings ----------------------------------------------------------------


def open_slots(site: Site, now: datetime) -> list[HandoverSlot]:
    """The slots still to come that have room for one more owner, soonest first."""
    return list(
        db.session.scalars(
            tenancy.select(HandoverSlot, site=site)
            .where(HandoverSlot.starts_at > now, HandoverSlot.booked < HandoverSlot.capacity)
            .order_by(HandoverSlot.starts_at)
            .limit(100)
        )
    )


def add_slot(site: Site, starts_at: datetime, minutes: int, capacity: int) -> HandoverSlot:
    """A new slot; refused when the site has one at that moment already."""
    taken = db.session.scalar(
        tenancy.select(HandoverSlot, HandoverSlot.id, site=site).where(
            HandoverSlot.starts_at == starts_at
        )
    )
    if taken:
        raise Refused("day", _("There is a slot at that time already."))
    slot = HandoverSlot(
        site_id=site.id, starts_at=starts_at, minutes=minutes, capacity=capacity, booked=0
    )
    db.session.add(slot)
    db.session.flush()
    return slot


def take_place(site: Site, slot_id: int) -> bool:
    """Take one place of the slot, or say there is none: one conditional UPDATE, so two
    bookings at the same moment can never both take the last place (the row is locked
    by the first until it commits; the second then finds the slot full)."""
    taken = db.session.execute(
        update(HandoverSlot)
        .where(
            HandoverSlot.site_id == site.id,
            HandoverSlot.id == slot_id,
            HandoverSlot.booked < HandoverSlot.capacity,
        )
        .values(booked=HandoverSlot.booked + 1)
        .execution_options(synchronize_session=False)
    )
    return taken.rowcount == 1


def book(
    site: Site,
    slot: HandoverSlot,
    unit: Unit,
    owner_name: str,
    user: User,
    phone: str = "",
    email: str = "",
) -> HandoverBooking:
    """Book the owner of ``unit`` into ``slot``; refused when the slot is full, when it
    has begun, or when the unit is booked or handed over already."""
    if slot.starts_at <= clock.now():
        raise Refused("slot_id", _("This time has passed; choose another slot."))
    pending = db.session.scalar(
        tenancy.select(HandoverBooking, HandoverBooking.id, site=site).where(
            HandoverBooking.unit_id == unit.id, HandoverBooking.status != "cancelled"
        )
    )
    if pending:
        raise Refused("unit_id", _("This unit is booked or handed over already."))
    if not take_place(site, slot.id):
        raise Refused("slot_id", _("This slot is full; choose another."))
    booking = HandoverBooking(
        site_id=site.id,
        slot_id=slot.id,
        unit_id=unit.id,
        owner_name=owner_name.strip()[:120],
        owner_phone=(phone or "").strip()[:40],
        owner_email=(email or "").strip()[:200],
        status="booked",
        created_at=clock.now(),
        created_by_id=user.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(booking)
            db.session.flush()
    except IntegrityError:
        # Another booking of the unit got in at the same moment (the unique index).
        raise Refused("unit_id", _("This unit is booked or handed over already.")) from None
    lay_out_rooms(site, booking)
    db.session.flush()
    return booking


def cancel(site: Site, booking: HandoverBooking) -> None:
    """Cancel a booking not handed over yet and give its place back."""
    if booking.status != "booked":
        raise Refused("", _("Only a booking not handed over yet can be cancelled."))
    booking.status = "cancelled"
    db.session.execute(
        update(HandoverSlot)
        .where(
            HandoverSlot.site_id == site.id,
            HandoverSlot.id == booking.slot_id,
            HandoverSlot.booked > 0,
        )
        .values(booked=HandoverSlot.booked - 1)
        .execution_options(synchronize_session=False)
    )


# --- The inspection --------------------------------------------------------------------


def lay_out_rooms(site: Site, booking: HandoverBooking) -> None:
    """The usual rooms of an inspection; more can be added on the spot."""
    for position, label in enumerate(labels.ROOM_LABELS, start=1):
        db.session.add(
            HandoverRoom(site_id=site.id, booking_id=booking.id, position=position, name=str(label))
        )


def add_room(site: Site, booking: HandoverBooking, name: str) -> HandoverRoom:
    """One more room to inspect (a second bedroom, a balcony)."""
    last = db.session.scalar(
        tenancy.select(HandoverRoom, func.max(HandoverRoom.position), site=site).where(
            HandoverRoom.booking_id == booking.id
        )
    )
    room = HandoverRoom(
        site_id=site.id, booking_id=booking.id, position=(last or 0) + 1, name=name.strip()[:60]
    )
    db.session.add(room)
    db.session.flush()
    return room


def check_room(room: HandoverRoom, passed: list[str], note: str, user: User) -> None:
    """Record what was found in order in ``room`` (the other items have a defect)."""
    if room.booking.status != "booked":
        raise Refused("passed", _("This unit is handed over; its inspection is closed."))
    room.passed = ",".join(code for code in CHECK_ITEMS if code in set(passed))
    room.note = (note or "").strip()[:300]
    room.inspected_at = clock.now()
    room.inspected_by_id = user.id


def add_defect(
    site: Site,
    booking: HandoverBooking,
    user: User,
    *,
    kind: str,
    severity: str,
    place: str,
    description: str = "",
    room: HandoverRoom | None = None,
    photo_key: str = "",
    contractor: str = "",
    due_on: date | None = None,
) -> HandoverDefect:
    """A defect found at the inspection (or after it, until every defect is closed)."""
    if booking.status == "cancelled":
        raise Refused("place", _("This booking is cancelled."))
    defect = HandoverDefect(
        site_id=site.id,
        booking_id=booking.id,
        unit_id=booking.unit_id,
        room_id=room.id if room else None,
        kind=kind,
        severity=severity,
        place=place.strip()[:120],
        description=(description or "").strip()[:500],
        photo_key=photo_key,
        contractor=(contractor or "").strip()[:120],
        due_on=due_on,
        status="open",
        found_at=clock.now(),
        found_by_id=user.id,
    )
    db.session.add(defect)
    db.session.flush()
    return defect


def hand_over(
    site: Site,
    booking: HandoverBooking,
    user: User,
    *,
    documents: tuple[bool, bool, bool],
    keys_count: int,
    meters: tuple[str, str, str],
    signed_by: str,
    signature: str,
) -> None:
    """Hand the keys over against the owner's signature on the report: refused without
    the three documents, without a key, without a name or without ink."""
    if booking.status != "booked":
        raise Refused("signed_by", _("This unit is handed over already."))
    if not all(documents):
        raise Refused("has_id", _("Check the ID, the purchase contract and the proof of payment."))
    if keys_count < 1:
        raise Refused("keys_count", _("Count the keys handed over."))
    name = (signed_by or "").strip()
    if not name:
        raise Refused("signed_by", _("Write the name of the owner who signs."))
    try:
        png = signatures.png_of(signature)
    except signatures.Unsigned as unsigned:
        if unsigned.unreadable:
            message = _("The signature could not be read; ask for it again.")
            raise Refused("signature", message) from None
        raise Refused("signature", _("Ask the owner to sign on the screen.")) from None
    stored = uploads.save(FileStorage(io.BytesIO(png), "signature.png"), plugin=NAME)
    now = clock.now()
    booking.has_id, booking.has_contract, booking.has_payment = documents
    booking.keys_count = keys_count
    booking.meter_electricity, booking.meter_water, booking.meter_gas = (
        (m or "").strip()[:20] for m in meters
    )
    booking.signed_by = name[:120]
    booking.signature_key = stored.key
    booking.handed_over_at = now
    booking.handed_over_by_id = user.id
    booking.status = "handed_over"
    record_step(site, booking.unit, "handed_over", user, booking)


def email_copy(site: Site, booking: HandoverBooking, report_url: str, defects: list) -> bool:
    """Queue the report's copy to the owner's e-mail, once; False without an address."""
    if not booking.owner_email:
        return False
    lines = [
        _("Handover of %(unit)s", unit=booking.unit.label),
        _("Handed over: %(when)s", when=clock.local_now(site).strftime("%Y-%m-%d %H:%M")),
        _("Keys handed over: %(count)d", count=booking.keys_count),
        _("Signed by %(name)s", name=booking.signed_by),
        "",
        _("Defects found: %(count)d", count=len(defects)),
    ]
    for defect in defects:
        lines.append(
            f"- {labels.ITEM_LABELS[defect.kind]} · {defect.place} · "
            f"{labels.SEVERITY_LABELS[defect.severity]}"
        )
    lines += ["", _("The report: %(url)s", url=report_url)]
    queued = outbox.queue(
        site,
        "email",
        booking.owner_email,
        subject=_("Your handover report for %(unit)s", unit=booking.unit.label),
        body="\n".join(lines),
        dedupe_key=f"handover-report-{booking.id}",
        source=NAME,
    )
    return queued is not None


# --- Defects to closure ----------------------------------------------------------------


def assign(defect: HandoverDefect, contractor: str, due_on: date | None) -> None:
    """Give the defect to the developer's contractor, to be put right by ``due_on``."""
    if defect.status == "closed":
        raise Refused("contractor", _("This defect is closed."))
    defect.contractor = contractor.strip()[:120]
    defect.due_on = due_on


def reinspect(defect: HandoverDefect, put_right: bool, note: str, user: User) -> None:
    """Record a re-inspection: put right waits for the owner; not put right stays open."""
    if defect.status != "open":
        raise Refused("put_right", _("Only an open defect is re-inspected."))
    defect.reinspections += 1
    defect.reinspection_note = (note or "").strip()[:300]
    if put_right:
        defect.status = "reinspected"
        defect.reinspected_at = clock.now()
        defect.reinspected_by_id = user.id


def confirm(defect: HandoverDefect, owner: str) -> None:
    """The owner confirms the defect put right: it closes, never before a re-inspection."""
    if defect.status == "closed":
        raise Refused("confirmed_by", _("This defect is closed already."))
    if defect.status != "reinspected" or defect.reinspected_at is None:
        raise Refused(
            "confirmed_by", _("A defect closes only after a re-inspection found it put right.")
        )
    name = (owner or "").strip()
    if not name:
        raise Refused("confirmed_by", _("Write the name of the owner who confirms."))
    defect.confirmed_by = name[:120]
    defect.closed_at = clock.now()
    defect.status = "closed"


def is_overdue(defect: HandoverDefect, today: date) -> bool:
    return defect.status != "closed" and defect.due_on is not None and defect.due_on < today


def counts(site: Site, today: date) -> tuple[list[tuple], list[tuple]]:
    """Defects not closed by kind and by contractor: (code, not closed, overdue) rows."""
    overdue = func.sum(
        db.case((HandoverDefect.due_on < today, 1), else_=0)  # NULL due dates are not overdue
    )
    open_ = tenancy.select(HandoverDefect, site=site).where(HandoverDefect.status != "closed")
    by_kind = db.session.execute(
        open_.with_only_columns(HandoverDefect.kind, func.count(), overdue)
        .group_by(HandoverDefect.kind)
        .order_by(HandoverDefect.kind)
    ).all()
    by_contractor = db.session.execute(
        open_.with_only_columns(HandoverDefect.contractor, func.count(), overdue)
        .group_by(HandoverDefect.contractor)
        .order_by(HandoverDefect.contractor)
    ).all()
    return (
        [(k, n, int(o or 0)) for k, n, o in by_kind],
        [(c, n, int(o or 0)) for c, n, o in by_contractor],
    )


# --- The unit after handover -----------------------------------------------------------


def steps_of(site: Site, unit: Unit) -> list[HandoverStep]:
    return list(
        db.session.scalars(
            tenancy.select(HandoverStep, site=site)
            .where(HandoverStep.unit_id == unit.id)
            .order_by(HandoverStep.at, HandoverStep.id)
        )
    )


def record_step(
    site: Site, unit: Unit, step: str, user: User, booking: HandoverBooking | None = None
) -> HandoverStep:
    """Move the unit on (renovating, occupied, let) and set the core's unit status."""
    if step not in STEPS:
        raise Refused("step", _("Choose what the unit is now."))
    if step != "handed_over":
        handed = db.session.scalar(
            tenancy.select(HandoverBooking, HandoverBooking.id, site=site).where(
                HandoverBooking.unit_id == unit.id, HandoverBooking.status == "handed_over"
            )
        )
        if not handed:
            raise Refused("step", _("The unit has not been handed over yet."))
    done = HandoverStep(
        site_id=site.id,
        unit_id=unit.id,
        booking_id=booking.id if booking else None,
        step=step,
        at=clock.now(),
        by_id=user.id,
    )
    db.session.add(done)
    unit.status = UNIT_STATUS_OF[step]
    db.session.flush()
    return done


def buildings_of(site: Site, user: User) -> list[Building]:
    """The buildings ``user`` looks after on ``site`` now, by code."""
    mine = set(db.session.scalars(looked_after(site.id, user.id)))
    return [b for b in site_buildings(site) if b.id in mine]
