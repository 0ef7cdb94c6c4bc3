"""A butler on a phone finds a resident by typing, edits a field in place, notes a call."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from core.extensions import db
from core.models import Contact, Occupancy, Resident, Unit
from tests.browser.conftest import Butler, LiveServer, Screenshots, nav_to

pytestmark = pytest.mark.browser


@pytest.fixture
def residents(live_server: LiveServer, butler: Butler) -> dict[str, int]:
    """Three residents in the butler's building."""
    ids = {}
    with live_server.app.app_context():
        unit = db.session.scalars(select(Unit)).first()
        for name, phone in (
            ("Wong Siu Ming", "91234567"),
            ("Lee Ka Yan", "62223333"),
            ("Ho Chi Keung", "53334444"),
        ):
            resident = Resident(site_id=unit.site_id, name=name, phone=phone)
            db.session.add(resident)
            db.session.flush()
            db.session.add(
                Occupancy(
                    site_id=unit.site_id,
                    resident_id=resident.id,
                    unit_id=unit.id,
                    role="owner",
                    moved_in=date(2020, 1, 1),
                )
            )
            ids[name] = resident.id
        db.session.commit()
        db.session.remove()
    return ids


def log_in(page: Page, butler: Butler) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(butler.username)
    page.get_by_label("Password").fill(butler.password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(rf"/s/{butler.site_slug}/today/$"))


def test_butler_finds_a_resident_edits_in_place_and_notes_a_call(
    page: Page,
    butler: Butler,
    residents: dict[str, int],
    screenshot: Screenshots,
    live_server: LiveServer,
) -> None:
    log_in(page, butler)
    nav_to(page, "Residents")
    expect(page.get_by_role("heading", name="Residents", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Lee Ka Yan")).to_be_visible()
    screenshot("resident-list")

    page.get_by_label("Name, phone, number or unit").press_sequentially("wong", delay=40)
    expect(page.get_by_role("link", name="Lee Ka Yan")).to_have_count(0)
    expect(page.get_by_role("link", name="Wong Siu Ming")).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=wong"))
    screenshot("typed-wong")

    page.get_by_role("link", name="Wong Siu Ming").click()
    expect(page.get_by_role("heading", name="Wong Siu Ming", level=1)).to_be_visible()
    screenshot("resident-page")

    section = page.locator("#home_visit")
    section.get_by_role("button", name="Edit").click()
    hobbies = section.get_by_label("Hobbies")
    expect(hobbies).to_be_visible()
    hobbies.fill("Tai chi at 7 am")
    screenshot("editing-in-place")
    section.get_by_role("button", name="Save").click()
    expect(section.get_by_text("Tai chi at 7 am")).to_be_visible()
    expect(section.get_by_label("Hobbies")).to_have_count(0)
    screenshot("saved-in-place")

    contacts = page.locator("#contacts")
    contacts.get_by_label("Kind").select_option("call")
    contacts.get_by_label("What was said or done").fill("Asked about the water stop on Friday")
    contacts.get_by_role("button", name="Write it down").click()
    expect(
        page.locator("#contacts").get_by_text("Asked about the water stop on Friday")
    ).to_be_visible()
    screenshot("contact-noted")

    with live_server.app.app_context():
        wong = db.session.get(Resident, residents["Wong Siu Ming"])
        assert wong.hobbies == "Tai chi at 7 am"
        assert db.session.scalars(select(Contact.summary)).all() == [
            "Asked about the water stop on Friday"
        ]
        db.session.remove()


def test_a_mistake_in_place_is_shown_next_to_the_field(
    page: Page, butler: Butler, residents: dict[str, int], screenshot: Screenshots
) -> None:
    log_in(page, butler)
    page.goto(f"/s/{butler.site_slug}/residents/{residents['Lee Ka Yan']}")
    section = page.locator("#contact")
    section.get_by_role("button", name="Edit").click()
    section.get_by_label("E-mail", exact=True).fill("not an address")
    section.get_by_role("button", name="Save").click()
    email = section.get_by_label("E-mail", exact=True)
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description("This is not an e-mail address.")
    expect(email).to_have_value("not an address")
    screenshot("invalid-email")
