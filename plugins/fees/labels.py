"""The words for fees' codes: kinds, bases, frequencies, methods, reasons, contacts, buckets."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "management": _l("Management fee"),
    "parking": _l("Parking"),
    "other": _l("Other"),
}
BASIS_LABELS = {"fixed": _l("Fixed per unit"), "area": _l("Per m² of the unit's area")}
FREQUENCY_LABELS = {"monthly": _l("Monthly"), "quarterly": _l("Quarterly")}
METHOD_LABELS = {
    "cash": _l("Cash"),
    "transfer": _l("Bank transfer"),
    "card": _l("Card"),
    "cheque": _l("Cheque"),
}
STATUS_LABELS = {"paid": _l("Paid"), "voided": _l("Voided"), "refunded": _l("Refunded")}
REASON_LABELS = {
    "dispute": _l("Disputes a service"),
    "away": _l("Away"),
    "hardship": _l("Hardship"),
    "refuses": _l("Refuses to pay"),
    "unreachable": _l("Unreachable"),
    "forgot": _l("Forgot"),
    "other": _l("Other reason"),
}
CHASE_LABELS = {
    "call": _l("Call"),
    "visit": _l("Visit"),
    "letter": _l("Letter"),
    "sms": _l("SMS"),
}
BUCKET_LABELS = {
    "0_30": _l("0–30 days"),
    "31_90": _l("31–90 days"),
    "91_180": _l("91–180 days"),
    "over_180": _l("Over 180 days"),
}
STAGE_LABELS = {
    "before": _l("3 days before the due date"),
    "due": _l("On the due date"),
    "late7": _l("7 days late"),
    "late30": _l("30 days late"),
}
