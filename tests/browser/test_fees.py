"""A butler on a phone chases a unit in arrears: writes down a call with a promise to
pay, finds the promise on the day page, takes the payment and opens the receipt; and the
plugin's main pages pass the HTML checker and axe."""

from __future__ import annotations

import shutil
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, Response, expect
from sqlalchemy import select

from core import clock
from core.extensions import db
from core.models import PluginEnablement, Site, Unit
from plugins.fees import rules
from plugins.fees.models import FeesBill, FeesFee, FeesPayment
from tests.browser.conftest import ARTIFACTS, Admin, Butler, LiveServer, Screenshots
from tests.browser.test_outside_checks import _tools, axe_problems, run_vnu
from tests.browser.test_outside_checks import log_in as admin_log_in
from tests.browser.test_resident_journey import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def arrears(live_server: LiveServer, butler: Butler) -> dict[str, int]:
    """Fees on for the butler's site; unit 12A owes two months, the older 40 days late."""
    with live_server.app.app_context():
        site = db.session.scalars(select(Site).where(Site.slug == butler.site_slug)).one()
        unit = db.session.scalars(select(Unit).where(Unit.site_id == site.id)).first()
        unit.area_m2 = Decimal("80")
        db.session.add(PluginEnablement(site_id=site.id, plugin="fees", enabled=True))
        fee = FeesFee(site_id=site.id, name="Management fee", rate_minor=120000, due_day=15)
        db.session.add(fee)
        db.session.flush()
        today = clock.today(site)
        for n, late in enumerate((40, 10)):
            due = today - timedelta(days=late)
            db.session.add(
                FeesBill(
                    site_id=site.id,
                    unit_id=unit.id,
                    building_id=unit.building_id,
                    fee_id=fee.id,
                    period=f"b{n}",
                    description=f"Management fee {due:%Y-%m}",
                    issued_on=due,
                    due_on=due,
                    amount_minor=120000,
                    paid_minor=0,
                )
            )
        db.session.flush()
        # Bills written directly: count the tallies and balances the rules keep.
        rules.retally_site(site.id)
        rules.rebalance(site.id)
        db.session.commit()
        ids = {"site_id": site.id, "unit_id": unit.id}
        db.session.remove()
    return ids


def test_butler_records_a_promise_sees_it_on_the_day_page_and_takes_the_money(
    page: Page,
    butler: Butler,
    arrears: dict[str, int],
    screenshot: Screenshots,
    live_server: LiveServer,
) -> None:
    log_in(page, butler)
    page.goto(f"/s/{butler.site_slug}/fees/")
    expect(page.get_by_role("heading", name="1 unit owes")).to_be_visible()
    screenshot("arrears")
    page.get_by_role("link", name="T1-12A").click()
    expect(page.get_by_role("heading", name="Fees of T1-12A")).to_be_visible()
    expect(page.get_by_text("past due: HK$2,400.00")).to_be_visible()

    page.get_by_label("Contact").select_option("call")
    page.get_by_label("What was said").fill("Mrs Chan will pay at the office this evening")
    page.get_by_label("Promised to pay on").fill(
        page.get_by_label("Promised to pay on").get_attribute("min")
    )
    page.get_by_label("Promised amount").fill("abc")
    page.get_by_role("button", name="Save the contact").click()
    amount = page.get_by_label("Promised amount")
    expect(amount).to_have_attribute("aria-invalid", "true")
    screenshot("promise-refused")
    amount.fill("1,200")
    page.get_by_role("button", name="Save the contact").click()
    expect(page.get_by_text("The contact is written down.")).to_be_visible()
    expect(page.get_by_text("promised HK$1,200.00 on")).to_be_visible()

    page.goto(f"/s/{butler.site_slug}/today/")
    item = page.get_by_role("link", name="T1-12A · HK$1,200.00")
    expect(item).to_be_visible()
    expect(page.get_by_text("Promise to pay").first).to_be_visible()
    screenshot("day-page")
    item.click()

    page.get_by_text("Take a payment").click()
    page.get_by_label("Amount received").fill("1200")
    page.get_by_label("How").select_option("cash")
    page.get_by_label("Paid by").fill("Mrs Chan")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.get_by_role("heading", name="Receipt", exact=True)).to_be_visible()
    expect(page.get_by_text("Mrs Chan")).to_be_visible()
    expect(page.get_by_text("HK$1,200.00").first).to_be_visible()
    screenshot("receipt")

    page.goto(f"/s/{butler.site_slug}/today/")
    expect(
        page.locator(".day-done").get_by_role("link", name="T1-12A · HK$1,200.00")
    ).to_be_visible()

    with live_server.app.app_context():
        payment = db.session.scalars(select(FeesPayment)).one()
        bills = db.session.scalars(select(FeesBill).order_by(FeesBill.due_on)).all()
        assert payment.amount_minor == 120000
        assert [b.paid_minor for b in bills] == [120000, 0]  # the older bill first
        db.session.remove()


def test_fees_pages_are_valid_html_and_accessible(
    page: Page, org_admin: Admin, arrears: dict[str, int], live_server: LiveServer
) -> None:
    java, axe_source = _tools()
    folder = ARTIFACTS / "html-fees"
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
    s = f"/s/{org_admin.site_slug}/fees"
    unit = arrears["unit_id"]
    for name, path in (
        ("arrears", f"{s}/?show=all"),
        ("unit", f"{s}/units/{unit}"),
        ("statement", f"{s}/units/{unit}/statement"),
        ("letter", f"{s}/units/{unit}/letter"),
        ("setup", f"{s}/setup"),
        ("collection", f"{s}/reports/collection"),
        ("monday", f"{s}/reports/monday"),
    ):
        check(name, page.goto(path))
    errors = run_vnu(java, saved)
    assert not errors, "The Nu HTML Checker found errors:\n  " + "\n  ".join(errors)
    assert not found, "axe found serious or critical violations:\n  " + "\n  ".join(found)
