"""Housekeeping's forms for the fuzzing of every POST route (tests/security/test_fuzz.py)."""

from __future__ import annotations

from datetime import date

from plugins.housekeeping.forms import (
    BlockForm,
    InspectionForm,
    IssueForm,
    KeyForm,
    LostForm,
    OccupancyForm,
    ReassignForm,
    StatusForm,
    SuggestForm,
)

NAME = "housekeeping"


def inspected_room(kit):
    """The world's room has passed inspection, and the executive housekeeper logs in."""

    def start(s, client) -> None:
        from sqlalchemy import update

        from core.extensions import db
        from plugins.housekeeping.models import HousekeepingRoom

        with s.app.app_context():
            db.session.execute(
                update(HousekeepingRoom)
                .where(HousekeepingRoom.unit_id == int(s.id("unit_id")))
                .values(status="inspected")
            )
            db.session.commit()
        kit.log_in_as("exec_housekeeper")(s, client)

    return start


def forms(kit) -> dict:
    Form, fields_of = kit.Form, kit.fields_of
    supervisor = kit.log_in_as("exec_housekeeper")

    return {
        "housekeeping.set_status": Form(
            fields_of(StatusForm) | {"back": kit.TEXT},
            lambda s: {"status": "vacant_dirty", "back": "board"},
            start=supervisor,
        ),
        "housekeeping.release": Form({"back": kit.TEXT}, start=inspected_room(kit)),
        "housekeeping.inspect": Form(
            fields_of(InspectionForm),
            lambda s: {"item_bed": "y", "item_bathroom": "y", "note": "Towels short"},
            start=supervisor,
        ),
        "housekeeping.block": Form(
            fields_of(BlockForm),
            lambda s: {
                "kind": "out_of_order",
                "reason": "Leaking pipe 漏水",
                "starts_on": "2026-12-01",
                "ends_on": "2026-12-03",
                "agreed_with": "Joyce (front desk)",
            },
            start=supervisor,
        ),
        "housekeeping.end_block": Form({}, start=supervisor),
        "housekeeping.occupancy": Form(
            fields_of(OccupancyForm),
            lambda s: {"day": date.today().isoformat(), "lines": "3A D VIP"},
            start=supervisor,
        ),
        "housekeeping.suggest": Form(
            fields_of(SuggestForm),
            lambda s: {"day": date.today().isoformat(), "attendants": [s.id("user_id")]},
            start=supervisor,
        ),
        "housekeeping.reassign": Form(
            fields_of(ReassignForm),
            lambda s: {"attendant_id": s.id("user_id")},
            start=supervisor,
        ),
        "housekeeping.cleaned": Form({}, start=supervisor),
        "housekeeping.add_key": Form(
            fields_of(KeyForm), lambda s: {"code": "MK-09", "opens": "Floors 7-9"}, start=supervisor
        ),
        "housekeeping.issue_key": Form(
            fields_of(IssueForm),
            lambda s: {"holder_id": s.id("user_id"), "shift": "morning"},
            start=supervisor,
        ),
        "housekeeping.return_key": Form({}, start=supervisor),
        "housekeeping.key_lost": Form(
            fields_of(LostForm),
            lambda s: {"note": "Dropped in the laundry chute"},
            start=supervisor,
        ),
    }
