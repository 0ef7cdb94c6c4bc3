"""The manager sees the revenue: by service and month, by butler, unpaid orders; XLSX too."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from openpyxl import load_workbook

from core.extensions import db
from core.models import PluginEnablement
from tests.conftest import login
from tests.plugins.paid_services.conftest import add_service
from tests.plugins.paid_services.test_orders import accepted, new_quote, order_of, text


def sell_and_deliver(client, estate, service, quantity, delivered_on, paid):
    order_id = accepted(client, estate, service=service, quantity=quantity)
    url = f"{estate.base}/orders/{order_id}"
    assert client.post(f"{url}/deliver", data={"delivered_on": delivered_on}).status_code == 303
    if paid:
        assert (
            client.post(f"{url}/payments", data={"amount": paid, "method": "cash"}).status_code
            == 303
        )
    return order_id


def test_revenue_by_service_and_month_by_butler_and_unpaid(app, client, estate, clock):
    clock.set(datetime(2026, 11, 20, 4, 0, tzinfo=UTC))
    login(client, "ben")
    sell_and_deliver(client, estate, estate.cleaning, "2", "2026-10-05", "300")  # HK$300
    unpaid = sell_and_deliver(client, estate, estate.tubes, "1", "2026-11-18", "20")  # HK$120
    new_quote(client, estate)  # a quote is not revenue
    client.post("/logout")
    login(client, "mia")
    html = text(client.get(f"{estate.base}/reports/revenue?period=2026-11"))
    assert "Revenue by service and month" in html
    assert "Home cleaning" in html and "HK$300.00" in html and "HK$120.00" in html
    assert "By butler, 2026-11" in html and "Ben Wong" in html
    assert f"#{unpaid}" in html and "HK$100.00" in html  # still due on the tubes

    export = client.get(f"{estate.base}/reports/revenue?period=2026-11&export=xlsx")
    assert export.status_code == 200
    assert export.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(export.data))
    assert book.sheetnames == ["Revenue", "By butler", "Unpaid"]
    revenue = {row[0]: row for row in book["Revenue"].iter_rows(values_only=True)}
    header = list(revenue["Service"])
    assert header[-2:] == ["2026-11", "Total"] and header[-3] == "2026-10"
    assert revenue["Home cleaning"][header.index("2026-10")] == 300
    assert revenue["Fluorescent tube replacement"][header.index("2026-11")] == 120
    assert revenue["Collected"][header.index("2026-11")] == 320
    butlers = list(book["By butler"].iter_rows(values_only=True))
    # Two quotes accepted on the 20th of November; the third was never accepted.
    assert butlers[1][0] == "Ben Wong" and butlers[1][1] == 2
    owed = list(book["Unpaid"].iter_rows(values_only=True))
    assert [r[0] for r in owed[1:]] == [unpaid] and owed[1][-1] == 100


def test_a_service_named_like_a_formula_is_not_run_by_the_spreadsheet(app, client, estate):
    evil = add_service(app, estate.site, '=HYPERLINK("http://evil","x")', "visit", 100)
    login(client, "ben")
    sell_and_deliver(client, estate, evil, "1", "2026-11-01", "")
    client.post("/logout")
    login(client, "mia")
    export = client.get(f"{estate.base}/reports/revenue?period=2026-11&export=xlsx")
    names = [
        r[0] for r in load_workbook(io.BytesIO(export.data))["Revenue"].iter_rows(values_only=True)
    ]
    assert '\'=HYPERLINK("http://evil","x")' in names


def test_a_bad_month_is_refused_with_a_message(app, client, estate):
    login(client, "mia")
    response = client.get(f"{estate.base}/reports/revenue?period=2026-13")
    assert response.status_code == 422 and "Choose a month as YYYY-MM" in text(response)


def test_a_butler_does_not_see_the_revenue(app, client, estate):
    login(client, "ben")
    assert client.get(f"{estate.base}/reports/revenue").status_code == 403
    assert "Paid services: revenue" not in text(client.get(f"/s/{estate.site.slug}/reports"))


def test_the_reports_page_offers_the_report_to_the_manager(app, client, estate):
    login(client, "mia")
    html = text(client.get(f"/s/{estate.site.slug}/reports?period=2026-11"))
    assert (
        "Paid services: revenue" in html and "paid_services/reports/revenue?period=2026-11" in html
    )


def test_the_service_request_is_a_link_when_the_service_desk_is_on(app, client, estate, make):
    login(client, "ben")
    response = client.post(
        f"{estate.base}/residents/{estate.chan.id}/orders/new?service_desk_request_id=77",
        data={"unit_id": estate.flat.id, "service_id": estate.tubes.id, "quantity": "1"},
    )
    order_id = int(response.location.rsplit("/", 1)[1])
    assert order_of(app, order_id).service_desk_request_id == 77
    with app.app_context():
        db.session.add(
            PluginEnablement(site_id=estate.site.id, plugin="service_desk", enabled=True)
        )
        db.session.commit()
    page = text(client.get(f"{estate.base}/orders/{order_id}"))
    assert f'href="/s/{estate.site.slug}/service_desk/77"' in page


def test_demo_data_fills_a_catalogue_once(app, make):
    from sqlalchemy import func, select

    from core.models import Site
    from plugins.paid_services.demo import add_demo_data
    from plugins.paid_services.models import PaidServicesOrder, PaidServicesService

    site = make.site()
    building = make.building(site)
    seller = make.user(role="butler", site=site)
    for n in range(5):
        make.resident(site, make.unit(building, number=f"{n}A"))
    with app.app_context():
        for _ in range(2):
            add_demo_data(db.session.get(Site, site.id))
            db.session.commit()
        services = db.session.scalar(select(func.count(PaidServicesService.id)))
        orders = db.session.scalars(select(PaidServicesOrder)).all()
        assert services == 8 and len(orders) == 4
        assert {o.status for o in orders} == {"quoted", "accepted", "delivered"}
        assert all(o.sold_by_id == seller.id for o in orders)


def test_the_revenue_is_drawn_month_by_month_with_the_same_amounts(app, client, estate, clock):
    clock.set(datetime(2026, 11, 20, 4, 0, tzinfo=UTC))
    login(client, "ben")
    sell_and_deliver(client, estate, estate.cleaning, "2", "2026-10-05", "300")
    sell_and_deliver(client, estate, estate.tubes, "1", "2026-11-18", "120")
    client.post("/logout")
    login(client, "mia")
    html = text(client.get(f"{estate.base}/reports/revenue?period=2026-11"))
    figure = html.split('<figure class="chart-figure"')[1].split("</figure>")[0]
    assert "<figcaption>Revenue of each month, by service</figcaption>" in figure
    assert '<svg class="chart chart-kind-stacked"' in figure
    # The table under the chart: October's cleaning, November's tubes, as on the page.
    october = figure.split('<th scope="row">2026-10</th>')[1].split("</tr>")[0]
    november = figure.split('<th scope="row">2026-11</th>')[1].split("</tr>")[0]
    assert "HK$300.00" in october and "HK$120.00" in november
