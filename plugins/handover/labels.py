"""The words shown for the handover plugin's codes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ITEM_LABELS = {
    "walls": _l("Walls"),
    "floors": _l("Floors"),
    "doors": _l("Doors"),
    "windows": _l("Windows"),
    "plumbing": _l("Plumbing"),
    "electrical": _l("Electrical"),
    "kitchen": _l("Kitchen fittings"),
    "bathroom": _l("Bathroom fittings"),
}
SEVERITY_LABELS = {
    "minor": _l("Minor"),
    "major": _l("Major"),
    "critical": _l("Critical"),
}
BOOKING_LABELS = {
    "booked": _l("Booked"),
    "handed_over": _l("Handed over"),
    "cancelled": _l("Cancelled"),
}
DEFECT_LABELS = {
    "open": _l("Open"),
    "reinspected": _l("Put right, waiting for the owner"),
    "closed": _l("Closed"),
}
STEP_LABELS = {
    "handed_over": _l("Handed over"),
    "renovating": _l("Renovating"),
    "occupied": _l("Occupied"),
    "let": _l("Let"),
}
# The rooms an inspection starts with; more can be added on the spot.
ROOM_LABELS = (_l("Living room"), _l("Bedroom"), _l("Kitchen"), _l("Bathroom"))


def words() -> dict:
    """Every table above, translated once for a page."""
    tables = {
        "item_labels": ITEM_LABELS,
        "severity_labels": SEVERITY_LABELS,
        "booking_labels": BOOKING_LABELS,
        "defect_labels": DEFECT_LABELS,
        "step_labels": STEP_LABELS,
    }
    return {name: {k: str(v) for k, v in table.items()} for name, table in tables.items()}
