"""Importing units and residents from spreadsheets: checked first, written all at once."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from core import clock as core_clock
from core import imports
from core.extensions import db
from core.models import AuditLog, ImportBatch, Occupancy, Resident, Unit
from tests.conftest import login

RESIDENT_HEADER = [
    "ref",
    "name",
    "phone",
    "email",
    "birth_date",
    "building_code",
    "unit_number",
    "role",
]


@pytest.fixture(autouse=True)
def import_dir(app, tmp_path, monkeypatch):
    """Uploads wait in a folder of this test's own."""
    folder = tmp_path / "imports"
    monkeypatch.setitem(app.config, "BUTLER_IMPORT_DIR", str(folder))
    return folder


@pytest.fixture
def estate(make):
    """A site with tower T1 (units 1A, 2A, 3A) and a manager, Mia, logged in elsewhere."""
    built = make.estate(
        towers=[{"code": "T1", "floors": 30}],
        units=[{"number": f"{n}A", "floor": n} for n in (1, 2, 3)],
        staff={"mia": "manager"},
    )
    return built.site, built.tower, built.units


def csv_file(header: list[str], rows: list[list[str]], encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_file(header: list[str], rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def resident_rows(count: int, units: int = 3) -> list[list[str]]:
    return [
        [
            f"R{n:04d}",
            f"Resident {n}",
            f"9{n:07d}",
            f"r{n}@example.com",
            "1980-05-31",
            "T1",
            f"{n % units + 1}A",
            "owner" if n % 2 else "tenant",
        ]
        for n in range(count)
    ]


def upload(client, site, filename: str, data: bytes, kind: str = "residents"):
    # Encoded in memory: the test client spools large bodies to a file it never closes.
    boundary, body = encode_multipart(
        MultiDict({"kind": kind, "file": FileStorage(io.BytesIO(data), filename)})
    )
    return client.post(
        f"/s/{site.slug}/imports/",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def batch_id(response) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(re.search(r"/imports/(\d+)$", response.headers["Location"]).group(1))


def step(client, site, ident: int):
    return client.post(f"/s/{site.slug}/imports/{ident}/step", headers={"HX-Request": "true"})


def run(client, site, filename: str, data: bytes, kind: str = "residents") -> tuple[int, str]:
    """Upload a file and take the steps the batch page would take; the final fragment."""
    ident = batch_id(upload(client, site, filename, data, kind))
    for _ in range(100):
        answer = step(client, site, ident)
        assert answer.status_code == 200
        text = answer.get_data(as_text=True)
        if "hx-post" not in text:
            return ident, text
    raise AssertionError("the import never finished")


def count(app, model, site) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)).where(model.site_id == site.id))


def load_batch(app, ident: int) -> ImportBatch:
    with app.app_context():
        found = db.session.get(ImportBatch, ident)
        db.session.expunge(found)
        return found


# --- The stories -------------------------------------------------------------------------


def test_one_bad_row_among_many_writes_nothing_and_the_report_names_it(app, client, estate):
    site, _tower, _units = estate
    rows = resident_rows(60)
    rows[40][4] = "31/05/1980"  # spreadsheet row 42: header is row 1
    login(client, "mia")
    ident, report = run(client, site, "residents.csv", csv_file(RESIDENT_HEADER, rows))
    assert "Not imported: problems found" in report
    assert "1 problem found. Nothing was imported" in report
    problem = re.search(
        r"<tr>\s*<td[^>]*>42</td>\s*<td[^>]*>birth_date</td>\s*<td[^>]*>(.*?)</td>", report
    )
    assert problem, report
    assert "Write the date as YYYY-MM-DD" in problem.group(1)
    assert count(app, Resident, site) == 0
    assert count(app, Occupancy, site) == 0
    assert load_batch(app, ident).status == "invalid"


