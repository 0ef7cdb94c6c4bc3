"""Small steps of the health stories, done through the pages as a user would."""

from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from plugins.health.models import HealthCampaign, HealthCheck, HealthInvitation


def check_ids(app, site) -> dict[str, int]:
    with app.app_context():
        return dict(
            db.session.execute(
                select(HealthCheck.code, HealthCheck.id).where(HealthCheck.site_id == site.id)
            ).all()
        )


def plan_campaign(client, app, estate, name="Winter health check", **fields) -> int:
    ids = check_ids(app, estate.site)
    data = {
        "name": name,
        "place": "Clubhouse",
        "starts_on": "2026-12-01",
        "ends_on": "2026-12-02",
        "checks": [str(i) for i in ids.values()],
    } | fields
    response = client.post(f"{estate.base}/campaigns/new", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        return db.session.scalar(
            select(HealthCampaign.id).where(
                HealthCampaign.site_id == estate.site.id, HealthCampaign.name == name
            )
        )


def invite_everyone(client, estate, campaign_id, **criteria):
    data = {"age_min": "0", "age_max": "150", "household": "any"} | criteria
    return client.post(f"{estate.base}/campaigns/{campaign_id}/invite", data=data)


def invitation_of(app, campaign_id, resident_id) -> int:
    with app.app_context():
        return db.session.scalar(
            select(HealthInvitation.id).where(
                HealthInvitation.campaign_id == campaign_id,
                HealthInvitation.resident_id == resident_id,
            )
        )


def give_consent(client, estate, resident_id, sex="F"):
    response = client.post(
        f"{estate.base}/residents/{resident_id}/profile", data={"sex": sex, "consent": "y"}
    )
    assert response.status_code == 303
    return response


def enter(client, app, estate, invitation_id, **values):
    data = {"measured_on": "2026-12-01"}
    for code, value in values.items():
        if isinstance(value, tuple):
            data[code], data[f"{code}_2"] = value
        else:
            data[code] = value
    return client.post(f"{estate.base}/invitations/{invitation_id}/results", data=data)
