"""Housekeeping's words: the labels of statuses, shifts, movements and the other choices,
translated when shown, and the colour swatch each room status uses."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "vacant_dirty": _l("Vacant dirty"),
    "vacant_clean": _l("Vacant clean"),
    "inspected": _l("Inspected"),
    "occupied": _l("Occupied"),
    "occupied_dirty": _l("Occupied dirty"),
    "out_of_order": _l("Out of order"),
    "out_of_service": _l("Out of service"),
}
# The core's colour swatches (core/static/css/app.css), reused for the board.
STATUS_COLOURS = {
    "vacant_dirty": "renovating",
    "vacant_clean": "vacant",
    "inspected": "occupied",
    "occupied": "let",
    "occupied_dirty": "renovating",
    "out_of_order": "vacant",
    "out_of_service": "vacant",
}
MOVEMENT_LABELS = {
    "departure": _l("Departure"),
    "stayover": _l("Stay-over"),
    "arrival": _l("Arrival"),
}
LINEN_MOVE_LABELS = {
    "purchased": _l("Purchased"),
    "issued": _l("Issued to floors"),
    "to_laundry": _l("Sent to laundry"),
    "returned": _l("Returned from laundry"),
    "discarded": _l("Discarded"),
}
DEEP_CLEAN_LABELS = {
    "carpet": _l("Carpet shampoo"),
    "curtains": _l("Curtains"),
    "furniture": _l("Furniture"),
}
UNIFORM_CONDITION_LABELS = {
    "new": _l("New"),
    "good": _l("Good"),
    "worn": _l("Worn"),
    "damaged": _l("Damaged"),
}
UNIFORM_SIZES = ("XS", "S", "M", "L", "XL", "XXL")
SUPPLY_KIND_LABELS = {"cleaning": _l("Cleaning supply"), "guest": _l("Guest supply")}
REQUISITION_LABELS = {
    "draft": _l("Draft"),
    "approved": _l("Approved"),
    "received": _l("Received into stock"),
}
MACHINE_CONDITION_LABELS = {
    "working": _l("Working"),
    "repair": _l("Under repair"),
    "retired": _l("Retired"),
}
EMERGENCY_LABELS = {
    "typhoon": _l("Typhoon"),
    "flood": _l("Flood"),
    "fire": _l("Fire"),
    "other": _l("Other emergency"),
}
SCORE_LABELS = {
    1: _l("1 – poor"),
    2: _l("2 – below standard"),
    3: _l("3 – meets the standard"),
    4: _l("4 – good"),
    5: _l("5 – excellent"),
}
BLOCK_LABELS = {"out_of_order": _l("Out of order"), "out_of_service": _l("Out of service")}
# The inspection checklist, in the order a supervisor walks the room.
CHECKLIST = {
    "bed": _l("Bed made, linen fresh"),
    "bathroom": _l("Bathroom clean and dry"),
    "supplies": _l("Guest supplies replenished"),
    "floor": _l("Floor vacuumed"),
    "dust": _l("Furniture dusted"),
    "minibar": _l("Minibar checked"),
    "curtains": _l("Windows and curtains"),
    "lights": _l("Lights and appliances work"),
}
SHIFT_LABELS = {
    "morning": _l("Morning shift, until 15:00"),
    "afternoon": _l("Afternoon shift, until 23:00"),
    "night": _l("Night shift, until 07:00"),
}
PRIORITY_LABELS = {"urgent": _l("Urgent"), "normal": _l("Normal"), "low": _l("Can wait")}
REQUEST_KIND_LABELS = {"request": _l("Request"), "complaint": _l("Complaint")}
SATISFACTION_LABELS = {
    "satisfied": _l("Satisfied"),
    "neutral": _l("Neither"),
    "unsatisfied": _l("Not satisfied"),
}
LOST_STATE_LABELS = {"kept": _l("Kept"), "claimed": _l("Claimed"), "disposed": _l("Disposed of")}
AREA_KIND_LABELS = {
    "lobby": _l("Lobby"),
    "restaurant": _l("Restaurant"),
    "banquet": _l("Banquet room"),
    "office": _l("Office"),
    "back_of_house": _l("Back of house"),
    "toilet": _l("Toilets"),
}
CLEANING_LABELS = {"before": _l("Clean before the function"), "after": _l("Clear down after it")}
STAFF_RECORD_LABELS = {
    "grooming": _l("Grooming and hygiene check"),
    "discipline": _l("Discipline"),
    "training": _l("Training"),
}
CRITERIA_LABELS = {
    "quality": _l("Quality of work"),
    "speed": _l("Speed"),
    "grooming": _l("Grooming"),
    "attendance": _l("Attendance"),
}
