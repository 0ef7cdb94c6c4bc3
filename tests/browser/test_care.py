"""Parcels on a phone: the front desk signs a parcel in with a photo, sees the unit's away
instructions, and hands it over to a named person who signs with a finger."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from core import clock
from core.extensions import db
from core.models import Occupancy, PluginEnablement, Resident, Site, Unit, User
from plugins.care.demo import signature_png
from plugins.care.models import CareAway, CareParcel
from tests.browser.conftest import Butler, LiveServer, Screenshots

pytestmark = pytest.mark.browser


def _care_on(live_server: LiveServer, slug: str) -> str:
    """Care on for the site, a resident in its unit, away in Japan; the unit's label."""
    with live_server.app.app_context():
        site = db.session.scalars(select(Site).where(Site.slug == slug)).one()
        unit = db.session.scalars(select(Unit).where(Unit.site_id == site.id)).first()
        staff = db.session.scalars(select(User)).first()
        db.session.add(PluginEnablement(site_id=site.id, plugin="care", enabled=True))
        person = Resident(site_id=site.id, name="Chan Tai Man", phone="91234567")
        db.session.add(person)
        db.session.flush()
        today = clock.today(site)
        db.session.add_all(
            [
                Occupancy(
                    site_id=site.id,
                    resident_id=person.id,
                    unit_id=unit.id,
                    role="owner",
                    moved_in=date(2020, 1, 1),
                ),
                CareAway(
                    site_id=site.id,
                    unit_id=unit.id,
                    resident_id=person.id,
                    starts_on=today,
                    ends_on=today + timedelta(days=10),
                    may_enter="Maria the helper, on Tuesdays",
                    created_at=clock.now(),
                    created_by_id=staff.id,
                ),
            ]
        )
        db.session.commit()
        label = f"{unit.building.code}-{unit.number}"
        db.session.remove()
    return label


def test_a_parcel_is_signed_in_with_a_photo_and_handed_over_with_a_signature(
    page: Page, butler: Butler, screenshot: Screenshots, live_server: LiveServer
) -> None:
    unit = _care_on(live_server, butler.site_slug)
    page.goto("/login")
    page.get_by_label("Username").fill(butler.username)
    page.get_by_label("Password").fill(butler.password)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/s/{butler.site_slug}/care/parcels/new")
    expect(page.get_by_role("heading", name="Sign a parcel in", level=1)).to_be_visible()

    # Choosing the unit brings its away instructions in front of whoever signs.
    page.get_by_label("Unit").select_option(label=unit)
    expect(page.locator("#away-instructions")).to_contain_text("Maria the helper, on Tuesdays")
    page.get_by_label("Carrier").fill("SF Express")
    page.get_by_label("Tracking number").fill("SF1234567890")
    page.get_by_label("Shelf").fill("A2")
    page.get_by_label("Photo (JPEG, PNG or WebP)").set_input_files(
        {"name": "parcel.png", "mimeType": "image/png", "buffer": signature_png()}
    )
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    screenshot("parcel-sign-in")
    page.get_by_role("button", name="Sign the parcel in").click()

    expect(page.get_by_role("heading", name=f"Parcel for {unit}")).to_be_visible()
    photo = page.get_by_role("img", name="Photo of the parcel")
    expect(photo).to_be_visible()
    assert page.evaluate("() => document.querySelector('.care-parcel-photo').naturalWidth") == 120

    # No signature yet: refused, with the message next to the pad.
    page.get_by_label("Handed to").fill("Maria")
    page.get_by_role("button", name="Hand the parcel over").click()
    expect(page.locator("#signature-error")).to_have_text("Ask the receiver to sign on the screen.")

    pad = page.locator("#signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] / 2)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 20, box["y"] + 40 + (step % 3) * 20, steps=3)
    page.mouse.up()
    expect(page.locator("#signature")).to_have_value(re.compile(r"^data:image/png;base64,"))
    screenshot("parcel-signed")
    page.get_by_role("button", name="Hand the parcel over").click()

    expect(page.locator("#parcel-handed")).to_contain_text("Maria")
    signature = page.get_by_role("img", name="Signature of Maria")
    expect(signature).to_be_visible()
    assert page.evaluate("() => document.querySelector('.care-signature').naturalWidth") == 320
    screenshot("parcel-handed-over")

    with live_server.app.app_context():
        parcel = db.session.scalars(select(CareParcel)).one()
        assert parcel.handed_to == "Maria" and parcel.signature_key and parcel.photo_key
        db.session.remove()
