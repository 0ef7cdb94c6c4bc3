"""Defects to closure: given to the developer's contractor with a date, re-inspected,
confirmed by the owner; never closed without a re-inspection; overdue ones stand out;
counts by kind and by contractor."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core import clock as core_clock
from core.extensions import db
from core.models import Site, User
from plugins.handover import rules
from plugins.handover.models import HandoverBooking, HandoverDefect
from tests.plugins.handover.conftest import book


def _defect(
    app,
    booking_id: int,
    kind="plumbing",
    contractor="Kwong Plumbing",
    due_days=5,
    place="Basin tap drips",
) -> int:
    with app.app_context():
        booking = db.session.get(HandoverBooking, booking_id)
        site = db.session.get(Site, booking.site_id)
        ben = db.session.scalar(select(User).where(User.username == "ben"))
        defect = rules.add_defect(
            site,
            booking,
            ben,
            kind=kind,
            severity="major",
            place=place,
            contractor=contractor,
            due_on=core_clock.today(site) + timedelta(days=due_days),
        )
        db.session.commit()
        return defect.id


def test_a_defect_cannot_close_without_a_re_inspection(app, client, auth, estate):
    defect = _defect(app, book(app, estate.site, estate.units[0]))
    auth.login("ben")
    url = f"{estate.url}/defects/{defect}"
    early = client.post(f"{url}/confirm", data={"confirmed_by": "Lam Ka Yan"})
    assert early.status_code == 409
    assert "A defect closes only after a re-inspection found it put right." in early.get_data(
        as_text=True
    )
    # A re-inspection that finds it not put right leaves it open.
    assert (
        client.post(f"{url}/reinspect", data={"put_right": "no", "note": "Still drips"}).status_code
        == 303
    )
    assert client.post(f"{url}/confirm", data={"confirmed_by": "Lam Ka Yan"}).status_code == 409
    with app.app_context():
        row = db.session.get(HandoverDefect, defect)
        assert (row.status, row.reinspections, row.closed_at) == ("open", 1, None)
    assert client.post(f"{url}/reinspect", data={"put_right": "yes"}).status_code == 303
    assert client.post(f"{url}/confirm", data={"confirmed_by": "Lam Ka Yan"}).status_code == 303
    page = client.get(url).get_data(as_text=True)
    assert "confirmed by Lam Ka Yan" in page
    with app.app_context():
        row = db.session.get(HandoverDefect, defect)
        assert row.status == "closed" and row.reinspections == 2
    assert client.post(f"{url}/reinspect", data={"put_right": "yes"}).status_code == 409


def test_the_database_refuses_a_closed_defect_never_re_inspected(app, estate):
    defect = _defect(app, book(app, estate.site, estate.units[0]))
    with app.app_context():
        row = db.session.get(HandoverDefect, defect)
        row.status = "closed"
        row.closed_at = core_clock.now()
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_a_re_inspection_needs_its_answer(app, client, auth, estate):
    defect = _defect(app, book(app, estate.site, estate.units[0]))
    auth.login("ben")
    answer = client.post(f"{estate.url}/defects/{defect}/reinspect", data={"note": "Looked"})
    assert answer.status_code == 422
    assert 'id="put_right-error"' in answer.get_data(as_text=True)


def test_the_assistant_gives_a_defect_to_the_contractor_and_the_butler_may_not(
    app, client, auth, estate
):
    defect = _defect(app, book(app, estate.site, estate.units[0]), contractor="")
    data = {"contractor": "Sun Fitting", "due_on": "2099-01-31"}
    auth.login("ben")
    assert client.post(f"{estate.url}/defects/{defect}/assign", data=data).status_code == 403
    auth.logout()
    auth.login("amy")
    assert client.post(f"{estate.url}/defects/{defect}/assign", data=data).status_code == 303
    bad = client.post(
        f"{estate.url}/defects/{defect}/assign", data={"contractor": "", "due_on": "31/01"}
    )
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert 'id="contractor-error"' in page and 'id="due_on-error"' in page
    with app.app_context():
        row = db.session.get(HandoverDefect, defect)
        assert (row.contractor, row.due_on.isoformat()) == ("Sun Fitting", "2099-01-31")


def test_overdue_defects_stand_out_and_are_counted_by_kind_and_contractor(
    app, client, auth, estate
):
    first = book(app, estate.site, estate.units[0])
    second = book(app, estate.site, estate.units[2], owner="Cheung Siu Ming")
    _defect(app, first, due_days=-2, place="Tap")
    _defect(app, first, kind="walls", contractor="Sun Fitting", due_days=3, place="Crack")
    _defect(app, second, due_days=-1, place="Drain")
    auth.login("amy")
    page = client.get(f"{estate.url}/defects").get_data(as_text=True)
    assert page.count('class="handover-overdue"') == 2
    assert page.index("Tap") < page.index("Crack")  # the overdue ones first
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        by_kind, by_contractor = rules.counts(site, core_clock.today(site))
    assert by_kind == [("plumbing", 2, 2), ("walls", 1, 0)]
    assert by_contractor == [("Kwong Plumbing", 2, 2), ("Sun Fitting", 1, 0)]
    late = client.get(f"{estate.url}/defects?overdue=1").get_data(as_text=True)
    assert "Tap" in late and "Drain" in late and "Crack" not in late
    theirs = client.get(f"{estate.url}/defects?contractor=Sun+Fitting").get_data(as_text=True)
    assert "Crack" in theirs and "Tap" not in theirs


def test_another_sites_defect_is_a_404(app, client, auth, make, estate):
    other = make.estate(plugins=["handover"], units=[{"number": "9Z"}], staff={"zed": "butler"})
    theirs = book(app, other.site, other.unit)
    with app.app_context():
        booking = db.session.get(HandoverBooking, theirs)
        site = db.session.get(Site, booking.site_id)
        zed = db.session.scalar(select(User).where(User.username == "zed"))
        defect = rules.add_defect(site, booking, zed, kind="walls", severity="minor", place="x")
        db.session.commit()
        defect_id = defect.id
    auth.login("ben")
    assert client.get(f"{estate.url}/defects/{defect_id}").status_code == 404
    answer = client.post(f"{estate.url}/defects/{defect_id}/reinspect", data={"put_right": "yes"})
    assert answer.status_code == 404
