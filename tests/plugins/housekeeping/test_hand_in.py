"""A room attendant's month in the hand-in pack: the rooms they cleaned, day by day, as
in the month's "Rooms cleaned"; the executive housekeeper sees who has handed in."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

from flask import g
from openpyxl import load_workbook

from core.extensions import db
from plugins.housekeeping.models import HousekeepingAssignment
from plugins.housekeeping.reports import butler_sheet, month_figures
from tests.conftest import login

CLEANED = datetime(2026, 11, 3, 6, 0, tzinfo=UTC)


def clean(app, hotel, who: str, day: date, rooms: list[str], cleaned=True, credits=2) -> None:
    with app.app_context():
        for number in rooms:
            db.session.add(
                HousekeepingAssignment(
                    site_id=hotel.site.id,
                    day=day,
                    unit_id=hotel.room(number),
                    movement="stayover",
                    credits=credits,
                    attendant_id=hotel.staff[who].id,
                    cleaned_at=CLEANED if cleaned else None,
                )
            )
        db.session.commit()


def test_the_sheet_is_the_attendants_line_of_rooms_cleaned(app, hotel):
    clean(app, hotel, "ann", date(2026, 11, 2), ["1101", "1102"])
    clean(app, hotel, "ann", date(2026, 11, 3), ["1101"], credits=3)
    clean(app, hotel, "ann", date(2026, 11, 3), ["1103"], cleaned=False)
    clean(app, hotel, "al", date(2026, 11, 3), ["1201", "1202"])
    clean(app, hotel, "ann", date(2026, 10, 31), ["1201"])
    with app.test_request_context():
        g.site = hotel.site  # month_figures reads the site of the request
        sheet = butler_sheet(hotel.site, "2026-11", hotel.staff["ann"])
        site_rows = month_figures(date(2026, 11, 1), date(2026, 12, 1))["cleaned"]
    assert sheet.rows == (
        (date(2026, 11, 2), 2, 4),
        (date(2026, 11, 3), 1, 3),
        ("Total", 3, 7),
    )
    theirs = [(day, rooms, credits) for name, day, rooms, credits in site_rows if name == "Ann"]
    assert theirs == [row for row in sheet.rows if row[0] != "Total"]


def test_the_attendant_hands_in_and_the_executive_housekeeper_sees_it(app, client, hotel):
    clean(app, hotel, "ann", date(2026, 11, 2), ["1101", "1102"])
    login(client, "ann")
    book = client.get(f"/s/{hotel.site.slug}/hand-in/2026-11/workbook.xlsx")
    assert load_workbook(io.BytesIO(book.data)).sheetnames == ["Rooms cleaned"]
    assert client.post(f"/s/{hotel.site.slug}/hand-in/2026-11").status_code == 303
    client.post("/logout")
    login(client, "eva")
    page = client.get(f"/s/{hotel.site.slug}/hand-in/2026-11/status").get_data(as_text=True)
    # The two room attendants hand in; Ann has.
    assert "1 of 2 handed in." in page
    ann = page.split(f'id="butler-{hotel.staff["ann"].id}"')[1].split("</tr>")[0]
    assert "Not handed in yet." not in ann


def test_the_months_report_draws_the_rooms_cleaned_each_day(app, client, hotel):
    clean(app, hotel, "ann", date(2026, 11, 2), ["1101", "1102"])
    clean(app, hotel, "al", date(2026, 11, 2), ["1201"])
    clean(app, hotel, "ann", date(2026, 11, 3), ["1101"])
    login(client, "eva")
    page = client.get(hotel.url("reports/month?period=2026-11")).get_data(as_text=True)
    figure = page.split('<figure class="chart-figure"')[1].split("</figure>")[0]
    assert "<figcaption>Rooms cleaned each day</figcaption>" in figure
    assert '<svg class="chart chart-kind-line"' in figure
    # The same days as the table, all attendants together: 3 on the 2nd, 1 on the 3rd.
    cells = re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td>', figure)
    assert [count for _day, count in cells] == ["3", "1"]
    assert cells[0][0] == "Nov 2, 2026"  # as the table writes the day
