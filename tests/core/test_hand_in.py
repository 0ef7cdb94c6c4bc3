"""The month's hand-in pack: a butler's reports of a month on one page, in a workbook and
a ZIP; handing it in keeps a snapshot, and later edits show as changes since hand-in."""

from __future__ import annotations

import html
import io
import re
import zipfile
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core.extensions import db
from core.handin import sheet_names
from core.models import AuditLog, HandIn, Resident, User
from core.plugins.api import Sheet
from plugins.service_desk import rules
from plugins.service_desk.models import ServiceDeskCategory, ServiceDeskRequest
from tests import example_plugin

HK = ZoneInfo("Asia/Hong_Kong")
# Early November in Hong Kong: October is the month just over, the one handed in.
NOW = datetime(2026, 11, 3, 10, 0, tzinfo=HK)
IN_OCTOBER = datetime(2026, 10, 12, 9, 0, tzinfo=HK)


@pytest.fixture
def estate(app, make, clock):
    clock.set(NOW)
    built = make.estate(
        timezone="Asia/Hong_Kong",
        plugins=["service_desk", "paid_services", "example"],
        towers=["T1", "T2"],
        units=[{"number": "12A"}, {"number": "3B", "tower": 1}],
        residents=[{"unit": 0, "name": "Chan Tai Man"}, {"unit": 1, "name": "Lee Siu Fong"}],
        staff={
            "ben": {"role": "butler", "display_name": "Ben Wong", "towers": [0]},
            "bea": {"role": "butler", "display_name": "Bea Lam", "towers": [1]},
            "mia": {"role": "manager", "display_name": "Mia Cheung"},
            "ada": {"role": "assistant", "display_name": "Ada Ho"},
        },
    )
    with app.app_context():
        db.session.add(
            ServiceDeskCategory(
                site_id=built.site.id,
                type="repair",
                name="Plumbing",
                reply_minutes=30,
                complete_hours=48,
            )
        )
        db.session.commit()
    return built


def log_repairs(app, estate, unit_index: int, n: int, at: datetime = IN_OCTOBER) -> list[int]:
    """``n`` repairs from the resident of unit ``unit_index``, logged by its butler."""
    with app.app_context():
        category = db.session.scalar(select(ServiceDeskCategory))
        resident = db.session.get(Resident, estate.residents[unit_index].id)
        unit = estate.units[unit_index]
        butler = db.session.get(User, (estate.staff["ben"], estate.staff["bea"])[unit_index].id)
        ids = []
        for _ in range(n):
            item = rules.log(
                category=category,
                resident=resident,
                unit_id=unit.id,
                building_id=unit.building_id,
                channel="phone",
                description="Leaking tap",
                user=butler,
                at=at,
            )
            ids.append(item.id)
        db.session.commit()
        return ids


def reply_in_time(app, request_id: int) -> None:
    with app.app_context():
        item = db.session.get(ServiceDeskRequest, request_id)
        butler = db.session.get(User, item.logged_by_id)
        rules.acknowledge(item, butler, "On our way", item.received_at + timedelta(minutes=5))
        db.session.commit()


def page_tables(page: str) -> dict[str, list[list[str]]]:
    """Each report section of the pack's page: its rows of cell texts."""
    found = {}
    for key, body in re.findall(
        r'<section class="hand-in-report" id="report-([\w-]+)".*?<tbody>(.*?)</tbody>', page, re.S
    ):
        rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
        found[key] = [
            [html.unescape(c).strip() for c in re.findall(r"<td>(.*?)</td>", r, re.S)] for r in rows
        ]
    return found


def same_cell(value, shown: str) -> bool:
    """Whether the page's text ``shown`` is the workbook's ``value``."""
    if value is None:
        return shown == ""
    if isinstance(value, int | float):
        return float(shown.replace(",", "")) == pytest.approx(value)
    return shown == str(value)