def test_several_problems_are_all_reported_with_their_columns(app, client, estate):
    site, _tower, _units = estate
    rows = [
        ["R1", "", "91234567", "", "", "T1", "1A", "owner"],  # no name
        ["R2", "Ann", "91234568", "not-an-email", "", "T9", "1A", "owner"],  # bad email, building
        ["R3", "Bob", "91234569", "", "", "T1", "99Z", "owner"],  # no such unit
        ["R4", "Cy", "91234560", "", "", "T1", "2A", "landlord"],  # role not allowed
        ["R1", "Dee", "91234561", "", "", "T1", "3A", "owner"],  # R1 again, other name
        ["", "Eve", "", "", "", "", "", ""],  # no number, no phone
    ]
    login(client, "mia")
    _ident, report = run(client, site, "residents.csv", csv_file(RESIDENT_HEADER, rows))
    found = re.findall(r"<tr>\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>(\w+)</td>", report)
    assert ("2", "name") in found
    assert ("3", "email") in found and ("3", "building_code") in found
    assert ("4", "unit_number") in found
    assert ("5", "role") in found
    assert ("6", "phone") in found  # same number as row 2, another phone
    assert ("7", "phone") in found
    assert "There is no building with the code T9 here." in report
    assert "There is no unit 99Z in building T1." in report
    assert "Write one of: owner, tenant, family, domestic_helper." in report
    assert "Row 2 has the same resident with a different value here." in report
    assert count(app, Resident, site) == 0


def test_a_valid_file_imports_and_importing_it_again_creates_nothing(app, client, estate):
    site, _tower, _units = estate
    data = csv_file(RESIDENT_HEADER, resident_rows(6))
    login(client, "mia")
    first, report = run(client, site, "residents.csv", data)
    assert "Imported" in report
    assert "6 created" in report and "0 updated" in report
    assert count(app, Resident, site) == 6
    assert count(app, Occupancy, site) == 6

    second, report = run(client, site, "residents.csv", data)
    assert "0 created" in report and "0 updated" in report and "6 unchanged" in report
    assert count(app, Resident, site) == 6
    assert count(app, Occupancy, site) == 6
    again = load_batch(app, second)
    assert (again.status, again.created_rows, again.updated_rows) == ("done", 0, 0)
    assert load_batch(app, first).created_rows == 6


def test_a_changed_file_updates_what_changed_and_adds_what_is_new(app, client, estate):
    site, _tower, _units = estate
    rows = resident_rows(3)
    login(client, "mia")
    run(client, site, "residents.csv", csv_file(RESIDENT_HEADER, rows))
    rows[0][3] = "new@example.com"
    rows.append(["R0999", "Newcomer", "98887777", "", "", "T1", "1A", "family"])
    _ident, report = run(client, site, "residents.csv", csv_file(RESIDENT_HEADER, rows))
    assert "1 created" in report and "1 updated" in report and "2 unchanged" in report
    with app.app_context():
        changed = db.session.scalar(select(Resident).where(Resident.ref == "R0000"))
        assert changed.email == "new@example.com"
        assert changed.name == "Resident 0"


def test_residents_without_a_number_are_found_again_by_name_and_phone(app, client, estate):
    site, _tower, _units = estate
    make_rows = [["", "Wong Siu Ming", "91112222", "", "", "T1", "2A", "tenant"]]
    login(client, "mia")
    run(client, site, "people.csv", csv_file(RESIDENT_HEADER, make_rows))
    _ident, report = run(client, site, "people.csv", csv_file(RESIDENT_HEADER, make_rows))
    assert "0 created" in report
    assert count(app, Resident, site) == 1


def test_one_resident_on_two_rows_lives_in_two_units(app, client, estate):
    site, _tower, _units = estate
    rows = [
        ["R7", "Lee Ka Yan", "93334444", "", "", "T1", "1A", "owner"],
        ["R7", "Lee Ka Yan", "", "", "", "T1", "2A", "owner"],
    ]
    login(client, "mia")
    _ident, report = run(client, site, "residents.csv", csv_file(RESIDENT_HEADER, rows))
    assert "Imported" in report
    assert count(app, Resident, site) == 1
    assert count(app, Occupancy, site) == 2


def test_the_same_resident_twice_in_one_unit_is_a_problem(app, client, estate):
    site, _tower, _units = estate
    rows = [
        ["R7", "Lee Ka Yan", "93334444", "", "", "T1", "1A", "owner"],
        ["R7", "Lee Ka Yan", "93334444", "", "", "t1", "1a", "owner"],
    ]
    login(client, "mia")
    _ident, report = run(client, site, "residents.csv", csv_file(RESIDENT_HEADER, rows))
    assert "Row 2 already puts this resident in this unit." in report
    assert count(app, Resident, site) == 0


