"""Who sees health values: health staff and managers only, every view audited; butlers
see that a resident took part and nothing more; other sites and sites without the
programme see nothing at all."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select, update

from core.extensions import db
from core.models import AuditLog, PluginEnablement, User
from plugins.health.models import HealthResult
from tests.conftest import login
from tests.plugins.health.helpers import (
    enter,
    give_consent,
    invitation_of,
    invite_everyone,
    plan_campaign,
)

VALUE = "187/113"  # a blood pressure nobody would find on a page by chance


@pytest.fixture
def measured(app, client, estate, elder):
    """Mrs Chan came to the winter check and her blood pressure was measured."""
    login(client, "helen")
    campaign_id = plan_campaign(client, app, estate)
    invite_everyone(client, estate, campaign_id)
    invitation_id = invitation_of(app, campaign_id, elder.id)
    give_consent(client, estate, elder.id)
    assert (
        enter(
            client, app, estate, invitation_id, blood_pressure=("187", "113"), bmi="31.7"
        ).status_code
        == 303
    )
    client.post("/logout")
    return campaign_id, invitation_id


def test_butler_is_refused_the_record_and_every_page_with_values(
    app, client, estate, elder, measured
):
    campaign_id, invitation_id = measured
    login(client, "ben")
    for url in (
        f"{estate.base}/residents/{elder.id}",
        f"{estate.base}/residents/{elder.id}/export",
        f"{estate.base}/invitations/{invitation_id}/assessment",
        f"{estate.base}/invitations/{invitation_id}/results",
        f"{estate.base}/campaigns/{campaign_id}/summary",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "187" not in response.get_data(as_text=True)


def test_butler_sees_only_that_the_resident_took_part(app, client, estate, elder, measured):
    campaign_id, _invitation_id = measured
    login(client, "ben")
    pages = {
        "campaign": client.get(f"{estate.base}/campaigns/{campaign_id}"),
        "panel": client.get(f"{estate.base}/residents/{elder.id}/panel"),
        "resident": client.get(f"/s/{estate.site.slug}/residents/{elder.id}"),
        "search value": client.get(f"/s/{estate.site.slug}/search?q=187"),
        "search name": client.get(f"/s/{estate.site.slug}/search?q=Chan"),
        "search campaign": client.get(f"/s/{estate.site.slug}/search?q=Winter"),
        "export": client.get(f"/s/{estate.site.slug}/residents/export.csv?mine=0"),
        "dashboard": client.get(f"/s/{estate.site.slug}/"),
    }
    for name, response in pages.items():
        html = response.get_data(as_text=True)
        assert response.status_code == 200, name
        assert VALUE not in html and "31.7" not in html and "Above normal" not in html, name
        assert "113" not in html, name
    assert "Chan Mei Ling" in pages["campaign"].get_data(as_text=True)
    assert "Came" in pages["campaign"].get_data(as_text=True)
    assert "Came" in pages["panel"].get_data(as_text=True)
    assert "Open the health record" not in pages["panel"].get_data(as_text=True)
    assert "Winter health check" in pages["search campaign"].get_data(as_text=True)


def test_health_staff_view_of_a_record_is_audited_with_who_and_when(
    app, client, make, estate, elder, measured
):
    login(client, "helen")
    with app.app_context():
        before = db.session.scalar(
            select(func.count(AuditLog.id)).where(AuditLog.action == "health.record.viewed")
        )
    response = client.get(f"{estate.base}/residents/{elder.id}")
    assert response.status_code == 200 and "187/113" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    with app.app_context():
        rows = db.session.scalars(
            select(AuditLog)
            .where(AuditLog.action == "health.record.viewed")
            .order_by(AuditLog.id.desc())
        ).all()
        assert len(rows) == before + 1
        latest = rows[0]
        assert latest.object_type == "Resident" and latest.object_id == elder.id
        assert latest.user_id == db.session.scalar(select(User.id).where(User.username == "helen"))
        assert latest.at is not None and latest.site_id == estate.site.id
        assert '"record"' in latest.detail


def test_every_health_page_is_sent_no_store(app, client, estate, elder, measured):
    campaign_id, invitation_id = measured
    login(client, "helen")
    for url in (
        f"{estate.base}/",
        f"{estate.base}/campaigns/{campaign_id}",
        f"{estate.base}/invitations/{invitation_id}/results",
        f"{estate.base}/invitations/{invitation_id}/assessment",
        f"{estate.base}/residents/{elder.id}/panel",
    ):
        assert client.get(url).headers["Cache-Control"] == "no-store", url


def test_health_staff_sees_the_record_link_in_the_panel(client, estate, elder, measured):
    login(client, "helen")
    html = client.get(f"{estate.base}/residents/{elder.id}/panel").get_data(as_text=True)
    assert "Open the health record" in html
    assert "187" not in html  # the panel never shows values, for anyone


def test_the_summary_names_nobody(app, client, make, estate, elder, measured):
    campaign_id, _ = measured
    login(client, "mia")
    html = client.get(f"{estate.base}/campaigns/{campaign_id}/summary").get_data(as_text=True)
    assert "Chan Mei Ling" not in html and "187" not in html
    assert "too few" in html  # one person measured: the share is hidden
    xlsx = client.get(f"{estate.base}/campaigns/{campaign_id}/summary?export=xlsx")
    assert xlsx.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    cells = [
        str(c.value)
        for row in load_workbook(BytesIO(xlsx.data)).active.iter_rows()
        for c in row
        if c.value is not None
    ]
    assert not any("Chan" in c for c in cells)
    assert "Winter health check" in cells


def test_the_summary_shows_shares_by_age_band_once_groups_are_large_enough(
    app, client, make, estate
):
    people = [
        make.resident(estate.site, estate.unit, name=f"Elder {n}", birth_date=date(1950, 1, n + 1))
        for n in range(4)
    ]
    login(client, "helen")
    campaign_id = plan_campaign(client, app, estate)
    invite_everyone(client, estate, campaign_id)
    for n, person in enumerate(people):
        give_consent(client, estate, person.id)
        invitation_id = invitation_of(app, campaign_id, person.id)
        heart = "120" if n == 0 else "70"
        assert enter(client, app, estate, invitation_id, heart_rate=heart).status_code == 303
    client.post("/logout")
    login(client, "mia")
    html = client.get(f"{estate.base}/campaigns/{campaign_id}/summary").get_data(as_text=True)
    assert "25% <small>(of 4)</small>" in html
    assert "Elder" not in html


def test_another_sites_health_staff_gets_404(app, client, make, estate, elder, measured):
    campaign_id, invitation_id = measured
    elsewhere = make.site(name="Other Estate")
    make.enable(elsewhere, "health")
    make.user(role="health_staff", site=elsewhere, username="olga")
    login(client, "olga")
    for url in (
        f"{estate.base}/residents/{elder.id}",
        f"{estate.base}/campaigns/{campaign_id}",
        f"/s/{elsewhere.slug}/health/residents/{elder.id}",
        f"/s/{elsewhere.slug}/health/invitations/{invitation_id}/assessment",
        f"/s/{elsewhere.slug}/health/campaigns/{campaign_id}",
        f"/s/{elsewhere.slug}/health/campaigns/{campaign_id}/summary",
    ):
        assert client.get(url).status_code == 404, url
    posted = client.post(
        f"/s/{elsewhere.slug}/health/invitations/{invitation_id}/results",
        data={"measured_on": "2026-12-01"},
    )
    assert posted.status_code == 404


def test_with_the_programme_off_everything_is_404_and_nothing_shows(
    app, client, make, estate, elder, measured
):
    campaign_id, _ = measured
    with app.app_context():
        db.session.execute(
            update(PluginEnablement)
            .where(PluginEnablement.site_id == estate.site.id, PluginEnablement.plugin == "health")
            .values(enabled=False)
        )
        db.session.commit()
    login(client, "helen")
    assert client.get(f"{estate.base}/").status_code == 404
    assert client.get(f"{estate.base}/residents/{elder.id}").status_code == 404
    assert client.get(f"{estate.base}/campaigns/{campaign_id}").status_code == 404
    dashboard = client.get(f"/s/{estate.site.slug}/").get_data(as_text=True)
    assert "Next health check" not in dashboard and "/health/" not in dashboard
    resident = client.get(f"/s/{estate.site.slug}/residents/{elder.id}").get_data(as_text=True)
    assert "/health/" not in resident
    search = client.get(f"/s/{estate.site.slug}/search?q=Winter").get_data(as_text=True)
    assert "Winter health check" not in search
    with app.app_context():
        assert db.session.scalar(select(func.count(HealthResult.id))) == 2  # kept, not shown


def test_with_the_programme_on_the_nav_widget_and_panel_show(client, estate, elder, measured):
    login(client, "helen")
    dashboard = client.get(f"/s/{estate.site.slug}/").get_data(as_text=True)
    assert "Health checks" in dashboard and "Next health check" in dashboard
    resident = client.get(f"/s/{estate.site.slug}/residents/{elder.id}").get_data(as_text=True)
    assert f"/health/residents/{elder.id}/panel" in resident


def test_the_reports_page_leads_managers_to_the_summaries_of_the_month(
    app, client, estate, elder, measured
):
    login(client, "mia")
    reports = client.get(f"/s/{estate.site.slug}/reports?period=2026-12").get_data(as_text=True)
    assert "Health-check summary" in reports
    december = client.get(f"{estate.base}/summary?period=2026-12").get_data(as_text=True)
    assert "Winter health check" in december and "1 of 1 came" in december
    figure = december.split('<figure class="chart-figure"')[1].split("</figure>")[0]
    assert "<figcaption>Invited, booked and came, by health check</figcaption>" in figure
    assert '<th scope="row">Winter health check</th><td>1</td><td>0</td><td>1</td>' in figure
    january = client.get(f"{estate.base}/summary?period=2027-01").get_data(as_text=True)
    assert "No health check in this period." in january
    odd = client.get(f"{estate.base}/summary?period=2027-13")
    assert odd.status_code == 200 and "Winter health check" in odd.get_data(as_text=True)
    client.post("/logout")
    login(client, "ben")
    assert "Health-check summary" not in client.get(
        f"/s/{estate.site.slug}/reports?period=2026-12"
    ).get_data(as_text=True)


def test_the_manager_sees_on_the_residents_page_who_read_their_health_values(
    app, client, estate, elder, measured
):
    _, invitation_id = measured
    login(client, "helen")
    client.get(f"{estate.base}/residents/{elder.id}")
    client.get(f"{estate.base}/invitations/{invitation_id}/assessment")
    client.post("/logout")
    login(client, "mia")
    html = client.get(f"/s/{estate.site.slug}/residents/{elder.id}").get_data(as_text=True)
    section = html.partition('id="sensitive-reads"')[2].partition("</section>")[0]
    assert section.count("Helen Lee") >= 2 and "health.record.viewed" in section
    # Who and when, never a value (the time's machine-readable form may hold any digits).
    assert "187" not in re.sub(r'datetime="[^"]*"', "", section)
