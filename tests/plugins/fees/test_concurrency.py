"""Twenty people taking money for the same unit at the same moment (PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import date

import pytest
import sqlalchemy as sa

from core.extensions import db
from plugins.fees.models import FeesBill, FeesPayment
from tests.conftest import login
from tests.plugins.fees.conftest import add_bill, add_fee

PEOPLE = 20


@pytest.mark.postgres_only
def test_twenty_simultaneous_payments_never_take_more_than_is_due(app, make, estate):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("needs PostgreSQL: SQLite lets one writer in at a time anyway")
    unit = estate.units[0]
    fee = add_fee(app, estate.site)
    add_bill(app, estate.site, unit, fee, "2026-11", date(2026, 11, 15), 100000)
    add_bill(app, estate.site, unit, fee, "2026-12", date(2026, 12, 15), 100000)
    clients = []
    for n in range(PEOPLE):
        make.user(role="butler", site=estate.site, username=f"cashier{n}")
        client = app.test_client()
        assert login(client, f"cashier{n}").status_code == 302
        clients.append(client)
    start = threading.Barrier(PEOPLE)
    answers: list[int] = []
    errors: list[BaseException] = []
    url = f"{estate.base}/units/{unit.id}/payments"

    def work(client) -> None:
        try:
            start.wait(timeout=30)
            # HK$300 each: six fit in the HK$2,000 owed, the seventh would go over.
            answer = client.post(url, data={"amount": "300", "method": "cash"})
            answers.append(answer.status_code)
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(answers) == [303] * 6 + [422] * 14
    with app.app_context():
        paid = db.session.scalars(sa.select(FeesBill.paid_minor).order_by(FeesBill.due_on)).all()
        taken = db.session.scalar(sa.select(sa.func.sum(FeesPayment.amount_minor)))
    assert paid == [100000, 80000]
    assert taken == 180000
