"""Community events on a phone: register a household, then take attendance at the door on
a slow connection; the plugin's pages are valid HTML with no serious accessibility problem."""

from __future__ import annotations

import re
import shutil
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from core import clock as core_clock
from core.extensions import db
from core.models import PluginEnablement, Site
from plugins.events.models import Event, Registration
from tests.browser.conftest import ARTIFACTS, Admin, LiveServer
from tests.browser.test_outside_checks import _tools, axe_problems, log_in, run_vnu

pytestmark = pytest.mark.browser

# Chromium's "slow 3G": 400 ms of latency, about 50 kB/s each way.
SLOW_3G = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 50 * 1024,
    "uploadThroughput": 50 * 1024,
}


@pytest.fixture
def lantern_evening(live_server: LiveServer, seeded_site: Admin) -> tuple[Admin, int]:
    """The events plugin on, and an event in two hours that Wong Siu Ming's family of
    three is registered for."""
    with live_server.app.app_context():
        site = db.session.scalars(db.select(Site).where(Site.slug == seeded_site.site_slug)).one()
        db.session.add(PluginEnablement(site_id=site.id, plugin="events", enabled=True))
        starts = core_clock.now().replace(second=0, microsecond=0) + timedelta(hours=2)
        event = Event(
            site_id=site.id,
            title="Lantern evening",
            description="Lanterns, mooncakes and riddles for families.",
            place="Clubhouse",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            capacity=4,
        )
        db.session.add(event)
        db.session.flush()
        db.session.add(
            Registration(
                site_id=site.id,
                event_id=event.id,
                resident_id=seeded_site.resident_ids["Wong Siu Ming"],
                places=3,
                status="confirmed",
                queued_at=core_clock.now(),
            )
        )
        db.session.commit()
        event_id = event.id
        db.session.remove()
    return seeded_site, event_id


def test_a_butler_registers_a_family_and_ticks_them_in_at_the_door(
    page: Page, screenshot, lantern_evening
) -> None:
    admin, event_id = lantern_evening
    events = f"/s/{admin.site_slug}/events"
    log_in(page, admin)
    page.goto(f"{events}/")
    expect(page.get_by_role("link", name="Lantern evening").first).to_be_visible()
    screenshot("month")

    page.get_by_role("link", name="Lantern evening").first.click()
    expect(page.get_by_text("3 of 4 places registered")).to_be_visible()
    page.get_by_label("Name, phone or resident number").fill("Lee")
    page.get_by_role("button", name="Find").click()
    page.get_by_label("People coming").fill("2")
    screenshot("found-lee")
    page.get_by_role("button", name="Register Lee Ka Yan").click()
    full = "The event is full: Lee Ka Yan is on the waiting list."
    expect(page.get_by_text(full)).to_be_visible()
    page.get_by_role("button", name="Cancel Wong Siu Ming").click()
    expect(page.get_by_text("Lee Ka Yan has moved up from the waiting list.")).to_be_visible()
    screenshot("lee-moved-up")

    page.get_by_role("button", name="Take attendance").click()
    expect(page.get_by_text("0 of 2 people have come")).to_be_visible()
    # At the door the signal is poor: every tick still lands, in place.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    lee = page.get_by_role("button", name=re.compile("Lee Ka Yan"))
    lee.click()
    expect(page.get_by_role("button", name=re.compile("Lee Ka Yan"))).to_have_attribute(
        "aria-pressed", "true", timeout=15_000
    )
    expect(page.get_by_text("2 of 2 people have come")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/attendance$"))
    screenshot("lee-came")
    cdp.send("Network.emulateNetworkConditions", {**SLOW_3G, "latency": 0})
    page.reload()
    expect(page.get_by_role("button", name=re.compile("Lee Ka Yan"))).to_have_attribute(
        "aria-pressed", "true"
    )


def test_event_pages_are_valid_html_and_accessible(page: Page, lantern_evening) -> None:
    admin, event_id = lantern_evening
    java, axe_source = _tools()
    folder = ARTIFACTS / "html-events"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    events = f"/s/{admin.site_slug}/events"
    resident = admin.resident_ids["Wong Siu Ming"]
    pages = [
        ("events-month", f"{events}/"),
        ("event", f"{events}/{event_id}?q=Lee"),
        ("event-form", f"{events}/new"),
        ("event-edit", f"{events}/{event_id}/edit"),
        ("attendance", f"{events}/{event_id}/attendance"),
        ("report", f"{events}/{event_id}/report"),
        ("figures", f"{events}/figures"),
        ("resident-panel-page", f"/s/{admin.site_slug}/residents/{resident}"),
        ("dashboard", f"/s/{admin.site_slug}/"),
    ]
    log_in(page, admin)
    saved = {}
    found: list[str] = []
    for name, path in pages:
        response = page.goto(path)
        assert response is not None and response.ok, f"{name}: {response and response.status}"
        saved[name] = folder / f"{len(saved) + 1:02d}-{name}.html"
        saved[name].write_text(response.text(), encoding="utf-8")
        found.extend(axe_problems(page, name, axe_source))
    vnu_errors = run_vnu(java, saved)
    assert not vnu_errors, "The Nu HTML Checker found errors:\n  " + "\n  ".join(vnu_errors)
    assert not found, "axe found serious or critical violations:\n  " + "\n  ".join(found)


def test_the_panel_on_the_resident_page_lists_their_events(page: Page, lantern_evening) -> None:
    admin, _event_id = lantern_evening
    log_in(page, admin)
    page.goto(f"/s/{admin.site_slug}/residents/{admin.resident_ids['Wong Siu Ming']}")
    panel = page.locator("#panel-events-resident")
    panel.scroll_into_view_if_needed()
    expect(panel.get_by_role("link", name="Lantern evening")).to_be_visible()
