"""A butler's day on a phone: the work of two plugins on one page, ticked done in place."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from core import clock
from core.extensions import db
from core.models import Building, PluginEnablement, Resident, Site, User
from plugins.events.models import Event
from plugins.service_desk import rules as service_desk
from plugins.service_desk.models import ServiceDeskCategory
from tests.browser.conftest import Butler, LiveServer, Screenshots, nav_to
from tests.browser.test_offline import log_in
from tests.browser.test_service_desk import _service_desk_on

pytestmark = pytest.mark.browser


def _a_day_of_work(live_server: LiveServer, butler: Butler) -> int:
    """An overdue repair and an event early today, on the butler's estate."""
    _service_desk_on(live_server, butler.site_slug, resident="Chan Tai Man")
    with live_server.app.app_context():
        site = db.session.scalars(select(Site).where(Site.slug == butler.site_slug)).one()
        db.session.add(PluginEnablement(site_id=site.id, plugin="events", enabled=True))
        person = db.session.scalars(select(Resident).where(Resident.site_id == site.id)).one()
        category = db.session.scalars(
            select(ServiceDeskCategory).where(
                ServiceDeskCategory.site_id == site.id, ServiceDeskCategory.name == "Plumbing"
            )
        ).first()
        building = db.session.scalars(select(Building).where(Building.site_id == site.id)).first()
        service_desk.log(
            category=category,
            resident=person,
            unit_id=None,
            building_id=building.id,
            channel="phone",
            description="Water drips in the lift lobby",
            user=db.session.scalars(select(User).where(User.username == butler.username)).one(),
            at=clock.now() - timedelta(days=2),
        )
        # A minute past midnight on the site's clock: today, whatever time the test runs.
        starts = datetime.combine(clock.today(site), time(0, 1), tzinfo=clock.zone(site))
        event = Event(
            site_id=site.id,
            title="Tai chi in the garden",
            place="Podium garden",
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            capacity=20,
        )
        db.session.add(event)
        db.session.commit()
        event_id = event.id
        db.session.remove()
    return event_id


def test_the_butlers_day_lists_two_plugins_work_and_ticks_in_place(
    page: Page, butler: Butler, live_server: LiveServer, screenshot: Screenshots
) -> None:
    event_id = _a_day_of_work(live_server, butler)
    log_in(page, butler)
    nav_to(page, "Today")
    expect(page.get_by_role("heading", name=re.compile("^Today"), level=1)).to_be_visible()

    items = page.locator(".day-items > li")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("Request overdue")
    expect(items.nth(0)).to_contain_text("Water drips in the lift lobby")
    event = page.locator(f"#day-events-event-{event_id}")
    expect(event).to_contain_text("Tai chi in the garden")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    screenshot("day-page")

    page.evaluate("() => { window.stillTheSamePage = true; }")
    event.get_by_role("button", name=re.compile("Mark done")).click()
    expect(event.get_by_role("button", name=re.compile("Done"))).to_be_visible()
    expect(event).to_have_class(re.compile("day-done"))
    assert page.evaluate("() => window.stillTheSamePage === true")  # no page load
    screenshot("day-page-ticked")

    page.reload()
    expect(page.locator(f"#day-events-event-{event_id}")).to_have_class(re.compile("day-done"))
