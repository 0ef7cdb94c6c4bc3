"""Chasing arrears: contacts and promises to pay, the reason, the day page, the work log."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from core.extensions import db
from plugins.fees.models import FeesArrear, FeesChase
from tests.plugins.fees.conftest import MONDAY, add_bill, add_fee, text


def owing(app, estate):
    fee = add_fee(app, estate.site)
    unit = estate.units[0]
    add_bill(app, estate.site, unit, fee, "2026-12", date(2026, 12, 15), 100000)
    return unit


def chase(client, estate, unit, **data):
    fields = {
        "kind": "call",
        "note": "Says the transfer is coming",
        "promise_on": "",
        "promise_amount": "",
    }
    return client.post(estate.url(f"units/{unit.id}/chases"), data=fields | data)


def test_a_promise_to_pay_comes_back_on_the_day_page_of_its_day(app, client, auth, clock, estate):
    unit = owing(app, estate)
    auth.login("ben")
    answer = chase(client, estate, unit, promise_on="2027-01-13", promise_amount="1000")
    assert answer.status_code == 303
    page = text(client.get(answer.location))
    assert "promised HK$1,000.00 on" in page and "Says the transfer is coming" in page
    assert "T1-1A" not in text(client.get(f"/s/{estate.site.slug}/today/"))
    clock.advance(days=2)
    auth.login("ben")  # a new day, a new session
    today = text(client.get(f"/s/{estate.site.slug}/today/"))
    assert "Promise to pay" in today and "T1-1A · HK$1,000.00" in today
    listed = text(client.get(estate.url("")))
    assert "13/01/2027" in listed or "Jan 13, 2027" in listed


def test_a_promise_needs_a_date_and_an_amount_and_not_a_past_day(app, client, auth, estate):
    unit = owing(app, estate)
    auth.login("ben")
    half = chase(client, estate, unit, promise_on="2027-01-13")
    assert half.status_code == 422
    assert "A promise to pay needs both a date and an amount." in text(half)
    past = chase(client, estate, unit, promise_on="2027-01-04", promise_amount="100")
    assert past.status_code == 422
    assert "A promise to pay is for today or a later day." in text(past)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(FeesChase.id))) == 0


def test_the_reason_a_unit_owes_is_kept_and_replaced_by_the_next(app, client, auth, estate):
    unit = owing(app, estate)
    auth.login("ben")
    client.post(
        estate.url(f"units/{unit.id}/reason"), data={"why-reason": "dispute", "why-note": "Lift"}
    )
    client.post(
        estate.url(f"units/{unit.id}/reason"), data={"why-reason": "hardship", "why-note": ""}
    )
    with app.app_context():
        rows = db.session.scalars(sa.select(FeesArrear)).all()
        assert [(r.reason, r.note) for r in rows] == [("hardship", "")]
    bad = client.post(estate.url(f"units/{unit.id}/reason"), data={"why-reason": "lazy"})
    assert bad.status_code == 422


def test_the_front_desk_takes_money_but_does_not_chase(app, client, auth, estate):
    unit = owing(app, estate)
    auth.login("fay")
    assert chase(client, estate, unit).status_code == 403
    answer = client.post(
        estate.url(f"units/{unit.id}/payments"), data={"amount": "100", "method": "cash"}
    )
    assert answer.status_code == 303


def test_the_butlers_work_log_has_the_contacts_made_and_payments_taken(app, client, auth, estate):
    unit = owing(app, estate)
    auth.login("ben")
    chase(
        client,
        estate,
        unit,
        kind="visit",
        note="Nobody home",
        promise_on="2027-01-20",
        promise_amount="500",
    )
    client.post(estate.url(f"units/{unit.id}/payments"), data={"amount": "250", "method": "card"})
    log = text(client.get(f"/s/{estate.site.slug}/log/{MONDAY.isoformat()}"))
    assert "Fee chasing" in log and "Visit: Nobody home" in log
    assert "Promised HK$500.00 on 2027-01-20" in log
    assert "Fee payment" in log and "Card HK$250.00" in log


def test_a_contact_sent_twice_from_a_phones_queue_is_written_once(app, client, auth, estate):
    unit = owing(app, estate)
    auth.login("ben")
    headers = {"Idempotency-Key": "chase-0001-abcdef"}
    data = {"kind": "visit", "note": "Left a letter", "promise_on": "", "promise_amount": ""}
    url = estate.url(f"units/{unit.id}/chases")
    assert client.post(url, data=data, headers=headers).status_code == 303
    assert client.post(url, data=data, headers=headers).status_code == 409
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(FeesChase.id))) == 1
