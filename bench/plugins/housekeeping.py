"""Hotel housekeeping at scale: a year of a 600-room hotel.

Every room has its housekeeping status; each day about three rooms in four are worked
(departures, stay-overs, arrivals) and shared out among twelve attendants, a third of
them inspected; twenty master keys go out every shift; ten linen items move every day
and are counted every month. Five repairs a day go to engineering (a few still open,
some rooms out of order for them), ten guests ask or complain, three items reach lost and
found, and every attendant's hours are on the roster. The pages are measured on today's
work.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bench.seed import _bulk
from plugins.housekeeping import rollup
from plugins.housekeeping.models import (
    CREDITS,
    STATUSES,
    HousekeepingAssignment,
    HousekeepingBlock,
    HousekeepingCleaningCycle,
    HousekeepingDeepClean,
    HousekeepingGrade,
    HousekeepingGuestRequest,
    HousekeepingInspection,
    HousekeepingKey,
    HousekeepingKeyIssue,
    HousekeepingLinenItem,
    HousekeepingLinenMovement,
    HousekeepingLinenPar,
    HousekeepingLostItem,
    HousekeepingRoom,
    HousekeepingRoomTime,
    HousekeepingShift,
    HousekeepingStocktake,
    HousekeepingWorkOrder,
)

KIND = "hotel"
DAYS = 365
WORKED = 0.75
INSPECTED = 0.33
KEYS = 20
LINEN = ("Bath towel", "Hand towel", "Face towel", "Bath mat", "King sheet", "Twin sheet")
LINEN += ("Duvet cover", "Pillowcase", "Bathrobe", "Pool towel")
MOVEMENTS = ("departure", "stayover", "stayover", "arrival")


def seed(site_id: int, ctx: dict) -> dict[str, int]:
    rng, now, ids = ctx["rng"], ctx["now"], ctx["ids"]
    rooms, staff = ctx["unit_ids"], ctx["staff_ids"]
    supervisor, attendants = staff[1], staff[2:]
    today = now.astimezone(ZoneInfo("Asia/Hong_Kong")).date()  # the hotel's day
    statuses = [s for s in STATUSES if not s.startswith("out_")]

    room_rows = [
        {
            "id": room_id,
            "site_id": site_id,
            "unit_id": unit_id,
            "status": rng.choice(statuses),
            "vip": rng.random() < 0.03,
            "released_at": None,
            "changed_at": now,
            "changed_by_id": supervisor,
            "rush_at": None,
            "rush_by_id": None,
        }
        for room_id, unit_id in zip(ids.take(HousekeepingRoom, len(rooms)), rooms, strict=True)
    ]
    # Rush rooms: a few of today's dirty rooms, set by the front desk.
    for row in room_rows:
        if row["status"] == "vacant_dirty" and rng.random() < 0.1:
            row["rush_at"], row["rush_by_id"] = now, supervisor
    _bulk(HousekeepingRoom, room_rows)

    blocks = []
    for block_id in ids.take(HousekeepingBlock, 100):
        start = today - timedelta(days=rng.randrange(DAYS))
        blocks.append(
            {
                "id": block_id,
                "site_id": site_id,
                "unit_id": rng.choice(rooms),
                "kind": rng.choice(("out_of_order", "out_of_service")),
                "reason": "冷氣維修",
                "starts_on": start,
                "ends_on": start + timedelta(days=2),
                "agreed_with": "前臺 Joyce",
                "created_by_id": supervisor,
                "created_at": now - timedelta(days=(today - start).days),
                "ended_at": now - timedelta(days=(today - start).days - 2),
            }
        )
    _bulk(HousekeepingBlock, blocks)

    assignments, inspections = [], []
    for back in range(DAYS):
        day = today - timedelta(days=back)
        worked = rng.sample(rooms, int(len(rooms) * WORKED))
        worked.sort()
        share = -(-len(worked) // len(attendants))
        for n, unit_id in enumerate(worked):
            movement = rng.choice(MOVEMENTS)
            at = now - timedelta(days=back, hours=rng.randrange(1, 6))
            assignments.append(
                {
                    "site_id": site_id,
                    "day": day,
                    "unit_id": unit_id,
                    "movement": movement,
                    "vip": False,
                    "credits": CREDITS[movement],
                    "attendant_id": attendants[n // share],
                    "cleaned_at": None if back == 0 and n % 2 else at,
                }
            )
            if rng.random() < INSPECTED:
                passed = rng.random() < 0.92
                inspections.append(
                    {
                        "site_id": site_id,
                        "unit_id": unit_id,
                        "inspector_id": supervisor,
                        "inspected_at": at + timedelta(minutes=30),
                        "passed": passed,
                        "failed_items": "" if passed else "bathroom",
                        "note": "",
                    }
                )
    for row_id, row in zip(
        ids.take(HousekeepingAssignment, len(assignments)), assignments, strict=True
    ):
        row["id"] = row_id
    for row_id, row in zip(
        ids.take(HousekeepingInspection, len(inspections)), inspections, strict=True
    ):
        row["id"] = row_id
    _bulk(HousekeepingAssignment, assignments)
    _bulk(HousekeepingInspection, inspections)

    key_ids = list(ids.take(HousekeepingKey, KEYS))
    _bulk(
        HousekeepingKey,
        [
            {
                "id": key_id,
                "site_id": site_id,
                "code": f"MK-{n + 1:02d}",
                "opens": f"Floors {n + 1}",
                "lost_at": None,
                "lost_note": "",
            }
            for n, key_id in enumerate(key_ids)
        ],
    )
    custodies = []
    for back in range(DAYS):
        for key_id in key_ids[:15]:
            issued = now - timedelta(days=back, hours=8)
            still_out = back == 0
            # Most keys come back before the shift ends; one in twenty a little late.
            back_at = issued + timedelta(hours=8, minutes=10 if rng.random() < 0.05 else -10)
            custodies.append(
                {
                    "site_id": site_id,
                    "key_id": key_id,
                    "holder_id": rng.choice(attendants),
                    "issued_by_id": supervisor,
                    "issued_at": issued,
                    "shift_ends_at": issued + timedelta(hours=8),
                    "returned_at": None if still_out else back_at,
                    "returned_to_id": None if still_out else supervisor,
                    "lost": False,
                }
            )
    for row_id, row in zip(ids.take(HousekeepingKeyIssue, len(custodies)), custodies, strict=True):
        row["id"] = row_id
    _bulk(HousekeepingKeyIssue, custodies)

    item_ids = list(ids.take(HousekeepingLinenItem, len(LINEN)))
    _bulk(
        HousekeepingLinenItem,
        [
            {
                "id": item_id,
                "site_id": site_id,
                "name": name,
                "in_store": 1500,
                "on_floors": 1200,
                "in_laundry": 600,
            }
            for item_id, name in zip(item_ids, LINEN, strict=True)
        ],
    )
    pars = [
        {"site_id": site_id, "item_id": item_id, "room_type": room_type, "par": par}
        for item_id in item_ids
        for room_type, par in (("standard", 2), ("deluxe", 3), ("suite", 4))
    ]
    for row_id, row in zip(ids.take(HousekeepingLinenPar, len(pars)), pars, strict=True):
        row["id"] = row_id
    _bulk(HousekeepingLinenPar, pars)
    moves = []
    for back in range(DAYS):
        for item_id in item_ids:
            for kind in ("issued", "to_laundry", "returned"):
                moves.append(
                    {
                        "site_id": site_id,
                        "item_id": item_id,
                        "kind": kind,
                        "quantity": rng.randrange(50, 200),
                        "moved_at": now - timedelta(days=back, hours=rng.randrange(12)),
                        "by_id": staff[0],
                        "note": "",
                    }
                )
    for row_id, row in zip(ids.take(HousekeepingLinenMovement, len(moves)), moves, strict=True):
        row["id"] = row_id
    _bulk(HousekeepingLinenMovement, moves)
    takes = []
    for back in range(1, 13):
        period = (today.replace(day=1) - timedelta(days=28 * back)).strftime("%Y-%m")
        for item_id in item_ids:
            takes.append(
                {
                    "site_id": site_id,
                    "item_id": item_id,
                    "period": period,
                    "expected": 3300,
                    "counted_store": 1500 - rng.randrange(10),
                    "counted_floors": 1200,
                    "counted_laundry": 600,
                    "reason": "破損",
                    "counted_at": now - timedelta(days=30 * back),
                    "by_id": staff[0],
                }
            )
    takes = list({(t["item_id"], t["period"]): t for t in takes}.values())
    for row_id, row in zip(ids.take(HousekeepingStocktake, len(takes)), takes, strict=True):
        row["id"] = row_id
    _bulk(HousekeepingStocktake, takes)
    cycles = [
        {"site_id": site_id, "kind": kind, "every_days": days, "starts_on": today}
        for kind, days in (("carpet", 90), ("curtains", 180), ("furniture", 120))
    ]
    for row_id, row in zip(ids.take(HousekeepingCleaningCycle, 3), cycles, strict=True):
        row["id"] = row_id
    _bulk(HousekeepingCleaningCycle, cycles)
    cleans = []
    for cycle in cycles:
        for unit_id in rooms:
            for back in range(0, DAYS, cycle["every_days"]):
                cleans.append(
                    {
                        "site_id": site_id,
                        "unit_id": unit_id,
                        "kind": cycle["kind"],
                        "done_on": today
                        - timedelta(days=back + rng.randrange(cycle["every_days"])),
                        "by_id": supervisor,
                    }
                )
    for row_id, row in zip(ids.take(HousekeepingDeepClean, len(cleans)), cleans, strict=True):
        row["id"] = row_id
    _bulk(HousekeepingDeepClean, cleans)
    counts = extras(site_id, ctx, today, rooms, supervisor, attendants)
    # Bulk rows go around the ORM, which keeps the month report's daily figures.
    rollup.rebuild(site_id)
    return {
        **counts,
        "housekeeping_deep_clean": len(cleans),
        "housekeeping_room": len(room_rows),
        "housekeeping_block": len(blocks),
        "housekeeping_assignment": len(assignments),
        "housekeeping_inspection": len(inspections),
        "housekeeping_key_issue": len(custodies),
        "housekeeping_linen_movement": len(moves),
        "housekeeping_stocktake": len(takes),
    }


def _with_ids(model, rows: list[dict], ids) -> list[dict]:
    for row_id, row in zip(ids.take(model, len(rows)), rows, strict=True):
        row["id"] = row_id
    _bulk(model, rows)
    return rows


def extras(site_id, ctx, today, rooms, supervisor, attendants) -> dict[str, int]:
    """Work orders, guest requests, lost and found, grades and the roster's hours."""
    rng, now, ids = ctx["rng"], ctx["now"], ctx["ids"]
    orders = []
    for back in range(DAYS):
        for n in range(5):
            at = now - timedelta(days=back, hours=rng.randrange(1, 10))
            closed = back > 2 or n < 3
            orders.append(
                {
                    "site_id": site_id,
                    "unit_id": rng.choice(rooms) if n % 2 else None,
                    "place": "" if n % 2 else "大堂洗手間",
                    "problem": "燈泡壞了 lamp broken",
                    "priority": ("urgent", "normal", "low")[n % 3],
                    "photo_key": None,
                    "block_id": None,
                    "reported_by_id": rng.choice(attendants),
                    "reported_at": at,
                    "closed_at": at + timedelta(hours=3) if closed else None,
                    "closed_by_id": supervisor if closed else None,
                    "engineer": "工程部 Ken" if closed else "",
                    "work_done": "換燈泡" if closed else "",
                }
            )
    _with_ids(HousekeepingWorkOrder, orders, ids)
    requests = []
    for back in range(DAYS):
        for n in range(10):
            at = now - timedelta(days=back, hours=rng.randrange(1, 12))
            closed = back > 0 or n < 7
            requests.append(
                {
                    "site_id": site_id,
                    "unit_id": rng.choice(rooms),
                    "kind": "complaint" if n == 0 else "request",
                    "what": "多兩條毛巾 two more towels",
                    "assigned_to_id": rng.choice(attendants),
                    "logged_by_id": supervisor,
                    "logged_at": at,
                    "closed_at": at + timedelta(minutes=20) if closed else None,
                    "satisfaction": rng.choice(("satisfied", "neutral")) if closed else None,
                    "outcome": "",
                }
            )
    _with_ids(HousekeepingGuestRequest, requests, ids)
    lost = []
    for back in range(DAYS):
        for n in range(3):
            day = today - timedelta(days=back)
            state = "kept" if back < 60 else ("claimed" if n else "disposed")
            lost.append(
                {
                    "site_id": site_id,
                    "item": "黑色雨傘 black umbrella",
                    "found_where": "Room 1203",
                    "found_by": "Ann",
                    "found_on": day,
                    "kept_at": "辦公室 B 架",
                    "photo_key": None,
                    "state": state,
                    "logged_by_id": supervisor,
                    "claimed_by": "陳先生" if state == "claimed" else "",
                    "claim_id_seen": "HKID 123(4)" if state == "claimed" else "",
                    "signed": state == "claimed",
                    "disposal_reason": "逾期無人認領" if state == "disposed" else "",
                    "closed_on": day + timedelta(days=30) if state != "kept" else None,
                    "closed_by_id": supervisor if state != "kept" else None,
                }
            )
    _with_ids(HousekeepingLostItem, lost, ids)
    grades = _with_ids(
        HousekeepingGrade,
        [
            {"site_id": site_id, "name": name, "hourly_rate": rate}
            for name, rate in (("Attendant I", 5250), ("Attendant II", 6000), ("Supervisor", 7500))
        ],
        ids,
    )
    _with_ids(
        HousekeepingRoomTime,
        [
            {"site_id": site_id, "room_type": room_type, "minutes": minutes}
            for room_type, minutes in (("standard", 25), ("deluxe", 30), ("suite", 45))
        ],
        ids,
    )
    shifts = [
        {
            "site_id": site_id,
            "user_id": user_id,
            "day": today - timedelta(days=back),
            "minutes": rng.choice((420, 450, 480)),
            "grade_id": grades[n % 2]["id"],
        }
        for back in range(DAYS)
        for n, user_id in enumerate(attendants)
    ]
    _with_ids(HousekeepingShift, shifts, ids)
    return {
        "housekeeping_work_order": len(orders),
        "housekeeping_guest_request": len(requests),
        "housekeeping_lost_item": len(lost),
        "housekeeping_shift": len(shifts),
    }


