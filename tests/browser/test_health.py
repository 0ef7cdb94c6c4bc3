"""Health staff on a phone run a health check: invite, record consent, enter results (a
typing mistake refused, a high value flagged), read the record with its trend chart and
the printable assessment; and the plugin's pages pass the HTML checker and axe."""

from __future__ import annotations

import re
import shutil
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, Response, expect
from sqlalchemy import select

from core.auth import hash_password
from core.extensions import db
from core.models import Membership, Occupancy, PluginEnablement, Resident, Site, Unit, User
from plugins.health.models import HealthCampaign, HealthCampaignCheck, HealthCheck, HealthSlot
from plugins.health.rules import ensure_standard_checks
from tests.browser.conftest import ARTIFACTS, Butler, LiveServer, Screenshots, nav_to
from tests.browser.test_outside_checks import _tools, axe_problems, run_vnu

pytestmark = pytest.mark.browser
PASSWORD = "health-staff-2024"


@pytest.fixture
def clinic(live_server: LiveServer, butler: Butler) -> dict[str, int]:
    """The health programme on for the butler's site, a campaign with a time, Helen (health
    staff) and Mrs Chan, 70, in 12A."""
    with live_server.app.app_context():
        site = db.session.scalars(select(Site).where(Site.slug == butler.site_slug)).one()
        unit = db.session.scalars(select(Unit).where(Unit.site_id == site.id)).first()
        db.session.add(PluginEnablement(site_id=site.id, plugin="health", enabled=True))
        ensure_standard_checks(site)
        helen = User(
            organization_id=site.organization_id,
            username="helen.lee",
            display_name="Helen Lee",
            password_hash=hash_password(PASSWORD),
        )
        db.session.add(helen)
        db.session.flush()
        db.session.add(Membership(site_id=site.id, user_id=helen.id, role="health_staff"))
        resident = Resident(
            site_id=site.id, name="Chan Mei Ling", phone="91234567", birth_date=date(1955, 4, 2)
        )
        db.session.add(resident)
        db.session.flush()
        db.session.add(
            Occupancy(
                site_id=site.id,
                resident_id=resident.id,
                unit_id=unit.id,
                role="owner",
                moved_in=date(2020, 1, 1),
            )
        )
        campaign = HealthCampaign(
            site_id=site.id,
            name="Winter health check",
            place="Clubhouse",
            starts_on=date(2026, 12, 1),
            ends_on=date(2026, 12, 1),
        )
        db.session.add(campaign)
        db.session.flush()
        for check in db.session.scalars(select(HealthCheck).where(HealthCheck.site_id == site.id)):
            db.session.add(
                HealthCampaignCheck(site_id=site.id, campaign_id=campaign.id, check_id=check.id)
            )
        db.session.add(
            HealthSlot(
                site_id=site.id,
                campaign_id=campaign.id,
                starts_at=datetime.combine(
                    date(2026, 12, 1), time(9, 30), tzinfo=ZoneInfo("Asia/Hong_Kong")
                ),
                capacity=6,
            )
        )
        db.session.commit()
        ids = {"campaign_id": campaign.id, "resident_id": resident.id}
        db.session.remove()
    return ids


def log_in(page: Page, butler: Butler) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill("helen.lee")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(rf"/s/{butler.site_slug}/$"))


