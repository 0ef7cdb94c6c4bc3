"""The butler's paid services in the hand-in pack: their line of the "By butler" table."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from core.extensions import db
from core.models import User
from plugins.paid_services.reports import butler_sheet, by_butler, seller_row
from tests.conftest import login
from tests.plugins.paid_services.test_reports import sell_and_deliver


def test_the_butlers_sheet_is_their_line_of_the_by_butler_table(app, client, estate, clock):
    clock.set(datetime(2026, 11, 20, 4, 0, tzinfo=UTC))
    login(client, "ben")
    sell_and_deliver(client, estate, estate.cleaning, "2", "2026-11-05", "300")  # HK$300
    sell_and_deliver(client, estate, estate.tubes, "1", "2026-11-18", "20")  # HK$120
    client.post("/logout")
    login(client, "mia")
    sell_and_deliver(client, estate, estate.tubes, "1", "2026-11-19", "120")  # Mia's own
    with app.app_context():
        people = {u.username: u for u in db.session.scalars(db.select(User))}
        table = {r.name: r for r in by_butler(estate.site, "2026-11")}
        for name in ("ben", "mia"):
            assert (
                seller_row(estate.site, "2026-11", people[name]) == table[people[name].display_name]
            )
        sheet = butler_sheet(estate.site, "2026-11", people["ben"])
    assert sheet.rows == (("Ben Wong", 2, Decimal("420.00"), Decimal("420.00"), Decimal("320.00")),)
    # Nothing the month before.
    with app.app_context():
        october = butler_sheet(estate.site, "2026-10", people["ben"])
    assert october.rows[0][1:] == (0, Decimal("0.00"), Decimal("0.00"), Decimal("0.00"))


def test_the_butler_sees_their_sales_in_their_pack(client, estate, clock):
    clock.set(datetime(2026, 11, 20, 4, 0, tzinfo=UTC))
    login(client, "ben")
    sell_and_deliver(client, estate, estate.cleaning, "2", "2026-11-05", "300")
    page = client.get(f"/s/{estate.site.slug}/hand-in/2026-11").get_data(as_text=True)
    section = page.split('id="report-paid_services-by_butler"')[1].split("</section>")[0]
    assert "<td>Ben Wong</td><td>1</td><td>300.00</td><td>300.00</td><td>300.00</td>" in section
