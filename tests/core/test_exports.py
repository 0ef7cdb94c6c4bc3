"""Exporting the resident list: the filtered residents only, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core import clock as core_clock
from core import exports
from core.extensions import db
from core.models import AuditLog
from tests.conftest import login

DANGEROUS_NAMES = ['=HYPERLINK("http://x")', "+1", "-2", "@cmd", "\tTabbed", "\rReturn"]


@pytest.fixture
def estate(make):
    """Two towers with residents, and a manager, Mia."""
    built = make.estate(
        towers=[{"code": "T1"}, {"code": "T2"}],
        units=[{"tower": 0, "number": "1A"}, {"tower": 1, "number": "1B"}],
        residents=[
            {"unit": 0, "name": "Chan Tai Man", "ref": "R1", "phone": "91234567"},
            {"unit": 0, "role": "family", "name": "陳小文", "ref": "R2"},
            {"unit": 1, "role": "tenant", "name": "Wong Siu Ming", "ref": "R3"},
        ],
        staff={"mia": "manager"},
    )
    return built.site, *built.towers


def read_csv(response) -> list[list[str]]:
    assert response.data.startswith(b"\xef\xbb\xbf"), "a BOM, so that Excel reads UTF-8"
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def read_xlsx(response) -> list[list]:
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def test_csv_export_holds_the_filtered_residents_only(app, client, estate):
    site, t1, _t2 = estate
    login(client, "mia")
    answer = client.get(f"/s/{site.slug}/residents/export.csv?building={t1.id}&mine=0")
    assert answer.status_code == 200
    assert answer.mimetype == "text/csv"
    rows = read_csv(answer)
    assert rows[0] == list(exports.COLUMNS)
    assert sorted(r[1] for r in rows[1:]) == ["Chan Tai Man", "陳小文"]
    chan = next(r for r in rows if r[1] == "Chan Tai Man")
    assert chan == ["R1", "Chan Tai Man", "91234567", "", "T1", "1A", "owner", "2020-01-01"]


def test_export_is_a_download_named_after_the_site_and_not_cached(app, client, estate):
    site, _t1, _t2 = estate
    login(client, "mia")
    today = core_clock.now().astimezone(ZoneInfo(site.timezone)).date().isoformat()
    for ext in ("csv", "xlsx"):
        answer = client.get(f"/s/{site.slug}/residents/export.{ext}")
        assert answer.data  # read it all, as a browser would, before the next request
        disposition = answer.headers["Content-Disposition"]
        assert disposition.startswith("attachment")
        assert f"residents-{site.slug}-{today}.{ext}" in disposition
        assert answer.headers["Cache-Control"] == "no-store"


def test_xlsx_export_holds_the_filtered_residents_only(app, client, estate):
    site, _t1, _t2 = estate
    login(client, "mia")
    answer = client.get(f"/s/{site.slug}/residents/export.xlsx?role=tenant&mine=0")
    assert answer.status_code == 200
    assert answer.mimetype == exports_mimetype()
    rows = read_xlsx(answer)
    assert rows[0] == list(exports.COLUMNS)
    assert len(rows) == 2
    ref, name, _phone, _email, building, unit, role, moved_in = rows[1]
    assert (ref, name, building, unit, role) == ("R3", "Wong Siu Ming", "T2", "1B", "tenant")
    assert moved_in.date().isoformat() == "2020-01-01"


def exports_mimetype() -> str:
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_a_search_narrows_the_export_as_it_narrows_the_list(app, client, estate):
    site, _t1, _t2 = estate
    login(client, "mia")
    rows = read_csv(client.get(f"/s/{site.slug}/residents/export.csv?q=Wong&mine=0"))
    assert [r[1] for r in rows[1:]] == ["Wong Siu Ming"]


def test_formula_like_cells_come_out_neutralised_in_csv_and_xlsx(app, client, make):
    site = make.site()
    unit = make.unit(make.building(site, code="=T9"))
    for n, name in enumerate(DANGEROUS_NAMES):
        make.resident(site, unit, name=name, ref=f"X{n}", phone="+852 9123 456" + str(n))
    make.user(role="manager", site=site, username="mia")
    login(client, "mia")
    expected = {"'" + name for name in DANGEROUS_NAMES}

    rows = read_csv(client.get(f"/s/{site.slug}/residents/export.csv"))
    assert {r[1] for r in rows[1:]} == expected
    assert all(r[2].startswith("'+852") and r[4] == "'=T9" for r in rows[1:])

    rows = read_xlsx(client.get(f"/s/{site.slug}/residents/export.xlsx"))
    # XML turns a carriage return into a line feed; the apostrophe still comes first.
    assert {r[1] for r in rows[1:]} == {name.replace("\r", "\n") for name in expected}
    assert all(r[2].startswith("'+852") and r[4] == "'=T9" for r in rows[1:])


def test_neutralise_leaves_ordinary_values_alone():
    assert exports.neutralise("Chan") == "Chan"
    assert exports.neutralise("=1+1") == "'=1+1"
    assert exports.neutralise(None) is None
    assert exports.neutralise(12) == 12


def test_the_export_is_audited_with_the_filter_and_the_count(app, client, estate):
    site, t1, _t2 = estate
    login(client, "mia")
    client.get(f"/s/{site.slug}/residents/export.xlsx?building={t1.id}&mine=0")
    with app.app_context():
        entry = db.session.scalars(
            select(AuditLog).where(AuditLog.action == "residents.exported")
        ).one()
        detail = json.loads(entry.detail)
        assert entry.site_id == site.id
        assert detail["rows"] == 2
        assert detail["format"] == "xlsx"
        assert detail["filter"]["building"] == t1.id
        assert "Chan" not in entry.detail


def test_a_butler_exports_their_own_buildings_unless_they_ask_for_all(app, client, estate, make):
    site, t1, _t2 = estate
    ben = make.user(role="butler", site=site, username="ben")
    make.assignment(ben, t1)
    login(client, "ben")
    mine = read_csv(client.get(f"/s/{site.slug}/residents/export.csv"))
    assert sorted(r[1] for r in mine[1:]) == ["Chan Tai Man", "陳小文"]
    everyone = read_csv(client.get(f"/s/{site.slug}/residents/export.csv?mine=0"))
    assert len(everyone) == 4


def test_front_desk_may_see_residents_but_not_export_them(app, client, estate, make):
    site, _t1, _t2 = estate
    make.user(role="front_desk", site=site, username="fay")
    login(client, "fay")
    assert client.get(f"/s/{site.slug}/residents/").status_code == 200
    assert client.get(f"/s/{site.slug}/residents/export.csv").status_code == 403
    assert client.get(f"/s/{site.slug}/residents/export.xlsx").status_code == 403
    with app.app_context():
        denied = db.session.scalars(
            select(AuditLog).where(AuditLog.action == "access.denied")
        ).all()
        assert len(denied) == 2 and "residents.export" in denied[0].detail


def test_a_butler_of_site_a_cannot_export_site_b(app, client, estate, make):
    site_b, _t1, _t2 = estate
    site_a = make.site()
    make.user(role="butler", site=site_a, username="ben")
    login(client, "ben")
    assert client.get(f"/s/{site_b.slug}/residents/export.csv").status_code == 404
    assert client.get(f"/s/{site_b.slug}/residents/export.xlsx").status_code == 404
    rows = read_csv(client.get(f"/s/{site_a.slug}/residents/export.csv?mine=0"))
    assert rows == [list(exports.COLUMNS)]


def test_an_export_too_large_is_refused_with_a_message(app, client, estate, monkeypatch):
    site, _t1, _t2 = estate
    monkeypatch.setattr(exports, "MAX_ROWS", 2)
    login(client, "mia")
    answer = client.get(f"/s/{site.slug}/residents/export.csv?mine=0")
    assert answer.status_code == 303
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "an export holds at most 2" in page
    with app.app_context():
        assert not db.session.scalars(
            select(AuditLog).where(AuditLog.action == "residents.exported")
        ).all()


def test_an_export_can_be_imported_again_and_changes_nothing(app, client, estate, tmp_path):
    site, _t1, _t2 = estate
    app.config["BUTLER_IMPORT_DIR"] = str(tmp_path)
    try:
        login(client, "mia")
        exported = client.get(f"/s/{site.slug}/residents/export.xlsx?mine=0").data
        from tests.core.test_imports import run

        _ident, report = run(client, site, "export.xlsx", exported)
    finally:
        app.config.pop("BUTLER_IMPORT_DIR")
    assert "0 created" in report and "3 unchanged" in report, report


def test_a_report_workbook_has_its_own_header_and_neutralised_text():
    data = exports.xlsx_bytes(
        [("Plumbing", 12, date(2026, 11, 1)), ('=HYPERLINK("x")', 3, None)],
        "Requests",
        header=["Category", "Open", "Since"],
    )
    sheet = load_workbook(io.BytesIO(data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Category", "Open", "Since"]
    assert rows[1][:2] == ["Plumbing", 12]
    assert rows[2][0].startswith("'=")
