"""The manager's quota report (ranked, with charts and XLSX), the month's visit forms,
the butler's sheet in the hand-in pack, and the weekly note to butlers behind target."""

from __future__ import annotations

import io
from datetime import date, timedelta

from openpyxl import load_workbook

from core.extensions import db
from core.models import OutboxMessage, Site, User
from plugins.visits.jobs import warn_behind
from plugins.visits.reports import butler_sheet
from tests.plugins.visits.conftest import NOW, hk, visit

TODAY = date(2026, 11, 18)


def _some_visits(app, estate):
    ben, amy = estate.staff["ben"], estate.staff["amy"]
    visit(app, estate.site, estate.units[0], estate.residents[0], ben, date(2026, 11, 3))
    visit(app, estate.site, estate.units[7], estate.residents[6], amy, date(2026, 11, 4))
    visit(
        app,
        estate.site,
        estate.units[8],
        estate.residents[7],
        amy,
        date(2026, 10, 4),
        notes="Asked about the lift.",
    )


def test_the_quota_report_ranks_the_butlers_with_two_target_charts(client, auth, app, estate):
    _some_visits(app, estate)
    auth.login("mia")
    page = client.get(estate.url("visits/reports/quota?period=2026-11")).get_data(as_text=True)
    assert page.index("Amy Ho") < page.index("Ben Lee")  # a third before a sixth
    assert "1 · 33.3 %" in page and "1 · 16.7 %" in page
    assert "2 · 66.7 %" in page  # Amy's quarter
    assert page.count('class="chart-target"') == 2
    assert "Households visited this month" in page


def test_the_quota_report_exports_xlsx(client, auth, app, estate):
    _some_visits(app, estate)
    auth.login("mia")
    answer = client.get(estate.url("visits/reports/quota.xlsx?period=2026-11"))
    rows = list(load_workbook(io.BytesIO(answer.data)).active.values)
    assert rows[0][0] == "Butler"
    assert rows[1] == ("Amy Ho", 3, 1, 33.3, 3, 2, 66.7)


def test_a_bad_month_is_refused_with_a_message(client, auth, estate):
    auth.login("mia")
    answer = client.get(estate.url("visits/reports/quota?period=2026-13"))
    assert answer.status_code == 422
    assert "Choose a month as YYYY-MM" in answer.get_data(as_text=True)


def test_the_months_forms_are_pages_to_print_and_a_workbook(client, auth, app, estate):
    _some_visits(app, estate)
    auth.login("mia")
    page = client.get(estate.url("visits/reports/forms?period=2026-10")).get_data(as_text=True)
    assert page.count('class="visits-form-page"') == 1 and "Asked about the lift." in page
    answer = client.get(estate.url("visits/reports/forms.xlsx?period=2026-11"))
    rows = list(load_workbook(io.BytesIO(answer.data)).active.values)
    assert [r[2] for r in rows[1:]] == ["T1-1A", "T2-1A"]
    assert "Employer" in rows[0]


def test_a_butler_sees_only_their_own_forms(client, auth, app, estate):
    _some_visits(app, estate)
    auth.login("ben")
    page = client.get(estate.url("visits/reports/forms?period=2026-11")).get_data(as_text=True)
    assert "T1-1A" in page and "T2-1A" not in page
    assert client.get(estate.url("visits/reports/quota")).status_code == 403


def test_the_butlers_sheet_lists_their_visits_of_the_month(app, estate):
    _some_visits(app, estate)
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        sheet = butler_sheet(site, "2026-11", db.session.get(User, estate.staff["amy"].id))
    assert [row[:3] for row in sheet.rows] == [(date(2026, 11, 4), "T2-1A", "Wong 0")]
    assert len(sheet.keys) == 1 and sheet.keys[0].startswith("visit-")


def test_the_hand_in_pack_holds_the_visits_sheet(client, auth, app, estate):
    _some_visits(app, estate)
    auth.login("amy")
    page = client.get(estate.url("hand-in/2026-11")).get_data(as_text=True)
    assert "Home visits" in page and "T2-1A" in page


def _notes(app):
    with app.app_context():
        return db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.recipient)).all()


def test_butlers_behind_target_get_a_note_once_a_week(app, clock, estate):
    # Monday 16 November, 09:00: 15 days of November gone. Amy has a third of hers this
    # month (on pace); Ben has none.
    monday = hk(date(2026, 11, 16), NOW.time()) + timedelta(hours=-1)
    for n in range(3):
        visit(
            app,
            estate.site,
            estate.units[7 + n],
            estate.residents[6 + n],
            estate.staff["amy"],
            date(2026, 11, 2 + n),
        )
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        assert warn_behind(site, monday) == 1
        db.session.commit()
        assert warn_behind(site, monday + timedelta(days=2)) == 0  # the same week
        db.session.commit()
        assert warn_behind(site, monday + timedelta(days=7)) == 1
        db.session.commit()
    notes = _notes(app)
    assert [n.recipient for n in notes] == ["ben", "ben"]
    assert "0 of 2 households this month" in notes[0].body