def test_a_butler_opens_last_months_pack_and_its_workbook_has_the_pages_numbers(
    auth, app, client, estate
):
    first, _second, _third = log_repairs(app, estate, 0, 3)
    reply_in_time(app, first)
    log_repairs(app, estate, 1, 2)  # Bea's building: not in Ben's pack
    auth.login("ben")
    landing = client.get(estate.url("hand-in/"))
    assert landing.status_code == 302 and landing.location.endswith("/hand-in/2026-10")
    page = client.get(estate.url("hand-in/2026-10"))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Hand-in pack of Ben Wong" in text and "Not handed in yet." in text
    tables = page_tables(text)
    # The service desk and paid services cut their month per butler; the example plugin's
    # report (written before the hook took a butler) stays out of the pack.
    # The core's own work log sheet leads the pack.
    assert set(tables) == {"core-work_log", "service_desk-monthly", "paid_services-by_butler"}
    assert "Example notes report" not in text
    assert ("report", estate.site.id) in example_plugin.CALLS
    repairs = next(r for r in tables["service_desk-monthly"] if r[0] == "Repair")
    assert repairs[1:3] == ["3", "33.3"]  # 3 requests, 1 of the 3 replied on time

    answer = client.get(estate.url("hand-in/2026-10/workbook.xlsx"))
    assert answer.status_code == 200
    assert answer.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(answer.data))
    assert book.sheetnames == ["Work log", "Service requests of the month", "Paid services sold"]
    for name, key in zip(
        book.sheetnames[1:], ("service_desk-monthly", "paid_services-by_butler"), strict=True
    ):
        rows = list(book[name].iter_rows(values_only=True))[1:]
        assert len(rows) == len(tables[key]) > 0
        for row, shown in zip(rows, tables[key], strict=True):
            assert len(row) == len(shown)
            assert all(same_cell(v, s) for v, s in zip(row, shown, strict=True)), (row, shown)
    assert list(book["Service requests of the month"].iter_rows(values_only=True))[2][1] == 3


def test_the_zip_holds_one_workbook_per_report(auth, client, estate):
    auth.login("ben")
    answer = client.get(estate.url("hand-in/2026-10/pack.zip"))
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(answer.data))
    assert sorted(archive.namelist()) == [
        "core-work_log-2026-10.xlsx",
        "paid_services-by_butler-2026-10.xlsx",
        "service_desk-monthly-2026-10.xlsx",
    ]
    for name in archive.namelist():
        book = load_workbook(io.BytesIO(archive.read(name)))
        assert len(book.sheetnames) == 1


def test_a_butler_cannot_open_another_butlers_pack_but_a_manager_can(auth, client, estate):
    bea = estate.staff["bea"]
    auth.login("ben")
    for path in ("hand-in/2026-10", "hand-in/2026-10/workbook.xlsx", "hand-in/2026-10/pack.zip"):
        assert client.get(estate.url(f"{path}?butler={bea.id}")).status_code == 403
    assert client.post(estate.url(f"hand-in/2026-10?butler={bea.id}")).status_code == 403
    assert client.get(estate.url("hand-in/2026-10/status")).status_code == 403
    auth.logout()
    auth.login("mia")
    page = client.get(estate.url(f"hand-in/2026-10?butler={bea.id}"))
    assert page.status_code == 200 and "Hand-in pack of Bea Lam" in page.get_data(as_text=True)
    # Nobody who is not one of the site's butlers, and a manager without a butler goes
    # to the list of who has handed in.
    mia = estate.staff["mia"]
    assert client.get(estate.url(f"hand-in/2026-10?butler={mia.id}")).status_code == 404
    assert client.get(estate.url("hand-in/2026-10?butler=x")).status_code == 404
    plain = client.get(estate.url("hand-in/2026-10"))
    assert plain.status_code == 302 and plain.location.endswith("/hand-in/2026-10/status")


def test_a_butler_of_another_site_is_not_found(auth, client, make, estate):
    other = make.estate(plugins=["service_desk"], staff={"oz": "butler"})
    auth.logout()
    auth.login("mia")
    answer = client.get(estate.url(f"hand-in/2026-10?butler={other.butler.id}"))
    assert answer.status_code == 404