def test_an_xlsx_file_imports_with_date_cells(app, client, estate):
    site, _tower, _units = estate
    header = [
        "ref",
        "name",
        "phone",
        "birth_date",
        "building_code",
        "unit_number",
        "role",
        "moved_in",
    ]
    rows = [
        [
            "R1",
            "Chan Tai Man",
            91234567,
            datetime(1970, 1, 2),
            "T1",
            "1A",
            "owner",
            datetime(2015, 3, 1),
        ],
        ["R2", "Chan Siu Wai", "91234568", "1999-12-31", "T1", "2A", "family", None],
    ]
    login(client, "mia")
    _ident, report = run(client, site, "residents.xlsx", xlsx_file(header, rows))
    assert "2 created" in report, report
    with app.app_context():
        chan = db.session.scalar(select(Resident).where(Resident.ref == "R1"))
        assert chan.phone == "91234567"
        assert chan.birth_date.isoformat() == "1970-01-02"
        assert chan.occupancies[0].moved_in.isoformat() == "2015-03-01"


def test_units_import_from_xlsx_and_again_changes_nothing(app, client, estate):
    site, tower, _units = estate
    header = ["building_code", "unit_number", "floor", "area_m2", "status", "room_type"]
    rows = [["T1", f"{n}B", n, 55.5, "vacant", "2 bedrooms"] for n in range(1, 11)]
    rows.append(["T1", "1A", 1, "", "renovating", ""])  # an existing unit: status changes
    login(client, "mia")
    _ident, report = run(client, site, "units.xlsx", xlsx_file(header, rows), kind="units")
    assert "10 created" in report and "1 updated" in report
    assert count(app, Unit, site) == 13
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.number == "7B"))
        assert (unit.floor, str(unit.area_m2), unit.room_type) == (7, "55.50", "2 bedrooms")
    _ident, report = run(client, site, "units.xlsx", xlsx_file(header, rows), kind="units")
    assert "0 created" in report and "11 unchanged" in report
    assert count(app, Unit, site) == 13


def test_units_rows_are_checked_against_the_buildings(app, client, estate):
    site, _tower, _units = estate
    header = ["building_code", "unit_number", "floor"]
    rows = [
        ["T1", "31A", "31"],  # tower T1 has 30 floors
        ["T2", "1A", "1"],  # no such building
        ["T1", "5C", "five"],
        ["T1", "6C", "6"],
        ["T1", "6c", "6"],  # the same unit again
    ]
    login(client, "mia")
    _ident, report = run(client, site, "units.csv", csv_file(header, rows), kind="units")
    assert "Floor 31 is above the top floor of building T1 (30)." in report
    assert "There is no building with the code T2 here." in report
    assert "Write a whole number." in report
    assert "Same building and unit as row 5." in report
    assert count(app, Unit, site) == 3


def test_chinese_headers_and_values_are_accepted(app, client, estate):
    site, _tower, _units = estate
    header = ["業戶編號", "姓名", "電話", "樓棟", "單元", "身份"]
    rows = [
        ["A-1", "陳大文", "91234567", "T1", "1A", "業主"],
        ["A-2", "陳小文", "91234568", "T1", "1A", "家屬"],
    ]
    login(client, "mia")
    _ident, report = run(client, site, "住戶.csv", csv_file(header, rows))
    assert "2 created" in report, report
    with app.app_context():
        roles = set(db.session.scalars(select(Occupancy.role)))
        assert roles == {"owner", "family"}


def test_problems_name_the_column_as_the_file_does(app, client, estate):
    site, _tower, _units = estate
    header = ["業戶編號", "姓名", "電話"]
    login(client, "mia")
    _ident, report = run(client, site, "住戶.csv", csv_file(header, [["A-1", "", "91234567"]]))
    assert re.search(r"<td[^>]*>2</td>\s*<td[^>]*>姓名</td>", report), report


def test_a_gb18030_csv_is_read(app, client, estate):
    site, _tower, _units = estate
    header = ["业户编号", "姓名", "电话", "楼栋", "单元", "身份"]
    rows = [
        ["G-1", "张伟", "13800138000", "T1", "2A", "业主"],
        ["G-2", "李娜", "13800138001", "T1", "3A", "租客"],
    ]
    login(client, "mia")
    _ident, report = run(client, site, "gb.csv", csv_file(header, rows, encoding="gb18030"))
    assert "2 created" in report, report
    with app.app_context():
        assert set(db.session.scalars(select(Resident.name))) == {"张伟", "李娜"}


