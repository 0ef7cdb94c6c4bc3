"""A butler on a phone sells a paid service: quote, acceptance, delivery, two payments,
receipt; and the plugin's main pages pass the HTML checker and axe."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, Response, expect
from sqlalchemy import select

from core.extensions import db
from core.models import Occupancy, PluginEnablement, Resident, Site, Unit
from plugins.paid_services.models import PaidServicesOrder, PaidServicesService
from tests.browser.conftest import ARTIFACTS, Admin, Butler, LiveServer, Screenshots, nav_to
from tests.browser.test_outside_checks import _tools, axe_problems, run_vnu
from tests.browser.test_outside_checks import log_in as admin_log_in
from tests.browser.test_resident_journey import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def shop(live_server: LiveServer, butler: Butler) -> dict[str, int]:
    """Paid services on for the butler's site: a catalogue and a resident in 12A."""
    with live_server.app.app_context():
        site = db.session.scalars(select(Site).where(Site.slug == butler.site_slug)).one()
        unit = db.session.scalars(select(Unit).where(Unit.site_id == site.id)).first()
        db.session.add(PluginEnablement(site_id=site.id, plugin="paid_services", enabled=True))
        services = {}
        for name, unit_of_sale, price in (
            ("Home cleaning", "hour", 15000),
            ("Tap repair", "visit", 20000),
            ("Indoor plant rental", "month", 8000),
        ):
            services[name] = PaidServicesService(
                site_id=site.id, name=name, unit_of_sale=unit_of_sale, price_minor=price
            )
            db.session.add(services[name])
        resident = Resident(site_id=site.id, name="Wong Siu Ming", phone="91234567")
        db.session.add(resident)
        db.session.flush()
        db.session.add(
            Occupancy(
                site_id=site.id,
                resident_id=resident.id,
                unit_id=unit.id,
                role="owner",
                moved_in=date(2020, 1, 1),
            )
        )
        db.session.commit()
        ids = {
            "site_id": site.id,
            "resident_id": resident.id,
            "cleaning_id": services["Home cleaning"].id,
        }
        db.session.remove()
    return ids


def test_butler_sells_delivers_and_takes_two_payments_on_a_phone(
    page: Page,
    butler: Butler,
    shop: dict[str, int],
    screenshot: Screenshots,
    live_server: LiveServer,
) -> None:
    log_in(page, butler)
    nav_to(page, "Dashboard")
    expect(page.locator("#widget-paid_services-summary")).to_be_visible()
    page.goto(f"/s/{butler.site_slug}/residents/{shop['resident_id']}")
    panel = page.locator("#panel-paid_services-orders")
    panel.scroll_into_view_if_needed()
    expect(panel.get_by_text("No paid service ordered yet.")).to_be_visible()
    screenshot("resident-panel")
    panel.get_by_role("link", name="New order").click()

    expect(page.get_by_role("heading", name="New order for Wong Siu Ming")).to_be_visible()
    page.get_by_label("Service").select_option(str(shop["cleaning_id"]))
    page.get_by_label("Quantity").fill("3")
    screenshot("new-order")
    page.get_by_role("button", name="Make the quote").click()

    expect(page.get_by_role("heading", name=re.compile(r"Order #\d+ · Quote"))).to_be_visible()
    expect(page.get_by_text("HK$450.00").first).to_be_visible()
    expect(page.get_by_text("T1-12A")).to_be_visible()
    screenshot("quote")
    page.get_by_label("Accepted by").fill("Mrs Wong")
    page.get_by_label("How").select_option("in_person")
    page.get_by_role("button", name="Record the acceptance").click()
    expect(page.get_by_role("heading", name=re.compile(r"· Accepted"))).to_be_visible()
    expect(page.get_by_text("The quote is accepted.")).to_be_visible()
    screenshot("accepted")

    page.get_by_label("Delivered on").fill(date.today().isoformat())
    page.get_by_label("What was done").fill("Kitchen, two bathrooms")
    page.get_by_role("button", name="Record the delivery").click()
    expect(page.get_by_role("heading", name=re.compile(r"· Delivered"))).to_be_visible()

    amount = page.get_by_label("Amount", exact=True)
    amount.fill("12.345")
    page.get_by_role("button", name="Record the payment").click()
    amount = page.get_by_label("Amount", exact=True)
    expect(amount).to_have_attribute("aria-invalid", "true")
    expect(amount).to_have_accessible_description("HKD amounts have at most 2 decimals.")
    screenshot("amount-refused")
    amount.fill("200")
    page.get_by_label("Paid by").select_option("wechat_pay")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.locator("#order-due")).to_have_text("HK$250.00")
    page.get_by_label("Amount", exact=True).fill("250.00")
    page.get_by_label("Paid by").select_option("cash")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.locator("#order-due")).to_have_text("HK$0.00")
    screenshot("paid")

    page.get_by_role("button", name="Receipt").click()
    expect(page.get_by_role("heading", name="Receipt", exact=True)).to_be_visible()
    expect(page.get_by_text("WeChat Pay")).to_be_visible()
    screenshot("receipt")

    with live_server.app.app_context():
        order = db.session.scalars(select(PaidServicesOrder)).one()
        assert (order.status, order.total_minor, order.paid_minor) == ("delivered", 45000, 45000)
        db.session.remove()


def test_paid_services_pages_are_valid_html_and_accessible(
    page: Page, org_admin: Admin, shop: dict[str, int], live_server: LiveServer
) -> None:
    java, axe_source = _tools()
    with live_server.app.app_context():
        service = db.session.scalars(select(PaidServicesService)).first()
        order = PaidServicesOrder(
            site_id=shop["site_id"],
            resident_id=shop["resident_id"],
            status="quoted",
            sold_by_id=db.session.scalar(select(Occupancy.id)) and 1,
            total_minor=0,
            paid_minor=0,
        )
        db.session.add(order)
        db.session.commit()
        order_id, service_id = order.id, service.id
        db.session.remove()
    folder = ARTIFACTS / "html-paid_services"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    saved: dict[str, Path] = {}
    found: list[str] = []

    def check(name: str, response: Response | None) -> None:
        assert response is not None and response.ok, f"{name}: {response and response.status}"
        path = folder / f"{len(saved) + 1:02d}-{name}.html"
        path.write_text(response.text(), encoding="utf-8")
        saved[name] = path
        found.extend(axe_problems(page, name, axe_source))

    admin_log_in(page, org_admin)
    s = f"/s/{org_admin.site_slug}/paid_services"
    for name, path in (
        ("orders", f"{s}/"),
        ("orders-unpaid", f"{s}/?show=unpaid"),
        ("catalogue", f"{s}/catalogue"),
        ("service", f"{s}/catalogue/{service_id}"),
        ("pick-resident", f"{s}/orders/new?q=wong"),
        ("new-order", f"{s}/residents/{shop['resident_id']}/orders/new"),
        ("order", f"{s}/orders/{order_id}"),
        ("receipt", f"{s}/orders/{order_id}/receipt"),
        ("revenue", f"{s}/reports/revenue"),
    ):
        check(name, page.goto(path))
    errors = run_vnu(java, saved)
    assert not errors, "The Nu HTML Checker found errors:\n  " + "\n  ".join(errors)
    assert not found, "axe found serious or critical violations:\n  " + "\n  ".join(found)
