"""A butler in a basement without signal notes a visit and a pet, and takes a photo of a leak;
each reaches the server once when the signal returns."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from core import clock
from core.extensions import db
from core.models import Contact, Occupancy, Pet, Resident, Site, SubmissionKey, Unit, User
from plugins.service_desk import rules as service_desk
from plugins.service_desk.models import ServiceDeskCategory, ServiceDeskPhoto
from tests.browser.conftest import Butler, LiveServer, Screenshots
from tests.browser.test_service_desk import _png, _service_desk_on

pytestmark = pytest.mark.browser


@pytest.fixture
def resident(live_server: LiveServer, butler: Butler) -> int:
    with live_server.app.app_context():
        unit = db.session.scalars(select(Unit)).first()
        person = Resident(site_id=unit.site_id, name="Wong Siu Ming", phone="91234567")
        db.session.add(person)
        db.session.flush()
        db.session.add(
            Occupancy(
                site_id=unit.site_id,
                resident_id=person.id,
                unit_id=unit.id,
                role="owner",
                moved_in=date(2020, 1, 1),
            )
        )
        db.session.commit()
        ident = person.id
        db.session.remove()
    return ident


def log_in(page: Page, butler: Butler) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(butler.username)
    page.get_by_label("Password").fill(butler.password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(rf"/s/{butler.site_slug}/"))


def test_forms_sent_while_offline_are_written_once_when_the_signal_returns(
    page: Page, butler: Butler, resident: int, live_server: LiveServer, screenshot: Screenshots
) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(butler.username)
    page.get_by_label("Password").fill(butler.password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(rf"/s/{butler.site_slug}/today/$"))
    page.goto(f"/s/{butler.site_slug}/residents/{resident}")
    expect(page.get_by_role("heading", name="Wong Siu Ming", level=1)).to_be_visible()

    page.context.set_offline(True)
    banner = page.locator("#offline-banner")
    expect(banner).to_have_text("Offline")
    contacts = page.locator("#contacts")
    contacts.get_by_label("Kind").select_option("visit")
    contacts.get_by_label("What was said or done").fill("Visited: the lift is too slow")
    contacts.get_by_role("button", name="Write it down").click()
    expect(banner).to_have_text("Offline · 1 form waiting to be sent")
    page.get_by_text("Add a pet").click()
    page.get_by_label("Animal").fill("Cat")
    page.get_by_label("Pet's name").fill("Mimi")
    page.locator("#vehicles form[data-offline='pet']").get_by_role("button", name="Add").click()
    expect(banner).to_have_text("Offline · 2 forms waiting to be sent")
    screenshot("offline-two-waiting")
    with live_server.app.app_context():
        assert db.session.scalars(select(Contact)).all() == []
        db.session.remove()

    page.context.set_offline(False)
    expect(banner).to_have_text("Sent: 2")
    screenshot("back-online-sent")
    with live_server.app.app_context():
        assert db.session.scalars(select(Contact.summary)).all() == [
            "Visited: the lift is too slow"
        ]
        assert db.session.scalars(select(Pet.name)).all() == ["Mimi"]
        keys = db.session.scalars(select(SubmissionKey.key).order_by(SubmissionKey.id)).all()
        db.session.remove()
    assert len(keys) == 2

    # Someone replays the first POST by hand, key and all: refused, nothing written again.
    replay = page.request.post(
        f"/s/{butler.site_slug}/residents/{resident}/contacts",
        form={"kind": "visit", "summary": "Visited: the lift is too slow"},
        headers={"Idempotency-Key": keys[0], "X-CSRFToken": csrf_token(page)},
    )
    assert replay.status == 409 and "Already sent" in replay.text()
    with live_server.app.app_context():
        assert len(db.session.scalars(select(Contact)).all()) == 1
        db.session.remove()
    page.reload()
    expect(page.locator("#contacts").get_by_text("Visited: the lift is too slow")).to_be_visible()
    expect(banner).to_be_hidden()


def csrf_token(page: Page) -> str:
    return page.locator("input[name=csrf_token]").first.get_attribute("value") or ""


def test_a_photo_taken_without_signal_is_added_once_when_the_signal_returns(
    page: Page, butler: Butler, live_server: LiveServer, screenshot: Screenshots
) -> None:
    _service_desk_on(live_server, butler.site_slug, resident="Chan Tai Man")
    with live_server.app.app_context():
        site = db.session.scalars(select(Site).where(Site.slug == butler.site_slug)).one()
        person = db.session.scalars(select(Resident).where(Resident.site_id == site.id)).one()
        category = db.session.scalars(
            select(ServiceDeskCategory).where(
                ServiceDeskCategory.site_id == site.id, ServiceDeskCategory.name == "Plumbing"
            )
        ).first()
        user = db.session.scalars(select(User).where(User.username == butler.username)).one()
        item = service_desk.log(
            category=category,
            resident=person,
            unit_id=None,
            building_id=None,
            channel="phone",
            description="Water drips from the ceiling of car park B2",
            user=user,
            at=clock.now(),
        )
        db.session.commit()
        request_id = item.id
        db.session.remove()

    log_in(page, butler)
    page.goto(f"/s/{butler.site_slug}/service_desk/{request_id}")
    expect(page.get_by_role("heading", name=re.compile(rf"Request #{request_id}"))).to_be_visible()

    page.context.set_offline(True)
    banner = page.locator("#offline-banner")
    expect(banner).to_have_text("Offline")
    page.get_by_label("Photo (JPEG, PNG or WebP)").set_input_files(
        {"name": "leak.png", "mimeType": "image/png", "buffer": _png()}
    )
    page.get_by_role("button", name="Add the photo").click()
    expect(banner).to_have_text("Offline · 1 form waiting to be sent")
    with live_server.app.app_context():
        assert db.session.scalars(select(ServiceDeskPhoto)).all() == []
        db.session.remove()

    page.context.set_offline(False)
    expect(banner).to_have_text("Sent: 1")
    screenshot("photo-sent-after-signal")
    page.reload()
    expect(page.get_by_role("img", name="Photo 1 of the request")).to_be_visible()
    assert page.evaluate("() => document.querySelector('#photos-title ~ a img').naturalWidth") == 1
    with live_server.app.app_context():
        photos = db.session.scalars(select(ServiceDeskPhoto)).all()
        assert len(photos) == 1 and photos[0].request_id == request_id
        db.session.remove()
