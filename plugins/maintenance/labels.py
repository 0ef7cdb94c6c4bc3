"""The words for the maintenance plugin's codes: services, default tasks, spans, checks."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

SERVICE_LABELS = {
    "cleaning": _l("Cleaning"),
    "greening": _l("Greening"),
    "pest_control": _l("Pest control"),
    "lifts": _l("Lifts"),
    "security": _l("Security"),
    "water_tanks": _l("Water tanks"),
    "other": _l("Other"),
}
TASK_LABELS = {
    "road_washing": _l("Road washing of the public areas"),
    "floor_washing": _l("Floor washing of the public floors"),
    "pest_control": _l("Pest control of the public areas"),
    "drains": _l("Clearing the open and covered drains"),
    "reservoir": _l("Cleaning the reservoir"),
    "water_features": _l("Cleaning the water features"),
    "underground_shafts": _l("Clearing the underground shafts"),
    "septic_tank": _l("Clearing the septic tank"),
}
SPAN_LABELS = {"month": _l("a month"), "quarter": _l("a quarter"), "year": _l("a year")}
CHECK_LABELS = {"accepted": _l("Checked: done well"), "redo": _l("Checked: to be done again")}
STATE_LABELS = {
    "not_open": _l("Not open yet"),
    "open": _l("Open for scoring"),
    "reopened": _l("Reopened"),
    "scored": _l("Scored"),
    "locked": _l("Locked"),
    "missed": _l("Not scored in time"),
}
CRITERIA_LABELS = {
    "quality": _l("Quality"),
    "punctuality": _l("Punctuality"),
    "attitude": _l("Attitude"),
    "compliance": _l("Compliance with the required frequency"),
}


def task_name(task) -> str:
    """A task's name: the default task's words, or the name it was given."""
    return str(TASK_LABELS[task.code]) if task.code in TASK_LABELS else task.name