def test_handing_in_keeps_a_snapshot_and_a_later_edit_shows_as_a_change(
    auth, app, client, estate, clock
):
    first, second = log_repairs(app, estate, 0, 2)
    auth.login("ben")
    answer = client.post(estate.url("hand-in/2026-10"))
    assert answer.status_code == 303
    page = client.get(answer.location).get_data(as_text=True)
    assert "Handed in on" in page and "by Ben Wong" in page
    assert "No change since hand-in." in page
    with app.app_context():
        kept = db.session.scalars(select(HandIn)).one()
        assert (kept.butler_id, kept.period, kept.times) == (estate.butler.id, "2026-10", 1)
        assert '"service_desk.monthly"' in kept.snapshot

    # A late reply is recorded for October after the hand-in.
    reply_in_time(app, second)
    page = client.get(estate.url("hand-in/2026-10")).get_data(as_text=True)
    changes = page.split('id="changes"')[1].split("</section>")[0]
    assert "No change since hand-in." not in changes
    rows = [
        [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", r)]
        for r in re.findall(r"<tr><td>.*?</tr>", changes)
    ]
    assert [
        "Service requests of the month",
        "Repair",
        "Replied on time (%)",
        "0",
        "50",
    ] in rows

    # Handing in again replaces the snapshot, with a note of the first time.
    clock.advance(hours=2)
    again = client.post(estate.url("hand-in/2026-10"))
    page = client.get(again.location).get_data(as_text=True)
    assert "Handed in again: this replaces the earlier hand-in." in page
    assert "Handed in 2 times; first on" in page and "No change since hand-in." in page
    with app.app_context():
        kept = db.session.scalars(select(HandIn)).one()
        assert kept.times == 2 and kept.handed_in_at > kept.first_handed_in_at
        actions = db.session.scalars(
            select(AuditLog.action).where(AuditLog.action.like("handin.%")).order_by(AuditLog.id)
        ).all()
        assert actions == ["handin.submitted", "handin.replaced"]


def test_the_status_page_lists_who_has_and_has_not_handed_in(auth, client, estate):
    auth.login("ben")
    client.post(estate.url("hand-in/2026-10"))
    auth.logout()
    auth.login("ada")
    page = client.get(estate.url("hand-in/2026-10/status"))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "1 of 2 handed in." in text
    ben = text.split(f'id="butler-{estate.staff["ben"].id}"')[1].split("</tr>")[0]
    bea = text.split(f'id="butler-{estate.staff["bea"].id}"')[1].split("</tr>")[0]
    assert "Ben Wong" in ben and "Not handed in yet." not in ben
    assert "Bea Lam" in bea and "Not handed in yet." in bea
    assert f"hand-in/2026-10?butler={estate.staff['bea'].id}" in bea
    # November has not been handed in by anyone.
    november = client.get(estate.url("hand-in/2026-11/status")).get_data(as_text=True)
    assert "0 of 2 handed in." in november


@pytest.mark.parametrize("period", ["2026-13", "2026-1", "26-10", "1999-12", "x" * 300])
def test_a_bad_month_gets_a_message_not_an_error(auth, client, estate, period):
    auth.login("ben")
    for path in (f"hand-in/{period}", f"hand-in/{period}/workbook.xlsx", f"hand-in/{period}"):
        answer = client.get(estate.url(path))
        assert answer.status_code == 422
        assert "Choose a month as YYYY-MM, for example 2026-11." in answer.get_data(as_text=True)
    assert client.post(estate.url(f"hand-in/{period}")).status_code == 422
    assert client.get(estate.url(f"hand-in/?period={period}")).status_code == 422
    auth.logout()
    auth.login("mia")
    assert client.get(estate.url(f"hand-in/{period}/status")).status_code == 422


def test_a_month_not_started_cannot_be_handed_in(auth, app, client, estate):
    auth.login("ben")
    answer = client.post(estate.url("hand-in/2026-12"))
    assert answer.status_code == 303
    page = client.get(answer.location).get_data(as_text=True)
    assert "This month has not started yet" in page
    with app.app_context():
        assert db.session.scalars(select(HandIn)).all() == []


def test_the_month_is_the_sites_own(auth, app, client, make, clock):
    # 23:30 on 31 October in Hong Kong is still October there, though UTC is not.
    estate = make.estate(
        timezone="Asia/Hong_Kong",
        plugins=["service_desk"],
        units=[{"number": "1A"}],
        residents=[{"unit": 0}],
        staff={"ben": {"role": "butler", "towers": [0]}, "bea": "butler"},
    )
    with app.app_context():
        db.session.add(
            ServiceDeskCategory(
                site_id=estate.site.id,
                type="repair",
                name="Lift",
                reply_minutes=30,
                complete_hours=48,
            )
        )
        db.session.commit()
    log_repairs(app, estate, 0, 1, at=datetime(2026, 10, 31, 23, 30, tzinfo=HK))
    clock.set(NOW)
    auth.login("ben")
    october = page_tables(client.get(estate.url("hand-in/2026-10")).get_data(as_text=True))
    november = page_tables(client.get(estate.url("hand-in/2026-11")).get_data(as_text=True))
    total = lambda tables: tables["service_desk-monthly"][-1][1]  # noqa: E731
    assert (total(october), total(november)) == ("1", "0")


def test_worksheet_names_are_short_allowed_and_different():
    names = sheet_names(["A" * 40, "A" * 40, "a" * 40, "What? [x]/y", ""])
    assert all(len(n) <= 31 for n in names)
    assert len({n.casefold() for n in names}) == 5
    assert names[3] == "What   x  y"


def test_a_sheet_wants_one_value_per_column():
    with pytest.raises(ValueError):
        Sheet(title="x", columns=("a", "b"), rows=((1,),))
    assert Sheet(title="x", columns=("a",), rows=(("r1",), (None,))).row_keys() == ["r1", ""]
