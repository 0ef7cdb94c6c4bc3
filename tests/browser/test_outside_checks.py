"""Outside checks of the main pages, as an org admin on a phone sees them.

* The Nu HTML Checker (``vnu.jar``, from npm) validates the HTML the server sends.
* axe-core finds accessibility problems in the rendered pages.
* Page weight: what a phone downloads on a first visit, gzipped.

The checkers come from ``node_modules`` (``make assets`` runs ``npm ci``) and vnu needs
Java; a missing tool fails the test rather than skipping it.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, Response, expect

from tests.browser.conftest import ARTIFACTS, ROOT, Admin

pytestmark = pytest.mark.browser

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
JAVA = shutil.which("java") or "/usr/bin/java"
# Impacts that fail the test; "minor" and "moderate" ones are printed only.
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
FIRST_LOAD_BUDGET = 60 * 1024  # HTML + CSS + JS of a first visit, gzipped
PARTIAL_BUDGET = 10 * 1024  # one htmx fragment, gzipped
WEIGHED_TYPES = frozenset({"document", "stylesheet", "script"})
# htmx's attributes (hx-get, hx-target, …) are not in the HTML standard; vnu's only
# complaint about them is that they are not allowed, which is dropped, and nothing else.
VNU_FILTER = r".*Attribute “hx-[a-z-]+” not allowed on element “[a-z]+” at this point\..*"


def _tools() -> tuple[str, str]:
    missing = [str(p) for p in (VNU_JAR, AXE_JS) if not p.is_file()]
    if missing:
        pytest.fail(f"Missing {', '.join(missing)}: `make assets` installs them (npm ci).")
    if not Path(JAVA).exists():
        pytest.fail("Java is needed for the Nu HTML Checker (vnu.jar).")
    return JAVA, AXE_JS.read_text(encoding="utf-8")


def log_in(page: Page, admin: Admin) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(admin.username)
    page.get_by_label("Password").fill(admin.password)
    page.get_by_role("button", name="Log in").click()
    # Two sites: the admin lands on the site picker.
    expect(page).to_have_url(re.compile(r"/sites$"))


def main_pages(admin: Admin) -> list[tuple[str, str]]:
    """(name, path) of the pages to check, after the login page and the site picker."""
    s = f"/s/{admin.site_slug}"
    resident = admin.resident_ids["Wong Siu Ming"]
    return [
        ("dashboard", f"{s}/"),
        ("today", f"{s}/today/"),
        ("residents", f"{s}/residents/"),
        ("resident", f"{s}/residents/{resident}"),
        ("buildings", f"{s}/buildings/"),
        ("building-floors", f"{s}/buildings/{admin.building_id}"),
        ("unit", f"{s}/units/{admin.unit_id}"),
        ("staff", f"{s}/staff/"),
        ("outbox", f"{s}/outbox/"),
        ("imports", f"{s}/imports/"),
        ("plugins", f"{s}/admin/plugins"),
        ("search", f"{s}/search?q=wong"),
        ("reports", f"{s}/reports"),
        ("change-password", "/account/password"),
    ]


def axe_problems(page: Page, name: str, axe_source: str) -> list[str]:
    """Run axe on the page as it is; the blocking violations, one line per node."""
    # page.evaluate goes through the DevTools protocol, which the page's CSP does not
    # govern: axe runs without weakening the app's policy (no bypass_csp needed).
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source)
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return {
                passes: r.passes.length,
                violations: r.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    targets: v.nodes.map(n => n.target.join(' ')),
                })),
            };
        }"""
    )
    assert result["passes"] > 0, f"{name}: axe ran no rule"
    problems = []
    for violation in result["violations"]:
        line = (
            f"{name}: {violation['id']} ({violation['impact']}) {violation['help']}"
            f" at {', '.join(violation['targets'][:5])}"
        )
        if violation["impact"] in BLOCKING_IMPACTS:
            problems.append(line)
        else:
            print("axe, not blocking:", line)
    return problems


