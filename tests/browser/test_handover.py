"""A handover on a phone: the butler opens the owner's booking, inspects the living room
item by item, writes down a defect with a photo from the phone, and the owner signs the
report with a finger; the report lists the defect and carries the signature. The
handover pages pass the Nu HTML Checker and axe."""

from __future__ import annotations

import re
import shutil
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from core import clock, signatures
from core.extensions import db
from core.models import PluginEnablement, Site, Unit, User
from plugins.handover import rules
from plugins.handover.models import HandoverBooking, HandoverDefect, HandoverRoom
from tests.browser.conftest import ARTIFACTS, Admin, Butler, LiveServer, Screenshots, nav_to
from tests.browser.test_outside_checks import _tools, axe_problems, run_vnu
from tests.browser.test_outside_checks import log_in as admin_logs_in

pytestmark = pytest.mark.browser


def _booked(live_server: LiveServer, slug: str) -> tuple[int, str]:
    """Handovers on for the site, an owner booked for its first unit tomorrow."""
    with live_server.app.app_context():
        site = db.session.scalars(select(Site).where(Site.slug == slug)).one()
        unit = db.session.scalars(
            select(Unit).where(Unit.site_id == site.id).order_by(Unit.id)
        ).first()
        staff = db.session.scalars(select(User).order_by(User.id)).first()
        db.session.add(PluginEnablement(site_id=site.id, plugin="handover", enabled=True))
        day = clock.today(site) + timedelta(days=1)
        slot = rules.add_slot(site, datetime.combine(day, time(10), tzinfo=clock.zone(site)), 60, 4)
        booking = rules.book(site, slot, unit, "Lam Ka Yan", staff, email="lam@example.com")
        db.session.commit()
        result = booking.id, f"{unit.building.code}-{unit.number}"
        db.session.remove()
    return result


def test_a_room_is_inspected_a_defect_photographed_and_the_owner_signs(
    page: Page, butler: Butler, screenshot: Screenshots, live_server: LiveServer
) -> None:
    booking_id, unit = _booked(live_server, butler.site_slug)
    page.goto("/login")
    page.get_by_label("Username").fill(butler.username)
    page.get_by_label("Password").fill(butler.password)
    page.get_by_role("button", name="Log in").click()
    nav_to(page, "Handovers")
    expect(page.get_by_role("heading", name="Handovers", level=1)).to_be_visible()
    page.locator("#handover-booked").get_by_role("link", name=unit).click()
    expect(page.get_by_role("heading", name=f"Handover of {unit}")).to_be_visible()

    # The living room: everything in order but the plumbing.
    living = page.locator("article.handover-room").filter(has_text="Living room")
    for item in ("Walls", "Floors", "Doors", "Windows", "Electrical"):
        living.get_by_label(item, exact=True).check()
    living.get_by_label("Note").fill("Scuff on the skirting")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    screenshot("room-checklist")
    living.get_by_role("button", name="Save Living room").click()
    expect(page.locator(".flash")).to_contain_text("Living room is inspected.")

    # A defect, with a photo taken on the phone.
    defects = page.locator("#defects")
    defects.get_by_text("Add a defect", exact=True).click()
    defects.get_by_label("Room", exact=True).select_option(label="Living room")
    defects.get_by_label("What", exact=True).select_option(label="Plumbing")
    defects.get_by_label("Where exactly").fill("Tap by the window drips")
    defects.get_by_label("Severity").select_option(label="Major")
    defects.get_by_label("Photo (JPEG, PNG or WebP)").set_input_files(
        {"name": "tap.png", "mimeType": "image/png", "buffer": signatures.sample_png()}
    )
    defects.get_by_role("button", name="Write the defect down").click()
    expect(page.locator("#defects")).to_contain_text("Plumbing · Tap by the window drips")

    # The owner checks the papers, counts the keys and signs with a finger.
    for paper in ("Identity card", "Purchase contract", "Proof of payment"):
        page.get_by_label(paper).check()
    page.get_by_label("Keys handed over").fill("4")
    page.get_by_label("Electricity meter").fill("12.5")
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
    screenshot("owner-signed")
    page.get_by_role("button", name="Sign and hand the keys over").click()

    expect(page.get_by_role("heading", name=f"Handover report of {unit}")).to_be_visible()
    expect(page.locator("#report-defects")).to_contain_text("Tap by the window drips")
    photo = page.get_by_role("img", name="Photo of the defect: Tap by the window drips")
    expect(photo).to_be_visible()
    signature = page.get_by_role("img", name="Signature of Lam Ka Yan")
    expect(signature).to_be_visible()
    assert page.evaluate("() => document.querySelector('#report-signature').naturalWidth") == 320
    screenshot("report")

    with live_server.app.app_context():
        booking = db.session.get(HandoverBooking, booking_id)
        assert booking.status == "handed_over" and booking.keys_count == 4
        room = db.session.scalars(
            select(HandoverRoom).where(HandoverRoom.name == "Living room")
        ).one()
        assert room.passed_items == ["walls", "floors", "doors", "windows", "electrical"]
        defect = db.session.scalars(select(HandoverDefect)).one()
        assert defect.photo_key and defect.room_id == room.id
        db.session.remove()


def test_handover_pages_are_valid_html_and_accessible(
    page: Page, seeded_site: Admin, live_server: LiveServer, screenshot: Screenshots
) -> None:
    java, axe_source = _tools()
    booking_id, _unit = _booked(live_server, seeded_site.site_slug)
    with live_server.app.app_context():
        booking = db.session.get(HandoverBooking, booking_id)
        site = db.session.get(Site, booking.site_id)
        admin = db.session.scalars(select(User).where(User.username == seeded_site.username)).one()
        defect = rules.add_defect(
            site,
            booking,
            admin,
            kind="walls",
            severity="minor",
            place="Crack above the door",
            room=booking.rooms[0],
            contractor="Sun Fitting",
            due_on=clock.today(site) - timedelta(days=1),
        )
        db.session.commit()
        ids = {"defect": defect.id, "unit": booking.unit_id}
        db.session.remove()
    admin_logs_in(page, seeded_site)
    h = f"/s/{seeded_site.site_slug}/handover"
    folder = ARTIFACTS / "html-handover"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    saved: dict[str, Path] = {}
    axe_found: list[str] = []
    pages = [
        ("handovers", f"{h}/"),
        ("booking-new", f"{h}/bookings/new"),
        ("booking", f"{h}/bookings/{booking_id}"),
        ("report", f"{h}/bookings/{booking_id}/report"),
        ("defects", f"{h}/defects"),
        ("defect", f"{h}/defects/{ids['defect']}"),
        ("summary", f"{h}/reports/monthly"),
        ("unit", f"/s/{seeded_site.site_slug}/units/{ids['unit']}"),
    ]
    for name, path in pages:
        response = page.goto(path)
        assert response is not None and response.ok, f"{name}: {response and response.status}"
        if name == "unit":
            expect(page.locator("#panel-handover-unit")).to_contain_text("Lam Ka Yan")
        saved[name] = folder / f"{len(saved) + 1:02d}-{name}.html"
        saved[name].write_text(page.content() if name == "unit" else response.text(), "utf-8")
        axe_found.extend(axe_problems(page, name, axe_source))
        screenshot(name)
    vnu_errors = run_vnu(java, saved)
    assert not vnu_errors, "The Nu HTML Checker found errors:\n  " + "\n  ".join(vnu_errors)
    assert not axe_found, "axe found serious or critical violations:\n  " + "\n  ".join(axe_found)
