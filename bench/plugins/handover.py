"""Handovers at scale: a year of handover days on an estate of new units.

Two slots a day for six owners each, a year back and a month ahead; about 1,200 units
handed over in the year (each with its four rooms inspected and one or two defects), 60
owners booked for the coming weeks. One defect in ten is still open, half of those past
their date. Half the handed-over units went on to renovate. The bookings, the defects to
put right (with their counts by kind and contractor) and the month's building summary
are the lists the butler and the assistant open.
"""

from __future__ import annotations

from datetime import timedelta

from bench.seed import _bulk
from plugins.handover.models import (
    CHECK_ITEMS,
    HandoverBooking,
    HandoverDefect,
    HandoverRoom,
    HandoverSlot,
    HandoverStep,
)

KIND = "residential"
PAST_DAYS = 365
AHEAD_DAYS = 30
HANDED = 400
BOOKED = 60
CONTRACTORS = ("Kwong Plumbing 廣記水喉", "Sun Fitting 新裝修", "Wah Electrical 華電", "Lee Glass")
ROOMS = ("客廳", "睡房", "廚房", "浴室")


def _slots(site_id: int, ctx: dict) -> list[dict]:
    now = ctx["now"].replace(minute=0, second=0, microsecond=0)
    slots = []
    ids = iter(ctx["ids"].take(HandoverSlot, 2 * (PAST_DAYS + AHEAD_DAYS)))
    for day in range(-PAST_DAYS, AHEAD_DAYS):
        for hour in (2, 6):  # 10:00 and 14:00 in Hong Kong
            slots.append(
                {
                    "id": next(ids),
                    "site_id": site_id,
                    "starts_at": now.replace(hour=hour) + timedelta(days=day),
                    "minutes": 120,
                    "capacity": 6,
                    "booked": 0,
                }
            )
    return slots


def seed(site_id: int, ctx: dict) -> dict[str, int]:
    rng, now, ids = ctx["rng"], ctx["now"], ctx["ids"]
    staff = ctx["staff_ids"]
    units = rng.sample(ctx["unit_ids"], min(len(ctx["unit_ids"]), HANDED + BOOKED))
    slots = _slots(site_id, ctx)
    past = [s for s in slots if s["starts_at"] < now]
    coming = [s for s in slots if s["starts_at"] > now]
    bookings, rooms, defects, steps = [], [], [], []
    booking_ids = ids.take(HandoverBooking, len(units))
    for n, (booking_id, unit_id) in enumerate(zip(booking_ids, units, strict=True)):
        handed = n < HANDED
        slot = rng.choice(past) if handed else coming[n % len(coming)]
        while slot["booked"] >= slot["capacity"]:
            slot = rng.choice(past if handed else coming)
        slot["booked"] += 1
        at = slot["starts_at"] + timedelta(minutes=rng.randrange(20, 110))
        by = rng.choice(staff)
        bookings.append(
            {
                "id": booking_id,
                "site_id": site_id,
                "slot_id": slot["id"],
                "unit_id": unit_id,
                "owner_name": f"業主 {n:04d}",
                "owner_phone": f"9{n:07d}",
                "owner_email": "",
                "status": "handed_over" if handed else "booked",
                "has_id": handed,
                "has_contract": handed,
                "has_payment": handed,
                "keys_count": 4 if handed else 0,
                "meter_electricity": "12.5" if handed else "",
                "meter_water": "3" if handed else "",
                "meter_gas": "",
                "signed_by": f"業主 {n:04d}" if handed else "",
                "signature_key": f"handover/{booking_id:032x}.png" if handed else "",
                "handed_over_at": at if handed else None,
                "handed_over_by_id": by if handed else None,
                "created_at": slot["starts_at"] - timedelta(days=14),
                "created_by_id": by,
            }
        )
        room_ids = ids.take(HandoverRoom, len(ROOMS))
        for position, (room_id, name) in enumerate(zip(room_ids, ROOMS, strict=True), 1):
            rooms.append(
                {
                    "id": room_id,
                    "site_id": site_id,
                    "booking_id": booking_id,
                    "position": position,
                    "name": name,
                    "passed": ",".join(CHECK_ITEMS) if handed else "",
                    "note": "",
                    "inspected_at": at if handed else None,
                    "inspected_by_id": by if handed else None,
                }
            )
        if not handed:
            continue
        for defect_id in ids.take(HandoverDefect, rng.choice((1, 1, 2))):
            still_open = rng.random() < 0.1
            due = (at + timedelta(days=rng.randrange(7, 30))).date()
            if still_open and rng.random() < 0.5:
                due = now.date() - timedelta(days=rng.randrange(1, 20))
            defects.append(
                {
                    "id": defect_id,
                    "site_id": site_id,
                    "booking_id": booking_id,
                    "unit_id": unit_id,
                    "room_id": room_ids[rng.randrange(len(ROOMS))],
                    "kind": rng.choice(CHECK_ITEMS),
                    "severity": rng.choice(("minor", "minor", "major", "critical")),
                    "place": "窗邊牆身裂紋",
                    "description": "",
                    "photo_key": "",
                    "contractor": rng.choice(CONTRACTORS),
                    "due_on": due,
                    "status": "open" if still_open else "closed",
                    "found_at": at,
                    "found_by_id": by,
                    "reinspections": 0 if still_open else 1,
                    "reinspection_note": "",
                    "reinspected_at": None if still_open else at + timedelta(days=10),
                    "reinspected_by_id": None if still_open else by,
                    "closed_at": None if still_open else at + timedelta(days=11),
                    "confirmed_by": "" if still_open else f"業主 {n:04d}",
                }
            )
        next_steps = [("handed_over", at)]
        if rng.random() < 0.5:
            next_steps.append(("renovating", at + timedelta(days=rng.randrange(3, 40))))
        for (step, when), step_id in zip(
            next_steps, ids.take(HandoverStep, len(next_steps)), strict=True
        ):
            steps.append(
                {
                    "id": step_id,
                    "site_id": site_id,
                    "unit_id": unit_id,
                    "booking_id": booking_id,
                    "step": step,
                    "at": when,
                    "by_id": by,
                }
            )
    _bulk(HandoverSlot, slots)
    _bulk(HandoverBooking, bookings)
    _bulk(HandoverRoom, rooms)
    _bulk(HandoverDefect, defects)
    _bulk(HandoverStep, steps)
    return {
        "handover slots": len(slots),
        "handover bookings": len(bookings),
        "handover rooms": len(rooms),
        "handover defects": len(defects),
        "handover steps": len(steps),
    }


def pages(base: str) -> list[tuple[str, str]]:
    handover = f"{base}/handover"
    return [
        ("handover: bookings and slots", f"{handover}/"),
        ("handover: defects to put right, with counts", f"{handover}/defects"),
        ("handover: overdue defects", f"{handover}/defects?overdue=1"),
        ("handover: closed defects", f"{handover}/defects?status=closed"),
        ("handover: the month's building summary", f"{handover}/reports/monthly"),
    ]