def run_vnu(java: str, files: dict[str, Path]) -> list[str]:
    """Validate every file in one run of the checker; the errors, one line each."""
    by_url = {path.resolve().as_uri(): name for name, path in files.items()}
    done = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]
        + ["--filterpattern", VNU_FILTER]
        + [str(p) for p in files.values()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # vnu writes its report to stderr, and exits 1 when it found errors.
    report = done.stderr.strip() or done.stdout.strip()
    try:
        messages = json.loads(report)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"vnu failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    return [
        f"{by_url.get(m.get('url', ''), m.get('url', '?'))}:{m.get('lastLine', '?')}: "
        f"{m.get('type')}: {m.get('message')} [{m.get('extract', '').strip()[:80]}]"
        for m in messages
    ]


def test_main_pages_are_valid_html_and_accessible(page: Page, seeded_site: Admin) -> None:
    java, axe_source = _tools()
    folder = ARTIFACTS / "html"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    saved: dict[str, Path] = {}
    axe_found: list[str] = []

    def check(name: str, response: Response | None) -> None:
        assert response is not None and response.ok, f"{name}: {response and response.status}"
        path = folder / f"{len(saved) + 1:02d}-{name}.html"
        path.write_text(response.text(), encoding="utf-8")
        saved[name] = path
        axe_found.extend(axe_problems(page, name, axe_source))

    check("login", page.goto("/login"))
    log_in(page, seeded_site)
    check("site-picker", page.goto("/sites"))
    for name, path in main_pages(seeded_site):
        check(name, page.goto(path))
    # The search found the resident; the floor grid shows the units.
    page.goto(f"/s/{seeded_site.site_slug}/search?q=wong")
    expect(page.get_by_role("link", name="Wong Siu Ming")).to_be_visible()

    vnu_errors = run_vnu(java, saved)
    print(f"vnu checked {len(saved)} pages, axe checked {len(saved)} pages")
    assert not vnu_errors, "The Nu HTML Checker found errors:\n  " + "\n  ".join(vnu_errors)
    assert not axe_found, "axe found serious or critical violations:\n  " + "\n  ".join(axe_found)


def _first_load_weight(page: Page, path: str) -> tuple[int, dict[str, int]]:
    """Gzipped bytes of the HTML, CSS and JS that ``path`` loads with an empty cache."""
    responses: list[Response] = []

    def record(response: Response) -> None:
        responses.append(response)

    page.on("response", record)
    page.goto(path)
    page.wait_for_load_state("load")
    page.remove_listener("response", record)
    sizes = {}
    for response in responses:
        if response.request.resource_type in WEIGHED_TYPES and response.ok:
            sizes[response.url] = len(gzip.compress(response.body(), compresslevel=6))
    return sum(sizes.values()), sizes


def test_page_weight_of_a_first_visit_and_of_a_partial(page: Page, seeded_site: Admin) -> None:
    log_in(page, seeded_site)
    s = f"/s/{seeded_site.site_slug}"
    for name, path in (("dashboard", f"{s}/"), ("residents", f"{s}/residents/")):
        # A new page in the same context shares the cookies; the memory cache is cleared
        # through the DevTools protocol so that every asset is downloaded again.
        fresh = page.context.new_page()
        cdp = page.context.new_cdp_session(fresh)
        cdp.send("Network.enable")
        cdp.send("Network.clearBrowserCache")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        total, sizes = _first_load_weight(fresh, path)
        detail = ", ".join(f"{url.rsplit('/', 1)[-1] or path}={n}" for url, n in sizes.items())
        print(f"page weight {name}: {total} bytes gzipped ({detail})")
        fresh.close()
        assert any(n for u, n in sizes.items() if u.endswith(".css")), sizes
        assert any(n for u, n in sizes.items() if u.endswith(".js")), sizes
        assert total <= FIRST_LOAD_BUDGET, f"{name}: {total} bytes gzipped > {FIRST_LOAD_BUDGET}"

    partial = page.request.get(
        f"{s}/residents/",
        headers={"HX-Request": "true", "HX-Target": "resident-results"},
    )
    assert partial.ok, partial.status
    body = partial.body()
    assert b"<html" not in body and b"Wong Siu Ming" in body
    size = len(gzip.compress(body, compresslevel=6))
    print(f"page weight residents partial: {size} bytes gzipped ({len(body)} raw)")
    assert size <= PARTIAL_BUDGET, f"partial: {size} bytes gzipped > {PARTIAL_BUDGET}"
