"""Markup typed into Butler is shown as text, never run: every page, every partial, exports.

The story: someone types ``<img src=x onerror=alert(1)>`` into whatever Butler keeps (a
resident's name and details, a building, a unit, a member of staff, a contact's summary,
the name of an uploaded file, a message to a resident, a plugin's note) or into a search
box. The org admin and a manager of the site then open every page, full and as htmx
partials: they see the characters, escaped (``&lt;img …&gt;``), and the browser never
gets the tag itself. The CSV and XLSX exports hold the same text as plain text (a
spreadsheet is not a web page) and no cell of theirs is a formula.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from openpyxl import load_workbook
from sqlalchemy import String, Text, select

from core.exports import FORMULA_STARTS
from core.extensions import db
from core.models import (
    Building,
    Contact,
    ImportBatch,
    Occupancy,
    Organization,
    OutboxMessage,
    Pet,
    Resident,
    Site,
    Unit,
    User,
    Vehicle,
)
from core.security import LOGGED_IN, PUBLIC, permission_of
from tests.example_plugin import ExampleNote
from tests.security.conftest import World, get_urls, logged_in

PAYLOAD = "<img src=x onerror=alert(1)>"
SHORT = "<img src=x>"  # for columns of 20 characters: codes, unit numbers, plates
RAW = "<img src=x"  # in both: the tag a browser would run
# The query parameters the views read, each given the payload to see whether it is echoed.
QUERY_PARAMETERS = (
    "q archived building current floor mine name next page per_page period role sort status"
).split()
# Columns that hold codes the application checks against a fixed list, not free text.
NOT_FREE_TEXT = {"preferred_locale", "status", "kind", "channel", "role", "dedupe_key"}


def tainted(label: str, payload: str = PAYLOAD) -> str:
    return f"{label} {payload}"


def shown(label: str, payload: str = PAYLOAD) -> str:
    """How a tainted value looks in a page: escaped."""
    return str(escape(tainted(label, payload)))


def _taint_text_columns(obj, prefix: str) -> None:
    """Give every free-text column of ``obj`` that has room a tainted value."""
    for column in obj.__table__.columns:
        if column.primary_key or column.foreign_keys or column.name in NOT_FREE_TEXT:
            continue
        if not isinstance(column.type, String | Text):
            continue
        value = tainted(f"{prefix}-{column.name}")
        if column.type.length is None or column.type.length >= len(value):
            setattr(obj, column.key, value)


def taint_site_a(app: Flask, world: World) -> None:
    """Put markup into everything site A keeps that its pages show."""
    ids = world.a.ids
    with app.app_context():
        session = db.session
        site = session.get(Site, world.a.site.id)
        site.name = tainted("Site")
        session.get(Organization, site.organization_id).name = tainted("Company")
        resident = session.get(Resident, ids["resident_id"])
        _taint_text_columns(resident, "Resident")
        resident.name = tainted("Resident-name")
        building = session.get(Building, ids["building_id"])
        building.name, building.code = tainted("Building-name"), tainted("T1", SHORT)
        unit = session.get(Unit, ids["unit_id"])
        unit.number, unit.room_type = tainted("3A", SHORT), tainted("Room")
        staff = session.get(User, ids["user_id"])
        staff.display_name, staff.email = tainted("Staff-name"), tainted("Staff-email")
        for role in ("org_admin", "manager"):
            session.get(User, world.users[role].id).display_name = tainted(f"User-{role}")
        for contact in session.scalars(select(Contact).where(Contact.resident_id == resident.id)):
            contact.summary = tainted("Contact-summary")
        for vehicle in session.scalars(select(Vehicle).where(Vehicle.resident_id == resident.id)):
            vehicle.plate, vehicle.description = tainted("AB", SHORT), tainted("Vehicle")
        for pet in session.scalars(select(Pet).where(Pet.resident_id == resident.id)):
            pet.species, pet.name, pet.notes = tainted("Pet"), tainted("Pet-name"), tainted("Pet")
        batch = session.get(ImportBatch, ids["batch_id"])
        batch.filename = tainted("File") + ".csv"
        problem = {"row": 2, "column": tainted("Column"), "message": tainted("Problem")}
        batch.problems = json.dumps([problem])
        message = session.get(OutboxMessage, ids["message_id"])
        message.subject, message.body = tainted("Subject"), tainted("Message-body")
        message.last_error = tainted("Error")
        session.add(ExampleNote(site_id=site.id, resident_id=resident.id, text=tainted("Note")))
        session.commit()


# Where each tainted value must be seen, escaped, by a user who may open the page: the
# full page, and (under "(htmx)") the partial the page swaps in. Short values (codes and
# numbers of 20 characters) are given as (label, SHORT).
SHOWN_ON: dict[str, list] = {
    "dashboard.index": ["Site", "User-{role}"],
    "sites.choose": ["Site"],
    "auth.change_password": ["User-{role}"],
    "buildings.index": ["Building-name", "Staff-name", ("T1", SHORT)],
    "buildings.index (htmx)": ["Building-name", "Staff-name", ("T1", SHORT)],
    "buildings.show": ["Building-name", "Staff-name", ("3A", SHORT)],
    "buildings.show (htmx)": [("3A", SHORT)],
    "buildings.edit": ["Building-name", ("T1", SHORT)],
    "buildings.unit": ["Building-name", "Resident-name", "Room", ("3A", SHORT)],
    "buildings.unit_edit": [("3A", SHORT)],
    "residents.index": ["Resident-name", "Building-name"],
    "residents.index (htmx)": ["Resident-name", ("T1", SHORT)],
    "residents.show": [
        "Resident-name",
        "Resident-email",
        "Resident-employer",
        "Resident-notes",
        "Contact-summary",
        "Staff-name",
        "Vehicle",
        "Pet-name",
        ("AB", SHORT),
    ],
    "residents.section (htmx)": ["Resident-name", "Resident-email", "Resident-employer"],
    "residents.edit_section": ["Resident-name", "Resident-email", "Resident-notes"],
    "residents.edit_section (htmx)": ["Resident-name", "Resident-email", "Resident-notes"],
    "transfer.imports_index": ["File", "Staff-name"],
    "transfer.batch": ["File", "Column", "Problem"],
    # The list shows a message's subject and last error; its body is shown nowhere.
    "outbox.index": ["Subject", "Error"],
    "staff.index": ["Staff-name", "Building-name"],
    "staff.roles": ["Staff-name"],
    "staff.assignments": ["Building-name", "Staff-name"],
    "example.index": ["Note"],
    "example.resident_panel (htmx)": ["Resident-name"],
    "example.unit_panel (htmx)": [("3A", SHORT)],
    "pages.search": ["Note"],  # searched for with ?q=Note
}


def _walk(client: FlaskClient, urls: list[tuple[str, str]]) -> list[tuple[str, str, int, str]]:
    """``(page, request, status, html)`` of every page, full and as htmx partial; ``page``
    is the endpoint, with " (htmx)" for a partial. Files (CSV, XLSX, SVG) are left out."""
    pages = []
    for endpoint, url in urls:
        for partial in (False, True):
            headers = {"HX-Request": "true", "HX-Target": "resident-results"} if partial else {}
            response = client.get(url, headers=headers)
            if response.mimetype in ("text/html", "text/plain", "application/json"):
                page = f"{endpoint} (htmx)" if partial else endpoint
                html = response.get_data(as_text=True)
                pages.append((page, f"GET {url} as {page}", response.status_code, html))
            response.close()
    return pages


def _may_open(app: Flask, role: str, page: str) -> bool:
    permission = permission_of(app.view_functions[page.removesuffix(" (htmx)")])
    held = app.extensions["butler.permissions"].for_role(role)
    return permission in (PUBLIC, LOGGED_IN) or permission in held


@pytest.mark.parametrize("role", ["org_admin", "manager"])
def test_markup_typed_anywhere_is_shown_as_text_on_every_page(app, world, role):
    taint_site_a(app, world)
    client = logged_in(app, world.users[role])
    urls = get_urls(app, world)
    urls.append(("pages.search", f"/s/{world.a.site.slug}/search?q=Note"))
    pages = _walk(client, urls)
    problems = []
    html_of: dict[str, str] = {}
    for page, request, status, html in pages:
        if RAW in html:
            at = html.index(RAW)
            problems.append(f"{request}: raw markup …{html[max(at - 80, 0) : at + 40]}…")
        if status >= 500:
            problems.append(f"{request}: {status}")
        if status == 200:
            html_of[page] = html_of.get(page, "") + html
    checked = 0
    for page, labels in SHOWN_ON.items():
        if not _may_open(app, role, page):
            continue
        for label in labels:
            label, payload = label if isinstance(label, tuple) else (label, PAYLOAD)
            label = label.format(role=role)
            if shown(label, payload) not in html_of.get(page, ""):
                problems.append(f"{page}: {tainted(label, payload)!r} is not shown escaped")
            checked += 1
    assert problems == []
    print(f"\nescaping as {role}: {len(pages)} pages, {checked} values seen escaped")
    assert checked >= 40
    assert len(pages) >= 70


@pytest.mark.parametrize("role", ["org_admin", "manager"])
def test_markup_in_the_address_is_never_echoed_raw(app, world, role):
    client = logged_in(app, world.users[role])
    query = urlencode({name: PAYLOAD for name in QUERY_PARAMETERS})
    problems = []
    pages = 0
    for _endpoint, url in get_urls(app, world):
        response = client.get(f"{url}?{query}")
        html = response.get_data(as_text=response.mimetype.startswith("text/"))
        response.close()
        pages += 1
        if response.status_code >= 500:
            problems.append(f"GET {url}?…: {response.status_code}")
        if response.mimetype == "text/html" and RAW in html:
            problems.append(f"GET {url}?…: the payload is echoed raw")
    assert problems == []
    assert pages >= 35


# --- Exports --------------------------------------------------------------------------

FORMULAS = {
    "name": '=HYPERLINK("http://evil.example","Click")',
    "phone": "+85291234567",
    "email": "@SUM(1+1)",
    "ref": "-2+3",
}


def _add_formula_residents(app: Flask, world: World) -> None:
    """A resident whose details a spreadsheet would run, and one hiding a formula behind
    a control character (a spreadsheet cannot hold it, so the export drops it)."""
    with app.app_context():
        site_id, unit_id = world.a.site.id, world.a.ids["unit_id"]
        for fields in (FORMULAS, {"name": "\x01=1+2", "phone": "\x1f+1"}):
            resident = Resident(site_id=site_id, **fields)
            db.session.add(resident)
            db.session.flush()
            db.session.add(
                Occupancy(
                    site_id=site_id,
                    resident_id=resident.id,
                    unit_id=unit_id,
                    role="tenant",
                    moved_in=date(2021, 1, 1),
                )
            )
        db.session.commit()


def _export(client: FlaskClient, world: World, fmt: str):
    response = client.get(f"/s/{world.a.site.slug}/residents/export.{fmt}?mine=0")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    return response


def test_the_csv_export_holds_markup_as_plain_text_and_no_formula(app, world):
    taint_site_a(app, world)
    _add_formula_residents(app, world)
    client = logged_in(app, world.users["manager"])
    response = _export(client, world, "csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert tainted("Resident-name") in cells
    assert f"'{FORMULAS['name']}" in cells and f"'{FORMULAS['email']}" in cells
    assert [cell for cell in cells if cell.startswith(FORMULA_STARTS)] == []


def test_the_xlsx_export_holds_markup_as_plain_text_and_no_formula(app, world):
    taint_site_a(app, world)
    _add_formula_residents(app, world)
    client = logged_in(app, world.users["manager"])
    response = _export(client, world, "xlsx")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    values = [cell.value for cell in cells]
    assert tainted("Resident-name") in values
    assert f"'{FORMULAS['name']}" in values and f"'{FORMULAS['email']}" in values
    assert "'=1+2" in values  # the control character dropped, the formula still disarmed
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    texts = [value for value in values if isinstance(value, str)]
    assert [text for text in texts if text.startswith(FORMULA_STARTS)] == []
