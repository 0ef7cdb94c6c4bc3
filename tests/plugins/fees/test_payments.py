"""Taking money: oldest bill first, never more than is owed, receipts, voids and refunds."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from core.extensions import db
from core.models import AuditLog
from plugins.fees.models import FeesAllocation, FeesPayment
from tests.plugins.fees.conftest import add_bill, add_fee, bills, text


def three_months(app, estate, unit=None):
    """Unit 1A owes HK$1,000 for each of November, December and January."""
    unit = unit or estate.units[0]
    fee = add_fee(app, estate.site)
    for period, due in (
        ("2026-11", date(2026, 11, 15)),
        ("2026-12", date(2026, 12, 15)),
        ("2027-01", date(2027, 1, 15)),
    ):
        add_bill(app, estate.site, unit, fee, period, due, 100000)
    return unit


def pay(client, estate, unit, amount, method="cash", reference=""):
    return client.post(
        estate.url(f"units/{unit.id}/payments"),
        data={"amount": amount, "method": method, "reference": reference, "payer": "Chan Tai Man"},
    )


def test_a_partial_payment_goes_to_the_oldest_bill_first(app, client, auth, estate):
    unit = three_months(app, estate)
    auth.login("ben")
    answer = pay(client, estate, unit, "1,500.00")
    assert answer.status_code == 303
    paid = [(b.period, b.paid_minor) for b in bills(app)]
    assert paid == [("2026-11", 100000), ("2026-12", 50000), ("2027-01", 0)]
    receipt = text(client.get(answer.location))
    assert "Management fee 2026-11" in receipt and "Management fee 2026-12" in receipt
    assert "HK$1,500.00" in receipt and "HK$1,500.00" in receipt  # received, balance
    assert "Ben Wong" in receipt


def test_a_payment_above_what_the_unit_owes_is_refused_and_writes_nothing(
    app, client, auth, estate
):
    unit = three_months(app, estate)
    auth.login("ben")
    answer = pay(client, estate, unit, "3000.01")
    assert answer.status_code == 422
    assert "This is more than the unit owes (HK$3,000.00)." in text(answer)
    assert [b.paid_minor for b in bills(app)] == [0, 0, 0]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(FeesPayment.id))) == 0


def test_a_bad_amount_or_a_cheque_without_its_number_is_refused_next_to_the_field(
    app, client, auth, estate
):
    unit = three_months(app, estate)
    auth.login("ben")
    answer = pay(client, estate, unit, "12.345")
    assert answer.status_code == 422
    assert 'id="amount-error"' in text(answer)
    answer = pay(client, estate, unit, "100", method="cheque")
    assert answer.status_code == 422
    assert "Give the cheque or transfer number." in text(answer)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(FeesPayment.id))) == 0


def test_voiding_a_payment_with_a_reason_gives_the_bills_back_and_is_audited(
    app, client, auth, estate
):
    unit = three_months(app, estate)
    auth.login("ben")
    pay(client, estate, unit, "1500")
    with app.app_context():
        payment_id = db.session.scalar(sa.select(FeesPayment.id))
    assert (
        client.post(
            estate.url(f"payments/{payment_id}/cancel"), data={"action": "voided", "reason": "x"}
        ).status_code
        == 403
    )
    auth.logout()
    auth.login("mia")
    refused = client.post(
        estate.url(f"payments/{payment_id}/cancel"), data={"action": "voided", "reason": ""}
    )
    assert refused.status_code == 422 and "Say why." in text(refused)
    answer = client.post(
        estate.url(f"payments/{payment_id}/cancel"),
        data={"action": "refunded", "reason": "Paid twice, once by transfer"},
    )
    assert answer.status_code == 303
    assert [b.paid_minor for b in bills(app)] == [0, 0, 0]
    page = text(client.get(answer.location))
    assert "Refunded" in page and "Paid twice, once by transfer" in page
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count(FeesAllocation.id)).where(
                    FeesAllocation.cancelled.is_(False)
                )
            )
            == 0
        )
        audit = db.session.scalar(
            sa.select(AuditLog).where(AuditLog.action == "fees.payment_refunded")
        )
        assert "Paid twice" in audit.detail
    again = client.post(
        estate.url(f"payments/{payment_id}/cancel"), data={"action": "voided", "reason": "again"}
    )
    assert again.status_code == 422


def test_the_units_statement_shows_bills_payments_and_balance_and_prints(app, client, auth, estate):
    unit = three_months(app, estate)
    auth.login("ben")
    pay(client, estate, unit, "1000", method="transfer", reference="HSBC 884421")
    page = text(client.get(estate.url(f"units/{unit.id}/statement")))
    assert "Statement of T1-1A" in page
    assert "HSBC 884421" in page
    assert "HK$2,000.00" in page  # the balance
    panel = text(client.get(estate.url(f"units/{unit.id}/panel")))
    assert "Balance: HK$2,000.00" in panel
    assert "past due: HK$1,000.00" in panel  # January's bill is not due until the 15th


def test_a_payment_for_another_sites_unit_is_a_404(app, client, auth, make, estate):
    other = make.estate(plugins=["fees"], units=[{"number": "9Z"}])
    auth.login("ben")
    assert pay(client, estate, other.unit, "100").status_code == 404
    assert client.get(estate.url(f"units/{other.unit.id}")).status_code == 404
    assert client.get(estate.url(f"units/{other.unit.id}/panel")).status_code == 404


def test_the_tallies_behind_the_collection_rate_follow_bills_payments_and_voids(
    app, client, auth, estate
):
    from plugins.fees import rules
    from plugins.fees.models import FeesTally

    add_fee(app, estate.site, rate=100000)
    auth.login("mia")
    client.post(estate.url("setup/generate"), data={"month": "2027-01"})
    unit = estate.units[0]
    pay(client, estate, unit, "400")
    pay(client, estate, estate.units[2], "1000")
    with app.app_context():
        first = db.session.scalar(sa.select(FeesPayment.id).order_by(FeesPayment.id))
    client.post(
        estate.url(f"payments/{first}/cancel"), data={"action": "voided", "reason": "Wrong unit"}
    )

    def tallies():
        with app.app_context():
            return sorted(
                db.session.execute(
                    sa.select(
                        FeesTally.building_id,
                        FeesTally.due_on,
                        FeesTally.billed_minor,
                        FeesTally.paid_minor,
                    )
                ).all()
            )

    kept = tallies()
    with app.app_context():
        rules.retally_site(estate.site.id)
        db.session.commit()
    assert kept == tallies()
    tower_1, tower_2 = estate.towers
    assert kept == [
        (tower_1.id, date(2027, 1, 15), 200000, 0),
        (tower_2.id, date(2027, 1, 15), 200000, 100000),
    ]
