"""What health holds about a resident, for an access request, and its erasure.

Erasure: the results and the health profile (sex, date of birth, consent) are deleted, as
the health page's own erase does; invitations stay, since a campaign's turnout counts
them, without the assessment. The lines saying that values were erased hold no values.
"""

from __future__ import annotations

from core.privacy import blank_rows, delete_rows, rows_of
from plugins.health.models import HealthErasure, HealthInvitation, HealthProfile, HealthResult


def rows(site, resident) -> list:
    return [
        rows_of(site, model, model.resident_id == resident.id)
        for model in (HealthProfile, HealthInvitation, HealthResult, HealthErasure)
    ]


def erase(site, resident) -> list:
    return [
        delete_rows(site, HealthResult, HealthResult.resident_id == resident.id),
        delete_rows(site, HealthProfile, HealthProfile.resident_id == resident.id),
        blank_rows(
            site,
            HealthInvitation,
            HealthInvitation.resident_id == resident.id,
            values={"assessment": ""},
        ),
    ]
