"""The service desk on a phone: a butler logs a repair from the 24-hour line and answers it;
its pages pass the Nu HTML Checker and axe."""

from __future__ import annotations

import re
import shutil
import struct
import zlib
from datetime import date

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from core.extensions import db
from core.models import Occupancy, PluginEnablement, Resident, Site, Unit
from plugins.service_desk.models import ServiceDeskRequest
from plugins.service_desk.rules import seed_categories
from tests.browser.conftest import ARTIFACTS, Admin, Butler, LiveServer, Screenshots, nav_to
from tests.browser.test_outside_checks import _tools, axe_problems, run_vnu
from tests.browser.test_outside_checks import log_in as admin_logs_in

pytestmark = pytest.mark.browser


def _png() -> bytes:
    """A real 1×1 PNG, so the browser can show it back."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xcc\x33\x33")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _service_desk_on(live_server: LiveServer, slug: str, resident: str | None = None) -> None:
    with live_server.app.app_context():
        site = db.session.scalars(select(Site).where(Site.slug == slug)).one()
        db.session.add(PluginEnablement(site_id=site.id, plugin="service_desk", enabled=True))
        seed_categories(site)
        if resident:
            unit = db.session.scalars(select(Unit).where(Unit.site_id == site.id)).first()
            person = Resident(site_id=site.id, name=resident, phone="91234567")
            db.session.add(person)
            db.session.flush()
            db.session.add(
                Occupancy(
                    site_id=site.id,
                    resident_id=person.id,
                    unit_id=unit.id,
                    role="owner",
                    moved_in=date(2020, 1, 1),
                )
            )
        db.session.commit()
        db.session.remove()


def test_butler_logs_a_repair_on_a_phone_and_replies(
    page: Page, butler: Butler, screenshot: Screenshots, live_server: LiveServer
) -> None:
    _service_desk_on(live_server, butler.site_slug, resident="Wong Siu Ming")
    page.goto("/login")
    page.get_by_label("Username").fill(butler.username)
    page.get_by_label("Password").fill(butler.password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name=re.compile("^Today"), level=1)).to_be_visible()
    nav_to(page, "Dashboard")
    expect(page.locator("#widget-service_desk-mine")).to_be_visible()

    nav_to(page, "Service requests")
    expect(page.get_by_role("heading", name="Service requests", level=1)).to_be_visible()
    page.get_by_role("button", name="Log a request").click()
    expect(page.get_by_role("heading", name="Log a request", level=1)).to_be_visible()

    # Nothing chosen yet: the form says what is missing, next to the field.
    page.get_by_role("button", name="Log the request").click()
    expect(page.get_by_text("Choose the resident.")).to_be_visible()
    expect(page.get_by_text("Describe the request.")).to_be_visible()
    screenshot("intake-refused")

    page.get_by_label("Find the resident: name, phone, number or unit").press_sequentially(
        "wong", delay=40
    )
    choice = page.get_by_role("radio", name=re.compile("Wong Siu Ming"))
    expect(choice).to_be_checked()
    page.get_by_label("Category").select_option(label="Repair · Plumbing")
    page.get_by_label("Received by").select_option(label="WeChat")
    page.get_by_label("What the resident asks").fill("Kitchen tap leaks under the sink")
    page.get_by_label("Photo (JPEG, PNG or WebP)").set_input_files(
        {"name": "tap.png", "mimeType": "image/png", "buffer": _png()}
    )
    # The form fits the phone's width: nothing to scroll sideways.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    screenshot("intake-filled")
    page.get_by_role("button", name="Log the request").click()

    expect(page.get_by_role("heading", name=re.compile(r"Request #\d+ · Repair"))).to_be_visible()
    expect(page.get_by_role("img", name="Photo 1 of the request")).to_be_visible()
    assert page.evaluate("() => document.querySelector('img').naturalWidth") == 1
    page.get_by_label("Reply given to the resident").fill("A plumber comes at 2 pm today")
    page.get_by_role("button", name="Record the reply").click()
    expect(page.locator("#request-status")).to_have_text("replied")
    expect(page.locator("#timeline")).to_contain_text("replied to the resident")
    screenshot("request-replied")

    with live_server.app.app_context():
        item = db.session.scalars(select(ServiceDeskRequest)).one()
        assert item.channel == "wechat" and item.status == "acknowledged"
        db.session.remove()


def test_service_desk_pages_are_valid_html_and_accessible(
    page: Page, seeded_site: Admin, live_server: LiveServer, screenshot: Screenshots
) -> None:
    java, axe_source = _tools()
    _service_desk_on(live_server, seeded_site.site_slug)
    admin_logs_in(page, seeded_site)
    s = f"/s/{seeded_site.site_slug}/service_desk"
    resident = seeded_site.resident_ids["Wong Siu Ming"]

    # One request with a visit to show: log it, reply, assign, record a visit.
    page.goto(f"{s}/new?q=wong")
    page.get_by_label("Category").select_option(label="Repair · Plumbing")
    page.get_by_label("What the resident asks").fill("Lift lobby light is off")
    page.get_by_role("button", name="Log the request").click()
    expect(page.get_by_role("heading", name=re.compile(r"Request #\d+"))).to_be_visible()
    request_url = page.url
    page.get_by_label("Reply given to the resident").fill("Tonight")
    page.get_by_role("button", name="Record the reply").click()
    page.get_by_label("Assign to").select_option(label="The front desk")
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.locator("#request-status")).to_have_text("assigned")

    folder = ARTIFACTS / "html-service_desk"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    saved = {}
    axe_found: list[str] = []
    pages = [
        ("requests", f"{s}/"),
        ("overdue", f"{s}/?view=overdue"),
        ("intake", f"{s}/new?q=wong"),
        ("request", request_url),
        ("categories", f"{s}/categories"),
        ("monthly", f"{s}/reports/monthly"),
        ("open-items", f"{s}/reports/open-items"),
        ("resident", f"/s/{seeded_site.site_slug}/residents/{resident}"),
        ("dashboard", f"/s/{seeded_site.site_slug}/"),
    ]
    for name, path in pages:
        response = page.goto(path)
        assert response is not None and response.ok, f"{name}: {response and response.status}"
        path_saved = folder / f"{len(saved) + 1:02d}-{name}.html"
        path_saved.write_text(response.text(), encoding="utf-8")
        saved[name] = path_saved
        axe_found.extend(axe_problems(page, name, axe_source))
        screenshot(name)
    # The resident's panel is fetched when it scrolls into view.
    page.goto(f"/s/{seeded_site.site_slug}/residents/{resident}")
    page.locator("#panel-service_desk-requests").scroll_into_view_if_needed()
    expect(page.locator("#panel-service_desk-requests")).to_contain_text("1 open request")

    vnu_errors = run_vnu(java, saved)
    assert not vnu_errors, "The Nu HTML Checker found errors:\n  " + "\n  ".join(vnu_errors)
    assert not axe_found, "axe found serious or critical violations:\n  " + "\n  ".join(axe_found)
