"""The emergency duty roster and staff evaluations."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from core.extensions import db
from plugins.housekeeping.models import HousekeepingDuty, HousekeepingEvaluation
from tests.conftest import login


@pytest.fixture(autouse=True)
def _frozen(clock):
    clock.set(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))


def duty(hotel, who="ann", **changes):
    return {
        "user_id": hotel.staff[who].id,
        "emergency": "typhoon",
        "duty_on": "2026-11-26",
        "shift": "night",
        "task": "Sandbags at the lobby",
    } | changes


def test_staff_are_put_on_emergency_duty_and_everyone_sees_the_roster(app, client, hotel):
    login(client, "amy")
    assert client.post(hotel.url("duty-roster"), data=duty(hotel)).status_code == 303
    twice = client.post(hotel.url("duty-roster"), data=duty(hotel))
    assert twice.status_code == 422
    assert "This person is already on duty on that shift." in twice.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(HousekeepingDuty.id))) == 1
    client.post("/logout")
    login(client, "ann")
    page = client.get(hotel.url("duty-roster")).get_data(as_text=True)
    assert "Typhoon" in page and "Sandbags at the lobby" in page and "Ann" in page
    assert client.post(hotel.url("duty-roster"), data=duty(hotel, "al")).status_code == 403


def test_a_supervisor_evaluates_staff_once_per_month(app, client, hotel):
    login(client, "eva")
    form = {"user_id": hotel.staff["ann"].id, "period": "2026-11", "score": "4"}
    assert client.post(hotel.url("evaluations"), data=form).status_code == 303
    again = client.post(
        hotel.url("evaluations"), data=form | {"score": "5", "comments": "Fast and careful"}
    )
    assert again.status_code == 303
    page = client.get(hotel.url("evaluations?period=2026-11")).get_data(as_text=True)
    assert "5 – excellent" in page and "Fast and careful" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(HousekeepingEvaluation.id))) == 1


def test_a_bad_month_is_refused_and_evaluations_are_private(app, client, hotel):
    login(client, "eva")
    bad = client.post(
        hotel.url("evaluations"),
        data={"user_id": hotel.staff["ann"].id, "period": "Nov 2026", "score": "4"},
    )
    assert bad.status_code == 422
    assert "Write the month as 2026-11." in bad.get_data(as_text=True)
    client.post("/logout")
    login(client, "sam")
    assert client.get(hotel.url("evaluations")).status_code == 403
