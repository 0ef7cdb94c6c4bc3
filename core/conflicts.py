"""Edits by two people at once: detecting a stale form and showing both versions.

Records edited by several people carry a version number. Every edit form sends back the
version it was loaded with; when that is no longer the current one, the save is refused
with 409 and the page shows, field by field, what the other person saved next to what
this person typed, so that nothing is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldConflict:
    label: str
    theirs: Any
    yours: Any


def is_stale(obj: Any, submitted_version: Any) -> bool:
    """True when the form was loaded from an older version of ``obj`` than the stored one."""
    try:
        return int(submitted_version) != obj.version_id
    except (TypeError, ValueError):
        return True


def differences(obj: Any, form: Any, fields: list[str]) -> list[FieldConflict]:
    """The fields where what is stored now differs from what the form sends."""
    conflicts = []
    for name in fields:
        field = form[name]
        theirs, yours = getattr(obj, name), field.data
        if (theirs or "") != (yours or ""):
            conflicts.append(FieldConflict(str(field.label.text), theirs, yours))
    return conflicts
