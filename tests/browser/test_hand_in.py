"""A butler on a phone opens last month's hand-in pack, hands it in and sees it recorded;
a manager's list shows who has; the pack's pages pass the HTML checker and axe."""

from __future__ import annotations

import re
import shutil
from datetime import datetime, time
from pathlib import Path

import pytest
from playwright.sync_api import Page, Response, expect
from sqlalchemy import select

from core import clock, handin
from core.extensions import db
from core.models import (
    HandIn,
    Occupancy,
    PluginEnablement,
    Resident,
    Site,
    Unit,
    User,
)
from plugins.service_desk import rules
from plugins.service_desk.models import ServiceDeskCategory
from tests.browser.conftest import ARTIFACTS, Admin, Butler, LiveServer, Screenshots, nav_to
from tests.browser.test_outside_checks import _tools, axe_problems, run_vnu
from tests.browser.test_outside_checks import log_in as admin_log_in
from tests.browser.test_resident_journey import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def last_month(live_server: LiveServer, butler: Butler) -> str:
    """The service desk on for the butler's site, and two repairs from 12A logged on the
    10th of last month (whatever month that is): the month the butler hands in."""
    with live_server.app.app_context():
        site = db.session.scalars(select(Site).where(Site.slug == butler.site_slug)).one()
        period = handin.previous_month(site)
        unit = db.session.scalars(select(Unit).where(Unit.site_id == site.id)).first()
        db.session.add(PluginEnablement(site_id=site.id, plugin="service_desk", enabled=True))
        category = ServiceDeskCategory(
            site_id=site.id, type="repair", name="Plumbing", reply_minutes=30, complete_hours=48
        )
        resident = Resident(site_id=site.id, name="Wong Siu Ming", phone="91234567")
        db.session.add_all([category, resident])
        db.session.flush()
        db.session.add(
            Occupancy(
                site_id=site.id,
                resident_id=resident.id,
                unit_id=unit.id,
                role="owner",
                moved_in=datetime(2020, 1, 1).date(),
            )
        )
        user = db.session.scalars(select(User).where(User.username == butler.username)).one()
        day = datetime.strptime(f"{period}-10", "%Y-%m-%d").date()
        at = datetime.combine(day, time(9), tzinfo=clock.zone(site))
        for _ in range(2):
            rules.log(
                category=category,
                resident=resident,
                unit_id=unit.id,
                building_id=unit.building_id,
                channel="phone",
                description="Leaking tap in the kitchen",
                user=user,
                at=at,
            )
        db.session.commit()
        db.session.remove()
    return period


def test_butler_opens_last_months_pack_hands_it_in_and_sees_it_recorded(
    page: Page,
    butler: Butler,
    last_month: str,
    screenshot: Screenshots,
    live_server: LiveServer,
) -> None:
    log_in(page, butler)
    nav_to(page, "Hand-in")
    expect(page).to_have_url(re.compile(rf"/hand-in/{last_month}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Hand-in pack of {butler.display_name}"
    )
    expect(page.get_by_text("Not handed in yet.")).to_be_visible()
    section = page.locator("#report-service_desk-monthly")
    repairs = section.get_by_role("row").filter(has_text="Repair")
    expect(repairs.get_by_role("cell").nth(1)).to_have_text("2")
    screenshot("last-months-pack")

    page.get_by_role("button", name="Hand in").click()
    expect(page.get_by_text("Handed in. Later changes to these figures")).to_be_visible()
    expect(page.locator(".handed-in")).to_contain_text(f"by {butler.display_name}")
    expect(page.get_by_text("No change since hand-in.")).to_be_visible()
    expect(page.get_by_role("button", name="Hand in again")).to_be_visible()
    screenshot("handed-in")
    # On paper: the site, the month and the butler at the top, no navigation nor buttons.
    page.emulate_media(media="print")
    expect(page.locator(".print-header")).to_contain_text(f"{last_month} · {butler.display_name}")
    expect(page.get_by_role("navigation", name="Site")).to_be_hidden()
    expect(page.get_by_role("button", name="Hand in again")).to_be_hidden()
    screenshot("printed")
    with live_server.app.app_context():
        kept = db.session.scalars(select(HandIn)).one()
        assert kept.period == last_month and kept.times == 1
        db.session.remove()


def test_hand_in_pages_are_valid_html_and_accessible(
    page: Page, org_admin: Admin, butler: Butler, last_month: str, live_server: LiveServer
) -> None:
    java, axe_source = _tools()
    with live_server.app.app_context():
        butler_id = db.session.scalar(select(User.id).where(User.username == butler.username))
        db.session.remove()
    folder = ARTIFACTS / "html-hand-in"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    saved: dict[str, Path] = {}
    found: list[str] = []

    def check(name: str, response: Response | None, ok: bool = True) -> None:
        assert response is not None and response.ok == ok, f"{name}: {response and response.status}"
        path = folder / f"{len(saved) + 1:02d}-{name}.html"
        path.write_text(response.text(), encoding="utf-8")
        saved[name] = path
        found.extend(axe_problems(page, name, axe_source))

    admin_log_in(page, org_admin)
    s = f"/s/{org_admin.site_slug}/hand-in"
    check("pack", page.goto(f"{s}/{last_month}?butler={butler_id}"))
    check("status", page.goto(f"{s}/{last_month}/status"))
    expect(page.locator("#hand-in-count")).to_have_text("0 of 1 handed in.")
    check("bad-month", page.goto(f"{s}/2026-13"), ok=False)
    expect(page.get_by_text("Choose a month as YYYY-MM, for example 2026-11.")).to_be_visible()
    errors = run_vnu(java, saved)
    assert not errors, "The Nu HTML Checker found errors:\n  " + "\n  ".join(errors)
    assert not found, "axe found serious or critical violations:\n  " + "\n  ".join(found)
