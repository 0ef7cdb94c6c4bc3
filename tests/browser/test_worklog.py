"""A butler's work log on a phone: today's request in it, remarks written at the foot,
and the page printed to A4 with the remarks and without the form."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from core import clock
from core.extensions import db
from core.models import Building, Resident, Site, User
from plugins.service_desk import rules as service_desk
from plugins.service_desk.models import ServiceDeskCategory
from tests.browser.conftest import ARTIFACTS, Butler, LiveServer, Screenshots, nav_to
from tests.browser.test_offline import log_in
from tests.browser.test_service_desk import _service_desk_on

pytestmark = pytest.mark.browser


def _a_request_logged_by(live_server: LiveServer, butler: Butler) -> None:
    _service_desk_on(live_server, butler.site_slug, resident="Chan Tai Man")
    with live_server.app.app_context():
        site = db.session.scalars(select(Site).where(Site.slug == butler.site_slug)).one()
        category = db.session.scalars(
            select(ServiceDeskCategory).where(
                ServiceDeskCategory.site_id == site.id, ServiceDeskCategory.name == "Plumbing"
            )
        ).first()
        service_desk.log(
            category=category,
            resident=db.session.scalars(select(Resident).where(Resident.site_id == site.id)).one(),
            unit_id=None,
            building_id=db.session.scalars(select(Building).where(Building.site_id == site.id))
            .first()
            .id,
            channel="phone",
            description="Water drips in the lift lobby",
            user=db.session.scalars(select(User).where(User.username == butler.username)).one(),
            # A minute ago, or the first minute of the day just after midnight.
            at=max(
                clock.now() - timedelta(minutes=1),
                clock.day_bounds(site, clock.today(site))[0],
            ),
        )
        db.session.commit()
        db.session.remove()


def test_the_butler_writes_the_days_remarks_and_prints_the_log(
    page: Page, butler: Butler, live_server: LiveServer, screenshot: Screenshots
) -> None:
    pdftotext = shutil.which("pdftotext")
    if not pdftotext:
        pytest.fail("poppler-utils is needed (make chromium installs it)")
    _a_request_logged_by(live_server, butler)
    log_in(page, butler)
    nav_to(page, "Today")
    page.get_by_role("link", name="My work log for today").click()
    expect(
        page.get_by_role("heading", name=re.compile("^Work log of Chan Tai Man"))
    ).to_be_visible()
    expect(page.locator("table.work-log")).to_contain_text("Water drips in the lift lobby")
    expect(page.locator("table.work-log")).to_contain_text("logged the request")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390

    page.get_by_label("My remarks on the day").fill("Lobby floor mopped; warning sign put up")
    page.get_by_role("button", name="Save my remarks").click()
    expect(page.get_by_text("Your remarks are saved.")).to_be_visible()
    expect(page.get_by_label("My remarks on the day")).to_have_value(
        "Lobby floor mopped; warning sign put up"
    )
    screenshot("work-log")

    folder = ARTIFACTS / "print"
    folder.mkdir(parents=True, exist_ok=True)
    pdf = folder / "work-log.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    text = subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert butler.site_name in text
    assert "Chan Tai Man" in text
    assert "Water drips in the lift lobby" in text
    assert "Lobby floor mopped; warning sign put up" in text
    for not_on_paper in ("Save my remarks", "Previous day", "Log out"):
        assert not_on_paper not in text
