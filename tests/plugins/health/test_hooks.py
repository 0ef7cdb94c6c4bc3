"""The programme's part of the site: turning it on, the demo, the other languages."""

from __future__ import annotations

from sqlalchemy import func, select

from core.extensions import db
from core.models import Site
from plugins.health.models import HealthCheck, HealthInvitation, HealthResult
from tests.conftest import login
from tests.plugins.health.helpers import (
    enter,
    give_consent,
    invitation_of,
    invite_everyone,
    plan_campaign,
)


def test_turning_the_programme_on_gives_the_site_the_standard_checks(app, client, make):
    site = make.site()
    admin = make.user(role="manager", site=site, username="org-ada")
    make.update(admin, is_org_admin=True)
    login(client, "org-ada")
    response = client.post(f"/s/{site.slug}/admin/plugins/health", data={"enabled": "1"})
    assert response.status_code in (302, 303)
    with app.app_context():
        codes = set(
            db.session.scalars(select(HealthCheck.code).where(HealthCheck.site_id == site.id))
        )
    assert codes == {
        "blood_pressure",
        "blood_glucose",
        "bmi",
        "heart_rate",
        "vision",
        "bone_density",
    }
    # Off and on again: nothing is added twice.
    client.post(f"/s/{site.slug}/admin/plugins/health", data={"enabled": "0"})
    client.post(f"/s/{site.slug}/admin/plugins/health", data={"enabled": "1"})
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count(HealthCheck.id)).where(HealthCheck.site_id == site.id)
            )
            == 6
        )


def test_the_demo_adds_a_health_check_once(app, make, estate, elder):
    from plugins.health.demo import add_demo

    for _ in range(2):
        with app.app_context():
            add_demo(db.session.get(Site, estate.site.id))
            db.session.commit()
    with app.app_context():
        assert db.session.scalar(select(func.count(HealthInvitation.id))) == 1
        assert db.session.scalar(select(func.count(HealthResult.id))) in (0, 6)


def test_the_pages_speak_chinese(app, client, make, estate, elder):
    login(client, "helen")
    campaign_id = plan_campaign(client, app, estate)
    invite_everyone(client, estate, campaign_id)
    invitation_id = invitation_of(app, campaign_id, elder.id)
    give_consent(client, estate, elder.id)
    enter(client, app, estate, invitation_id, blood_pressure=("150", "95"))
    client.post("/language", data={"locale": "zh_Hant", "next": "/sites"})
    record = client.get(f"{estate.base}/residents/{elder.id}").get_data(as_text=True)
    assert "健康檔案" in record and "血壓" in record and "高於正常" in record
    client.post("/language", data={"locale": "zh_Hans", "next": "/sites"})
    page = client.get(f"{estate.base}/campaigns/{campaign_id}").get_data(as_text=True)
    assert "已邀请业户" in page and "已到场" in page
    refused = enter(client, app, estate, invitation_id, heart_rate="999")
    assert "不是合理数值" in refused.get_data(as_text=True)
