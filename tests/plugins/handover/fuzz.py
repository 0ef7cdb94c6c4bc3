"""The handover plugin's forms for tests/security/test_fuzz.py."""

from __future__ import annotations

from datetime import timedelta

from core import clock as core_clock
from core import signatures
from core.extensions import db
from core.testing.walks import register_forms
from plugins.handover.forms import (
    AddRoomForm,
    AssignForm,
    BookingForm,
    ConfirmForm,
    DefectForm,
    HandOverForm,
    ReinspectForm,
    RoomForm,
    SlotForm,
    StepForm,
)
from plugins.handover.models import HandoverBooking, HandoverDefect

NAME = "handover"
SIGNATURE = signatures.data_url(signatures.sample_png())


def _then(kit, role: str, change):
    """Change site A's booking (or defect) with ``change(booking, defect)``, then log in."""

    def start(s, client) -> None:
        with s.app.app_context():
            booking = db.session.get(HandoverBooking, int(s.id("booking_id", plugin=NAME)))
            defect = db.session.get(HandoverDefect, int(s.id("defect_id", plugin=NAME)))
            change(booking, defect)
            db.session.commit()
        kit.log_in_as(role)(s, client)

    return start


def _unit_free(booking, defect) -> None:
    booking.status = "cancelled"


def _handed_over(booking, defect) -> None:
    booking.status = "handed_over"
    booking.signed_by = booking.owner_name
    booking.handed_over_at = core_clock.now()


def _put_right(booking, defect) -> None:
    defect.status = "reinspected"
    defect.reinspected_at = core_clock.now()


def _day(days: int) -> str:
    return (core_clock.now() + timedelta(days=days)).strftime("%Y-%m-%d")


def forms(kit) -> dict:
    fields = kit.fields_of
    return {
        f"{NAME}.add_slot": kit.Form(
            fields(SlotForm),
            lambda s: {"day": _day(5), "at": "10:30", "minutes": "60", "capacity": "4"},
            start=kit.log_in_as("manager"),
        ),
        f"{NAME}.new_booking": kit.Form(
            fields(BookingForm),
            lambda s: {
                "slot_id": s.id("slot_id", plugin=NAME),
                "unit_id": s.id("unit_id"),
                "owner_name": "Cheung Siu Ming",
                "owner_phone": "91230002",
                "owner_email": "cheung@example.com",
            },
            start=_then(kit, "front_desk", _unit_free),
        ),
        f"{NAME}.cancel": kit.Form({}, lambda s: {}, start=kit.log_in_as("front_desk")),
        f"{NAME}.add_room": kit.Form(
            fields(AddRoomForm), lambda s: {"name": "Balcony"}, start=kit.log_in_as("butler")
        ),
        f"{NAME}.check_room": kit.Form(
            fields(RoomForm),
            lambda s: {"passed": ["walls", "floors", "doors"], "note": "Scuff by the door"},
            start=kit.log_in_as("butler"),
        ),
        f"{NAME}.add_defect": kit.Form(
            fields(DefectForm),
            lambda s: {
                "room_id": s.id("room_id", plugin=NAME),
                "kind": "walls",
                "severity": "minor",
                "place": "Crack above the door",
                "description": "Hairline",
                "photo": kit.File(signatures.sample_png(), "crack.png", "image/png"),
                "contractor": "Sun Fitting",
                "due_on": _day(10),
            },
            start=kit.log_in_as("butler"),
            seeds=({"photo": kit.File(b"GIF89a", "crack.gif", "image/gif")},),
        ),
        f"{NAME}.hand_over": kit.Form(
            fields(HandOverForm),
            lambda s: {
                "has_id": "y",
                "has_contract": "y",
                "has_payment": "y",
                "keys_count": "4",
                "meter_electricity": "12.5",
                "meter_water": "3",
                "meter_gas": "",
                "signed_by": "Lam Ka Yan",
                "signature": SIGNATURE,
            },
            start=kit.log_in_as("butler"),
            seeds=({"signature": "data:image/png;base64,AAAA"}, {"signature": ""}),
        ),
        f"{NAME}.assign": kit.Form(
            fields(AssignForm),
            lambda s: {"contractor": "Sun Fitting", "due_on": _day(14)},
            start=kit.log_in_as("manager"),
        ),
        f"{NAME}.reinspect": kit.Form(
            fields(ReinspectForm),
            lambda s: {"put_right": "yes", "note": "Fixed"},
            start=kit.log_in_as("butler"),
        ),
        f"{NAME}.confirm": kit.Form(
            fields(ConfirmForm),
            lambda s: {"confirmed_by": "Lam Ka Yan"},
            start=_then(kit, "butler", _put_right),
        ),
        f"{NAME}.step": kit.Form(
            fields(StepForm),
            lambda s: {"step": "renovating"},
            start=_then(kit, "butler", _handed_over),
        ),
    }


register_forms(NAME, forms)