def test_a_big5_csv_is_read(app, client, estate):
    site, _tower, _units = estate
    header = ["業戶編號", "姓名", "電話"]
    rows = [["B-1", "黃志強", "91234567"], ["B-2", "鄭嘉欣", "91234568"]]
    login(client, "mia")
    _ident, report = run(client, site, "big5.csv", csv_file(header, rows, encoding="big5"))
    assert "2 created" in report, report
    with app.app_context():
        assert set(db.session.scalars(select(Resident.name))) == {"黃志強", "鄭嘉欣"}


def test_a_png_renamed_csv_is_refused_next_to_the_file_field(app, client, estate):
    site, _tower, _units = estate
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02" + b"\0" * 64
    )
    login(client, "mia")
    answer = upload(client, site, "residents.csv", png)
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert re.search(r'class="field-error"[^>]*>This file is not a CSV file', page), page
    assert count(app, ImportBatch, site) == 0


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("residents.txt", b"name\nAnn\n", "Choose a .csv or .xlsx file."),
        ("residents.xlsx", b"ref,name\n1,Ann\n", "This file is not an Excel workbook"),
        ("residents.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "Choose a .csv"),
        (
            "residents.csv",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
            "old (.xls) or password",
        ),
        ("residents.csv", b"", "The file is empty."),
        ("residents.csv", b"\n\n", "The file is empty."),
        ("residents.csv", b"ref,name,phone\n", "no rows below the column names"),
        ("residents.csv", b"ref,nom,phone\n1,Ann,91234567\n", "Columns not recognised: nom."),
        ("residents.csv", b"ref,phone\n1,91234567\n", "Missing: name (Name)."),
        ("residents.csv", b"name,\xe5\xa7\x93\xe5\x90\x8d\nAnn,Ann\n", "appears twice"),
    ],
)
def test_files_that_cannot_be_imported_are_refused_with_a_message(
    app, client, estate, filename, data, message
):
    site, _tower, _units = estate
    login(client, "mia")
    answer = upload(client, site, filename, data)
    assert answer.status_code == 422
    assert message in answer.get_data(as_text=True)
    assert count(app, ImportBatch, site) == 0


def test_a_file_over_5_mb_is_refused(app, client, estate):
    site, _tower, _units = estate
    row = b"R1,Someone,91234567\n"
    data = b"ref,name,phone\n" + row * (imports.MAX_BYTES // len(row) + 1)
    login(client, "mia")
    answer = upload(client, site, "big.csv", data)
    assert answer.status_code == 422
    assert "The file is larger than 5 MB" in answer.get_data(as_text=True)


def test_a_file_over_20000_rows_is_refused(app, client, estate):
    site, _tower, _units = estate
    data = b"ref,name,phone\n" + b"".join(
        b"R%d,P,91234567\n" % n for n in range(imports.MAX_ROWS + 1)
    )
    login(client, "mia")
    answer = upload(client, site, "long.csv", data)
    assert answer.status_code == 422
    assert "more than 20,000 rows" in answer.get_data(as_text=True)


def test_a_large_file_is_checked_in_steps_with_progress(app, client, make):
    site = make.site()
    make.building(site, code="T1", floors=30)
    make.user(role="manager", site=site, username="mia")
    header = ["building_code", "unit_number", "floor"]
    rows = [["T1", f"U{n}", str(n % 30 + 1)] for n in range(1200)]
    login(client, "mia")
    ident = batch_id(upload(client, site, "units.csv", csv_file(header, rows), kind="units"))
    page = client.get(f"/s/{site.slug}/imports/{ident}").get_data(as_text=True)
    assert '<progress value="0" max="1200"' in page
    assert 'hx-trigger="load' in page and "Continue" in page
    seen = []
    for _ in range(2):
        fragment = step(client, site, ident).get_data(as_text=True)
        seen.append(load_batch(app, ident).processed_rows)
        assert f'<progress value="{seen[-1]}" max="1200"' in fragment
        assert f"{seen[-1]:,} of 1,200 rows checked." in fragment
    fragment = step(client, site, ident).get_data(as_text=True)
    seen.append(load_batch(app, ident).processed_rows)
    assert seen == [500, 1000, 1200]
    assert "All 1,200 rows are correct. Saving them…" in fragment
    assert count(app, Unit, site) == 0  # checked, not yet written
    fragment = step(client, site, ident).get_data(as_text=True)
    assert "1,200 created" in fragment
    assert count(app, Unit, site) == 1200


def test_without_javascript_continue_moves_the_import_on(app, client, estate):
    site, _tower, _units = estate
    login(client, "mia")
    ident = batch_id(upload(client, site, "r.csv", csv_file(RESIDENT_HEADER, resident_rows(3))))
    answer = client.post(f"/s/{site.slug}/imports/{ident}/step")
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"/imports/{ident}")
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "3 created" in page
    progress = page.split('id="import-progress"')[1].split("</section>")[0]
    assert "Continue" not in progress


