"""Home visits on a phone: a butler opens a planned visit from the day page, records it
with a change to the visit form, and sees the month's share go up."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from core import clock
from core.extensions import db
from core.models import Building, Occupancy, PluginEnablement, Resident, Site, Unit, User
from plugins.visits.models import VisitsPlan
from tests.browser.conftest import ARTIFACTS, Butler, LiveServer, Screenshots
from tests.browser.test_offline import log_in
from tests.browser.test_outside_checks import _tools, axe_problems, run_vnu

pytestmark = pytest.mark.browser


def _three_households_and_a_plan(live_server: LiveServer, butler: Butler) -> None:
    """Units 12A, 12B and 15C of the butler's tower, each with a household; 12A planned today."""
    with live_server.app.app_context():
        site = db.session.scalars(select(Site).where(Site.slug == butler.site_slug)).one()
        db.session.add(PluginEnablement(site_id=site.id, plugin="visits", enabled=True))
        building = db.session.scalars(select(Building).where(Building.site_id == site.id)).one()
        units = list(db.session.scalars(select(Unit).where(Unit.building_id == building.id)))
        for floor, number in ((12, "12B"), (15, "15C")):
            unit = Unit(site_id=site.id, building_id=building.id, floor=floor, number=number)
            db.session.add(unit)
            units.append(unit)
        db.session.flush()
        people = []
        for unit, name in zip(units, ("Wong Siu Ming", "Lee Ka Yan", "Ho Wai Kit"), strict=True):
            unit.status = "occupied"
            person = Resident(site_id=site.id, name=name, phone="91234567")
            db.session.add(person)
            db.session.flush()
            db.session.add(
                Occupancy(
                    site_id=site.id,
                    resident_id=person.id,
                    unit_id=unit.id,
                    moved_in=date(2020, 1, 1),
                    is_primary_contact=True,
                )
            )
            people.append(person)
        user = db.session.scalars(select(User).where(User.username == butler.username)).one()
        db.session.add(
            VisitsPlan(
                site_id=site.id,
                butler_id=user.id,
                unit_id=units[0].id,
                resident_id=people[0].id,
                planned_on=clock.today(site),
            )
        )
        db.session.commit()
        db.session.remove()


def test_a_butler_records_a_visit_from_the_day_page_and_sees_the_share_change(
    page: Page, butler: Butler, screenshot: Screenshots, live_server: LiveServer
) -> None:
    _three_households_and_a_plan(live_server, butler)
    log_in(page, butler)
    page.goto(f"/s/{butler.site_slug}/")  # butlers land on their day: the widget is here
    widget = page.locator("#widget-visits-quota")
    expect(widget).to_contain_text("0.0 %")

    page.goto(f"/s/{butler.site_slug}/today/")
    planned = page.get_by_role("link", name="T1-12A · Wong Siu Ming")
    expect(planned).to_be_visible()
    planned.click()
    expect(page.get_by_role("heading", name="Record a home visit", level=1)).to_be_visible()
    page.get_by_label("Employer").fill("Harbour Bank")
    page.get_by_label("What was said and done").fill("Tea with the family; the lift is noisy.")
    screenshot("visits-form")
    page.get_by_role("button", name="Save the visit").click()

    expect(page.get_by_text("The visit to T1-12A is recorded.")).to_be_visible()
    expect(page.locator(".visits-changed")).to_have_count(1)
    page.goto(f"/s/{butler.site_slug}/visits/")
    quota = page.locator("#quota .visits-total")
    expect(quota).to_contain_text("1 · 33.3 %")
    screenshot("visits-quota")

    page.goto(f"/s/{butler.site_slug}/today/")
    expect(page.locator(".day-done")).to_contain_text("T1-12A")
    page.goto(f"/s/{butler.site_slug}/")
    expect(page.locator("#widget-visits-quota")).to_contain_text("33.3 %")


def test_visits_pages_are_valid_html_and_accessible(
    page: Page, butler: Butler, screenshot: Screenshots, live_server: LiveServer
) -> None:
    java, axe_source = _tools()
    _three_households_and_a_plan(live_server, butler)
    log_in(page, butler)
    s = f"/s/{butler.site_slug}/visits"
    page.goto(f"/s/{butler.site_slug}/today/")
    page.get_by_role("link", name="T1-12A · Wong Siu Ming").click()
    form_url = page.url
    page.get_by_label("Outcome").select_option(label="Needs a follow-up")
    page.get_by_role("button", name="Save the visit").click()
    expect(page.get_by_text("The visit to T1-12A is recorded.")).to_be_visible()
    visit_url = page.url
    with live_server.app.app_context():
        building = db.session.scalars(
            select(Building).join(Site).where(Site.slug == butler.site_slug)
        ).one()
        resident = db.session.scalars(
            select(Resident).join(Site).where(Site.slug == butler.site_slug)
        ).first()
        building_id, resident_id = building.id, resident.id
        db.session.remove()

    folder = ARTIFACTS / "html-visits"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    saved, axe_found = {}, []
    for name, path in [
        ("quota", f"{s}/"),
        ("grid", f"{s}/buildings/{building_id}"),
        ("form", form_url),
        ("visit", visit_url),
        ("plan", f"{s}/plan"),
        ("forms", f"{s}/reports/forms"),
        ("resident", f"/s/{butler.site_slug}/residents/{resident_id}"),
        ("dashboard", f"/s/{butler.site_slug}/"),
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
