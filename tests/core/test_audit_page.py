"""The audit log page: organisation admins search their company's log, managers their own
sites' only; filters, pages, newest first, and exports to CSV and Excel."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core import clock as core_clock
from core.extensions import db
from core.models import AuditLog
from tests.conftest import login


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def company(make):
    """North and South of one company, Elsewhere of another. Mia manages North."""
    org = make.org()
    north, south = make.site(org=org, name="North"), make.site(org=org, name="South")
    elsewhere = make.site(name="Elsewhere")
    alice = make.user(role=None, org_admin=True, org=org, username="alice", display_name="Alice")
    mia = make.user(site=north, role="manager", username="mia", display_name="Mia Manager")
    ben = make.user(site=north, username="ben", display_name="Ben Wong")
    return {
        "north": north,
        "south": south,
        "elsewhere": elsewhere,
        "alice": alice,
        "mia": mia,
        "ben": ben,
    }


def write(app, site, action: str, user=None, at: datetime | None = None, **fields) -> None:
    with app.app_context():
        row = AuditLog(
            site_id=site.id if site is not None else None,
            user_id=user.id if user is not None else None,
            action=action,
            **fields,
        )
        if at is not None:
            row.at = at
        db.session.add(row)
        db.session.commit()


def audit_url(here, **args) -> str:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/s/{here.slug}/audit/" + (f"?{query}" if query else "")


def test_a_manager_reads_their_site_and_never_another(app, client, company):
    north, south, elsewhere = company["north"], company["south"], company["elsewhere"]
    write(app, north, "resident.updated", company["ben"], object_type="Resident", object_id=7)
    write(app, south, "south.secret.action")
    write(app, elsewhere, "elsewhere.secret.action")
    write(app, None, "login.failure", company["alice"])
    login(client, "mia")

    page = client.get(audit_url(north))

    assert page.status_code == 200
    html = text(page)
    assert "resident.updated" in html and "Ben Wong" in html and "Resident #7" in html
    assert "secret" not in html and "login.failure" not in html
    everything = text(client.get(audit_url(north, site="all")))
    assert "resident.updated" in everything and "secret" not in everything
    assert client.get(audit_url(north, site=south.slug)).status_code == 404
    assert client.get(audit_url(north, site=elsewhere.slug)).status_code == 404
    exported = text(client.get(audit_url(north, site="all", export="csv")))
    assert "resident.updated" in exported and "secret" not in exported
    assert client.get(audit_url(south)).status_code == 404  # not her site at all


def test_an_org_admin_reads_every_site_of_the_company_and_its_logins(app, client, company):
    north, south, elsewhere = company["north"], company["south"], company["elsewhere"]
    write(app, south, "south.action")
    write(app, elsewhere, "elsewhere.action")
    write(app, None, "login.failure", company["ben"], ip="10.0.0.9")
    login(client, "alice")

    assert "south.action" not in text(client.get(audit_url(north)))  # this site first
    everything = text(client.get(audit_url(north, site="all")))

    assert "south.action" in everything and "10.0.0.9" in everything
    assert "elsewhere.action" not in everything
    assert "south.action" in text(client.get(audit_url(north, site=south.slug)))
    assert client.get(audit_url(elsewhere)).status_code == 404


def test_butlers_may_not_read_the_log(client, company):
    login(client, "ben")
    assert client.get(audit_url(company["north"])).status_code == 403
    assert client.get(audit_url(company["north"], export="csv")).status_code == 403


def test_the_filters_find_who_what_which_record_when_and_from_where(app, client, company, clock):
    north, ben, mia = company["north"], company["ben"], company["mia"]
    now = clock.now()
    write(
        app,
        north,
        "staff.created",
        mia,
        at=now - timedelta(days=10),
        object_type="User",
        object_id=3,
        ip="192.168.1.20",
    )
    write(
        app,
        north,
        "resident.updated",
        ben,
        at=now - timedelta(days=1),
        object_type="Resident",
        object_id=42,
        ip="10.1.1.1",
    )
    write(
        app,
        north,
        "resident.created",
        ben,
        at=now,
        object_type="Resident",
        object_id=43,
        ip="10.1.1.2",
    )
    login(client, "mia")

    def found(**args) -> list[str]:
        html = text(client.get(audit_url(north, **args)))
        return [a for a in ("staff.created", "resident.updated", "resident.created") if a in html]

    assert found(who="ben") == ["resident.updated", "resident.created"]
    assert found(who="MANAGER") == ["staff.created"]
    assert found(action="resident.") == ["resident.updated", "resident.created"]
    assert found(object_type="Resident", object_id=42) == ["resident.updated"]
    assert found(ip="192.168.") == ["staff.created"]
    day = (now - timedelta(days=10)).astimezone(core_clock.zone(north)).date().isoformat()
    assert found(since=day, until=day) == ["staff.created"]
    html = text(client.get(audit_url(north)))
    assert html.index("resident.created") < html.index("resident.updated")  # newest first


def test_bad_filters_are_refused_next_to_the_field(client, company):
    login(client, "mia")
    refused = client.get(audit_url(company["north"], object_id="abc", since="31-12-2026"))
    assert refused.status_code == 422
    html = text(refused)
    assert "Enter a whole number." in html and "Enter a date like 2026-12-31." in html
    assert 'aria-invalid="true"' in html


def test_the_log_comes_in_pages_of_fifty(app, client, company):
    north = company["north"]
    with app.app_context():
        db.session.add_all(AuditLog(site_id=north.id, action=f"test.row{n:02d}") for n in range(51))
        db.session.commit()
    login(client, "mia")
    first = text(client.get(audit_url(north)))
    assert "test.row50" in first and "test.row01" in first and "test.row00" not in first
    assert 'rel="next"' in first
    second = text(client.get(audit_url(north, page=2)))
    assert "test.row00" in second and "test.row01" not in second and 'rel="next"' not in second


def test_exports_are_spreadsheets_safe_to_open_and_are_audited(app, client, company):
    north = company["north"]
    write(app, north, "resident.updated", company["ben"], detail='{"name": "=HYPERLINK(1)"}')
    login(client, "mia")

    csv = client.get(audit_url(north, export="csv"))
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert "no-store" in csv.headers["Cache-Control"]
    lines = text(csv).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("When,Site,Done by,Username,Action")
    assert "resident.updated" in lines[1] and "Ben Wong" in lines[1]
    xlsx = client.get(audit_url(north, export="xlsx", action="resident."))
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][4] == "Action" and rows[1][4] == "resident.updated" and len(rows) == 2
    with app.app_context():
        exported = db.session.scalars(
            select(AuditLog.detail).where(AuditLog.action == "audit.exported")
        ).all()
    assert len(exported) == 2 and '"format": "xlsx"' in exported[1]
