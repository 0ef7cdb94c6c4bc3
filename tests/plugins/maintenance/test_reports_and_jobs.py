"""The reminder on the 20th, the month's report with its chart and XLSX, the hand-in
pack's sheet, and the demo data."""

from __future__ import annotations

from datetime import date, time

import sqlalchemy as sa

from core import clock as core_clock
from core.extensions import db
from core.models import OutboxMessage, User
from plugins.maintenance import demo, jobs, reports
from plugins.maintenance.models import MaintenanceContractor, MaintenanceTask
from tests.plugins.maintenance.conftest import add_contract, add_contractor, log_work, site_of

YEARS = (date(2026, 1, 1), date(2027, 12, 31))


def test_the_reminder_on_the_20th_goes_once_to_managers_and_assistants(app, estate, clock):
    cleaner = add_contractor(app, estate)
    add_contract(app, estate, cleaner, *YEARS)
    clock.at_local(estate.site, date(2026, 12, 20), time(9))
    with app.app_context():
        site = site_of(estate)
        assert jobs.remind_to_score(site, core_clock.now()) == 2
        assert jobs.remind_to_score(site, core_clock.now()) == 0
        db.session.commit()
        messages = db.session.scalars(sa.select(OutboxMessage)).all()
        assert {m.recipient for m in messages} == {"amy@example.com", "mia"}
        assert "2026-11" in messages[0].body


def test_nothing_to_remind_when_no_contract_ran(app, estate, clock):
    clock.at_local(estate.site, date(2026, 12, 20), time(9))
    with app.app_context():
        assert jobs.remind_to_score(site_of(estate), core_clock.now()) == 0


def test_the_months_report_has_its_chart_and_export(app, client, auth, estate, clock):
    cleaner = add_contractor(app, estate)
    add_contract(app, estate, cleaner, *YEARS)
    clock.at_local(estate.site, date(2026, 12, 10), time(9))
    auth.login("ben")
    client.post(
        f"{estate.url}/evaluations/{cleaner}/cleaning/2026-11",
        data={"quality": "80", "punctuality": "80", "attitude": "80"},
    )
    auth.logout()
    auth.login("mia")
    page = client.get(f"{estate.url}/reports/evaluations?period=2026-11")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Sparkle Cleaning" in text and "<svg" in text
    assert client.get(f"{estate.url}/reports/evaluations?period=2026-13").status_code == 422
    export = client.get(f"{estate.url}/reports/evaluations.xlsx?period=2026-11")
    assert export.status_code == 200 and export.data[:2] == b"PK"
    auth.logout()
    auth.login("ben")
    assert client.get(f"{estate.url}/reports/evaluations").status_code == 403


def test_the_hand_in_sheet_lists_the_work_the_butler_logged(app, estate):
    cleaner = add_contractor(app, estate)
    contract = add_contract(app, estate, cleaner, *YEARS)
    with app.app_context():
        task = db.session.scalar(
            sa.select(MaintenanceTask.id).where(
                MaintenanceTask.contract_id == contract, MaintenanceTask.code == "drains"
            )
        )
    log_work(app, estate, task, estate.t1.id, date(2026, 11, 4), check_result="accepted")
    log_work(app, estate, task, estate.t1.id, date(2026, 12, 4))
    with app.app_context():
        sheet = reports.butler_sheet(
            site_of(estate), "2026-11", db.session.get(User, estate.butler.id)
        )
    assert sheet.rows == [
        [
            date(2026, 11, 4),
            "Clearing the open and covered drains",
            "T1",
            "Sparkle Cleaning",
            "Checked: done well",
        ]
    ]


def test_the_demo_data_is_added_once(app, estate):
    with app.app_context():
        site = site_of(estate)
        demo.load_demo(site)
        demo.load_demo(site)
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MaintenanceContractor)) == 3
