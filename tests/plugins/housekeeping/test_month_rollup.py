"""The month report's rooms cleaned come from daily figures kept on every write of an
assignment (rollup.py); after rooms cleaned, handed to another attendant, moved across
the month end, un-ticked and removed, they say what counting the assignments says."""

from __future__ import annotations

from datetime import date

from flask import g
from sqlalchemy import func, select

from core.extensions import db
from core.models import User
from plugins.housekeeping import rollup
from plugins.housekeeping.models import HousekeepingAssignment
from plugins.housekeeping.reports import month_figures
from tests.plugins.housekeeping.test_hand_in import clean

MONTHS = ((date(2026, 10, 1), date(2026, 11, 1)), (date(2026, 11, 1), date(2026, 12, 1)))


def reported(app, hotel):
    with app.test_request_context():
        g.site = hotel.site
        return [[tuple(r) for r in month_figures(*m)["cleaned"]] for m in MONTHS]


def counted(app, hotel):
    """Rooms cleaned per attendant and day, counted from the assignments themselves."""
    a = HousekeepingAssignment
    with app.app_context():
        return [
            [
                tuple(r)
                for r in db.session.execute(
                    select(User.display_name, a.day, func.count(a.id), func.sum(a.credits))
                    .join(User, User.id == a.attendant_id)
                    .where(
                        a.site_id == hotel.site.id,
                        a.day >= first,
                        a.day < following,
                        a.cleaned_at.is_not(None),
                    )
                    .group_by(User.display_name, a.day)
                    .order_by(User.display_name, a.day)
                )
            ]
            for first, following in MONTHS
        ]


def change(app, hotel, number: str, on: date, **fields) -> None:
    with app.app_context():
        room = db.session.scalars(
            select(HousekeepingAssignment).where(
                HousekeepingAssignment.unit_id == hotel.room(number),
                HousekeepingAssignment.day == on,
            )
        ).one()
        if fields.pop("remove", False):
            db.session.delete(room)
        for name, value in fields.items():
            setattr(room, name, hotel.staff[value].id if name == "attendant_id" else value)
        db.session.commit()


def test_the_rooms_cleaned_follow_every_write_of_an_assignment(app, hotel):
    last_of_october, first_of_november = date(2026, 10, 31), date(2026, 11, 1)
    clean(app, hotel, "ann", last_of_october, ["1101", "1102", "1103"])
    clean(app, hotel, "al", first_of_november, ["1201", "1202"], credits=3)
    clean(app, hotel, "ann", first_of_november, ["1203"], cleaned=False)
    assert reported(app, hotel) == counted(app, hotel)
    october, november = reported(app, hotel)
    assert october == [("Ann", last_of_october, 3, 6)]
    change(app, hotel, "1102", last_of_october, attendant_id="al")  # handed to Al
    change(app, hotel, "1103", last_of_october, day=first_of_november)  # moved a day on
    change(app, hotel, "1201", first_of_november, cleaned_at=None)  # ticked by mistake
    change(app, hotel, "1202", first_of_november, credits=5)
    change(app, hotel, "1101", last_of_october, remove=True)
    assert reported(app, hotel) == counted(app, hotel)
    october, november = reported(app, hotel)
    assert october == [("Al", last_of_october, 1, 2)]
    assert november == [("Al", first_of_november, 1, 5), ("Ann", first_of_november, 1, 2)]
    with app.app_context():
        rollup.rebuild(hotel.site.id, db.session.connection())  # as the migration does
        db.session.commit()
    assert reported(app, hotel) == [october, november]
