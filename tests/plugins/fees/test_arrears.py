"""Arrears: aged at month end on the site's clock, listed longest owing first, each unit
with its reason; the butler sees the units of their own towers first."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from core.extensions import db
from core.models import Site, Unit, User
from plugins.fees import queries, rules
from tests.plugins.fees.conftest import add_bill, add_fee, text

# Days past the due date on 31 January 2027, at the edges of each bucket.
EDGES = (
    (date(2027, 1, 10), 1000, "0_30"),  # 21 days
    (date(2027, 1, 1), 10000, "0_30"),  # 30 days
    (date(2026, 12, 31), 20000, "31_90"),  # 31 days
    (date(2026, 11, 2), 2000, "31_90"),  # 90 days
    (date(2026, 11, 1), 30000, "91_180"),  # 91 days
    (date(2026, 8, 4), 3000, "91_180"),  # 180 days
    (date(2026, 8, 3), 40000, "over_180"),  # 181 days
    (date(2027, 2, 1), 99900, None),  # not yet due at the end of January
)


def test_aged_buckets_at_month_end_are_counted_on_the_sites_clock(app, clock, estate):
    fee = add_fee(app, estate.site)
    unit = estate.units[0]
    ids = [
        add_bill(app, estate.site, unit, fee, f"e{n}", due, amount)
        for n, (due, amount, _bucket) in enumerate(EDGES)
    ]
    # Half past midnight on 1 February in Hong Kong is still 31 January in UTC: the
    # payment came after the month's end on the site's clock.
    ben = _ben(app)
    clock.at_local(estate.site, date(2027, 2, 1), time(0, 30))
    assert clock.now().date() == date(2027, 1, 31)
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        rules.pay(
            site,
            db.session.get(Unit, unit.id),
            amount_minor=1000,
            method="cash",
            reference="",
            payer="",
            user=db.session.get(User, ben),
        )
        db.session.commit()
        paid_first = db.session.get(rules.FeesBill, ids[6]).paid_minor
        january = queries.aged(site, queries.as_of_for(site, "2027-01"))
        february = queries.aged(site, queries.as_of_for(site, "2027-02"))
    assert paid_first == 1000  # the oldest bill (181 days) took the payment
    assert january.as_of == date(2027, 1, 31)
    assert january.buckets == {"0_30": 11000, "31_90": 22000, "91_180": 33000, "over_180": 40000}
    # The unit counts once, in the bucket of its oldest unpaid bill.
    assert january.units == {"0_30": 0, "31_90": 0, "91_180": 0, "over_180": 1}
    # Today (1 February) the payment counts, and each bill is a day older.
    assert february.as_of == date(2027, 2, 1)
    assert february.buckets == {"0_30": 1000, "31_90": 30000, "91_180": 32000, "over_180": 42000}


def _ben(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(User.id).where(User.username == "ben"))


def test_the_collection_page_shows_the_aged_arrears_of_the_months_end(
    app, client, auth, clock, estate
):
    fee = add_fee(app, estate.site)
    add_bill(app, estate.site, estate.units[0], fee, "2026-12", date(2026, 12, 15), 100000)
    clock.set(datetime(2027, 2, 3, 2, 0, tzinfo=UTC))
    auth.login("mia")
    page = text(client.get(estate.url("reports/collection?period=2027-01")))
    assert "Arrears by age on Jan 31, 2027" in page
    assert "HK$1,000.00" in page


def test_the_arrears_list_shows_who_owes_longest_first_with_the_reason(app, client, auth, estate):
    fee = add_fee(app, estate.site)
    one_a, one_b, two_a, _two_b = estate.units
    add_bill(app, estate.site, one_a, fee, "2026-12", date(2026, 12, 15), 100000)
    add_bill(app, estate.site, one_b, fee, "2026-10", date(2026, 10, 15), 80000)
    add_bill(app, estate.site, two_a, fee, "2026-12", date(2026, 12, 15), 50000)
    add_bill(app, estate.site, one_a, fee, "2027-01", date(2027, 1, 15), 100000)  # not due yet
    auth.login("ben")
    client.post(
        estate.url(f"units/{one_b.id}/reason"), data={"why-reason": "away", "why-note": "In Canada"}
    )
    page = text(client.get(estate.url("")))
    # Ben looks after Tower 1: its two units, the one owing longest first.
    assert "2 units owe" in page
    assert page.index("T1-1B") < page.index("T1-1A")
    assert "T2-2A" not in page
    assert "Away" in page
    assert "HK$800.00" in page and "HK$1,000.00" in page
    everything = text(client.get(estate.url("?show=all")))
    assert "3 units owe" in everything and "T2-2A" in everything
    recent = text(client.get(estate.url("?show=all&bucket=0_30")))
    assert "2 units owe" in recent and "T1-1A" in recent and "T1-1B" not in recent
