"""The collection rate per butler and building, for the month and the year to date, and
the recovery of older arrears, against a worked example; the same numbers in the XLSX,
the hand-in pack and the butler's dashboard."""

from __future__ import annotations

import io
from datetime import date, time
from decimal import Decimal

import openpyxl
import pytest

from core.extensions import db
from core.models import PluginEnablement, Site, Unit, User
from plugins.fees import queries, rules
from plugins.fees.reports import butler_sheet
from tests.plugins.fees.conftest import add_bill, add_fee, text

# The worked example. Each unit is billed for January (due the 15th) and February:
#   T1-1A HK$1,000 a month, pays 1,000 on 20 Jan and 1,000 on 20 Feb;
#   T1-1B HK$1,000 a month, pays 1,500 on 20 Feb (January's bill first, then 500);
#   T2-2A HK$800 a month, pays 800 on 20 Jan;
#   T2-2B HK$200 a month, pays nothing.
# February: Ben (Tower 1) collected 1,500 of 2,000 = 75%; Bea (Tower 2) 0 of 1,000 = 0%;
# the site 1,500 of 3,000 = 50%. Year to date: Ben 3,500 of 4,000 = 87.5%, Bea 800 of
# 2,000 = 40%, the site 4,300 of 6,000 = 71.7%. Older arrears on 1 February: 1B's
# January 1,000 and 2B's 200 = 1,200; recovered in February: 1,000 = 83.3%.
MONTHLY = (100000, 100000, 80000, 20000)
PAYMENTS = (
    (date(2027, 1, 20), 0, 100000),
    (date(2027, 1, 20), 2, 80000),
    (date(2027, 2, 20), 0, 100000),
    (date(2027, 2, 20), 1, 150000),
)


@pytest.fixture
def example(app, clock, estate):
    fee = add_fee(app, estate.site)
    for unit, amount in zip(estate.units, MONTHLY, strict=True):
        add_bill(app, estate.site, unit, fee, "2027-01", date(2027, 1, 15), amount)
        add_bill(app, estate.site, unit, fee, "2027-02", date(2027, 2, 15), amount)
    with app.app_context():
        ben = db.session.scalar(db.select(User).where(User.username == "ben"))
        for day, index, amount in PAYMENTS:
            clock.at_local(estate.site, day, time(11))
            rules.pay(
                db.session.get(Site, estate.site.id),
                db.session.get(Unit, estate.units[index].id),
                amount_minor=amount,
                method="cash",
                reference="",
                payer="",
                user=ben,
            )
            db.session.commit()
    clock.at_local(estate.site, date(2027, 2, 26), time(16))
    return estate


def test_the_collection_rate_equals_the_worked_example(app, example):
    with app.app_context():
        site = db.session.get(Site, example.site.id)
        rows, total = queries.collection(site, "2027-02", "butler")
        recovery = queries.recovery(site, "2027-02")
    assert [(r.name, r.month.percent, r.year.percent) for r in rows] == [
        ("Ben Wong", 75.0, 87.5),
        ("Bea Ho", 0.0, 40.0),
    ]
    assert (total.month.billed_minor, total.month.collected_minor) == (300000, 150000)
    assert (total.month.percent, total.year.percent) == (50.0, 71.7)
    assert (recovery.billed_minor, recovery.collected_minor, recovery.percent) == (
        120000,
        100000,
        83.3,
    )


def test_the_manager_sees_butlers_ranked_and_the_xlsx_has_the_same_numbers(client, auth, example):
    auth.login("mia")
    page = text(client.get(example.url("reports/collection?period=2027-02")))
    assert page.index("Ben Wong") < page.index("Bea Ho")
    assert "75%" in page and "87.5%" in page and "50%" in page
    assert "Recovery rate: 83.3%" in page
    assert "<svg" in page  # the trend chart
    answer = client.get(example.url("reports/collection?period=2027-02&export=xlsx"))
    assert answer.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(answer.data))
    rows = list(book["Collection rate"].iter_rows(values_only=True))
    assert rows[1] == (
        "Ben Wong",
        Decimal("2000"),
        Decimal("1500"),
        75.0,
        Decimal("4000"),
        Decimal("3500"),
        87.5,
    )
    assert rows[2][0] == "Bea Ho" and rows[2][3] == 0.0
    assert rows[3][0] == "Total" and rows[3][3] == 50.0 and rows[3][6] == 71.7
    recovery = list(book["Recovery"].iter_rows(values_only=True))
    assert recovery[1] == (Decimal("1200"), Decimal("1000"), 83.3)


def test_by_building_the_towers_are_ranked(client, auth, example):
    auth.login("mia")
    page = text(client.get(example.url("reports/collection?period=2027-02&by=building")))
    assert page.index("T1 Tower 1") < page.index("T2 Tower 2")


def test_a_bad_month_is_refused_with_a_message(client, auth, example):
    auth.login("mia")
    answer = client.get(example.url("reports/collection?period=2027-2"))
    assert answer.status_code == 422
    assert "Choose a month as YYYY-MM" in text(answer)


def test_the_butlers_dashboard_shows_their_collection_rate_this_month(client, auth, example):
    auth.login("ben")
    dashboard = text(client.get(f"/s/{example.site.slug}/"))
    assert "My collection rate this month" in dashboard
    assert "75%" in dashboard and "of HK$2,000.00 billed" in dashboard
    assert client.get(example.url("reports/collection")).status_code == 403


def test_the_hand_in_sheet_has_the_butlers_towers_only(app, example):
    with app.test_request_context():
        site = db.session.get(Site, example.site.id)
        ben = db.session.scalar(db.select(User).where(User.username == "ben"))
        sheet = butler_sheet(site, "2027-02", ben)
    assert sheet.rows == (
        ("T1 Tower 1", Decimal("2000"), Decimal("1500"), 75.0, 87.5),
        ("Total", Decimal("2000"), Decimal("1500"), 75.0, 87.5),
    )


def test_off_for_the_site_it_is_a_404_and_its_widget_and_panel_vanish(app, client, auth, example):
    auth.login("ben")
    unit_page = text(client.get(f"/s/{example.site.slug}/units/{example.units[0].id}"))
    assert "fees/units" in unit_page
    with app.app_context():
        row = db.session.scalar(
            db.select(PluginEnablement).where(PluginEnablement.site_id == example.site.id)
        )
        row.enabled = False
        db.session.commit()
    assert client.get(example.url("")).status_code == 404
    assert client.get(example.url(f"units/{example.units[0].id}")).status_code == 404
    assert "My collection rate this month" not in text(client.get(f"/s/{example.site.slug}/"))
    unit_page = text(client.get(f"/s/{example.site.slug}/units/{example.units[0].id}"))
    assert "fees/units" not in unit_page