def test_the_upload_waits_outside_the_web_folders_and_is_removed_when_done(
    app, client, estate, import_dir
):
    site, _tower, _units = estate
    login(client, "mia")
    ident = batch_id(upload(client, site, "r.csv", csv_file(RESIDENT_HEADER, resident_rows(2))))
    assert (import_dir / f"{ident}.csv").exists()
    assert client.get(f"/static/imports/{ident}.csv").status_code == 404
    while "hx-post" in step(client, site, ident).get_data(as_text=True):
        pass
    assert list(import_dir.iterdir()) == []


def test_files_with_problems_are_removed_too(app, client, estate, import_dir):
    site, _tower, _units = estate
    login(client, "mia")
    run(client, site, "r.csv", csv_file(RESIDENT_HEADER, [["R1", "", "91234567"] + [""] * 5]))
    assert list(import_dir.iterdir()) == []


def test_the_import_is_audited_once_with_counts_and_no_personal_data(app, client, estate):
    site, _tower, _units = estate
    login(client, "mia")
    ident, _report = run(client, site, "r.csv", csv_file(RESIDENT_HEADER, resident_rows(4)))
    with app.app_context():
        done = db.session.scalars(select(AuditLog).where(AuditLog.action == "import.done")).one()
        assert done.object_id == ident and done.site_id == site.id
        detail = json.loads(done.detail)
        assert detail == {
            "kind": "residents",
            "rows": 4,
            "created": 4,
            "updated": 0,
            "unchanged": 0,
        }
        assert "Resident" not in done.detail
        per_resident = db.session.scalar(
            select(func.count(AuditLog.id)).where(AuditLog.action == "import.resident")
        )
        assert per_resident == 4


def test_a_failure_while_writing_leaves_nothing_behind(
    app, client, estate, monkeypatch, import_dir
):
    site, _tower, _units = estate

    def broken(self, records, batch, user):
        db.session.add(
            Unit(site_id=site.id, building_id=records[0].building.id, number="X", floor=1)
        )
        db.session.flush()
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports.UnitRows, "write", broken)
    login(client, "mia")
    header = ["building_code", "unit_number", "floor"]
    ident, report = run(client, site, "u.csv", csv_file(header, [["T1", "9Z", "9"]]), kind="units")
    assert "Failed" in report and "Saving failed, so nothing was imported." in report
    assert count(app, Unit, site) == 3
    assert load_batch(app, ident).status == "failed"
    assert list(import_dir.iterdir()) == []


def test_a_step_after_the_end_changes_nothing(app, client, estate):
    site, _tower, _units = estate
    login(client, "mia")
    ident, _report = run(client, site, "r.csv", csv_file(RESIDENT_HEADER, resident_rows(2)))
    assert "2 created" in step(client, site, ident).get_data(as_text=True)
    assert count(app, Resident, site) == 2


def test_templates_download_and_a_filled_template_imports(app, client, estate):
    site, _tower, _units = estate
    login(client, "mia")
    answer = client.get(f"/s/{site.slug}/imports/template-residents.csv")
    assert answer.status_code == 200
    assert "attachment" in answer.headers["Content-Disposition"]
    text = answer.data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("ref,name,phone,phone2,email,birth_date")

    answer = client.get(f"/s/{site.slug}/imports/template-units.xlsx")
    book = load_workbook(io.BytesIO(answer.data))
    first, help_sheet = book.worksheets
    header = [c.value for c in first[1]]
    assert header == ["building_code", "unit_number", "floor", "area_m2", "status", "room_type"]
    assert help_sheet.max_row > len(header)
    first.append(["T1", "20A", 20, None, None, None])
    filled = io.BytesIO()
    book.save(filled)
    _ident, report = run(client, site, "units.xlsx", filled.getvalue(), kind="units")
    assert "1 created" in report


