"""Browser tests: the real application on a loopback port, driven by Debian's Chromium.

The sync Playwright API is used directly (no pytest-playwright). The live server has its
own SQLite database, apart from the session ``app`` of ``tests/conftest.py``, and keeps
CSRF protection on, as in production. Every test gets a fresh browser context on a phone;
a console error, an uncaught script error, a static file that fails to load or an
exception in the server fails the test at teardown. ``screenshot("step")`` saves
``test-artifacts/browser/<test>/<NN>-<step>.png`` at the repository root.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

import pytest
from flask import Flask, got_request_exception
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Playwright,
    Request,
    Response,
    sync_playwright,
)
from werkzeug.serving import WSGIRequestHandler, make_server

from core import create_app
from core.auth import hash_password
from core.extensions import db
from core.models import (
    Building,
    ButlerAssignment,
    Membership,
    Occupancy,
    Organization,
    OutboxMessage,
    PluginEnablement,
    Resident,
    Site,
    Unit,
    User,
)
from tests.conftest import _empty_tables, app_config

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
T = TypeVar("T")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
# Resources whose failure to load is a bug (a missing static file), whatever the page.
STATIC_RESOURCES = frozenset({"stylesheet", "script", "image", "font"})
# Chromium logs every 4xx/5xx response as a console error, including pages the app answers
# with 422 or 404 on purpose. Responses are judged by ``on_response`` in ``page`` instead.
HTTP_STATUS_LOG = "Failed to load resource: the server responded with a status of"
# A load the browser could not make because the test took it offline on purpose (the
# offline journeys check their own pages): the favicon, asked for at any moment.
OFFLINE_LOG = "Failed to load resource: net::ERR_INTERNET_DISCONNECTED"


# --- The live server ---------------------------------------------------------------------


class _QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler without the access log; errors are still logged."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@dataclass
class LiveServer:
    app: Flask
    url: str
    # Exceptions raised by views, in the order they happened (see ``page``).
    errors: list[BaseException] = field(default_factory=list)


@pytest.fixture(scope="session")
def _live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    database = tmp_path_factory.mktemp("browser-db") / "butler-browser.db"
    config = app_config(f"sqlite:///{database}")
    config["WTF_CSRF_ENABLED"] = True  # the browser sends real forms, with their tokens
    app = create_app(config)
    with app.app_context():
        db.create_all()

    server_errors: list[BaseException] = []

    def record(sender: Flask, exception: BaseException, **extra: object) -> None:
        server_errors.append(exception)

    got_request_exception.connect(record, app, weak=False)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietRequestHandler)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="butler-live-server",
        daemon=True,
    )
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}", server_errors)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        got_request_exception.disconnect(record, app)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def live_server(_live_server: LiveServer) -> Iterator[LiveServer]:
    """The running application; its tables are emptied after the test."""
    yield _live_server
    with _live_server.app.app_context():
        # The audit log is append-only (core/audit_guard.py): empty it as tests/conftest does.
        _empty_tables()
        db.session.remove()


# --- Data, built through the models in the live application --------------------------------


@dataclass(frozen=True)
class Butler:
    """A butler who can log in, and the site, building and unit they look after."""

    username: str
    password: str
    display_name: str
    site_name: str
    site_slug: str
    building_code: str
    building_name: str


def _add(obj: T) -> T:
    db.session.add(obj)
    db.session.flush()
    return obj


@pytest.fixture
def butler(live_server: LiveServer) -> Butler:
    """A residential site with one building and unit, and a butler assigned to it."""
    password = "harbour-view-2024"
    with live_server.app.app_context():
        org = _add(Organization(slug="harbour", name="Harbour Property Management"))
        site = _add(
            Site(
                organization_id=org.id,
                slug="harbour-view",
                name="Harbour View Gardens",
                kind="residential",
                default_locale="en",
            )
        )
        building = _add(Building(site_id=site.id, code="T1", name="Tower 1", floors=30))
        _add(Unit(site_id=site.id, building_id=building.id, floor=12, number="12A"))
        user = _add(
            User(
                organization_id=org.id,
                username="chan.taiman",
                display_name="Chan Tai Man",
                password_hash=hash_password(password),
            )
        )
        _add(Membership(site_id=site.id, user_id=user.id, role="butler"))
        _add(
            ButlerAssignment(
                site_id=site.id,
                building_id=building.id,
                user_id=user.id,
                starts_on=date(2024, 1, 1),
            )
        )
        db.session.commit()
        result = Butler(
            username=user.username,
            password=password,
            display_name=user.display_name,
            site_name=site.name,
            site_slug=site.slug,
            building_code=building.code,
            building_name=building.name,
        )
        db.session.remove()
    return result


@dataclass(frozen=True)
class Admin:
    """An organisation admin (also the site's manager) of two sites, and what they see."""

    username: str
    password: str
    display_name: str
    site_slug: str
    building_id: int
    unit_id: int
    resident_ids: dict[str, int]


@pytest.fixture
def org_admin(live_server: LiveServer, butler: Butler) -> Admin:
    """An org admin of the butler's organisation, which gets a second site (a hotel), so
    that the admin lands on the site picker; the first site gets two more units and three
    residents. No plugin is on: ``seeded_site`` turns the example plugin on.
    """
    password = "org-admin-pass-2024"
    with live_server.app.app_context():
        site = db.session.scalars(db.select(Site).where(Site.slug == butler.site_slug)).one()
        building = db.session.scalars(db.select(Building).where(Building.site_id == site.id)).one()
        _add(
            Site(
                organization_id=site.organization_id,
                slug="harbour-hotel",
                name="Harbour Hotel",
                kind="hotel",
                default_locale="en",
            )
        )
        units = list(db.session.scalars(db.select(Unit).where(Unit.building_id == building.id))) + [
            _add(Unit(site_id=site.id, building_id=building.id, floor=floor, number=number))
            for floor, number in ((12, "12B"), (3, "3A"))
        ]
        admin = _add(
            User(
                organization_id=site.organization_id,
                username="ada.admin",
                display_name="Ada Admin",
                password_hash=hash_password(password),
                is_org_admin=True,
            )
        )
        _add(Membership(site_id=site.id, user_id=admin.id, role="manager"))
        resident_ids = {}
        for unit, (name, phone) in zip(
            units,
            (
                ("Wong Siu Ming", "91234567"),
                ("Lee Ka Yan", "62223333"),
                ("Ho Chi Keung", "53334444"),
            ),
            strict=True,
        ):
            resident = _add(Resident(site_id=site.id, name=name, phone=phone))
            _add(
                Occupancy(
                    site_id=site.id,
                    resident_id=resident.id,
                    unit_id=unit.id,
                    role="owner",
                    moved_in=date(2020, 1, 1),
                )
            )
            resident_ids[name] = resident.id
        db.session.commit()
        result = Admin(
            username=admin.username,
            password=password,
            display_name=admin.display_name,
            site_slug=site.slug,
            building_id=building.id,
            unit_id=units[0].id,
            resident_ids=resident_ids,
        )
        db.session.remove()
    return result


@pytest.fixture
def seeded_site(live_server: LiveServer, org_admin: Admin) -> Admin:
    """``org_admin``'s site with the example plugin on and a message in the outbox."""
    with live_server.app.app_context():
        site = db.session.scalars(db.select(Site).where(Site.slug == org_admin.site_slug)).one()
        _add(PluginEnablement(site_id=site.id, plugin="example", enabled=True))
        _add(
            OutboxMessage(
                site_id=site.id,
                channel="sms",
                recipient="91234567",
                body="The water is off on Friday from 10 am.",
                dedupe_key="water-stop",
                resident_id=org_admin.resident_ids["Wong Siu Ming"],
            )
        )
        db.session.commit()
        db.session.remove()
    return org_admin


# --- The browser ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Chromium is not at {CHROMIUM}; `make chromium` installs it.")
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A page on a phone, in a fresh context; problems the page shows fail the test."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        timezone_id="Asia/Hong_Kong",
        service_workers="block",
        **PHONE,
    )
    context.set_default_timeout(5_000)
    page = context.new_page()
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith((HTTP_STATUS_LOG, OFFLINE_LOG)):
            where = message.location.get("url", "")
            problems.append(f"console error: {message.text} ({where})")

    def on_request_failed(request: Request) -> None:
        # ERR_ABORTED is the browser dropping a load because the page moved on (a link
        # followed while the previous page still fetched its script): not a missing file,
        # which answers 404 and is caught in on_response.
        dropped = ("net::ERR_ABORTED", "net::ERR_INTERNET_DISCONNECTED")
        if request.resource_type in STATIC_RESOURCES and request.failure not in dropped:
            problems.append(f"{request.resource_type} failed: {request.url} ({request.failure})")

    def on_response(response: Response) -> None:
        kind = response.request.resource_type
        if response.status >= 500 or (response.status >= 400 and kind in STATIC_RESOURCES):
            problems.append(f"{kind} {response.status}: {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", on_request_failed)
    page.on("response", on_response)
    errors_before = len(live_server.errors)

    yield page

    found = list(problems)
    context.close()
    found += [f"server error: {e!r}" for e in live_server.errors[errors_before:]]
    if found:
        pytest.fail("The browser saw problems:\n  " + "\n  ".join(found), pytrace=False)


