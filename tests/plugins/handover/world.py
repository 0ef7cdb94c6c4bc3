"""The handover plugin's part of the security world: one of each of its objects."""

from __future__ import annotations

import io
from datetime import timedelta

from werkzeug.datastructures import FileStorage

from core import clock as core_clock
from core import signatures, uploads
from core.extensions import db
from core.models import PluginEnablement, Site, User
from core.testing.walks import register_world
from plugins.handover import rules
from plugins.handover.models import HandoverBooking, HandoverDefect, HandoverSlot, HandoverStep

NAME = "handover"


def _png(name: str) -> str:
    return uploads.save(FileStorage(io.BytesIO(signatures.sample_png()), name), plugin=NAME).key


def fill(site: Site, ids: dict[str, int]) -> dict[str, int]:
    db.session.add(PluginEnablement(site_id=site.id, plugin=NAME, enabled=True))
    now = core_clock.now().replace(microsecond=0)
    staff = db.session.get(User, ids["user_id"])
    slot = HandoverSlot(
        site_id=site.id, starts_at=now + timedelta(days=2), minutes=60, capacity=5, booked=1
    )
    db.session.add(slot)
    db.session.flush()
    # Booked, not handed over yet, yet with a signature on file: every page has something
    # to show (the fuzz walk's starts move it on where a form needs it).
    booking = HandoverBooking(
        site_id=site.id,
        slot_id=slot.id,
        unit_id=ids["unit_id"],
        owner_name="Lam Ka Yan",
        owner_email="lam@example.com",
        status="booked",
        signature_key=_png("signature.png"),
        created_at=now,
        created_by_id=staff.id,
    )
    db.session.add(booking)
    db.session.flush()
    rules.lay_out_rooms(site, booking)
    db.session.flush()
    room = booking.rooms[0]
    defect = HandoverDefect(
        site_id=site.id,
        booking_id=booking.id,
        unit_id=ids["unit_id"],
        room_id=room.id,
        kind="plumbing",
        severity="major",
        place="Basin tap drips",
        photo_key=_png("tap.png"),
        contractor="Kwong Plumbing",
        due_on=core_clock.today(site) + timedelta(days=7),
        status="open",
        found_at=now,
        found_by_id=staff.id,
    )
    db.session.add(defect)
    db.session.add(
        HandoverStep(
            site_id=site.id,
            unit_id=ids["unit_id"],
            booking_id=booking.id,
            step="handed_over",
            at=now,
            by_id=staff.id,
        )
    )
    db.session.flush()
    return {
        "slot_id": slot.id,
        "booking_id": booking.id,
        "room_id": room.id,
        "defect_id": defect.id,
        "unit_id": ids["unit_id"],
    }


register_world(NAME, fill)
