"""After the keys: the unit's status follows its steps (handed over, then renovating,
occupied or let) and its page shows them; the monthly building summary counts each
building's handovers, renovations (with the inspections plugin's permits) and rentals,
as a worked example for March 2027, and joins the butler's hand-in pack."""

from __future__ import annotations

from datetime import date, time, timedelta

from core import signatures
from core.extensions import db
from core.models import Building, Site, Unit, User
from plugins.handover import reports, rules
from plugins.handover.models import HandoverBooking
from plugins.inspections.models import InspectionsPermit
from tests.plugins.handover.conftest import book

SIGNED = signatures.data_url(signatures.sample_png())


def _hand_over(app, booking_id: int, username: str = "ben") -> None:
    with app.app_context():
        booking = db.session.get(HandoverBooking, booking_id)
        user = db.session.scalar(db.select(User).where(User.username == username))
        rules.hand_over(
            db.session.get(Site, booking.site_id),
            booking,
            user,
            documents=(True, True, True),
            keys_count=3,
            meters=("1", "2", ""),
            signed_by=booking.owner_name,
            signature=SIGNED,
        )
        db.session.commit()


def _step(app, unit: Unit, step: str) -> None:
    with app.app_context():
        unit = db.session.get(Unit, unit.id)
        ben = db.session.scalar(db.select(User).where(User.username == "ben"))
        rules.record_step(db.session.get(Site, unit.site_id), unit, step, ben)
        db.session.commit()


def test_the_unit_page_shows_the_handover_and_the_unit_moves_on(app, client, auth, estate):
    unit = estate.units[0]
    auth.login("ben")
    panel = client.get(f"{estate.url}/units/{unit.id}/panel").get_data(as_text=True)
    assert "Not booked for handover." in panel
    form = client.get(f"{estate.url}/bookings/new?unit_id={unit.id}").get_data(as_text=True)
    assert f'<option selected value="{unit.id}">T1-1A</option>' in form
    booking = book(app, estate.site, unit)
    early = client.post(f"{estate.url}/units/{unit.id}/step", data={"step": "renovating"})
    assert early.status_code == 409
    assert "The unit has not been handed over yet." in early.get_data(as_text=True)
    _hand_over(app, booking)
    page = client.get(f"/s/{estate.site.slug}/units/{unit.id}").get_data(as_text=True)
    assert "/handover/units/" in page  # the panel, fetched when it scrolls into view
    answer = client.post(f"{estate.url}/units/{unit.id}/step", data={"step": "renovating"})
    assert answer.status_code == 303
    panel = client.get(f"{estate.url}/units/{unit.id}/panel").get_data(as_text=True)
    assert "Handed over" in panel and "Renovating" in panel
    with app.app_context():
        assert db.session.get(Unit, unit.id).status == "renovating"
    assert (
        client.post(f"{estate.url}/units/{unit.id}/step", data={"step": "moved"}).status_code == 422
    )
    client.post(f"{estate.url}/units/{unit.id}/step", data={"step": "occupied"})
    with app.app_context():
        assert db.session.get(Unit, unit.id).status == "occupied"


