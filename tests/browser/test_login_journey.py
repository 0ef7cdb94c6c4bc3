"""A butler on a phone logs in, finds their site and buildings, and logs out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Butler, Screenshots, nav_to, open_more

pytestmark = pytest.mark.browser

LOGIN_URL = re.compile(r"/login(\?.*)?$")


def test_butler_logs_in_sees_their_buildings_and_logs_out(
    page: Page, butler: Butler, screenshot: Screenshots
) -> None:
    page.goto("/")
    expect(page).to_have_url(LOGIN_URL)
    expect(page.get_by_role("heading", name="Log in", level=1)).to_be_visible()
    screenshot("login-page")

    page.get_by_label("Username").fill(butler.username)
    page.get_by_label("Password").fill(butler.password)
    screenshot("login-filled")
    page.get_by_role("button", name="Log in").click()

    # A butler starts on their day; the dashboard is one tap away in the bottom bar.
    expect(page).to_have_url(re.compile(rf"/s/{butler.site_slug}/today/$"))
    expect(page.get_by_role("heading", name=re.compile("^Today"), level=1)).to_be_visible()
    nav_to(page, "Dashboard")
    expect(page).to_have_url(re.compile(rf"/s/{butler.site_slug}/$"))
    expect(page.get_by_role("heading", name=butler.site_name, level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="My buildings", level=2)).to_be_visible()
    expect(
        page.get_by_role("cell", name=f"{butler.building_code} · {butler.building_name}")
    ).to_be_visible()
    screenshot("dashboard")

    # The site, the user and logging out are under "More".
    open_more(page)
    expect(page.locator(".phone-more-site")).to_contain_text(butler.display_name)
    screenshot("more")
    page.get_by_role("button", name="Log out").click()

    expect(page).to_have_url(LOGIN_URL)
    expect(page.get_by_role("status")).to_contain_text("You are logged out.")
    expect(page.get_by_label("Username")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    screenshot("logged-out")


def test_wrong_password_is_shown_next_to_the_field(
    page: Page, butler: Butler, screenshot: Screenshots
) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(butler.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(LOGIN_URL)
    password = page.get_by_label("Password")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description("Wrong username or password.")
    expect(page.get_by_text("Wrong username or password.")).to_be_visible()
    expect(password).to_have_value("")
    expect(page.get_by_label("Username")).to_have_value(butler.username)
    screenshot("wrong-password")


def test_language_switch_in_the_footer(page: Page, screenshot: Screenshots) -> None:
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    footer = page.get_by_role("contentinfo")
    footer.get_by_label("Language").select_option(label="繁體中文")
    screenshot("language-chosen")
    # The button's name may be translated once the catalogues are: find it by position.
    footer.get_by_role("button").click()

    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(page).to_have_url(LOGIN_URL)
    # The label may be translated now; the footer has one select.
    expect(page.get_by_role("contentinfo").get_by_role("combobox")).to_have_value("zh_Hant")
    screenshot("traditional-chinese")
