"""On a phone, a butler opens the planned work, logs the pest-control contractor's visit
with a photo, and checks it: the task leaves the due list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from core import clock
from core.extensions import db
from core.models import PluginEnablement, Site
from plugins.maintenance import rules
from plugins.maintenance.models import MaintenanceContract, MaintenanceContractor, MaintenanceWork
from tests.browser.conftest import Butler, LiveServer, Screenshots, nav_to
from tests.browser.test_offline import log_in
from tests.browser.test_service_desk import _png

pytestmark = pytest.mark.browser


def _pest_control_on(live_server: LiveServer, slug: str) -> None:
    """The plugin on, a pest-control company with this year's contract on the default plan."""
    with live_server.app.app_context():
        site = db.session.scalars(select(Site).where(Site.slug == slug)).one()
        db.session.add(PluginEnablement(site_id=site.id, plugin="maintenance", enabled=True))
        company = MaintenanceContractor(
            site_id=site.id, company="Safe Pest Control Ltd", services=["pest_control"]
        )
        db.session.add(company)
        db.session.flush()
        today = clock.today(site)
        contract = MaintenanceContract(
            site_id=site.id,
            contractor_id=company.id,
            title="Pest control",
            starts_on=today - timedelta(days=40),
            ends_on=today + timedelta(days=320),
        )
        db.session.add(contract)
        db.session.flush()
        rules.add_default_plan(site, contract, ["pest_control"])
        db.session.commit()
        db.session.remove()


def test_a_butler_logs_a_pest_control_visit_with_a_photo_on_a_phone(
    page: Page, butler: Butler, live_server: LiveServer, screenshot: Screenshots
) -> None:
    _pest_control_on(live_server, butler.site_slug)
    log_in(page, butler)
    nav_to(page, "Planned work")
    expect(page.get_by_role("heading", name="Planned work", level=1)).to_be_visible()
    task = page.get_by_role("link", name="Pest control of the public areas").first
    expect(task).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    screenshot("due-list")
    task.click()

    expect(
        page.get_by_role("heading", name="Pest control of the public areas · T1")
    ).to_be_visible()
    expect(page.get_by_label("Who did it")).to_have_value("Safe Pest Control Ltd")
    page.get_by_label("Note").fill("Bait boxes refilled in the bin room")
    page.get_by_label("Photo (JPEG, PNG or WebP)").set_input_files(
        {"name": "bait.png", "mimeType": "image/png", "buffer": _png()}
    )
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    screenshot("log-form")
    page.get_by_role("button", name="Save the work").click()

    expect(page.get_by_text("is logged.")).to_be_visible()
    photo = page.get_by_role("img", name="Photo of the work")
    expect(photo).to_be_visible()
    assert page.evaluate("() => document.querySelector('.maintenance-photo').naturalWidth") == 1
    page.get_by_label("Your check").select_option(label="Checked: done well")
    page.get_by_role("button", name="Save my check").click()
    expect(page.locator("#check")).to_contain_text("Checked: done well")
    screenshot("checked")

    nav_to(page, "Planned work")
    expect(page.get_by_role("link", name="Pest control of the public areas")).to_have_count(0)
    with live_server.app.app_context():
        work = db.session.scalars(select(MaintenanceWork)).one()
        assert work.photo_key and work.check_result == "accepted"
        assert work.note == "Bait boxes refilled in the bin room"
        db.session.remove()
