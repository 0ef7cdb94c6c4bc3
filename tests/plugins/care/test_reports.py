"""The care of the month: the report with its chart, the butler's sheet in the hand-in
pack, the work log's lines; the plugin off is a 404 with no trace on the site's pages."""

from __future__ import annotations

import base64

from sqlalchemy import select

from core import clock as core_clock
from core.extensions import db
from core.models import Site, User
from plugins.care import demo
from plugins.care.models import CareNotice, CareParcel
from plugins.care.reports import butler_sheet
from tests.plugins.care.test_parcels import SIGNED, _sign_in


def _month_of_care(client, auth, estate) -> None:
    """Ben greets two residents and hands a parcel over; Fay signs two parcels in."""
    auth.login("ben")
    client.post(
        f"{estate.url}/birthdays/{estate.residents['Chan Tai Man'].id}/greet",
        data={"method": "sms"},
    )
    client.post(
        f"{estate.url}/birthdays/{estate.residents['No Consent'].id}/greet",
        data={"method": "card"},
    )
    first = _sign_in(client, estate, estate.units[0]).headers["Location"]
    client.post(f"{first}/hand-over", data={"handed_to": "Maria", "signature": SIGNED})
    auth.logout()
    auth.login("fay")
    _sign_in(client, estate, estate.units[1])
    auth.logout()


def test_the_monthly_report_counts_the_care_and_draws_it(client, auth, estate):
    _month_of_care(client, auth, estate)
    auth.login("mia")
    period = core_clock.now().astimezone(core_clock.zone(estate.site)).strftime("%Y-%m")
    page = client.get(f"{estate.url}/reports/monthly?period={period}").get_data(as_text=True)
    assert "<svg" in page and "Care this month" in page
    greetings = page[page.index('id="report-greetings"') :].split("</table>")[0]
    assert (
        "<td>SMS</td><td>1</td>" in greetings and "<td>Card delivered</td><td>1</td>" in greetings
    )
    parcels = page[page.index('id="report-parcels"') :].split("</dl>")[0]
    assert "<dd>2</dd>" in parcels and "<dd>1</dd>" in parcels
    export = client.get(f"{estate.url}/reports/monthly.xlsx?period={period}")
    assert export.status_code == 200 and export.data[:2] == b"PK"
    reports = client.get(f"/s/{estate.site.slug}/reports").get_data(as_text=True)
    assert "Care of the month" in reports


def test_the_butler_may_not_open_the_sites_report(client, auth, estate):
    auth.login("ben")
    assert client.get(f"{estate.url}/reports/monthly").status_code == 403


def test_the_butlers_sheet_counts_only_what_they_did(app, client, auth, estate):
    _month_of_care(client, auth, estate)
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        ben = db.session.scalar(select(User).where(User.username == "ben"))
        period = core_clock.this_month(site)
        sheet = butler_sheet(site, period, ben)
    rows = dict(zip(sheet.keys, (row[1] for row in sheet.rows), strict=True))
    assert rows == {
        "greetings": 2,
        "notices": 0,
        "delivered": 0,
        "visits": 0,
        "parcels_in": 1,
        "parcels_out": 1,
    }


def test_the_work_log_has_the_greetings_and_parcels_of_the_day(client, auth, estate):
    _month_of_care(client, auth, estate)
    auth.login("ben")
    page = client.get(f"/s/{estate.site.slug}/log/{estate.today.isoformat()}").get_data(
        as_text=True
    )
    assert page.count("Birthday greeting") == 2
    assert "Parcel signed in" in page and "Parcel handed over" in page


def test_off_for_the_site_it_is_a_404_and_leaves_no_trace(client, auth, make, estate):
    make.update(estate.switch, enabled=False)
    auth.login("ben")
    assert client.get(f"{estate.url}/").status_code == 404
    assert client.get(f"{estate.url}/parcels").status_code == 404
    home = client.get(f"/s/{estate.site.slug}/").get_data(as_text=True)
    assert "/care/" not in home
    day = client.get(f"/s/{estate.site.slug}/today/").get_data(as_text=True)
    assert "Birthday today" not in day


def test_the_dashboard_widget_and_the_panels_show_today(client, auth, estate):
    auth.login("ben")
    home = client.get(f"/s/{estate.site.slug}/").get_data(as_text=True)
    assert "birthdays today" in home and "parcels held" in home
    unit = client.get(f"{estate.url}/units/{estate.units[0].id}/panel")
    assert unit.status_code == 200 and "Parcels held" in unit.get_data(as_text=True)
    panel = client.get(f"{estate.url}/residents/{estate.residents['Chan Tai Man'].id}/panel")
    assert "Record special care" in panel.get_data(as_text=True)


def test_the_demo_data_is_added_once(app, make, estate):
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        demo.add_demo_care(site, core_clock.now())
        demo.add_demo_care(site, core_clock.now())
        db.session.commit()
        assert len(db.session.scalars(select(CareParcel)).all()) == 3
        notices = db.session.scalars(select(CareNotice).order_by(CareNotice.id)).all()
        assert [n.sent_at is not None for n in notices] == [True, False]


def test_the_signature_of_the_tests_is_a_png():
    assert base64.b64decode(SIGNED.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
