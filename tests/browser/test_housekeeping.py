"""Hotel housekeeping on a phone: an attendant works through her rooms, a supervisor
inspects and releases one from the room board; the main pages pass vnu and axe."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from core.auth import hash_password
from core.clock import today as site_today
from core.extensions import db
from core.models import Building, Membership, Organization, PluginEnablement, Site, Unit, User
from core.testing.photos import tiny_png
from plugins.housekeeping.models import (
    HousekeepingAssignment,
    HousekeepingCleaningCycle,
    HousekeepingKey,
    HousekeepingLinenItem,
    HousekeepingMachine,
    HousekeepingRoom,
    HousekeepingSupply,
    HousekeepingUniformIssue,
)
from tests.browser.conftest import ARTIFACTS, LiveServer, Screenshots, nav_to
from tests.browser.test_outside_checks import _tools, axe_problems, run_vnu

pytestmark = pytest.mark.browser

PASSWORD = "grand-harbour-2024"
TEAM = {
    "ann": ("Ann Chan", "room_attendant"),
    "sam": ("Sam Lau", "floor_supervisor"),
    "amy": ("Amy Wong", "asst_housekeeper"),
}


@dataclass(frozen=True)
class Hotel:
    slug: str
    rooms: dict[str, int]


@pytest.fixture
def hotel(live_server: LiveServer) -> Hotel:
    """A hotel tower of eight rooms; Ann has two of them to clean today."""
    with live_server.app.app_context():
        org = Organization(slug="grand", name="Grand Hotels")
        db.session.add(org)
        db.session.flush()
        site = Site(
            organization_id=org.id,
            slug="grand-harbour",
            name="Grand Harbour Hotel",
            kind="hotel",
            default_locale="en",
        )
        db.session.add(site)
        db.session.flush()
        tower = Building(site_id=site.id, code="T1", name="Harbour Tower", floors=20)
        db.session.add(tower)
        db.session.flush()
        rooms = {}
        for floor in (11, 12):
            for n in range(1, 5):
                unit = Unit(
                    site_id=site.id,
                    building_id=tower.id,
                    floor=floor,
                    number=f"{floor}{n:02d}",
                    room_type="Deluxe King",
                )
                db.session.add(unit)
                db.session.flush()
                rooms[unit.number] = unit.id
        password_hash = hash_password(PASSWORD)
        people = {}
        for username, (name, role) in TEAM.items():
            user = User(
                organization_id=org.id,
                username=username,
                display_name=name,
                password_hash=password_hash,
            )
            db.session.add(user)
            db.session.flush()
            db.session.add(Membership(site_id=site.id, user_id=user.id, role=role))
            people[username] = user
        db.session.add(PluginEnablement(site_id=site.id, plugin="housekeeping", enabled=True))
        today = site_today(site)
        for number, movement, status in (
            ("1101", "departure", "vacant_dirty"),
            ("1102", "stayover", "occupied_dirty"),
        ):
            db.session.add(HousekeepingRoom(site_id=site.id, unit_id=rooms[number], status=status))
            db.session.add(
                HousekeepingAssignment(
                    site_id=site.id,
                    day=today,
                    unit_id=rooms[number],
                    movement=movement,
                    credits=3 if movement == "departure" else 2,
                    attendant_id=people["ann"].id,
                )
            )
        db.session.add(HousekeepingKey(site_id=site.id, code="MK-01", opens="Floors 11-12"))
        db.session.add(
            HousekeepingSupply(site_id=site.id, name="Shampoo", kind="guest", in_stock=40, par=100)
        )
        db.session.add(HousekeepingMachine(site_id=site.id, code="V-01", name="Vacuum"))
        db.session.add(
            HousekeepingCleaningCycle(
                site_id=site.id, kind="carpet", every_days=90, starts_on=today
            )
        )
        db.session.add(
            HousekeepingUniformIssue(
                site_id=site.id,
                holder_id=people["ann"].id,
                item="Tunic",
                size="S",
                quantity=2,
                condition_out="new",
                issued_on=today,
            )
        )
        towels = HousekeepingLinenItem(site_id=site.id, name="Bath towel", in_store=80)
        db.session.add(towels)
        db.session.flush()
        rooms["towels"] = towels.id
        db.session.commit()
        db.session.remove()
    return Hotel("grand-harbour", rooms)


def log_in(page: Page, username: str, hotel: Hotel) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(rf"/s/{hotel.slug}/"))


def test_an_attendant_works_through_her_rooms_on_a_phone(
    page: Page, hotel: Hotel, screenshot: Screenshots
) -> None:
    log_in(page, "ann", hotel)
    nav_to(page, "My rooms")
    expect(page.get_by_role("heading", name="My rooms", level=1)).to_be_visible()
    expect(page.get_by_text("0 of 2 rooms cleaned")).to_be_visible()
    screenshot("my-rooms")

    page.get_by_role("button", name="Cleaned 1101").click()
    row = page.locator("tr", has_text="1101")
    expect(row.get_by_text(re.compile("Cleaned at"))).to_be_visible()
    expect(row.get_by_text("Vacant clean")).to_be_visible()
    screenshot("1101-cleaned")

    page.get_by_role("button", name="Cleaned 1102").click()
    expect(page.locator("tr", has_text="1102").get_by_text("Occupied", exact=True)).to_be_visible()
    page.reload()
    expect(page.get_by_text("2 of 2 rooms cleaned")).to_be_visible()
    screenshot("all-cleaned")


def test_a_supervisor_inspects_and_releases_a_room_from_the_board(
    page: Page, hotel: Hotel, screenshot: Screenshots
) -> None:
    log_in(page, "sam", hotel)
    nav_to(page, "Room board")
    expect(page.get_by_role("heading", name="Room board", level=1)).to_be_visible()
    screenshot("board")

    page.locator(".filter-fold > summary").click()  # the filters are folded on a phone
    page.locator("select[name=floor]").select_option("11")
    expect(page).to_have_url(re.compile(r"floor=11"))
    expect(page.get_by_role("link", name=re.compile(r"^1201"))).to_have_count(0)
    screenshot("board-floor-11")

    # One tap: the card of 1101 comes back in place as cleaned.
    page.get_by_role("button", name="Cleaned 1101").click()
    expect(page.locator("#room-1")).to_contain_text("Vacant clean")
    screenshot("1101-cleaned")
    page.get_by_role("button", name="Inspect 1101").click()
    expect(page.get_by_role("heading", name="Inspect room 1101")).to_be_visible()
    for box in page.get_by_role("switch").all():
        box.check()
    screenshot("inspection")
    page.get_by_role("button", name="Save the inspection").click()
    expect(page.get_by_text("Room 1101 passed inspection.")).to_be_visible()
    page.get_by_role("button", name="Release 1101").click()
    expect(page.get_by_text("Room 1101 is released to the front desk.")).to_be_visible()
    expect(page.locator(".facts").get_by_text("Released")).to_be_visible()
    screenshot("released")


# A few pixels of PNG: the photo of the broken lamp.
PNG = tiny_png()


def test_an_attendant_reports_a_broken_lamp_with_a_photo_and_the_room_goes_out_of_order(
    page: Page, hotel: Hotel, screenshot: Screenshots
) -> None:
    log_in(page, "ann", hotel)
    nav_to(page, "My rooms")
    page.get_by_role("link", name="1101").click()
    expect(page.get_by_role("heading", name="Room 1101", level=1)).to_be_visible()
    page.get_by_text("Report a repair", exact=True).click()
    page.get_by_label("What is wrong").fill("Bedside lamp broken")
    page.get_by_label("Priority").select_option("urgent")
    page.get_by_label("Photo (JPEG, PNG or WebP)").set_input_files(
        {"name": "lamp.png", "mimeType": "image/png", "buffer": PNG}
    )
    page.get_by_role("switch", name="Take the room out of order until it is repaired").check()
    screenshot("repair-form")
    page.get_by_role("button", name="Send to engineering").click()
    expect(page.get_by_text(re.compile(r"room 1101 is out of order"))).to_be_visible()
    expect(page.locator(".facts").get_by_text("Out of order")).to_be_visible()
    expect(page.get_by_text("until engineering closes the work order")).to_be_visible()
    screenshot("out-of-order")
    nav_to(page, "Work orders")
    order = page.locator("tr", has_text="Bedside lamp broken")
    expect(order.get_by_text("Urgent")).to_be_visible()
    expect(order.get_by_role("link", name="Photo")).to_be_visible()
    screenshot("work-orders")


def test_the_housekeeping_pages_are_valid_html_and_accessible(page: Page, hotel: Hotel) -> None:
    java, axe_source = _tools()
    folder = ARTIFACTS / "housekeeping-html"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    saved: dict[str, Path] = {}
    found: list[str] = []
    log_in(page, "amy", hotel)
    s = f"/s/{hotel.slug}"
    room = hotel.rooms["1101"]
    for name, path in (
        ("dashboard", f"{s}/"),
        ("board", f"{s}/housekeeping/"),
        ("room", f"{s}/housekeeping/rooms/{room}"),
        ("my-rooms", f"{s}/housekeeping/my-rooms"),
        ("assignments", f"{s}/housekeeping/assignments"),
        ("keys", f"{s}/housekeeping/keys"),
        ("report", f"{s}/housekeeping/reports/month"),
        ("linen", f"{s}/housekeeping/linen"),
        ("uniforms", f"{s}/housekeeping/uniforms"),
        ("deep-cleaning", f"{s}/housekeeping/deep-cleaning"),
        ("supplies", f"{s}/housekeeping/supplies"),
        ("duty-roster", f"{s}/housekeeping/duty-roster"),
        ("evaluations", f"{s}/housekeeping/evaluations"),
        ("stocktake", f"{s}/housekeeping/linen/{hotel.rooms['towels']}/stocktake"),
        ("work-orders", f"{s}/housekeeping/work-orders"),
        ("guest-requests", f"{s}/housekeeping/guest-requests"),
        ("lost-and-found", f"{s}/housekeeping/lost-and-found"),
        ("labour", f"{s}/housekeeping/labour"),
    ):
        response = page.goto(path)
        assert response is not None and response.ok, f"{name}: {response and response.status}"
        saved[name] = folder / f"{len(saved) + 1:02d}-{name}.html"
        saved[name].write_text(response.text(), encoding="utf-8")
        found.extend(axe_problems(page, name, axe_source))
    # The inspection form, on a cleaned room.
    page.goto(f"{s}/housekeeping/rooms/{room}")
    page.get_by_role("button", name="Cleaned 1101").click()
    response = page.goto(f"{s}/housekeeping/rooms/{room}/inspect")
    saved["inspect"] = folder / "99-inspect.html"
    saved["inspect"].write_text(response.text(), encoding="utf-8")
    found.extend(axe_problems(page, "inspect", axe_source))
    # This week's requisition, drafted from the supplies page.
    page.goto(f"{s}/housekeeping/supplies")
    page.get_by_role("button", name=re.compile("Draft this week's requisition")).click()
    expect(page.get_by_role("heading", name=re.compile("Requisition, week of"))).to_be_visible()
    saved["requisition"] = folder / "98-requisition.html"
    saved["requisition"].write_text(page.content(), encoding="utf-8")
    found.extend(axe_problems(page, "requisition", axe_source))
    errors = run_vnu(java, saved)
    assert not errors, "The Nu HTML Checker found errors:\n  " + "\n  ".join(errors)
    assert not found, "axe found serious or critical violations:\n  " + "\n  ".join(found)
