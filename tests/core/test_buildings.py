"""Buildings and units: the list, the floor grid, the forms, archiving, and each unit's page."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from sqlalchemy import event, func, select

from core import clock as core_clock
from core.extensions import db
from core.models import AuditLog, Building, Unit
from tests.conftest import login

HTMX = {"HX-Request": "true"}


def rows(app, stmt) -> list:
    with app.app_context():
        return db.session.scalars(stmt).all()


def one(app, model, ident):
    with app.app_context():
        return db.session.get(model, ident)


def audit_actions(app) -> list[str]:
    """What was written to the audit log about buildings and units (or refused), in order."""
    entries = rows(app, select(AuditLog).order_by(AuditLog.id))
    return [e.action for e in entries if e.action.startswith(("building.", "unit.", "access."))]


def audited(app, action: str) -> dict:
    entry = rows(app, select(AuditLog).where(AuditLog.action == action))[-1]
    return json.loads(entry.detail) if entry.detail else {}


def version_in(html: str) -> str:
    return re.search(r'name="version_id" type="hidden" value="(\d+)"', html).group(1)


def field_error(html: str, name: str) -> str:
    """The message shown next to the field ``name`` (empty when there is none)."""
    found = re.search(rf'<small id="{name}-error" class="field-error">([^<]*)</small>', html)
    return found.group(1) if found else ""


def conflict_rows(html: str) -> list[list[str]]:
    """The rows of the 409 notice: field, what is saved now, what this user typed."""
    notice = re.search(r'<div class="conflict".*?</div>', html, re.S).group(0)
    body = notice[notice.index("<tbody>") :]
    return [
        re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row)
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def grid_cells(html: str) -> dict[str, dict]:
    """Each cell of the floor grid by unit number: its status class, text and dimming."""
    cells = {}
    pattern = (
        r'class="unit-cell unit-(\w+)( dimmed)?">\s*'
        r'<strong class="unit-number">([^<]+)</strong>(.*?)</a>'
    )
    for status, dimmed, number, rest in re.findall(pattern, html, re.S):
        text = " ".join(re.sub(r"<[^>]+>", " ", rest).split())
        cells[number] = {"status": status, "text": text, "dimmed": bool(dimmed)}
    return cells


@pytest.fixture
def estate(make):
    return make.estate(name="Harbour View", towers=(), staff={"mia": "manager"}).site


# --- The list ---------------------------------------------------------------------------


def test_list_shows_each_building_with_floors_units_and_butler(client, make, estate):
    tower = make.building(estate, code="T1", name="Tower 1", floors=30)
    make.building(estate, code="T2", name="Tower 2", floors=12)
    make.unit(tower)
    make.unit(tower)
    gone = make.unit(tower)

    make.update(gone, archived_at=core_clock.now())
    ben = make.user(role="butler", site=estate, display_name="Ben Lau")
    make.assignment(ben, tower)
    earlier = make.user(role="butler", site=estate, display_name="Old Hand")
    make.assignment(earlier, tower, ends_on=date(2023, 12, 31), starts_on=date(2022, 1, 1))
    login(client, "mia")
    html = client.get(f"/s/{estate.slug}/buildings/").get_data(as_text=True)
    tower_row = re.search(r'<tr id="building-\d+">.*?Tower 1.*?</tr>', html, re.S).group(0)
    assert ">T1</a>" in tower_row
    assert ">30</td>" in tower_row
    assert ">2</td>" in tower_row  # the archived unit is not counted
    assert "Ben Lau" in tower_row and "Old Hand" not in html
    assert "Tower 2" in html
    assert html.index("Tower 1") < html.index("Tower 2")


def test_list_uses_the_same_number_of_sql_statements_for_2_and_for_20_buildings(
    app, client, make, estate
):
    def add_buildings(count: int) -> None:
        for _ in range(count):
            building = make.building(estate)
            make.unit(building)
            make.assignment(make.user(role="butler", site=estate), building)

    def statements_for_list() -> int:
        with app.app_context():
            engine = db.engine
        seen: list[str] = []

        def note(conn, cursor, statement, parameters, context, executemany):
            seen.append(statement)

        event.listen(engine, "before_cursor_execute", note)
        try:
            response = client.get(f"/s/{estate.slug}/buildings/")
        finally:
            event.remove(engine, "before_cursor_execute", note)
        assert response.status_code == 200
        return len(seen), response.get_data(as_text=True)

    login(client, "mia")
    add_buildings(2)
    statements_for_list()  # warm up: the first request after login may do one-off work
    with_2, html = statements_for_list()
    assert html.count('<tr id="building-') == 2
    add_buildings(18)
    with_20, html = statements_for_list()
    assert html.count('<tr id="building-') == 20
    assert with_20 == with_2


# --- Creating, editing, archiving a building ---------------------------------------------


def test_manager_adds_a_building_and_finds_it_in_the_list(app, client, estate):
    login(client, "mia")
    form = client.get(f"/s/{estate.slug}/buildings/new")
    assert form.status_code == 200
    assert 'name="code"' in form.get_data(as_text=True)
    response = client.post(
        f"/s/{estate.slug}/buildings/new", data={"code": "T1", "name": "Tower 1", "floors": "30"}
    )
    assert response.status_code == 303
    (tower,) = rows(app, select(Building))
    assert response.headers["Location"] == f"/s/{estate.slug}/buildings/{tower.id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Building T1 added." in page
    assert "T1 · Tower 1" in page
    assert (tower.site_id, tower.code, tower.name, tower.floors) == (estate.id, "T1", "Tower 1", 30)
    assert audited(app, "building.created") == {
        "code": [None, "T1"],
        "name": [None, "Tower 1"],
        "floors": [None, 30],
    }
    assert "Tower 1" in client.get(f"/s/{estate.slug}/buildings/").get_data(as_text=True)


def test_manager_edits_a_building(app, client, make, estate):
    tower = make.building(estate, code="T1", name="Tower 1", floors=30)
    login(client, "mia")
    form = client.get(f"/s/{estate.slug}/buildings/{tower.id}/edit").get_data(as_text=True)
    assert 'value="Tower 1"' in form and 'value="30"' in form
    response = client.post(
        f"/s/{estate.slug}/buildings/{tower.id}/edit",
        data={"code": "T1", "name": "Tower 1 East", "floors": "32", "version_id": version_in(form)},
    )
    assert response.status_code == 303
    assert "Building T1 saved." in client.get(response.headers["Location"]).get_data(as_text=True)
    saved = one(app, Building, tower.id)
    assert (saved.name, saved.floors) == ("Tower 1 East", 32)
    assert audited(app, "building.updated") == {
        "name": ["Tower 1", "Tower 1 East"],
        "floors": [30, 32],
    }


def test_manager_archives_and_restores_a_building(app, client, make, estate):
    tower = make.building(estate, code="T1", name="Tower 1")
    make.building(estate, code="T2", name="Tower 2")
    login(client, "mia")
    listing = f"/s/{estate.slug}/buildings/"
    response = client.post(f"/s/{estate.slug}/buildings/{tower.id}/archive")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Building T1 archived." in page
    assert "This building is archived" in page
    assert "Tower 1" not in client.get(listing).get_data(as_text=True)
    archived = client.get(listing, query_string={"archived": "1"}).get_data(as_text=True)
    assert "Tower 1" in archived and "Tower 2" not in archived
    assert "Show archived (1)" in archived
    dashboard = client.get(f"/s/{estate.slug}/").get_data(as_text=True)
    assert '<p class="figure">1</p><p>building</p>' in dashboard

    response = client.post(
        f"/s/{estate.slug}/buildings/{tower.id}/restore", data={"next": listing + "?archived=1"}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == listing + "?archived=1"
    assert "Tower 1" in client.get(listing).get_data(as_text=True)
    assert one(app, Building, tower.id).archived_at is None
    assert audit_actions(app) == ["building.archived", "building.restored"]


def test_archive_sends_nobody_off_site(client, make, estate):
    tower = make.building(estate)
    login(client, "mia")
    response = client.post(
        f"/s/{estate.slug}/buildings/{tower.id}/archive", data={"next": "https://evil.example/"}
    )
    assert response.headers["Location"] == f"/s/{estate.slug}/buildings/{tower.id}"


def test_duplicate_code_is_refused_next_to_the_field_and_nothing_is_written(
    app, client, make, estate
):
    make.building(estate, code="T1", name="Tower 1")
    other = make.building(estate, code="T2", name="Tower 2")
    make.building(make.site(), code="T3")  # another site's code does not count
    login(client, "mia")
    response = client.post(
        f"/s/{estate.slug}/buildings/new", data={"code": "t1", "name": "Copy", "floors": "5"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_error(html, "code") == "Another building of this site has this code."
    assert 'value="Copy"' in html  # what was typed stays
    form = client.get(f"/s/{estate.slug}/buildings/{other.id}/edit").get_data(as_text=True)
    response = client.post(
        f"/s/{estate.slug}/buildings/{other.id}/edit",
        data={"code": "T1", "name": "Tower 2", "floors": "10", "version_id": version_in(form)},
    )
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "code")
    assert one(app, Building, other.id).code == "T2"
    assert len(rows(app, select(Building).where(Building.site_id == estate.id))) == 2
    assert audit_actions(app) == []
    ok = client.post(
        f"/s/{estate.slug}/buildings/new", data={"code": "T3", "name": "Tower 3", "floors": "5"}
    )
    assert ok.status_code == 303


@pytest.mark.parametrize(
    ("floors", "message"),
    [
        ("0", "A building has from 1 to 200 floors."),
        ("500", "A building has from 1 to 200 floors."),
        ("ten", "Write a whole number."),
        ("", "Say how many floors the building has."),
    ],
)
def test_floors_outside_1_to_200_are_refused(app, client, estate, floors, message):
    login(client, "mia")
    response = client.post(
        f"/s/{estate.slug}/buildings/new", data={"code": "T1", "name": "Tower 1", "floors": floors}
    )
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "floors") == message
    assert rows(app, select(Building)) == []


def test_code_and_name_are_required_and_short(client, estate):
    login(client, "mia")
    response = client.post(
        f"/s/{estate.slug}/buildings/new", data={"code": "  ", "name": "x" * 121, "floors": "3"}
    )
    html = response.get_data(as_text=True)
    assert field_error(html, "code") == "Give the building a code."
    assert field_error(html, "name") == "Use at most 120 characters."


def test_floors_cannot_drop_below_the_highest_unit(app, client, make, estate):
    tower = make.building(estate, floors=20)
    make.unit(tower, floor=18)
    login(client, "mia")
    form = client.get(f"/s/{estate.slug}/buildings/{tower.id}/edit").get_data(as_text=True)
    response = client.post(
        f"/s/{estate.slug}/buildings/{tower.id}/edit",
        data={
            "code": tower.code,
            "name": tower.name,
            "floors": "10",
            "version_id": version_in(form),
        },
    )
    assert response.status_code == 422
    assert "Floor 18 has units" in field_error(response.get_data(as_text=True), "floors")
    assert one(app, Building, tower.id).floors == 20


def test_stale_building_edit_gets_409_with_both_versions_and_nothing_is_lost(
    app, client, make, estate
):
    tower = make.building(estate, code="T1", name="Tower 1", floors=30)
    login(client, "mia")
    form = client.get(f"/s/{estate.slug}/buildings/{tower.id}/edit").get_data(as_text=True)
    make.update(tower, name="Tower One")  # a colleague saves first
    mine = {"code": "T1", "name": "Tower 1 East", "floors": "32", "version_id": version_in(form)}
    response = client.post(f"/s/{estate.slug}/buildings/{tower.id}/edit", data=mine)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else changed this while you were editing." in html
    assert conflict_rows(html) == [
        ["Name", "Tower One", "Tower 1 East"],  # the colleague's version, then this user's
        ["Floors", "30", "32"],
    ]
    assert 'value="Tower 1 East"' in html and 'value="32"' in html  # the form keeps the typing
    assert one(app, Building, tower.id).name == "Tower One"  # the colleague's save stands

    mine["version_id"] = version_in(html)
    response = client.post(f"/s/{estate.slug}/buildings/{tower.id}/edit", data=mine)
    assert response.status_code == 303
    saved = one(app, Building, tower.id)
    assert (saved.name, saved.floors) == ("Tower 1 East", 32)


# --- The floor grid ----------------------------------------------------------------------


def test_grid_shows_units_by_floor_top_floor_first_with_their_status(client, make, estate):
    tower = make.building(estate, code="T1", name="Tower 1", floors=4)
    make.unit(tower, floor=3, number="3B", status="occupied")
    make.unit(tower, floor=3, number="3A", status="vacant")
    make.unit(tower, floor=4, number="4A", status="renovating")
    make.unit(tower, floor=1, number="1A", status="let")
    make.unit(tower, floor=1, number="10A", status="let", room_type="ignored on estates")
    login(client, "mia")
    html = client.get(f"/s/{estate.slug}/buildings/{tower.id}").get_data(as_text=True)
    assert "Units by floor" in html
    positions = [
        html.index(text)
        for text in ("Floor 4<", "4A<", "Floor 3<", "3A<", "3B<", "Floor 2<", "Floor 1<", "1A<")
    ]
    assert positions == sorted(positions)
    assert html.index(">1A<") < html.index(">10A<")  # numbers in natural order
    cells = grid_cells(html)
    assert cells["3B"] == {"status": "occupied", "text": "Occupied", "dimmed": False}
    assert cells["3A"]["text"] == "Vacant"
    assert cells["4A"]["text"] == "Renovating"
    assert cells["1A"]["text"] == "Let"
    assert cells["10A"]["text"] == "Let"
    assert "No units" in html  # floor 2
    # The legend names each colour and counts its units.
    assert "Occupied (1)" in html and "Let (2)" in html and "All (5)" in html
    unit_3b = re.search(r'href="(/s/[^"]+/units/\d+)" class="unit-cell unit-occupied"', html)
    assert "3B" in client.get(unit_3b.group(1)).get_data(as_text=True)


def test_hotel_grid_shows_rooms_with_their_room_type(client, make):
    hotel = make.site(kind="hotel", name="Grand Harbour Hotel")
    wing = make.building(hotel, code="E", name="East Wing", floors=2)
    make.unit(wing, floor=2, number="E0201", status="occupied", room_type="Deluxe King")
    make.unit(wing, floor=1, number="E0101", status="vacant", room_type="Twin")
    make.user(role="exec_housekeeper", site=hotel, username="kev")
    login(client, "kev")
    html = client.get(f"/s/{hotel.slug}/buildings/{wing.id}").get_data(as_text=True)
    assert "Rooms by floor" in html and "Units by floor" not in html
    cells = grid_cells(html)
    assert cells["E0201"]["text"] == "Deluxe King Occupied"
    assert cells["E0101"]["text"] == "Twin Vacant"
    assert html.index("E0201") < html.index("E0101")
    listing = client.get(f"/s/{hotel.slug}/buildings/").get_data(as_text=True)
    assert ">Rooms</th>" in listing


def test_empty_floors_are_grouped_into_one_row(client, make, estate):
    tower = make.building(estate, floors=40)
    make.unit(tower, floor=40, number="PH")
    make.unit(tower, floor=1, number="G1")
    login(client, "mia")
    html = client.get(f"/s/{estate.slug}/buildings/{tower.id}").get_data(as_text=True)
    assert "Floors 2 to 39" in html
    assert html.count('class="floor-label"') == 3


def test_status_filter_dims_the_other_units(client, make, estate):
    tower = make.building(estate, floors=2)
    make.unit(tower, floor=2, number="2A", status="vacant")
    make.unit(tower, floor=2, number="2B", status="occupied")
    make.unit(tower, floor=1, number="1A", status="vacant")
    login(client, "mia")
    html = client.get(
        f"/s/{estate.slug}/buildings/{tower.id}", query_string={"status": "vacant"}
    ).get_data(as_text=True)
    cells = grid_cells(html)
    assert not cells["2A"]["dimmed"] and not cells["1A"]["dimmed"]
    assert cells["2B"]["dimmed"]
    assert re.search(r'status=vacant"[^>]*aria-current="true"', html, re.S)
    unfiltered = client.get(
        f"/s/{estate.slug}/buildings/{tower.id}", query_string={"status": "nonsense"}
    ).get_data(as_text=True)
    assert not any(cell["dimmed"] for cell in grid_cells(unfiltered).values())


# --- Units ------------------------------------------------------------------------------


def test_manager_adds_a_unit_and_sees_it_on_the_grid_and_its_page(app, client, make, estate):
    tower = make.building(estate, code="T1", name="Tower 1", floors=10)
    login(client, "mia")
    form = client.get(f"/s/{estate.slug}/buildings/{tower.id}/units/new").get_data(as_text=True)
    assert 'name="room_type"' not in form  # room types are for hotels
    response = client.post(
        f"/s/{estate.slug}/buildings/{tower.id}/units/new",
        data={"floor": "7", "number": "7C", "area_m2": "85.5", "status": "occupied"},
    )
    assert response.status_code == 303
    grid = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Unit 7C added." in grid
    assert grid_cells(grid)["7C"]["text"] == "Occupied"
    (unit,) = rows(app, select(Unit))
    assert (unit.site_id, unit.floor, unit.number, str(unit.area_m2), unit.room_type) == (
        estate.id,
        7,
        "7C",
        "85.50",
        "",
    )
    assert audited(app, "unit.created")["number"] == [None, "7C"]
    page = client.get(f"/s/{estate.slug}/units/{unit.id}").get_data(as_text=True)
    assert "Occupied" in page and "85.5 m²" in page
    assert f'href="/s/{estate.slug}/units/{unit.id}/edit"' in page


def test_manager_edits_a_unit(app, client, make, estate):
    tower = make.building(estate, floors=10)
    flat = make.unit(tower, floor=2, number="2A", status="vacant")
    login(client, "mia")
    form = client.get(f"/s/{estate.slug}/units/{flat.id}/edit").get_data(as_text=True)
    response = client.post(
        f"/s/{estate.slug}/units/{flat.id}/edit",
        data={
            "floor": "2",
            "number": "2A",
            "area_m2": "70",
            "status": "renovating",
            "version_id": version_in(form),
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/s/{estate.slug}/units/{flat.id}"
    assert "Renovating" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert audited(app, "unit.updated") == {
        "area_m2": [None, "70"],
        "status": ["vacant", "renovating"],
    }


def test_hotel_room_has_a_room_type(app, client, make):
    hotel = make.site(kind="hotel")
    wing = make.building(hotel, floors=5)
    make.user(role="manager", site=hotel, username="hana")
    login(client, "hana")
    form = client.get(f"/s/{hotel.slug}/buildings/{wing.id}/units/new").get_data(as_text=True)
    assert 'name="room_type"' in form
    response = client.post(
        f"/s/{hotel.slug}/buildings/{wing.id}/units/new",
        data={"floor": "5", "number": "501", "status": "vacant", "room_type": "Suite"},
    )
    assert response.status_code == 303
    assert "Room 501 added." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert rows(app, select(Unit.room_type)) == ["Suite"]


def test_unit_floor_above_the_buildings_floors_is_refused(app, client, make, estate):
    tower = make.building(estate, floors=10)
    login(client, "mia")
    for floor in ("11", "0"):
        response = client.post(
            f"/s/{estate.slug}/buildings/{tower.id}/units/new",
            data={"floor": floor, "number": "11A", "status": "vacant"},
        )
        assert response.status_code == 422
        assert (
            field_error(response.get_data(as_text=True), "floor")
            == "This building has 10 floors: write a floor from 1 to 10."
        )
    assert rows(app, select(Unit)) == []


def test_unit_number_is_unique_within_its_building(app, client, make, estate):
    tower, annex = make.building(estate), make.building(estate)
    make.unit(tower, number="1A")
    login(client, "mia")
    response = client.post(
        f"/s/{estate.slug}/buildings/{tower.id}/units/new",
        data={"floor": "1", "number": "1a", "status": "vacant"},
    )
    assert response.status_code == 422
    assert (
        field_error(response.get_data(as_text=True), "number")
        == "This building already has this number."
    )
    assert len(rows(app, select(Unit))) == 1
    elsewhere = client.post(
        f"/s/{estate.slug}/buildings/{annex.id}/units/new",
        data={"floor": "1", "number": "1A", "status": "vacant"},
    )
    assert elsewhere.status_code == 303


@pytest.mark.parametrize(
    ("area", "message"),
    [
        ("-1", "Give an area from 0 to 999,999.99 m²."),
        ("12.345", "Give the area with at most 2 decimals."),
        ("big", "Write the area as a number, such as 85.5."),
        ("NaN", "Give an area from 0 to 999,999.99 m²."),
    ],
)
def test_a_wrong_area_is_refused(app, client, make, estate, area, message):
    tower = make.building(estate)
    login(client, "mia")
    response = client.post(
        f"/s/{estate.slug}/buildings/{tower.id}/units/new",
        data={"floor": "1", "number": "1A", "status": "vacant", "area_m2": area},
    )
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "area_m2") == message
    assert rows(app, select(Unit)) == []


def test_stale_unit_edit_gets_409_with_both_versions_and_nothing_is_lost(app, client, make, estate):
    tower = make.building(estate, floors=10)
    flat = make.unit(tower, floor=3, number="3A", status="vacant")
    login(client, "mia")
    form = client.get(f"/s/{estate.slug}/units/{flat.id}/edit").get_data(as_text=True)
    make.update(flat, status="let")
    mine = {
        "floor": "3",
        "number": "3A",
        "area_m2": "64.25",
        "status": "occupied",
        "version_id": version_in(form),
    }
    response = client.post(f"/s/{estate.slug}/units/{flat.id}/edit", data=mine)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert conflict_rows(html) == [["Area (m²)", "—", "64.25"], ["Status", "Let", "Occupied"]]
    assert 'value="64.25"' in html
    assert re.search(r'<option selected value="occupied">', html)
    assert one(app, Unit, flat.id).status == "let"
    mine["version_id"] = version_in(html)
    assert client.post(f"/s/{estate.slug}/units/{flat.id}/edit", data=mine).status_code == 303
    assert one(app, Unit, flat.id).status == "occupied"


def test_manager_archives_and_restores_a_unit(app, client, make, estate):
    tower = make.building(estate, floors=3)
    flat = make.unit(tower, floor=2, number="2A")
    login(client, "mia")
    response = client.post(f"/s/{estate.slug}/units/{flat.id}/archive")
    assert response.status_code == 303
    assert "This unit is archived." in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    grid = client.get(f"/s/{estate.slug}/buildings/{tower.id}").get_data(as_text=True)
    assert "2A" not in grid_cells(grid)
    assert "Archived units" in grid
    assert client.post(f"/s/{estate.slug}/units/{flat.id}/restore").status_code == 303
    grid = client.get(f"/s/{estate.slug}/buildings/{tower.id}").get_data(as_text=True)
    assert "2A" in grid_cells(grid)
    assert audit_actions(app) == ["unit.archived", "unit.restored"]


def test_no_units_are_added_to_an_archived_building(app, client, make, estate):

    tower = make.building(estate)
    make.update(tower, archived_at=core_clock.now())
    login(client, "mia")
    response = client.post(
        f"/s/{estate.slug}/buildings/{tower.id}/units/new",
        data={"floor": "1", "number": "1A", "status": "vacant"},
    )
    assert response.status_code == 303
    assert "Restore the building" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert rows(app, select(Unit)) == []


def test_unit_page_shows_current_residents_first_then_who_moved_out(client, make, estate):
    tower = make.building(estate, floors=5)
    flat = make.unit(tower, floor=5, number="5A", status="occupied", area_m2="92.40")
    old = make.resident(estate, name="Wong Old")
    make.occupancy(old, flat, moved_in=date(2015, 1, 1), moved_out=date(2021, 12, 31))
    make.occupancy(make.resident(estate, name="Chan Now"), flat, moved_in=date(2022, 3, 1))
    make.occupancy(
        make.resident(estate, name="Lee Helper"),
        flat,
        role="domestic_helper",
        moved_in=date(2022, 3, 1),
    )
    login(client, "mia")
    html = client.get(f"/s/{estate.slug}/units/{flat.id}").get_data(as_text=True)
    assert "Occupied" in html and "92.4 m²" in html
    assert html.index("Chan Now") < html.index("Moved out") < html.index("Wong Old")
    assert "Domestic helper" in html
    moved_out = html[html.index('id="moved-out-title"') :]
    assert "Jan 1, 2015" in moved_out and "Dec 31, 2021" in moved_out
    assert "Mar 1, 2022" in html[: html.index('id="moved-out-title"')]


# --- Who may do what ----------------------------------------------------------------------


def test_butler_may_view_but_not_change_buildings_or_units(app, client, make):
    site = make.site()
    tower = make.building(site, code="T1", name="Tower 1", floors=5)
    flat = make.unit(tower, number="1A")
    make.user(role="butler", site=site, username="ben")
    login(client, "ben")
    base = f"/s/{site.slug}"
    for url in (f"{base}/buildings/", f"{base}/buildings/{tower.id}", f"{base}/units/{flat.id}"):
        page = client.get(url)
        assert page.status_code == 200, url
        html = page.get_data(as_text=True)
        assert "/edit" not in html and "/archive" not in html and "/new" not in html, url
    refused = [
        ("get", f"{base}/buildings/new"),
        ("post", f"{base}/buildings/new"),
        ("get", f"{base}/buildings/{tower.id}/edit"),
        ("post", f"{base}/buildings/{tower.id}/edit"),
        ("post", f"{base}/buildings/{tower.id}/archive"),
        ("post", f"{base}/buildings/{tower.id}/restore"),
        ("get", f"{base}/buildings/{tower.id}/units/new"),
        ("post", f"{base}/buildings/{tower.id}/units/new"),
        ("get", f"{base}/units/{flat.id}/edit"),
        ("post", f"{base}/units/{flat.id}/edit"),
        ("post", f"{base}/units/{flat.id}/archive"),
        ("post", f"{base}/units/{flat.id}/restore"),
    ]
    data = {"code": "X", "name": "X", "floors": "1", "floor": "1", "number": "9Z"}
    for method, url in refused:
        response = getattr(client, method)(url, data=data if method == "post" else None)
        assert response.status_code == 403, (method, url)
    assert one(app, Building, tower.id).archived_at is None
    assert len(rows(app, select(Building))) == 1 and len(rows(app, select(Unit))) == 1
    assert set(audit_actions(app)) == {"access.denied"}


def test_manager_of_site_a_gets_404_on_every_building_and_unit_url_of_site_b(app, client, make):
    site_a, site_b = make.site(), make.site()
    make.building(site_a)
    make.user(role="manager", site=site_a, username="mia")
    theirs = make.building(site_b, code="B1", name="Their Tower", floors=5)
    their_flat = make.unit(theirs, number="1A")
    login(client, "mia")
    tried = 0
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("buildings."):
            continue
        path = rule.rule.replace("<int:building_id>", str(theirs.id)).replace(
            "<int:unit_id>", str(their_flat.id)
        )
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = {"code": "B1", "name": "Mine now", "floors": "5", "floor": "1", "number": "1A"}
            # Site B's ids through site A's address, and site B's own address.
            for slug in (site_a.slug, site_b.slug):
                if slug == site_a.slug and "_id>" not in rule.rule:
                    continue  # site A's own list and forms are site A's
                url = path.replace("<site_slug>", slug)
                response = client.open(url, method=method, data=data if method == "POST" else None)
                assert response.status_code == 404, (method, url)
                assert "Their Tower" not in response.get_data(as_text=True)
                tried += 1
    assert tried >= 20
    untouched = one(app, Building, theirs.id)
    assert (untouched.name, untouched.archived_at, untouched.version_id) == ("Their Tower", None, 1)
    assert one(app, Unit, their_flat.id).version_id == 1
    count = rows(app, select(func.count(Unit.id)))
    assert count == [1]


# --- htmx and plain requests ---------------------------------------------------------------


def test_htmx_gets_the_grid_alone_and_a_plain_request_the_whole_page(client, make, estate):
    tower = make.building(estate, floors=2)
    make.unit(tower, floor=1, number="1A", status="vacant")
    login(client, "mia")
    url = f"/s/{estate.slug}/buildings/{tower.id}?status=vacant"
    partial = client.get(url, headers=HTMX)
    html = partial.get_data(as_text=True)
    assert partial.status_code == 200
    assert html.lstrip().startswith("<div") and 'id="unit-grid"' in html
    assert "<html" not in html
    assert "HX-Request" in partial.headers["Vary"]
    full = client.get(url).get_data(as_text=True)
    assert "<html" in full and 'id="unit-grid"' in full
    listing = client.get(f"/s/{estate.slug}/buildings/?archived=1", headers=HTMX)
    assert 'id="building-list"' in listing.get_data(as_text=True)
    assert "<html" not in listing.get_data(as_text=True)


def test_invalid_form_comes_back_as_a_422_partial_for_htmx_and_a_page_without(client, make, estate):
    login(client, "mia")
    url = f"/s/{estate.slug}/buildings/new"
    data = {"code": "", "name": "Tower 1", "floors": "3"}
    partial = client.post(url, data=data, headers=HTMX)
    assert partial.status_code == 422
    html = partial.get_data(as_text=True)
    assert html.lstrip().startswith("<form") and "<html" not in html
    assert 'hx-target="this"' in html and field_error(html, "code")
    full = client.post(url, data=data)
    assert full.status_code == 422 and "<html" in full.get_data(as_text=True)


def test_htmx_save_navigates_to_the_building_and_htmx_archive_swaps_the_row(
    app, client, make, estate
):
    login(client, "mia")
    saved = client.post(
        f"/s/{estate.slug}/buildings/new",
        data={"code": "T9", "name": "Tower 9", "floors": "9"},
        headers=HTMX,
    )
    assert saved.status_code == 204
    (tower,) = rows(app, select(Building))
    assert saved.headers["HX-Redirect"] == f"/s/{estate.slug}/buildings/{tower.id}"
    row = client.post(f"/s/{estate.slug}/buildings/{tower.id}/archive", headers=HTMX)
    html = row.get_data(as_text=True)
    assert row.status_code == 200
    assert html.lstrip().startswith(f'<tr id="building-{tower.id}"')
    assert "Archived" in html and ">Restore<" in html and "archived. Restore it" in html


def test_every_form_carries_the_csrf_token(client, make, estate, csrf_on):
    tower = make.building(estate, floors=3)
    flat = make.unit(tower)
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    client.post(
        "/login",
        data={"username": "mia", "password": "correct-horse-battery", "csrf_token": token},
    )
    base = f"/s/{estate.slug}"
    for url in (
        f"{base}/buildings/",
        f"{base}/buildings/new",
        f"{base}/buildings/{tower.id}",
        f"{base}/buildings/{tower.id}/edit",
        f"{base}/buildings/{tower.id}/units/new",
        f"{base}/units/{flat.id}",
        f"{base}/units/{flat.id}/edit",
    ):
        html = client.get(url).get_data(as_text=True)
        forms = re.findall(r"<form\b.*?</form>", html, re.S)
        assert forms, url
        for form in forms:
            assert 'name="csrf_token"' in form, url
    refused = client.post(f"{base}/buildings/new", data={"code": "T1", "name": "T", "floors": "1"})
    assert refused.status_code == 400