def test_the_monthly_summary_counts_a_worked_example(app, client, auth, make, clock, estate):
    """March 2027 at Harbour View:
    T1-1A handed over on 10 March, renovating from the 12th, with a permit from the 12th;
    T1-2A handed over on 10 March, occupied from the 20th;
    T2-9A handed over on 11 March, let on the 25th;
    T2-9B handed over in February and renovating since, its permit from 25 February.
    """
    site = estate.site
    make.enable(site, "inspections")
    t1a, t1b, t2a = estate.units
    t2b = make.unit(estate.t2, number="9B", floor=9)
    clock.at_local(site, date(2027, 2, 1), time(9))
    feb = book(app, site, t2b, slot_id=None, owner="Ho Wing Sze")
    clock.at_local(site, date(2027, 2, 20), time(11))
    _hand_over(app, feb)
    clock.at_local(site, date(2027, 2, 25), time(9))
    _step(app, t2b, "renovating")
    clock.at_local(site, date(2027, 3, 1), time(9))
    first = book(app, site, t1a, owner="Lam Ka Yan")
    second = book(app, site, t1b, owner="Cheung Siu Ming")
    third = book(app, site, t2a, owner="Wong Tai Sin")
    clock.at_local(site, date(2027, 3, 10), time(11))
    _hand_over(app, first)
    _hand_over(app, second)
    clock.at_local(site, date(2027, 3, 11), time(11))
    _hand_over(app, third)
    clock.at_local(site, date(2027, 3, 12), time(9))
    _step(app, t1a, "renovating")
    clock.at_local(site, date(2027, 3, 20), time(9))
    _step(app, t1b, "occupied")
    clock.at_local(site, date(2027, 3, 25), time(9))
    _step(app, t2a, "let")
    with app.app_context():
        for number, unit, starts in (
            ("RP-1", t1a, date(2027, 3, 12)),
            ("RP-2", t2b, date(2027, 2, 25)),
        ):
            db.session.add(
                InspectionsPermit(
                    site_id=site.id,
                    unit_id=unit.id,
                    number=number,
                    starts_on=starts,
                    ends_on=date(2027, 5, 31),
                    contractor="Sun Fitting",
                )
            )
        db.session.commit()
    clock.at_local(site, date(2027, 4, 2), time(9))
    with app.app_context():
        lines = reports.summary(db.session.get(Site, site.id), "2027-03")
        february = reports.summary(db.session.get(Site, site.id), "2027-02")
    # building, handovers, renovations started, permits, renovating, moved in, let in month, let
    assert [line.cells() for line in lines] == [
        ("T1", 2, 1, 1, 1, 1, 0, 0),
        ("T2", 1, 0, 0, 1, 0, 1, 1),
    ]
    assert [line.cells()[:4] for line in february] == [("T1", 0, 0, 0), ("T2", 1, 1, 1)]
    auth.login("mia")
    page = client.get(f"{estate.url}/reports/monthly?period=2027-03").get_data(as_text=True)
    assert 'id="building-summary"' in page and "Renovation permits" in page
    export = client.get(f"{estate.url}/reports/monthly.xlsx?period=2027-03")
    assert export.status_code == 200 and export.data[:2] == b"PK"
    with app.app_context():
        ben = db.session.scalar(db.select(User).where(User.username == "ben"))
        sheet = reports.butler_sheet(db.session.get(Site, site.id), "2027-03", ben)
    assert sheet.keys == ("T1",)  # Ben looks after T1 only
    assert sheet.rows == (("T1", 2, 1, 1, 1, 1, 0, 0),)
    auth.logout()
    auth.login("ben")
    pack = client.get(f"/s/{site.slug}/hand-in/2027-03").get_data(as_text=True)
    assert "Building summary" in pack


def test_without_the_inspections_plugin_the_permits_are_left_blank(app, client, auth, estate):
    with app.app_context():
        lines = reports.summary(db.session.get(Site, estate.site.id), "2027-03")
        codes = [b.code for b in db.session.scalars(db.select(Building).order_by(Building.code))]
    assert [line.permits for line in lines] == [None, None]
    assert [line.code for line in lines] == codes
    auth.login("mia")
    bad = client.get(f"{estate.url}/reports/monthly?period=2027-13")
    assert bad.status_code == 422
    assert "Choose a month as YYYY-MM" in bad.get_data(as_text=True)
    auth.logout()
    auth.login("ben")
    assert client.get(f"{estate.url}/reports/monthly").status_code == 403


def test_the_dashboard_and_the_day_page_show_the_handovers(app, client, auth, clock, estate):
    booking = book(app, estate.site, estate.units[0])
    auth.login("ben")
    dashboard = client.get(f"/s/{estate.site.slug}/").get_data(as_text=True)
    assert "defects not closed" in dashboard
    with app.app_context():
        slot = db.session.get(HandoverBooking, booking).slot.starts_at
    clock.set(slot - timedelta(hours=1))
    auth.login("ben")  # a day later: a fresh session
    day = client.get(f"/s/{estate.site.slug}/today/").get_data(as_text=True)
    assert "T1-1A" in day and "Lam Ka Yan" in day