def test_the_imports_page_lists_past_imports(app, client, estate):
    site, _tower, _units = estate
    login(client, "mia")
    run(client, site, "march.csv", csv_file(RESIDENT_HEADER, resident_rows(2)))
    page = client.get(f"/s/{site.slug}/imports/").get_data(as_text=True)
    assert "march.csv" in page and "Imported" in page
    assert 'enctype="multipart/form-data"' in page


# --- Who may import ----------------------------------------------------------------------


def test_a_butler_imports_residents_but_not_units(app, client, estate, make):
    site, _tower, _units = estate
    make.user(role="butler", site=site, username="ben")
    login(client, "ben")
    units = csv_file(["building_code", "unit_number", "floor"], [["T1", "9Z", "9"]])
    answer = upload(client, site, "u.csv", units, kind="units")
    assert answer.status_code == 422  # units is not among the butler's choices
    page = client.get(f"/s/{site.slug}/imports/").get_data(as_text=True)
    assert 'value="units"' not in page
    _ident, report = run(client, site, "r.csv", csv_file(RESIDENT_HEADER, resident_rows(1)))
    assert "1 created" in report


def test_a_butler_cannot_open_a_units_import(app, client, estate, make):
    site, _tower, _units = estate
    make.user(role="butler", site=site, username="ben")
    login(client, "mia")
    ident = batch_id(
        upload(
            client,
            site,
            "u.csv",
            csv_file(["building_code", "unit_number", "floor"], [["T1", "9Z", "9"]]),
            "units",
        )
    )
    client.post("/logout")
    login(client, "ben")
    assert client.get(f"/s/{site.slug}/imports/{ident}").status_code == 403
    assert step(client, site, ident).status_code == 403


def test_health_staff_may_not_import(app, client, estate, make):
    site, _tower, _units = estate
    make.user(role="health_staff", site=site, username="hana")
    login(client, "hana")
    assert client.get(f"/s/{site.slug}/imports/").status_code == 403
    assert upload(client, site, "r.csv", csv_file(RESIDENT_HEADER, [])).status_code == 403


def test_a_butler_of_site_a_cannot_import_into_site_b_nor_see_its_imports(app, client, make):
    site_a, site_b = make.site(), make.site()
    make.building(site_b, code="T1", floors=30)
    make.user(role="manager", site=site_b, username="bea")
    make.user(role="butler", site=site_a, username="ben")
    login(client, "bea")
    ident = batch_id(
        upload(client, site_b, "r.csv", csv_file(RESIDENT_HEADER, resident_rows(1, 1)))
    )
    client.post("/logout")

    login(client, "ben")
    data = csv_file(RESIDENT_HEADER, resident_rows(1))
    assert upload(client, site_b, "r.csv", data).status_code == 404
    assert client.get(f"/s/{site_b.slug}/imports/").status_code == 404
    assert client.get(f"/s/{site_b.slug}/imports/{ident}").status_code == 404
    assert step(client, site_b, ident).status_code == 404
    assert client.get(f"/s/{site_b.slug}/imports/template-residents.csv").status_code == 404
    # Site B's batch under site A's address is not found either.
    assert client.get(f"/s/{site_a.slug}/imports/{ident}").status_code == 404
    assert step(client, site_a, ident).status_code == 404
    assert load_batch(app, ident).processed_rows == 0
    page = client.get(f"/s/{site_a.slug}/imports/").get_data(as_text=True)
    assert "r.csv" not in page


