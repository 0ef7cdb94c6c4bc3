"""Housekeeping's part of the security world: one of each of its objects on a site.

The world's sites are residential; the enablement row is written directly (the host
would refuse to turn a hotel plugin on there), so that the walks reach every route.
"""

from __future__ import annotations

import io
from datetime import date, time, timedelta

from werkzeug.datastructures import FileStorage

from core import clock as core_clock
from core import uploads
from core.extensions import db
from core.models import MorningNote, PluginEnablement, Site, Unit
from core.testing.walks import register_world
from plugins.housekeeping.models import (
    HousekeepingArea,
    HousekeepingAssignment,
    HousekeepingBlock,
    HousekeepingCleaningCycle,
    HousekeepingDeepClean,
    HousekeepingDuty,
    HousekeepingEvaluation,
    HousekeepingFunction,
    HousekeepingGrade,
    HousekeepingGuestRequest,
    HousekeepingInspection,
    HousekeepingKey,
    HousekeepingKeyIssue,
    HousekeepingLinenItem,
    HousekeepingLinenMovement,
    HousekeepingLinenPar,
    HousekeepingLostItem,
    HousekeepingMachine,
    HousekeepingRequisition,
    HousekeepingRequisitionLine,
    HousekeepingRoom,
    HousekeepingRoomTime,
    HousekeepingSetting,
    HousekeepingShift,
    HousekeepingSpotCheck,
    HousekeepingStaffRecord,
    HousekeepingStocktake,
    HousekeepingSupply,
    HousekeepingSupplyUse,
    HousekeepingUniformIssue,
    HousekeepingWorkOrder,
)
from tests.plugins.housekeeping.conftest import PNG

NAME = "housekeeping"


