"""What the health pages share: the audit of a record seen, and lookups several pages make."""

from __future__ import annotations

from sqlalchemy import case, func
from sqlalchemy.orm import selectinload

from core import audit, tenancy
from core.extensions import db
from core.models import Resident
from plugins.health.models import HealthCampaign, HealthCampaignCheck, HealthCheck, HealthInvitation

PER_PAGE = 25


def audit_view(resident: Resident, page: str) -> None:
    """Write down that the current user saw this resident's health values.

    Called once the page is rendered: the commit expires every loaded row, and a page
    rendered after it would load each row again.
    """
    audit.record_read("health.record.viewed", resident, residents=[resident], detail={"page": page})
    db.session.commit()


def counts_by_campaign(campaign_ids: list[int]) -> dict[int, dict[str, int]]:
    if not campaign_ids:
        return {}
    rows = db.session.execute(
        tenancy.select(
            HealthInvitation,
            HealthInvitation.campaign_id,
            func.count(HealthInvitation.id),
            func.sum(case((HealthInvitation.status == "booked", 1), else_=0)),
            func.sum(case((HealthInvitation.status == "attended", 1), else_=0)),
        )
        .where(HealthInvitation.campaign_id.in_(campaign_ids))
        .group_by(HealthInvitation.campaign_id)
    ).all()
    return {
        cid: {"invited": n, "booked": int(b or 0), "attended": int(a or 0)} for cid, n, b, a in rows
    }


def invitation_or_404(invitation_id: int) -> HealthInvitation:
    return tenancy.get_or_404(HealthInvitation, invitation_id)


def checks_of(campaign: HealthCampaign) -> list[HealthCheck]:
    return list(
        db.session.scalars(
            tenancy.select(HealthCheck)
            .join(HealthCampaignCheck, HealthCampaignCheck.check_id == HealthCheck.id)
            .where(HealthCampaignCheck.campaign_id == campaign.id)
            .options(selectinload(HealthCheck.ranges))
            .order_by(HealthCheck.position, HealthCheck.id)
        )
    )