def pages(base: str) -> list[tuple[str, str]]:
    hk = f"{base}/housekeeping"
    return [
        ("housekeeping room board (600 rooms)", f"{hk}/"),
        ("housekeeping room board, one floor", f"{hk}/?floor=12"),
        ("housekeeping assignments of today", f"{hk}/assignments"),
        ("housekeeping master keys", f"{hk}/keys"),
        ("housekeeping linen", f"{hk}/linen"),
        ("housekeeping month report", f"{hk}/reports/month"),
        ("housekeeping deep cleaning due this week", f"{hk}/deep-cleaning"),
        ("housekeeping supplies and machines", f"{hk}/supplies"),
        ("housekeeping open work orders", f"{hk}/work-orders"),
        ("housekeeping closed work orders", f"{hk}/work-orders?state=closed"),
        ("housekeeping guest requests", f"{hk}/guest-requests"),
        ("housekeeping lost and found", f"{hk}/lost-and-found"),
        ("housekeeping labour month", f"{hk}/labour"),
    ]


def board_weight(client, base: str) -> list[tuple[str, int, int]]:
    """What the 600-room board weighs on the wire (goal: ≤ 60 KB gzipped): the page, the
    board redrawn by a filter, and a refresh after one room changed, each as (label,
    bytes, gzipped bytes). ``client`` is logged in as the executive housekeeper."""
    import gzip
    import re
    from html import unescape

    hk = f"{base}/housekeeping"
    page = client.get(f"{hk}/").get_data()
    board = client.get(f"{hk}/", headers={"HX-Request": "true", "HX-Target": "room-board"})
    poll = unescape(re.search(rb'id="room-board-poll" hidden hx-get="([^"]+)"', page)[1].decode())
    room = re.search(rb'<li id="room-(\d+)"', page)[1].decode()
    client.post(f"{hk}/rooms/{room}/status", data={"status": "vacant_dirty", "back": "board"})
    refresh = client.get(poll, headers={"HX-Request": "true", "HX-Target": "room-board-poll"})
    return [
        (label, len(body), len(gzip.compress(body)))
        for label, body in (
            ("room board page (600 rooms)", page),
            ("room board redrawn (htmx)", board.get_data()),
            ("room board refresh, one room changed", refresh.get_data()),
        )
    ]
