"""The words for the surveys' codes: cadences, question kinds, targets, channels, states."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

CADENCE_LABELS = {
    "monthly": _l("Monthly pulse"),
    "quarterly": _l("Quarterly"),
    "half_yearly": _l("Half-yearly"),
    "annual": _l("Annual"),
}
KIND_LABELS = {
    "rating": _l("Rating 1 to 5"),
    "single": _l("One choice"),
    "multiple": _l("Several choices"),
    "nps": _l("Recommendation 0 to 10"),
    "text": _l("Free text"),
}
TARGET_LABELS = {
    "site": _l("Every household of the site"),
    "buildings": _l("The households of some buildings"),
    "sample": _l("A random sample, in proportion per building"),
}
CHANNEL_LABELS = {
    "link": _l("Own phone (personal link)"),
    "visit": _l("With the butler, on a visit"),
    "call": _l("With the butler, by phone"),
}
STATE_LABELS = {"draft": _l("Draft"), "running": _l("Running"), "closed": _l("Closed")}
RATING_WORDS = {
    1: _l("Very dissatisfied"),
    2: _l("Dissatisfied"),
    3: _l("Neutral"),
    4: _l("Satisfied"),
    5: _l("Very satisfied"),
}
