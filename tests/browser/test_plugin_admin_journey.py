"""An org admin on a phone turns the example plugin on and off from the Plugins page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Admin, Screenshots, nav_to

pytestmark = pytest.mark.browser

# Set on window after the Plugins page loads: still there means no full page load since.
MARKER = "window.__pluginsPageLoaded"


def test_org_admin_turns_the_example_plugin_on_and_off(
    page: Page, org_admin: Admin, screenshot: Screenshots
) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(org_admin.username)
    page.get_by_label("Password").fill(org_admin.password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/sites$"))
    page.get_by_role("button", name="Harbour View Gardens").click()
    expect(page).to_have_url(re.compile(rf"/s/{org_admin.site_slug}/$"))

    # On a phone the plugin's link, when there is one, is under the bottom bar's "More".
    plugin_link = page.locator(".phone-bar a", has_text="Example notes")
    expect(plugin_link).to_have_count(0)

    nav_to(page, "Plugins")
    expect(page.get_by_role("heading", name="Plugins", level=1)).to_be_visible()
    row = page.locator("#plugin-example")
    expect(row.locator(".status")).to_have_text("Off")
    page.evaluate(f"{MARKER} = true")
    screenshot("plugins-off")

    row.get_by_role("button", name="Turn on").click()
    expect(row.locator(".status")).to_have_text("On")
    expect(row.get_by_role("button", name="Turn off")).to_be_visible()
    expect(row.get_by_role("button", name="Turn on")).to_have_count(0)
    assert page.evaluate(MARKER) is True, "turning the plugin on reloaded the page"
    screenshot("plugin-turned-on")

    nav_to(page, "Dashboard")
    expect(page).to_have_url(re.compile(rf"/s/{org_admin.site_slug}/$"))
    expect(plugin_link).to_have_count(1)
    screenshot("dashboard-with-plugin")

    nav_to(page, "Plugins")
    expect(page.get_by_role("heading", name="Plugins", level=1)).to_be_visible()
    page.evaluate(f"{MARKER} = true")
    row.get_by_role("button", name="Turn off").click()
    expect(row.locator(".status")).to_have_text("Off")
    expect(row.get_by_role("button", name="Turn on")).to_be_visible()
    assert page.evaluate(MARKER) is True, "turning the plugin off reloaded the page"
    screenshot("plugin-turned-off")

    nav_to(page, "Dashboard")
    expect(page).to_have_url(re.compile(rf"/s/{org_admin.site_slug}/$"))
    expect(
        page.get_by_role("navigation", name="Shortcuts").get_by_role("link", name="Residents")
    ).to_be_visible()
    expect(plugin_link).to_have_count(0)
    screenshot("dashboard-without-plugin")