def test_health_staff_invite_record_consent_and_enter_results_on_a_phone(
    page: Page, butler: Butler, clinic: dict[str, int], screenshot: Screenshots
) -> None:
    base = f"/s/{butler.site_slug}/health"
    log_in(page, butler)
    expect(page.locator("#widget-health-next")).to_be_visible()
    nav_to(page, "Health checks")
    page.get_by_role("link", name="Winter health check").click()
    screenshot("campaign")

    page.get_by_role("button", name="Invite residents").click()
    page.get_by_label("From age").fill("60")
    page.get_by_role("button", name="Show who would be invited").click()
    expect(page.get_by_text("1 resident matches")).to_be_visible()
    page.get_by_role("button", name="Send 1 invitation").click()
    expect(page.get_by_text("1 residents invited; 0 had been invited before.")).to_be_visible()
    page.get_by_role("button", name="Book").click()
    expect(page.get_by_role("cell", name="Booked")).to_be_visible()

    page.goto(f"{base}/residents/{clinic['resident_id']}")
    expect(page.get_by_text("No consent: no health record is kept")).to_be_visible()
    page.get_by_text("Change consent and profile").click()
    page.get_by_label("The resident agrees that we keep a health record").check()
    page.get_by_label("Sex").select_option("F")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Consent given on")).to_be_visible()

    page.goto(f"{base}/campaigns/{clinic['campaign_id']}")
    page.get_by_role("link", name="Results").click()
    page.get_by_label("Systolic").fill("400")
    page.get_by_label("Diastolic").fill("90")
    page.get_by_role("button", name="Save the results").click()
    expect(page.get_by_text("400 is not a plausible value")).to_be_visible()
    screenshot("implausible-refused")
    page.get_by_label("Systolic").fill("158")
    page.get_by_role("button", name="Save the results").click()
    expect(page.get_by_text("Outside the normal range: Blood pressure")).to_be_visible()
    screenshot("flagged")

    page.get_by_role("link", name="Health record").click()
    expect(page.locator("svg.health-trend").first).to_be_visible()
    expect(page.get_by_role("cell", name="158/90")).to_be_visible()
    screenshot("record")


def test_health_pages_are_valid_html_and_accessible(
    page: Page, butler: Butler, clinic: dict[str, int], live_server: LiveServer
) -> None:
    java, axe_source = _tools()
    folder = ARTIFACTS / "health-html"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    base = f"/s/{butler.site_slug}/health"
    log_in(page, butler)
    # Put the resident through the check so that every page has something to show.
    page.goto(f"{base}/campaigns/{clinic['campaign_id']}/invite?age_min=0&age_max=150")
    page.get_by_role("button", name="Send 1 invitation").click()
    expect(page.get_by_text("1 residents invited")).to_be_visible()
    page.wait_for_load_state("load")
    page.goto(f"{base}/residents/{clinic['resident_id']}")
    page.get_by_text("Change consent and profile").click()
    page.get_by_label("The resident agrees that we keep a health record").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Consent given on")).to_be_visible()
    page.wait_for_load_state("load")
    page.goto(f"{base}/campaigns/{clinic['campaign_id']}")
    page.get_by_role("link", name="Results").click()
    results_url = page.url
    page.get_by_label("Value").first.fill("5.1")
    page.get_by_role("button", name="Save the results").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    page.wait_for_load_state("load")
    assessment_url = results_url.replace("/results", "/assessment")

    saved: dict[str, Path] = {}
    found: list[str] = []

    def check(name: str, response: Response | None) -> None:
        assert response is not None and response.ok, f"{name}: {response and response.status}"
        path = folder / f"{len(saved) + 1:02d}-{name}.html"
        path.write_text(response.text(), encoding="utf-8")
        saved[name] = path
        found.extend(axe_problems(page, name, axe_source))

    for name, url in (
        ("index", f"{base}/"),
        ("campaign", f"{base}/campaigns/{clinic['campaign_id']}"),
        ("invite", f"{base}/campaigns/{clinic['campaign_id']}/invite?age_min=60&age_max=150"),
        ("results", results_url),
        ("assessment", assessment_url),
        ("record", f"{base}/residents/{clinic['resident_id']}"),
        ("checks", f"{base}/checks"),
        ("new-campaign", f"{base}/campaigns/new"),
        ("summary-index", f"{base}/summary"),
        ("summary", f"{base}/campaigns/{clinic['campaign_id']}/summary"),
    ):
        check(name, page.goto(url))
    errors = run_vnu(java, saved)
    assert not errors, "The Nu HTML Checker found errors:\n  " + "\n  ".join(errors)
    assert not found, "axe found serious or critical violations:\n  " + "\n  ".join(found)
