"""A butler scans a checkpoint's QR code on a phone, ticks an item, and, in a basement
without signal, reports a finding with a photo: it reaches the server once when the
signal returns. The rounds' pages pass the Nu HTML Checker and axe."""

from __future__ import annotations

import re
import shutil

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from core import clock
from core.extensions import db
from core.models import Building, PluginEnablement, Site, SubmissionKey, User
from plugins.inspections import rules
from plugins.inspections.models import InspectionsFinding, InspectionsMark
from tests.browser.conftest import ARTIFACTS, Butler, LiveServer, Screenshots
from tests.browser.test_offline import log_in
from tests.browser.test_outside_checks import _tools, axe_problems, run_vnu
from tests.browser.test_service_desk import _png

pytestmark = pytest.mark.browser


def _rounds_on(live_server: LiveServer, slug: str) -> int:
    """Turn the plugin on with the default route; the id of the route's first checkpoint."""
    with live_server.app.app_context():
        site = db.session.scalars(select(Site).where(Site.slug == slug)).one()
        db.session.add(PluginEnablement(site_id=site.id, plugin="inspections", enabled=True))
        building = db.session.scalars(select(Building).where(Building.site_id == site.id)).one()
        first = rules.seed_route(site, building)[0].id
        db.session.commit()
        db.session.remove()
    return first


def test_a_checkpoint_opened_by_its_qr_code_takes_a_finding_offline_once(
    page: Page, butler: Butler, live_server: LiveServer, screenshot: Screenshots
) -> None:
    lobby = _rounds_on(live_server, butler.site_slug)
    log_in(page, butler)
    page.goto(f"/s/{butler.site_slug}/inspections/c/{lobby}")
    expect(page.get_by_role("heading", name="Lobby · T1", level=1)).to_be_visible()
    page.get_by_role("button", name="Start the round here").click()
    expect(page).to_have_url(re.compile(rf"/checkpoints/{lobby}$"))
    page.get_by_role("button", name="OK: Floor, walls and entrance clean").click()
    expect(page.locator("#round-counts")).to_have_text("1 OK, 0 findings")

    page.context.set_offline(True)
    banner = page.locator("#offline-banner")
    expect(banner).to_have_text("Offline")
    item = page.locator(".inspections-item").nth(1)
    item.get_by_text("Report a finding").click()
    item.get_by_label("What is wrong").fill("Notice board glass cracked")
    item.get_by_label("Who puts it right").select_option("contractor")
    item.get_by_label("Contractor's name").fill("Bright Glass")
    item.get_by_label("Photo (JPEG, PNG or WebP)").set_input_files(
        {"name": "glass.png", "mimeType": "image/png", "buffer": _png()}
    )
    item.get_by_role("button", name="Raise the finding").click()
    expect(banner).to_have_text("Offline · 1 form waiting to be sent")
    screenshot("finding-waiting")
    with live_server.app.app_context():
        assert db.session.scalars(select(InspectionsFinding)).all() == []
        db.session.remove()

    page.context.set_offline(False)
    expect(banner).to_have_text("Sent: 1")
    page.reload()
    expect(page.locator("#round-counts")).to_have_text("1 OK, 1 findings")
    expect(page.get_by_text("Still open here")).to_be_visible()
    screenshot("finding-sent")
    with live_server.app.app_context():
        findings = db.session.scalars(select(InspectionsFinding)).all()
        assert len(findings) == 1
        assert findings[0].note == "Notice board glass cracked" and findings[0].photo_key
        assert findings[0].owner_name == "Bright Glass"
        assert db.session.scalar(select(func.count()).select_from(InspectionsMark)) == 2
        assert db.session.scalar(select(func.count()).select_from(SubmissionKey)) == 1
        db.session.remove()


def test_the_rounds_pages_are_valid_html_and_accessible(
    page: Page, butler: Butler, live_server: LiveServer, screenshot: Screenshots
) -> None:
    java, axe_source = _tools()
    lobby = _rounds_on(live_server, butler.site_slug)
    with live_server.app.app_context():
        site = db.session.scalars(select(Site).where(Site.slug == butler.site_slug)).one()
        person = db.session.scalars(select(User).where(User.username == butler.username)).one()
        building = db.session.scalars(select(Building).where(Building.site_id == site.id)).one()
        round_ = rules.start_round(site, building, person, clock.now())
        points = rules.checkpoints_of(site, building.id)
        item = rules.items_for(site, round_, [p.id for p in points])[0]
        _mark, finding = rules.mark(
            site,
            round_,
            person,
            clock.now(),
            "finding",
            item=item,
            finding=rules.FindingInput(note="Lobby floor stained"),
        )
        db.session.commit()
        round_id, finding_id = round_.id, finding.id
        db.session.remove()
    log_in(page, butler)
    s = f"/s/{butler.site_slug}/inspections"
    folder = ARTIFACTS / "html-inspections"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    saved, axe_found = {}, []
    for name, path in [
        ("rounds", f"{s}/"),
        ("round", f"{s}/rounds/{round_id}"),
        ("checkpoint", f"{s}/rounds/{round_id}/checkpoints/{lobby}"),
        ("finding", f"{s}/findings/{finding_id}"),
        ("findings", f"{s}/findings"),
        ("permits", f"{s}/permits"),
        ("new-permit", f"{s}/permits/new"),
        ("qr-sheet", f"{s}/qr-sheet"),
    ]:
        response = page.goto(path)
        assert response is not None and response.ok, f"{name}: {response and response.status}"
        saved[name] = folder / f"{len(saved) + 1:02d}-{name}.html"
        saved[name].write_text(response.text(), encoding="utf-8")
        axe_found.extend(axe_problems(page, name, axe_source))
        screenshot(name)
    vnu_errors = run_vnu(java, saved)
    assert not vnu_errors, "The Nu HTML Checker found errors:\n  " + "\n  ".join(vnu_errors)
    assert not axe_found, "axe found serious or critical violations:\n  " + "\n  ".join(axe_found)
