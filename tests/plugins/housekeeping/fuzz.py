"""Housekeeping's forms for the fuzzing of every POST route (tests/security/test_fuzz.py)."""

from __future__ import annotations

from datetime import date

from core.testing.walks import register_forms
from plugins.housekeeping.forms import (
    AreaAttendantForm,
    AreaForm,
    BlockForm,
    BriefingForm,
    ClaimForm,
    CloseOrderForm,
    CloseRequestForm,
    CycleForm,
    DeepCleanForm,
    DisposeForm,
    DutyForm,
    EvaluationForm,
    FunctionForm,
    GradeForm,
    GuestRequestForm,
    InspectionForm,
    IssueForm,
    KeyForm,
    LinenItemForm,
    LostForm,
    LostItemForm,
    LostSettingForm,
    MachineCheckForm,
    MachineForm,
    MovementForm,
    OccupancyForm,
    ParForm,
    ReassignForm,
    RoomTimeForm,
    ShiftForm,
    SpotCheckForm,
    StaffRecordForm,
    StatusForm,
    StocktakeForm,
    SuggestForm,
    SupplyForm,
    SupplyUseForm,
    UniformForm,
    UniformReturnForm,
    WorkOrderForm,
)
from tests.plugins.housekeeping.conftest import PNG

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
        "housekeeping.add_linen": Form(
            fields_of(LinenItemForm),
            lambda s: {"name": "Pillowcase 枕袋", "in_store": "300"},
            start=supervisor,
        ),
        "housekeeping.move_linen": Form(
            fields_of(MovementForm),
            lambda s: {
                "item_id": s.id("item_id", plugin=NAME),
                "kind": "issued",
                "quantity": "5",
                "note": "Floor 3",
            },
            start=supervisor,
        ),
        "housekeeping.stocktake": Form(
            fields_of(StocktakeForm),
            lambda s: {
                "counted_store": "48",
                "counted_floors": "10",
                "counted_laundry": "5",
                "reason": "Two towels torn",
            },
            start=supervisor,
        ),
        "housekeeping.linen_par": Form(
            fields_of(ParForm),
            lambda s: {"room_type": "Standard King", "par": "4"},
            start=supervisor,
        ),
        "housekeeping.set_cycle": Form(
            fields_of(CycleForm),
            lambda s: {"kind": "curtains", "every_days": "180", "starts_on": "2026-12-01"},
            start=supervisor,
        ),
        "housekeeping.deep_cleaned": Form(
            fields_of(DeepCleanForm) | {"unit_id": kit.ID},
            lambda s: {"unit_id": s.id("unit_id"), "kind": "carpet"},
            start=supervisor,
        ),
        "housekeeping.issue_uniform": Form(
            fields_of(UniformForm),
            lambda s: {
                "holder_id": s.id("user_id"),
                "item": "Tunic 制服",
                "size": "L",
                "quantity": "2",
                "condition_out": "new",
            },
            start=supervisor,
        ),
        "housekeeping.return_uniform": Form(
            fields_of(UniformReturnForm), lambda s: {"condition_in": "worn"}, start=supervisor
        ),
        "housekeeping.add_supply": Form(
            fields_of(SupplyForm),
            lambda s: {"name": "Toothbrush 牙刷", "kind": "guest", "in_stock": "100", "par": "500"},
            start=supervisor,
        ),
        "housekeeping.use_supply": Form(
            fields_of(SupplyUseForm),
            lambda s: {"supply_id": s.id("supply_id", plugin=NAME), "quantity": "20"},
            start=supervisor,
        ),
        "housekeeping.draft_requisition": Form({}, start=supervisor),
        "housekeeping.approve_requisition": Form({}, start=supervisor),
        "housekeeping.receive_requisition": Form({}, start=supervisor),
        "housekeeping.add_machine": Form(
            fields_of(MachineForm),
            lambda s: {"code": "S-02", "name": "Floor scrubber", "location": "B1"},
            start=supervisor,
        ),
        "housekeeping.check_machine": Form(
            fields_of(MachineCheckForm), lambda s: {"condition": "repair"}, start=supervisor
        ),
        "housekeeping.add_duty": Form(
            fields_of(DutyForm),
            lambda s: {
                "user_id": s.id("user_id"),
                "emergency": "typhoon",
                "duty_on": "2026-12-01",
                "shift": "night",
                "task": "Sandbags 沙包",
            },
            start=supervisor,
        ),
        "housekeeping.evaluate": Form(
            fields_of(EvaluationForm),
            lambda s: {
                "user_id": s.id("user_id"),
                "period": "2026-11",
                "score": "4",
                "quality": "5",
                "speed": "3",
                "comments": "Careful with VIP rooms",
            },
            start=supervisor,
        ),
        "housekeeping.report_repair": Form(
            fields_of(WorkOrderForm) | {"back": kit.TEXT},
            lambda s: {
                "place": "Lobby 大堂",
                "problem": "Broken lamp 燈壞了",
                "priority": "urgent",
                "photo": kit.File(PNG, "lamp.png", "image/png"),
            },
            seeds=({"photo": kit.File(b"GIF89a", "lamp.gif", "image/gif")},),
            start=supervisor,
        ),
        "housekeeping.close_order": Form(
            fields_of(CloseOrderForm),
            lambda s: {"engineer": "Ken", "work_done": "New bulb"},
            start=supervisor,
        ),
        "housekeeping.rush": Form({}, start=supervisor),
        "housekeeping.end_rush": Form({}, start=supervisor),
        "housekeeping.log_request": Form(
            fields_of(GuestRequestForm),
            lambda s: {"room": "3A", "kind": "complaint", "what": "Noisy 嘈吵"},
            start=supervisor,
        ),
        "housekeeping.close_request": Form(
            fields_of(CloseRequestForm),
            lambda s: {"satisfaction": "satisfied", "outcome": "Done"},
            start=supervisor,
        ),
        "housekeeping.log_lost": Form(
            fields_of(LostItemForm),
            lambda s: {
                "item": "Umbrella 雨傘",
                "found_where": "Lobby",
                "found_by": "Ann",
                "found_on": "2026-11-01",
                "kept_at": "Office",
                "photo": kit.File(PNG, "umbrella.png", "image/png"),
            },
            start=supervisor,
        ),
        "housekeeping.claim_lost": Form(
            fields_of(ClaimForm),
            lambda s: {"claimed_by": "Mr Chan", "claim_id_seen": "HKID 123(4)", "signed": "y"},
            start=supervisor,
        ),
        "housekeeping.dispose_lost": Form(
            fields_of(DisposeForm), lambda s: {"reason": "Unclaimed"}, start=supervisor
        ),
        "housekeeping.lost_settings": Form(
            fields_of(LostSettingForm), lambda s: {"lost_days": "60"}, start=supervisor
        ),
        "housekeeping.add_grade": Form(
            fields_of(GradeForm),
            lambda s: {"name": "Attendant I 一級", "hourly_rate": "52.50"},
            start=supervisor,
        ),
        "housekeeping.set_room_time": Form(
            fields_of(RoomTimeForm),
            lambda s: {"room_type": "Suite", "minutes": "45"},
            start=supervisor,
        ),
        "housekeeping.record_hours": Form(
            fields_of(ShiftForm),
            lambda s: {
                "user_id": s.id("user_id"),
                "day": "2026-11-03",
                "hours": "7.5",
                "grade_id": s.id("grade_id", plugin=NAME),
            },
            start=supervisor,
        ),
        "housekeeping.add_area": Form(
            fields_of(AreaForm),
            lambda s: {"name": "Ballroom 宴會廳", "kind": "banquet", "checklist": "Carpet\nChairs"},
            start=supervisor,
        ),
        "housekeeping.assign_area": Form(
            fields_of(AreaAttendantForm),
            lambda s: {"attendant_id": s.id("user_id")},
            start=supervisor,
        ),
        "housekeeping.add_function": Form(
            fields_of(FunctionForm),
            lambda s: {
                "day": "2026-11-28",
                "area_id": s.id("area_id", plugin=NAME),
                "name": "Wedding 婚宴",
                "starts_at": "12:00",
                "ends_at": "15:00",
                "covers": "250",
            },
            start=supervisor,
        ),
        "housekeeping.check_area": Form(
            fields_of(SpotCheckForm) | {"item_0": kit.TEXT, "item_1": kit.TEXT},
            lambda s: {"item_0": "y", "night": "y", "findings": "Sofa stained 沙發污漬"},
            start=supervisor,
        ),
        "housekeeping.spot_check_room": Form(
            fields_of(SpotCheckForm) | {"item_0": kit.TEXT},
            lambda s: {"item_0": "y", "findings": "Dust on the lamp"},
            start=supervisor,
        ),
        "housekeeping.write_briefing": Form(
            fields_of(BriefingForm),
            lambda s: {"body": "VIP 貴賓 1203\n- Corridor 12"},
            start=supervisor,
        ),
        "housekeeping.read_briefing": Form({}, start=supervisor),
        "housekeeping.add_staff_record": Form(
            fields_of(StaffRecordForm),
            lambda s: {
                "user_id": s.id("user_id"),
                "kind": "grooming",
                "day": "2026-11-28",
                "passed": "n",
                "note": "Name badge missing 名牌",
            },
            start=supervisor,
        ),
        "housekeeping.key_lost": Form(
            fields_of(LostForm),
            lambda s: {"note": "Dropped in the laundry chute"},
            start=supervisor,
        ),
    }


register_forms(NAME, forms)
