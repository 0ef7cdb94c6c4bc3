"""What visits hold about a resident, for an access request, and its erasure.

Erasure: visits and plans stay, since a butler's visit counts and targets count them; the
visit form as it was left (a copy of the resident's details), the fields changed, the
notes and who else was there are blanked.
"""

from __future__ import annotations

from core.privacy import blank_rows, rows_of
from plugins.visits.models import VisitsPlan, VisitsVisit

BLANK = {"companions": "", "notes": "", "form": {}, "changed": []}


def rows(site, resident) -> list:
    return [
        rows_of(site, model, model.resident_id == resident.id)
        for model in (VisitsVisit, VisitsPlan)
    ]


def erase(site, resident) -> list:
    return [blank_rows(site, VisitsVisit, VisitsVisit.resident_id == resident.id, values=BLANK)]
