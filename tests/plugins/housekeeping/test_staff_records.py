"""Evaluations on criteria; grooming checks, discipline and training kept for the
housekeeping managers only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from core.extensions import db
from plugins.housekeeping.models import HousekeepingEvaluation, HousekeepingStaffRecord
from tests.conftest import login


@pytest.fixture(autouse=True)
def _frozen(clock):
    clock.set(datetime(2026, 11, 28, 2, 0, tzinfo=UTC))


def test_an_evaluation_scores_each_criterion(app, client, hotel):
    login(client, "eva")
    form = {"user_id": hotel.staff["ann"].id, "period": "2026-11", "score": "4"}
    criteria = {"quality": "5", "speed": "3", "grooming": "4", "attendance": ""}
    assert client.post(hotel.url("evaluations"), data=form | criteria).status_code == 303
    page = client.get(hotel.url("evaluations?period=2026-11")).get_data(as_text=True)
    assert (
        "Quality of work 5" in page
        and "Speed 3" in page
        and "Attendance" not in page.split("<tbody>")[1].split("</tbody>")[0]
    )
    with app.app_context():
        found = db.session.scalar(select(HousekeepingEvaluation))
        assert (found.quality, found.speed, found.grooming, found.attendance) == (5, 3, 4, None)
    bad = client.post(hotel.url("evaluations"), data=form | {"speed": "9"})
    assert bad.status_code == 422


def test_grooming_checks_and_discipline_are_read_only_by_the_housekeeping_managers(
    app, client, hotel
):
    login(client, "amy")
    ann = hotel.staff["ann"].id
    record = {"user_id": ann, "kind": "grooming", "day": "2026-11-28", "note": "Name badge missing"}
    unsaid = client.post(hotel.url("staff-records"), data=record)
    assert unsaid.status_code == 422
    assert "Say whether the grooming is up to standard." in unsaid.get_data(as_text=True)
    assert client.post(hotel.url("staff-records"), data=record | {"passed": "n"}).status_code == 303
    training = record | {"kind": "training", "note": "Chemical safety, 2 hours", "passed": "y"}
    assert client.post(hotel.url("staff-records"), data=training).status_code == 303
    page = client.get(hotel.url(f"staff-records?user_id={ann}")).get_data(as_text=True)
    assert "Name badge missing" in page and "Not up to standard" in page
    assert "Chemical safety, 2 hours" in page
    with app.app_context():
        kept = db.session.scalars(
            select(HousekeepingStaffRecord).order_by(HousekeepingStaffRecord.id)
        ).all()
        assert [(r.kind, r.passed) for r in kept] == [("grooming", False), ("training", None)]
    for username in ("sam", "ann", "fay"):
        client.post("/logout")
        login(client, username)
        assert client.get(hotel.url("staff-records")).status_code == 403
