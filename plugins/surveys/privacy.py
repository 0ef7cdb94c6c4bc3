"""What surveys hold about a resident, for an access request, and its erasure.

An anonymous survey keeps no link to the household, so only the answers of named surveys
are the resident's. Erasure keeps invitations, responses and the scores given (the
survey's results count them) and blanks the free text the resident wrote.
"""

from __future__ import annotations

import sqlalchemy as sa

from core.privacy import blank_rows, rows_of
from plugins.surveys.models import Answer, Invitation, Response


def _responses(site, resident):
    invitations = sa.select(Invitation.id).where(
        Invitation.site_id == site.id, Invitation.resident_id == resident.id
    )
    return sa.select(Response.id).where(
        Response.site_id == site.id, Response.invitation_id.in_(invitations)
    )


def rows(site, resident) -> list:
    return [
        rows_of(site, Invitation, Invitation.resident_id == resident.id),
        rows_of(
            site,
            Response,
            Response.id.in_(_responses(site, resident)),
        ),
        rows_of(site, Answer, Answer.response_id.in_(_responses(site, resident))),
    ]


def erase(site, resident) -> list:
    return [
        blank_rows(
            site,
            Answer,
            Answer.response_id.in_(_responses(site, resident)),
            values={"text": "", "words": ""},
        )
    ]
