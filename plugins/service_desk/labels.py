"""The words shown for the service desk's codes (types, statuses, channels…)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

TYPE_LABELS = {
    "inquiry": _l("Inquiry"),
    "repair": _l("Repair"),
    "complaint": _l("Complaint"),
    "errand": _l("Errand"),
    "feedback": _l("Feedback"),
}
STATUS_LABELS = {
    "new": _l("new"),
    "acknowledged": _l("replied"),
    "assigned": _l("assigned"),
    "in_progress": _l("in progress"),
    "done": _l("done, awaiting callback"),
    "called_back": _l("called back"),
    "closed": _l("closed"),
}
CHANNEL_LABELS = {
    "phone": _l("Phone"),
    "visit": _l("Home visit"),
    "wechat": _l("WeChat"),
    "app": _l("App"),
    "walk_in": _l("Walk-in at the front desk"),
}
ASSIGNEE_KIND_LABELS = {
    "staff": _l("A staff member"),
    "front_desk": _l("The front desk"),
    "contractor": _l("A contractor"),
}
CALLBACK_METHOD_LABELS = {"call": _l("Call"), "visit": _l("Home visit")}
SATISFACTION_LABELS = {
    "satisfied": _l("Satisfied"),
    "neutral": _l("Neutral"),
    "dissatisfied": _l("Dissatisfied"),
}
ESCALATION_LABELS = {"assistant": _l("Property assistant"), "manager": _l("Manager")}
ACTION_LABELS = {
    "logged": _l("logged the request"),
    "acknowledged": _l("replied to the resident"),
    "assigned_staff": _l("assigned the request to"),
    "assigned_front_desk": _l("passed the request to the front desk"),
    "assigned_contractor": _l("assigned the request to the contractor"),
    "visited": _l("recorded a visit"),
    "done": _l("marked the work done"),
    "called_back_satisfied": _l("called the resident back (satisfied)"),
    "called_back_neutral": _l("called the resident back (neutral)"),
    "called_back_dissatisfied": _l("called the resident back (dissatisfied)"),
    "reopened": _l("reopened the request"),
    "closed": _l("closed the request"),
    "escalated_assistant": _l("escalated to the property assistant"),
    "escalated_manager": _l("escalated to the manager"),
    "root_cause": _l("wrote the root cause"),
    "signed_off": _l("signed the complaint off"),
    "photo": _l("added a photo"),
    "breach_warning": _l("was warned of a promised time running out"),
}

# Default categories seeded when the plugin is turned on: type, name, reply minutes,
# completion hours. Names are stored in the site's language at seeding time.
DEFAULT_CATEGORIES = (
    ("inquiry", _l("General inquiry"), 30, 24),
    ("repair", _l("Plumbing"), 30, 48),
    ("repair", _l("Electrical"), 30, 48),
    ("repair", _l("Lift"), 15, 24),
    ("complaint", _l("Noise"), 30, 72),
    ("complaint", _l("Service"), 30, 72),
    ("errand", _l("Mail and parcels"), 30, 24),
    ("errand", _l("Tickets and dry cleaning"), 60, 48),
    ("feedback", _l("Suggestion"), 120, 168),
)