def test_two_requests_for_the_same_step_check_the_rows_once(app, client, estate, monkeypatch):
    from sqlalchemy.orm.attributes import set_committed_value

    from core.models import Site, User

    site, _tower, _units = estate
    monkeypatch.setitem(app.config, "BUTLER_IMPORT_CHUNK_ROWS", 2)
    rows = resident_rows(4)
    rows[0][1] = ""  # a problem in the first chunk
    login(client, "mia")
    ident = batch_id(upload(client, site, "r.csv", csv_file(RESIDENT_HEADER, rows)))
    with app.app_context():
        late = db.session.get(ImportBatch, ident)  # read before the other request's step
        late_site = db.session.get(Site, site.id)
        mia = db.session.scalar(select(User).where(User.username == "mia"))
        step(client, site, ident)
        set_committed_value(late, "processed_rows", 0)
        imports.advance(late, late_site, mia)
        assert late.processed_rows == 2
        assert len(imports.problems_of(late)) == 1


def test_a_new_resident_number_goes_to_the_resident_found_by_name_and_phone(app, client, estate):
    site, _tower, units = estate
    login(client, "mia")
    run(client, site, "a.csv", csv_file(RESIDENT_HEADER, [["", "Ho Wai", "92223333"] + [""] * 5]))
    rows = [["H-9", "Ho Wai", "92223333", "", "", "T1", "1A", "owner"]]
    _ident, report = run(client, site, "b.csv", csv_file(RESIDENT_HEADER, rows))
    assert "0 created" in report and "1 updated" in report
    with app.app_context():
        assert db.session.scalars(select(Resident.ref)).all() == ["H-9"]


def test_an_archived_resident_is_not_imported_over(app, client, estate, make):

    site, _tower, _units = estate
    gone = make.resident(site, ref="R0000", name="Resident 0")
    make.update(gone, archived_at=core_clock.now())
    login(client, "mia")
    _ident, report = run(client, site, "r.csv", csv_file(RESIDENT_HEADER, resident_rows(1)))
    assert "This resident is archived: restore them before importing." in report


def test_yes_no_languages_and_roles_may_be_written_in_several_ways(app, client, estate):
    site, _tower, _units = estate
    header = ["ref", "name", "phone", "building_code", "unit_number", "role"]
    header += ["is_primary_contact", "preferred_locale", "consent_sms", "consent_email"]
    rows = [
        ["L1", "Lam", "91230001", "T1", "1A", "Tenant", "是", "zh-HK", "yes", "N"],
        ["L2", "Lau", "91230002", "T1", "2A", "家傭", "no", "简体中文", "TRUE", "0"],
        ["L3", "Lo", "91230003", "T1", "3A", "owner", "maybe", "fr", "", ""],
    ]
    login(client, "mia")
    _ident, report = run(client, site, "r.csv", csv_file(header, rows))
    assert re.search(r"<td[^>]*>4</td>\s*<td[^>]*>is_primary_contact</td>", report)
    assert "Write one of: en, zh_Hant, zh_Hans." in report
    _ident, report = run(client, site, "r.csv", csv_file(header, rows[:2]))
    assert "2 created" in report, report
    with app.app_context():
        lam = db.session.scalar(select(Resident).where(Resident.ref == "L1"))
        lau = db.session.scalar(select(Resident).where(Resident.ref == "L2"))
        assert (lam.preferred_locale, lam.consent_sms, lam.consent_email) == (
            "zh_Hant",
            True,
            False,
        )
        assert (lau.preferred_locale, lau.consent_sms) == ("zh_Hans", True)
        assert lam.occupancies[0].role == "tenant" and lam.occupancies[0].is_primary_contact
        assert lau.occupancies[0].role == "domestic_helper"


def test_an_import_left_unfinished_for_a_day_is_ended_by_the_next_upload(
    app, client, estate, import_dir
):
    from datetime import timedelta

    site, _tower, _units = estate
    login(client, "mia")
    old = batch_id(upload(client, site, "old.csv", csv_file(RESIDENT_HEADER, resident_rows(2))))
    with app.app_context():
        db.session.get(ImportBatch, old).created_at = core_clock.now() - timedelta(days=2)
        db.session.commit()
    new = batch_id(upload(client, site, "new.csv", csv_file(RESIDENT_HEADER, resident_rows(2))))
    assert load_batch(app, old).status == "failed"
    assert load_batch(app, new).status == "validating"
    assert sorted(p.name for p in import_dir.iterdir()) == [f"{new}.cells.json", f"{new}.csv"]
    page = client.get(f"/s/{site.slug}/imports/{old}").get_data(as_text=True)
    assert "Left unfinished for a day, so nothing was imported." in page
