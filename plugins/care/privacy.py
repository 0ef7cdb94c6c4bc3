"""What care holds about a resident, for an access request, and its erasure.

Erasure: the opt-out and the away notices are deleted (nothing counts them); greetings,
special-care cases and their visits, and parcels stay for the month's figures and the
butlers' work logs, with the notes, the receiver's name, the photo and the signature gone.
"""

from __future__ import annotations

import sqlalchemy as sa

from core.privacy import blank_rows, delete_rows, forget_signatures, rows_of, scrub
from plugins.care.models import CareAway, CareCase, CareGreeting, CareOptOut, CareParcel, CareVisit


def _cases(site, resident):
    return sa.select(CareCase.id).where(
        CareCase.site_id == site.id, CareCase.resident_id == resident.id
    )


def rows(site, resident) -> list:
    return [
        *(
            rows_of(site, model, model.resident_id == resident.id)
            for model in (CareOptOut, CareGreeting, CareCase, CareAway, CareParcel)
        ),
        rows_of(site, CareVisit, CareVisit.case_id.in_(_cases(site, resident))),
    ]


def erase(site, resident) -> list:
    mine = CareParcel.resident_id == resident.id
    return [
        delete_rows(site, CareOptOut, CareOptOut.resident_id == resident.id),
        delete_rows(site, CareAway, CareAway.resident_id == resident.id),
        blank_rows(
            site, CareGreeting, CareGreeting.resident_id == resident.id, values={"note": ""}
        ),
        blank_rows(
            site, CareVisit, CareVisit.case_id.in_(_cases(site, resident)), values={"note": ""}
        ),
        blank_rows(site, CareCase, CareCase.resident_id == resident.id, values={"summary": ""}),
        scrub(site, CareParcel, ["handed_to"], resident, mine),
        forget_signatures(site, CareParcel, mine),
        blank_rows(
            site,
            CareParcel,
            mine,
            values={"tracking_number": "", "photo_key": ""},
            files=["photo_key"],
        ),
    ]
