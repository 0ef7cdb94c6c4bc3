"""Parcels on a phone: the front desk signs a parcel in with a photo, sees the unit's away
instructions, and hands it over to a named person who signs with a finger; the care pages
pass the Nu HTML Checker and axe."""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from core import clock
from core.extensions import db
from core.models import Occupancy, PluginEnablement, Resident, Site, Unit, User
from plugins.care.demo import signature_png
from plugins.care.models import CareAway, CareCase, CareNotice, CareParcel
from tests.browser.conftest import ARTIFACTS, Admin, Butler, LiveServer, Screenshots
from tests.browser.test_outside_checks import _tools, axe_problems, run_vnu
from tests.browser.test_outside_checks import log_in as admin_logs_in

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


def test_care_pages_are_valid_html_and_accessible(
    page: Page, seeded_site: Admin, live_server: LiveServer, screenshot: Screenshots
) -> None:
    java, axe_source = _tools()
    unit = _care_on(live_server, seeded_site.site_slug)
    with live_server.app.app_context():
        site = db.session.scalars(select(Site).where(Site.slug == seeded_site.site_slug)).one()
        admin = db.session.scalars(select(User).where(User.username == seeded_site.username)).one()
        resident_id = seeded_site.resident_ids["Wong Siu Ming"]
        today, now = clock.today(site), clock.now()
        notice = CareNotice(
            site_id=site.id,
            template="typhoon",
            day=today,
            title_en="Typhoon warning",
            body_en="Close your windows.",
            title_zh_Hant="颱風警告",
            body_zh_Hant="請關好窗戶。",
            created_at=now,
            created_by_id=admin.id,
        )
        case = CareCase(
            site_id=site.id,
            resident_id=resident_id,
            kind="hospital",
            happened_on=today,
            summary="In hospital",
            created_at=now,
            created_by_id=admin.id,
        )
        unit_id = db.session.scalars(select(Unit.id).where(Unit.site_id == site.id)).first()
        parcel = CareParcel(
            site_id=site.id,
            unit_id=unit_id,
            carrier="DHL",
            shelf="B1",
            received_at=now - timedelta(days=9),
            received_by_id=admin.id,
        )
        db.session.add_all([notice, case, parcel])
        db.session.commit()
        ids = {"notice": notice.id, "case": case.id, "parcel": parcel.id}
        db.session.remove()
    admin_logs_in(page, seeded_site)
    c = f"/s/{seeded_site.site_slug}/care"
    folder = ARTIFACTS / "html-care"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    saved: dict[str, Path] = {}
    axe_found: list[str] = []
    pages = [
        ("care", f"{c}/"),
        ("birthdays", f"{c}/birthdays?all=1"),
        ("notices", f"{c}/notices"),
        ("notice-new", f"{c}/notices/new?template=rainstorm"),
        ("notice", f"{c}/notices/{ids['notice']}"),
        ("notice-print", f"{c}/notices/{ids['notice']}/print"),
        ("parcels", f"{c}/parcels"),
        ("parcel-new", f"{c}/parcels/new?unit_id={unit_id}"),
        ("parcel", f"{c}/parcels/{ids['parcel']}"),
        ("away", f"{c}/away"),
        ("special", f"{c}/special"),
        ("case", f"{c}/special/{ids['case']}"),
        ("case-new", f"{c}/special/new?resident={resident_id}"),
        ("settings", f"{c}/settings"),
        ("report", f"{c}/reports/monthly"),
    ]
    for name, path in pages:
        response = page.goto(path)
        assert response is not None and response.ok, f"{name}: {response and response.status}"
        saved[name] = folder / f"{len(saved) + 1:02d}-{name}.html"
        saved[name].write_text(response.text(), encoding="utf-8")
        axe_found.extend(axe_problems(page, name, axe_source))
        screenshot(name)
    assert unit in (folder / "08-parcel-new.html").read_text(encoding="utf-8")
    vnu_errors = run_vnu(java, saved)
    assert not vnu_errors, "The Nu HTML Checker found errors:\n  " + "\n  ".join(vnu_errors)
    assert not axe_found, "axe found serious or critical violations:\n  " + "\n  ".join(axe_found)
