"""What inspections hold about a resident, for an access request, and its erasure.

A finding left for a resident to put right (a blocked corridor outside their door) names
them as its owner. Erasure keeps the finding, which the rounds' figures count, with the
resident's name replaced by ``#<id>`` in its owner and notes.
"""

from __future__ import annotations

from core.privacy import naming, rows_of, scrub
from plugins.inspections.models import InspectionsFinding

NAMED = ["owner_name", "note", "close_note"]


def rows(site, resident) -> list:
    return [rows_of(site, InspectionsFinding, naming(InspectionsFinding, NAMED, resident))]


def erase(site, resident) -> list:
    return [scrub(site, InspectionsFinding, NAMED, resident)]