# --- Screenshots ------------------------------------------------------------------------


class Screenshots:
    """``screenshot("step")`` saves the page as ``<NN>-<step>.png`` in the test's folder."""

    def __init__(self, page: Page, folder: Path) -> None:
        self.page = page
        self.folder = folder
        self.count = 0

    def __call__(self, step: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{_slug(step)}.png"
        self.page.screenshot(path=path, full_page=True, animations="disabled")
        return path


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "step"


@pytest.fixture
def screenshot(page: Page, request: pytest.FixtureRequest) -> Screenshots:
    folder = ARTIFACTS / _slug(request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return Screenshots(page, folder)


# --- The navigation, as a phone shows it -------------------------------------------------


def nav_to(page: Page, name: str, exact: bool = True) -> None:
    """Follow the site navigation's link ``name`` as one does on a phone: from the bottom
    bar, or from under "More" when the bar has no room for it."""
    bar = page.get_by_role("navigation", name="Shortcuts")
    link = bar.get_by_role("link", name=name, exact=exact)
    if not link.count():
        bar.get_by_text("More", exact=True).click()
    link.first.click()


def open_more(page: Page) -> None:
    """Open the bottom bar's "More" (the site, the user, the other destinations)."""
    page.get_by_role("navigation", name="Shortcuts").get_by_text("More", exact=True).click()
