"""A report printed to A4 through Chromium: the site, the month and page numbers on the
paper, no navigation; the PDF and a PNG of its first page are kept in the artefacts."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from core.extensions import db
from core.models import Site
from tests.browser.conftest import ARTIFACTS, Admin, LiveServer
from tests.browser.test_outside_checks import log_in
from tests.browser.test_service_desk import _service_desk_on

pytestmark = pytest.mark.browser

A4_RATIO = 297 / 210


def png_size_and_ink(path: Path) -> tuple[int, int, float]:
    """Width, height and the share of pixels that are not white, of an 8-bit RGB PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    assert (depth, colour) == (8, 2), "pdftoppm writes 8-bit RGB"
    chunks, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        if kind == b"IDAT":
            chunks.append(data[at + 8 : at + 8 + length])
        at += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    stride = width * 3 + 1
    inked = 0
    for row in range(height):
        line = raw[row * stride + 1 : (row + 1) * stride]  # the filter byte dropped
        # Filtered bytes are differences, not colours, except on "None" rows: count
        # any byte far from white or zero-difference as ink, which blank paper never has.
        inked += sum(1 for b in line[::3] if 16 < b < 240)
    return width, height, inked / (width * height)


def test_the_monthly_report_prints_on_a4_with_site_month_and_page_numbers(
    page: Page, org_admin: Admin, live_server: LiveServer
) -> None:
    pdftotext, pdftoppm = shutil.which("pdftotext"), shutil.which("pdftoppm")
    if not (pdftotext and pdftoppm):
        pytest.fail("poppler-utils is needed (make chromium installs it)")
    _service_desk_on(live_server, org_admin.site_slug)
    log_in(page, org_admin)
    page.goto(f"/s/{org_admin.site_slug}/service_desk/reports/monthly?period=2026-11")
    expect(page.get_by_role("heading", name="Service requests of the month")).to_be_visible()

    folder = ARTIFACTS / "print"
    folder.mkdir(parents=True, exist_ok=True)
    pdf = folder / "service-desk-monthly.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)

    text = subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    with live_server.app.app_context():
        site_name = db.session.scalar(select(Site.name).where(Site.slug == org_admin.site_slug))
        db.session.remove()
    assert site_name in text
    assert "2026-11" in text
    assert "Service requests of the month" in text
    assert "Promises kept this month (%)" in text
    assert re.search(r"\b1 ?/ ?\d+\s*$", text.strip()), "the page number in the margin"
    for navigation in ("Log out", "Dashboard", "Change language", "Export XLSX"):
        assert navigation not in text

    subprocess.run(
        [
            pdftoppm,
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(folder / "service-desk-monthly"),
        ],
        check=True,
    )
    width, height, ink = png_size_and_ink(folder / "service-desk-monthly.png")
    assert abs(height / width - A4_RATIO) < 0.02, "page 1 is A4 portrait"
    assert ink > 0.002, "page 1 is not blank"
