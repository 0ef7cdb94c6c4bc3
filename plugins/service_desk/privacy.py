"""What the service desk holds about a resident, for an access request, and its erasure.

Erasure: requests stay, since the desk's figures (how many, how fast, how satisfied) count
them; what the resident said (the description, the callback's comment) and the reply are
blanked, the photos deleted with their files, and the resident's name or phone replaced
by ``#<id>`` wherever staff wrote it (root cause, visits, the request's history).
"""

from __future__ import annotations

import sqlalchemy as sa

from core.privacy import blank_rows, delete_rows, rows_of, scrub
from plugins.service_desk.models import (
    ServiceDeskCallback,
    ServiceDeskEvent,
    ServiceDeskPhoto,
    ServiceDeskRequest,
    ServiceDeskVisit,
)

CHILDREN = (ServiceDeskEvent, ServiceDeskVisit, ServiceDeskCallback, ServiceDeskPhoto)


def _requests(site, resident):
    return sa.select(ServiceDeskRequest.id).where(
        ServiceDeskRequest.site_id == site.id, ServiceDeskRequest.resident_id == resident.id
    )


def rows(site, resident) -> list:
    return [
        rows_of(site, ServiceDeskRequest, ServiceDeskRequest.resident_id == resident.id),
        *(
            rows_of(site, model, model.request_id.in_(_requests(site, resident)))
            for model in CHILDREN
        ),
    ]


def erase(site, resident) -> list:
    def of_theirs(model):
        return model.request_id.in_(_requests(site, resident))

    return [
        delete_rows(site, ServiceDeskPhoto, of_theirs(ServiceDeskPhoto), files=["key"]),
        blank_rows(
            site, ServiceDeskCallback, of_theirs(ServiceDeskCallback), values={"comment": ""}
        ),
        scrub(site, ServiceDeskVisit, ["visitor", "note"], resident, of_theirs(ServiceDeskVisit)),
        scrub(site, ServiceDeskEvent, ["note"], resident, of_theirs(ServiceDeskEvent)),
        scrub(
            site,
            ServiceDeskRequest,
            ["root_cause", "escalated_to", "contractor"],
            resident,
            ServiceDeskRequest.resident_id == resident.id,
        ),
        blank_rows(
            site,
            ServiceDeskRequest,
            ServiceDeskRequest.resident_id == resident.id,
            values={"description": "", "reply": ""},
        ),
    ]
