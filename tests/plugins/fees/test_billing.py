"""The manager sets the fees and bills a month: once per unit, fee and period."""

from __future__ import annotations

import sqlalchemy as sa

from core.extensions import db
from plugins.fees.models import FeesBill, FeesFee
from tests.plugins.fees.conftest import add_fee, bills, text


def test_billing_a_month_twice_makes_one_bill_per_unit(app, client, auth, estate):
    add_fee(app, estate.site, rate=120000)
    auth.login("mia")
    first = client.post(estate.url("setup/generate"), data={"month": "2027-01"})
    assert first.status_code == 303
    assert "4 bills made for 2027-01." in text(client.get(first.location))
    again = client.post(estate.url("setup/generate"), data={"month": "2027-01"})
    page = text(client.get(again.location))
    assert "0 bills made for 2027-01. 4 were there already." in page
    made = bills(app)
    assert len(made) == 4
    assert {b.period for b in made} == {"2027-01"}
    assert {b.amount_minor for b in made} == {120000}
    assert {b.due_on.isoformat() for b in made} == {"2027-01-15"}


def test_a_fee_by_area_bills_each_unit_its_area_and_skips_a_unit_without_one(
    app, client, auth, estate
):
    add_fee(app, estate.site, basis="area", rate=450)  # HK$4.50 per m²
    auth.login("mia")
    answer = client.post(estate.url("setup/generate"), data={"month": "2027-01"})
    assert "1 unit has no area and was not billed." in text(client.get(answer.location))
    amounts = {b.unit_id: b.amount_minor for b in bills(app)}
    one_a, one_b, two_a, two_b = estate.units
    assert amounts == {one_a.id: 36000, one_b.id: 45000, two_a.id: 22500}
    assert two_b.id not in amounts


def test_a_quarterly_fee_is_billed_in_the_first_month_of_the_quarter(app, estate):
    from plugins.fees import rules

    add_fee(app, estate.site, "Parking", rate=150000, frequency="quarterly", kind="parking")
    with app.app_context():
        site = db.session.merge(estate.site)
        assert rules.generate(site, "2027-02").made == 0
        assert rules.generate(site, "2027-04").made == 4
        db.session.commit()
    assert {b.period for b in bills(app)} == {"2027-Q2"}


def test_the_manager_adds_a_fee_and_it_is_listed(app, client, auth, estate):
    auth.login("mia")
    answer = client.post(
        estate.url("setup/fees"),
        data={
            "name": "Management fee",
            "kind": "management",
            "basis": "area",
            "rate": "4.50",
            "frequency": "monthly",
            "due_day": "15",
        },
    )
    assert answer.status_code == 303
    page = text(client.get(estate.url("setup")))
    assert "Management fee" in page and "HK$4.50" in page
    with app.app_context():
        fee = db.session.scalar(sa.select(FeesFee))
        assert (fee.rate_minor, fee.basis, fee.site_id) == (450, "area", estate.site.id)


def test_a_fee_without_a_proper_amount_or_day_is_refused_next_to_its_fields(
    app, client, auth, estate
):
    auth.login("mia")
    answer = client.post(
        estate.url("setup/fees"),
        data={
            "name": "",
            "kind": "management",
            "basis": "fixed",
            "rate": "12,34.5",
            "frequency": "monthly",
            "due_day": "31",
        },
    )
    assert answer.status_code == 422
    page = text(answer)
    assert 'id="name-error"' in page and "Name the fee." in page
    assert 'id="rate-error"' in page and 'id="due_day-error"' in page
    assert "Give a day from 1 to 28." in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(FeesFee.id))) == 0


def test_a_month_not_written_as_yyyy_mm_bills_nothing(app, client, auth, estate):
    add_fee(app, estate.site)
    auth.login("mia")
    answer = client.post(estate.url("setup/generate"), data={"month": "2027-13"})
    assert answer.status_code == 422
    assert "Give the month as YYYY-MM." in text(answer)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(FeesBill.id))) == 0


def test_a_butler_may_not_set_fees_or_bill(client, auth, estate):
    auth.login("ben")
    assert client.get(estate.url("setup")).status_code == 403
    assert client.post(estate.url("setup/generate"), data={"month": "2027-01"}).status_code == 403