def fill(site: Site, ids: dict[str, int]) -> dict[str, int]:
    unit_id, user_id = ids["unit_id"], ids["user_id"]
    db.session.add(PluginEnablement(site_id=site.id, plugin=NAME, enabled=True))
    # A room type, so that linen par levels have one to be set for.
    db.session.get(Unit, unit_id).room_type = "Standard King"
    db.session.add(
        HousekeepingRoom(site_id=site.id, unit_id=unit_id, status="vacant_clean", vip=False)
    )
    block = HousekeepingBlock(
        site_id=site.id,
        unit_id=unit_id,
        kind="out_of_service",
        reason="Carpet shampoo",
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 11, 2),
        agreed_with="Front desk: Joyce",
        created_by_id=user_id,
        # Ended: the room stays open to every walk of the status and inspection routes.
        ended_at=core_clock.now(),
    )
    assignment = HousekeepingAssignment(
        site_id=site.id,
        day=date.today(),
        unit_id=unit_id,
        movement="departure",
        vip=False,
        credits=3,
        attendant_id=user_id,
    )
    inspection = HousekeepingInspection(
        site_id=site.id, unit_id=unit_id, inspector_id=user_id, passed=True
    )
    key = HousekeepingKey(site_id=site.id, code="MK-01", opens="Floors 1-3")
    out = HousekeepingKey(site_id=site.id, code="MK-02", opens="Floors 4-6")
    db.session.add_all([block, assignment, inspection, key, out])
    db.session.flush()
    custody = HousekeepingKeyIssue(
        site_id=site.id,
        key_id=out.id,
        holder_id=user_id,
        issued_by_id=user_id,
        shift_ends_at=core_clock.now() + timedelta(hours=8),
    )
    db.session.add(custody)
    item = HousekeepingLinenItem(
        site_id=site.id, name="Bath towel", in_store=50, on_floors=10, in_laundry=5
    )
    db.session.add(item)
    db.session.flush()
    db.session.add_all(
        [
            HousekeepingLinenPar(
                site_id=site.id, item_id=item.id, room_type="Standard King", par=4
            ),
            HousekeepingLinenMovement(
                site_id=site.id, item_id=item.id, kind="purchased", quantity=20, by_id=user_id
            ),
            HousekeepingStocktake(
                site_id=site.id,
                item_id=item.id,
                period="2026-10",
                expected=66,
                counted_store=50,
                counted_floors=10,
                counted_laundry=5,
                reason="One lost by a guest",
                by_id=user_id,
            ),
        ]
    )
    uniform = HousekeepingUniformIssue(
        site_id=site.id,
        holder_id=user_id,
        item="Tunic",
        size="M",
        quantity=2,
        condition_out="new",
        issued_on=date(2026, 11, 1),
    )
    db.session.add_all(
        [
            uniform,
            HousekeepingCleaningCycle(
                site_id=site.id, kind="carpet", every_days=90, starts_on=date(2026, 1, 1)
            ),
            HousekeepingDeepClean(
                site_id=site.id, unit_id=unit_id, kind="carpet", done_on=date(2026, 10, 1)
            ),
        ]
    )
    supply = HousekeepingSupply(
        site_id=site.id, name="Shampoo 30 ml", kind="guest", in_stock=400, par=600
    )
    machine = HousekeepingMachine(
        site_id=site.id, code="V-01", name="Vacuum", location="Floor 3 pantry"
    )
    requisition = HousekeepingRequisition(site_id=site.id, week_of=date(2026, 11, 23))
    db.session.add_all(
        [
            supply,
            machine,
            requisition,
            HousekeepingDuty(
                site_id=site.id,
                user_id=user_id,
                emergency="typhoon",
                duty_on=date(2030, 8, 1),
                shift="night",
                task="Sandbags, floor 1",
            ),
            HousekeepingEvaluation(
                site_id=site.id, user_id=user_id, period="2026-10", score=4, evaluator_id=user_id
            ),
        ]
    )
    db.session.flush()
    db.session.add_all(
        [
            HousekeepingSupplyUse(
                site_id=site.id, supply_id=supply.id, used_on=date(2026, 11, 20), quantity=50
            ),
            HousekeepingRequisitionLine(
                site_id=site.id, requisition_id=requisition.id, supply_id=supply.id, quantity=250
            ),
        ]
    )
    db.session.flush()
    # A repair for engineering in a public area (the room stays open to every walk), a
    # guest's request, an item in lost and found, and a month's labour figures.
    order = HousekeepingWorkOrder(
        site_id=site.id,
        place="Lobby",
        problem="Flickering chandelier",
        priority="normal",
        photo_key=_photo("chandelier.png"),
        reported_by_id=user_id,
    )
    guest_request = HousekeepingGuestRequest(
        site_id=site.id,
        unit_id=unit_id,
        kind="request",
        what="Two more towels",
        logged_by_id=user_id,
    )
    found = HousekeepingLostItem(
        site_id=site.id,
        item="Reading glasses",
        found_where="Lobby",
        found_by="Night attendant",
        found_on=date(2026, 1, 1),
        kept_at="Office safe",
        photo_key=_photo("glasses.png"),
    )
    grade = HousekeepingGrade(site_id=site.id, name="Attendant II", hourly_rate=6000)
    db.session.add_all(
        [
            order,
            guest_request,
            found,
            grade,
            HousekeepingSetting(site_id=site.id, lost_days=90),
            HousekeepingRoomTime(site_id=site.id, room_type="Standard King", minutes=30),
        ]
    )
    db.session.flush()
    db.session.add(
        HousekeepingShift(
            site_id=site.id, user_id=user_id, day=date(2026, 11, 2), minutes=480, grade_id=grade.id
        )
    )
    area = HousekeepingArea(
        site_id=site.id, name="Lobby", kind="lobby", checklist="Floor polished\nSofas tidy"
    )
    db.session.add(area)
    db.session.flush()
    db.session.add_all(
        [
            HousekeepingFunction(
                site_id=site.id,
                day=date(2026, 11, 28),
                area_id=area.id,
                name="Wedding lunch",
                starts_at=time(12),
                ends_at=time(15),
                covers=250,
            ),
            HousekeepingSpotCheck(
                site_id=site.id,
                area_id=area.id,
                night=True,
                passed=False,
                failed_items="Sofas tidy",
                findings="Cushions on the floor",
                by_id=user_id,
            ),
        ]
    )
    note = MorningNote(
        site_id=site.id,
        day=date(2026, 11, 28),
        body="VIP in 1203\n- Corridor 12",
        building_id=None,
        author_id=user_id,
    )
    db.session.add(note)
    db.session.add(
        HousekeepingStaffRecord(
            site_id=site.id,
            user_id=user_id,
            kind="grooming",
            day=date(2026, 11, 28),
            passed=True,
            note="Uniform pressed",
            by_id=user_id,
        )
    )
    db.session.flush()
    return {
        "note_id": note.id,
        "area_id": area.id,
        "order_id": order.id,
        "request_id": guest_request.id,
        "found_id": found.id,
        "grade_id": grade.id,
        "machine_id": machine.id,
        "supply_id": supply.id,
        "requisition_id": requisition.id,
        "uniform_id": uniform.id,
        "item_id": item.id,
        "block_id": block.id,
        "assignment_id": assignment.id,
        "key_id": key.id,
        "issue_id": custody.id,
    }


def _photo(name: str) -> str:
    return uploads.save(FileStorage(io.BytesIO(PNG), name), plugin=NAME).key


register_world(NAME, fill)
