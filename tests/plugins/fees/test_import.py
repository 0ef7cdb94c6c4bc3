"""The manager imports the month's bills from the accounting system's spreadsheet through
the import page: every row checked first, nothing twice, the arrears up to date."""

from __future__ import annotations

from datetime import date, time

import pytest

from core.extensions import db
from core.models import PluginEnablement
from tests.core.test_imports import batch_id, run, upload
from tests.plugins.fees.conftest import add_bill, add_fee, bills, text

KIND = "fees.bills"
HEADER = "building_code,unit_number,fee,period,amount,due_on\n"


@pytest.fixture(autouse=True)
def import_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "BUTLER_IMPORT_DIR", str(tmp_path / "imports"))


def csv(*rows: str) -> bytes:
    return (HEADER + "".join(f"{row}\n" for row in rows)).encode()


def test_the_months_bills_import_once_and_the_arrears_follow(app, client, auth, estate, clock):
    add_fee(app, estate.site, rate=120000)
    auth.login("mia")
    page = text(client.get(f"/s/{estate.site.slug}/imports/"))
    assert "Bills (from the accounting system)" in page
    file = csv(
        'T1,1A,Management fee,2027-01,"1,200.00",2027-01-15',
        "T1,1B,management fee,2027-01,1500,",
        "T2,2A,Management fee,2027-01,980.50,2027-01-20",
    )
    _ident, fragment = run(client, estate.site, "bills-2027-01.csv", file, KIND)
    assert "Imported" in fragment
    made = bills(app)
    assert [(b.period, b.amount_minor, b.source) for b in made] == [
        ("2027-01", 120000, "imported"),
        ("2027-01", 150000, "imported"),
        ("2027-01", 98050, "imported"),
    ]
    # No due date in the file: the fee's due day (15th) of the period's month.
    assert {b.due_on for b in made} == {date(2027, 1, 15), date(2027, 1, 20)}
    # The same file again adds nothing.
    _ident, fragment = run(client, estate.site, "bills-2027-01.csv", file, KIND)
    assert len(bills(app)) == 3
    clock.at_local(estate.site, date(2027, 2, 1), time(10))  # all three are overdue
    auth.login("mia")  # a new day's session
    listed = text(client.get(estate.url("?show=all")))
    assert "HK$1,200.00" in listed and "HK$980.50" in listed


def test_a_bad_row_writes_no_bill_and_each_problem_names_its_column(app, client, auth, estate):
    add_fee(app, estate.site, rate=120000)
    add_fee(app, estate.site, "Parking", rate=80000, frequency="quarterly")
    auth.login("mia")
    file = csv(
        "T1,1A,Management fee,2027-01,1200,",
        "T1,9Z,Management fee,2027-01,1200,",
        "T1,1B,Cleaning levy,2027-01,1200,",
        "T2,2A,Parking,2027-02,800,",
        "T2,2B,Management fee,2027-13,1200,",
        "T2,2B,Management fee,2027-02,12.345,",
        "T1,1A,Management fee,2027-01,1300,",
    )
    _ident, fragment = run(client, estate.site, "bills.csv", file, KIND)
    assert "Not imported: problems found" in fragment
    assert "Building T1 has no unit 9Z." in fragment
    assert (
        "This site has no fee called Cleaning levy. Its fees: Management fee, Parking." in fragment
    )
    assert "Parking is billed each quarter: write the quarter, e.g. 2027-Q1." in fragment
    assert "Write the month as 2027-01, or the quarter as 2027-Q1." in fragment
    assert "HKD amounts have at most 2 decimals." in fragment
    assert "Same unit, fee and period as row 2." in fragment
    assert bills(app) == []


def test_a_changed_amount_updates_the_bill_but_never_below_what_was_paid(app, client, auth, estate):
    fee = add_fee(app, estate.site, rate=120000)
    one_a, one_b = estate.units[:2]
    add_bill(app, estate.site, one_a, fee, "2027-01", date(2027, 1, 15), 120000, paid=50000)
    add_bill(app, estate.site, one_b, fee, "2027-01", date(2027, 1, 15), 120000)
    auth.login("mia")
    refused = csv("T1,1A,Management fee,2027-01,400,2027-01-15")
    _ident, fragment = run(client, estate.site, "fix.csv", refused, KIND)
    assert "HK$500.00 has been paid on this bill already: the amount cannot be less." in fragment
    fixed = csv(
        "T1,1A,Management fee,2027-01,1100,2027-01-15",
        "T1,1B,Management fee,2027-01,1200,2027-01-15",
    )
    _ident, fragment = run(client, estate.site, "fix.csv", fixed, KIND)
    assert "Imported" in fragment
    held = {b.unit_id: b.amount_minor for b in bills(app)}
    assert held == {one_a.id: 110000, one_b.id: 120000}
    statement = text(client.get(estate.url(f"units/{one_a.id}")))
    assert "HK$600.00" in statement  # 1,100 billed, 500 paid


def test_only_a_fees_manager_on_a_site_with_fees_on_may_import_bills(app, client, auth, estate):
    add_fee(app, estate.site, rate=120000)
    auth.login("ben")  # a butler: edits residents, but does not set fees
    page = text(client.get(f"/s/{estate.site.slug}/imports/"))
    assert "Bills (from the accounting system)" not in page
    answer = upload(client, estate.site, "bills.csv", csv("T1,1A,Management fee,2027-01,1,"), KIND)
    assert answer.status_code == 422
    assert client.get(f"/s/{estate.site.slug}/imports/template-{KIND}.csv").status_code == 403
    auth.logout()
    auth.login("mia")
    template = client.get(f"/s/{estate.site.slug}/imports/template-{KIND}.csv")
    assert template.status_code == 200
    assert text(template).lstrip("\ufeff").startswith("building_code,unit_number,fee,period")
    ident = batch_id(
        upload(client, estate.site, "bills.csv", csv("T1,1A,Management fee,2027-01,1,"), KIND)
    )
    assert client.get(f"/s/{estate.site.slug}/imports/{ident}").status_code == 200
    # Fees turned off: the site takes no bills, and their batches are not found.
    with app.app_context():
        switch = db.session.scalar(
            db.select(PluginEnablement).where(PluginEnablement.site_id == estate.site.id)
        )
        switch.enabled = False
        db.session.commit()
    assert "Bills (from the accounting system)" not in text(
        client.get(f"/s/{estate.site.slug}/imports/")
    )
    assert client.get(f"/s/{estate.site.slug}/imports/{ident}").status_code == 404
