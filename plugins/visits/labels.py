"""The words for the visits' codes: the kind of visit, its outcome, a unit's colour."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "routine": _l("Routine visit"),
    "new_resident": _l("New resident"),
    "complaint_follow_up": _l("Follow-up of a complaint"),
    "care": _l("Care visit"),
    "festival": _l("Festival visit"),
}
OUTCOME_LABELS = {
    "met": _l("Met the household"),
    "not_home": _l("Nobody at home"),
    "declined": _l("Declined the visit"),
    "follow_up": _l("Needs a follow-up"),
}
STATE_LABELS = {
    "visited": _l("Visited this quarter"),
    "due": _l("Planned this week"),
    "not_visited": _l("Not visited this quarter"),
    "vacant": _l("Vacant"),
}
