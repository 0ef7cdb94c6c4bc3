"""The words shown for the rounds' codes (areas, item kinds, owners, checks)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

AREA_LABELS = {
    "lobby": _l("Lobby"),
    "corridor": _l("Corridor"),
    "fire_doors": _l("Fire doors"),
    "lighting": _l("Lighting"),
    "roof": _l("Roof"),
    "pipe_shaft": _l("Pipe shaft"),
    "greenery": _l("Greenery"),
    "water_feature": _l("Water feature"),
    "lift": _l("Lift"),
    "garage": _l("Garage"),
}
KIND_LABELS = {
    "cleaning": _l("Cleaning"),
    "public_area": _l("Public areas"),
    "safety": _l("Safety"),
    "renovation": _l("Renovation"),
    "waterproofing": _l("Waterproofing"),
}
CONDITION_LABELS = {
    "always": _l("Every round"),
    "rain": _l("Rainy and typhoon days only"),
    "evening": _l("Evening round only"),
}
ROUND_KIND_LABELS = {"routine": _l("Round"), "joint": _l("Joint walk")}
OWNER_LABELS = {
    "butler": _l("Butler"),
    "front_desk": _l("Front desk"),
    "contractor": _l("Contractor"),
    "resident": _l("The unit's resident"),
}
RESULT_LABELS = {"ok": _l("OK"), "finding": _l("Not OK")}
RENOVATION_CHECK_LABELS = {
    "drawings": _l("Works follow the approved drawings"),
    "hot_work": _l("Hot work only with a permit"),
    "no_smoking": _l("No smoking on site"),
    "door_closed": _l("Door kept closed"),
    "noise_dust": _l("Noise and dust kept down"),
    "debris": _l("Renovation debris removed"),
    "passes": _l("Workers' passes valid"),
}
VACANT_CHECK_LABELS = {
    "water_off": _l("Water turned off"),
    "power_off": _l("Power turned off"),
    "fittings": _l("Fittings complete"),
}
UNIT_CHECK_LABELS = RENOVATION_CHECK_LABELS | VACANT_CHECK_LABELS
