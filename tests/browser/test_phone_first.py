"""Phone first: on a 390×844 phone, in each of the three languages, the first screen of
the day page, the service desk, the resident list, the room board and an attendant's
rooms shows at least five items of the work, above the bottom bar. Screenshots of each
page in each language are kept; the pages pass axe and the Nu HTML Checker at phone and
desktop widths."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from core import clock
from core.extensions import db
from core.models import Building, Occupancy, Resident, Site, Unit, User
from plugins.housekeeping.models import HousekeepingAssignment, HousekeepingRoom
from plugins.service_desk import rules as service_desk
from plugins.service_desk.models import ServiceDeskCategory
from tests.browser.conftest import ARTIFACTS, Butler, LiveServer
from tests.browser.test_housekeeping import PASSWORD as HOTEL_PASSWORD
from tests.browser.test_housekeeping import Hotel, hotel  # noqa: F401, F811 (a fixture)
from tests.browser.test_outside_checks import _tools, axe_problems, run_vnu
from tests.browser.test_service_desk import _service_desk_on

pytestmark = pytest.mark.browser

LANGUAGES = ("en", "zh_Hant", "zh_Hans")
NAMES = ("Chan", "Wong", "Lee", "Cheung", "Lau", "Ho", "Ng", "Leung")
FOLDER = ARTIFACTS / "phone-first"


def _a_busy_estate(live_server: LiveServer, butler: Butler) -> None:
    """Eight households in the butler's tower, each with a repair past its promised time."""
    _service_desk_on(live_server, butler.site_slug, resident="Chan Tai Man")
    with live_server.app.app_context():
        site = db.session.scalars(select(Site).where(Site.slug == butler.site_slug)).one()
        tower = db.session.scalars(select(Building).where(Building.site_id == site.id)).first()
        user = db.session.scalars(select(User).where(User.username == butler.username)).one()
        category = db.session.scalars(
            select(ServiceDeskCategory).where(
                ServiceDeskCategory.site_id == site.id, ServiceDeskCategory.name == "Plumbing"
            )
        ).first()
        for n, surname in enumerate(NAMES):
            unit = Unit(site_id=site.id, building_id=tower.id, floor=3 + n, number=f"{3 + n}B")
            person = Resident(site_id=site.id, name=f"{surname} Ka Yan", phone=f"9123 45{n:02d}")
            db.session.add_all([unit, person])
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
            service_desk.log(
                category=category,
                resident=person,
                unit_id=unit.id,
                building_id=tower.id,
                channel="phone",
                description=f"Water drips from the ceiling of flat {3 + n}B",
                user=user,
                at=clock.now() - timedelta(days=2, hours=n),
            )
        db.session.commit()
        db.session.remove()


def _speak(live_server: LiveServer, username: str, locale: str) -> None:
    with live_server.app.app_context():
        db.session.scalars(select(User).where(User.username == username)).one().locale = locale
        db.session.commit()
        db.session.remove()


def _log_in(page: Page, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto("/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.locator("form button[type=submit]").first.click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def _first_screen(page: Page, rows: str) -> int:
    """How many of ``rows`` lie wholly inside the first screen, above the bottom bar."""
    return page.evaluate(
        """(selector) => {
            const bar = document.querySelector('.phone-bar');
            const floor = bar ? bar.getBoundingClientRect().top : window.innerHeight;
            return [...document.querySelectorAll(selector)].filter((el) => {
                const box = el.getBoundingClientRect();
                return box.height > 0 && box.top >= 0 && box.bottom <= floor;
            }).length;
        }""",
        rows,
    )


def _check(page: Page, path: str, rows: str, name: str, locale: str) -> None:
    page.goto(path)
    expect(page.locator(rows).first).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390, name
    FOLDER.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=FOLDER / f"{name}-{locale}.png", animations="disabled")
    shown = _first_screen(page, rows)
    assert shown >= 5, f"{name} in {locale}: {shown} items on the first screen"


def test_the_first_screen_shows_the_work_in_every_language(
    page: Page,
    butler: Butler,
    hotel: Hotel,  # noqa: F811
    live_server: LiveServer,
) -> None:
    _a_busy_estate(live_server, butler)
    with live_server.app.app_context():
        site = db.session.scalars(select(Site).where(Site.slug == hotel.slug)).one()
        ann = db.session.scalars(select(User).where(User.username == "ann")).one()
        today = clock.today(site)
        for number in ("1103", "1104", "1201", "1202", "1203", "1204"):
            unit = db.session.get(Unit, hotel.rooms[number])
            db.session.add(
                HousekeepingRoom(site_id=site.id, unit_id=unit.id, status="vacant_dirty")
            )
            db.session.add(
                HousekeepingAssignment(
                    site_id=site.id,
                    day=today,
                    unit_id=unit.id,
                    movement="departure",
                    credits=3,
                    attendant_id=ann.id,
                )
            )
        db.session.commit()
        db.session.remove()
    s, h = f"/s/{butler.site_slug}", f"/s/{hotel.slug}"
    for locale in LANGUAGES:
        _speak(live_server, butler.username, locale)
        _log_in(page, butler.username, butler.password)
        _check(page, f"{s}/today/", ".day-items > li", "day", locale)
        _check(page, f"{s}/service_desk/", "#request-results tbody tr", "service-desk", locale)
        _check(page, f"{s}/residents/?mine=0", "#resident-results tbody tr", "residents", locale)
        for who in ("sam", "ann"):
            _speak(live_server, who, locale)
        _log_in(page, "sam", HOTEL_PASSWORD)
        _check(page, f"{h}/housekeeping/", ".floor-units > li", "room-board", locale)
        _log_in(page, "ann", HOTEL_PASSWORD)
        expect(page).to_have_url(re.compile(r"/housekeeping/my-rooms$"))
        _check(page, f"{h}/housekeeping/my-rooms", ".my-rooms tbody tr", "my-rooms", locale)


def test_the_phone_pages_pass_axe_and_the_html_checker_at_both_widths(
    page: Page,
    butler: Butler,
    hotel: Hotel,  # noqa: F811
    live_server: LiveServer,
) -> None:
    java, axe_source = _tools()
    _a_busy_estate(live_server, butler)
    s, h = f"/s/{butler.site_slug}", f"/s/{hotel.slug}"
    folder = FOLDER / "html"
    folder.mkdir(parents=True, exist_ok=True)
    saved: dict[str, Path] = {}
    axe_found: list[str] = []
    pages = {
        (butler.username, butler.password): (
            ("day", f"{s}/today/"),
            ("service-desk", f"{s}/service_desk/"),
            ("residents", f"{s}/residents/?mine=0"),
            ("work-log", f"{s}/log/"),
        ),
        ("sam", HOTEL_PASSWORD): (("room-board", f"{h}/housekeeping/"),),
        ("ann", HOTEL_PASSWORD): (("my-rooms", f"{h}/housekeeping/my-rooms"),),
    }
    for width, height in ((390, 844), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        for (username, password), paths in pages.items():
            _log_in(page, username, password)
            for name, path in paths:
                response = page.goto(path)
                assert response is not None and response.ok, path
                file = folder / f"{name}.html"
                file.write_text(response.text(), encoding="utf-8")
                saved[name] = file
                axe_found += axe_problems(page, f"{name} at {width}px", axe_source)
    vnu_errors = run_vnu(java, saved)
    assert not vnu_errors, "The Nu HTML Checker found errors:\n  " + "\n  ".join(vnu_errors)
    assert not axe_found, "axe found serious or critical violations:\n  " + "\n  ".join(axe_found)
