"""The health programme's words: invitation statuses, result flags, the sexes of a profile
and of a normal range."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

SEX_LABELS = {"": _l("Not recorded"), "F": _l("Female"), "M": _l("Male")}
RANGE_SEX_LABELS = {"any": _l("Anyone"), "F": _l("Women"), "M": _l("Men")}


def status_labels() -> dict[str, str]:
    return {
        "invited": _("Invited"),
        "booked": _("Booked"),
        "attended": _("Came"),
        "missed": _("Did not come"),
        "declined": _("Declined"),
    }


def flag_labels() -> dict[str, str]:
    return {
        "high": _("Above normal"),
        "low": _("Below normal"),
        "normal": _("Normal"),
        "": _("No normal range"),
    }
