"""The revenue report reads month figures kept up to date on every write (rollup.py):
after quotes edited, accepted, cancelled, delivered, paid, refunded and rentals charged,
on both sides of a month end in Hong Kong, they say what summing the rows says."""

from __future__ import annotations

from datetime import UTC, datetime

from core.extensions import db
from core.models import Site
from plugins.paid_services import reports, rollup
from plugins.paid_services.jobs import charge_rentals
from tests.conftest import login
from tests.plugins.paid_services.test_orders import accepted, new_quote, text

PERIODS = ("2026-11", "2026-12")


def figures(app, site_id):
    """The report's tables from the figures and from the rows, for both months."""
    with app.app_context():
        site = db.session.get(Site, site_id)
        kept = [(reports.revenue(site, p), reports.by_butler(site, p)) for p in PERIODS]
        summed = [
            (reports.revenue_from_rows(site, p), reports.by_butler_from_rows(site, p))
            for p in PERIODS
        ]
    return kept, summed


def test_the_figures_follow_every_write_across_a_month_end(app, client, estate, clock):
    site_id = estate.site.id
    # 23:30 on 30 November in Hong Kong (15:30 UTC).
    clock.set(datetime(2026, 11, 30, 15, 30, tzinfo=UTC))
    login(client, "ben")
    edited = new_quote(client, estate, quantity="2")
    url = f"{estate.base}/orders/{edited}"
    added = client.post(f"{url}/lines", data={"service_id": estate.tubes.id, "quantity": "1"})
    assert added.status_code == 303
    client.post(f"{url}/accept", data={"who": "Chan Tai Man", "how": "phone"})
    client.post(f"{url}/payments", data={"amount": "100", "method": "cash"})
    dropped = accepted(client, estate, service=estate.tubes, quantity="1")
    rental = accepted(client, estate, service=estate.plants, quantity="3")
    client.post(f"{estate.base}/orders/{rental}/deliver", data={"delivered_on": "2026-11-30"})
    # Half past midnight on 1 December in Hong Kong, still 30 November in UTC.
    clock.set(datetime(2026, 11, 30, 16, 30, tzinfo=UTC))
    client.post(f"{url}/payments", data={"amount": "50", "method": "card"})
    client.post(f"{url}/deliver", data={"delivered_on": "2026-11-30"})
    client.post(f"{estate.base}/orders/{dropped}/cancel", data={"reason": "Moved abroad"})
    december = accepted(client, estate, service=estate.tubes, quantity="2")
    client.post(f"{estate.base}/orders/{december}/deliver", data={"delivered_on": "2026-12-01"})
    client.post(
        f"{estate.base}/orders/{december}/payments", data={"amount": "30", "method": "cash"}
    )
    with app.app_context():
        assert charge_rentals(db.session.get(Site, site_id), clock.now()) == 1
        db.session.commit()
    client.post("/logout")
    login(client, "mia")
    refund = {"refund-amount": "40", "refund-method": "cash", "refund-reason": "Half a job"}
    assert client.post(f"{url}/refunds", data=refund).status_code == 303

    kept, summed = figures(app, site_id)
    assert kept == summed
    (november, _), (december_revenue, butlers) = kept
    # Paid before midnight in Hong Kong counts in November, after it in December.
    assert november.collected["2026-11"] == 10000
    assert november.by_service["Fluorescent tube replacement"]["2026-11"] == 12000
    assert december_revenue.collected["2026-12"] == 5000 + 3000 - 4000
    assert december_revenue.by_service["Indoor plant rental"]["2026-12"] > 0
    assert [(b.name, b.orders) for b in butlers] == [("Ben Wong", 1)]
    page = text(client.get(f"{estate.base}/reports/revenue?period=2026-12"))
    assert "HK$40.00" in page  # collected in December: 50 + 30 - 40

    # Counted again from the rows (through a bare connection, as the migration does),
    # the figures are the same.
    with app.app_context():
        rollup.rebuild(site_id, db.session.connection())
        db.session.commit()
    assert figures(app, site_id)[0] == kept
