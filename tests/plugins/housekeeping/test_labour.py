"""Hours worked, wage grades and the month's labour cost per occupied room."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from core.extensions import db
from plugins.housekeeping.models import HousekeepingAssignment
from plugins.housekeeping.rules import labour_month, wage_cost
from tests.conftest import login


@pytest.fixture(autouse=True)
def _frozen(clock):
    clock.set(datetime(2026, 11, 28, 2, 0, tzinfo=UTC))


def test_the_cost_of_a_roster_line_is_rounded_half_up():
    assert wage_cost(60, 6000) == 6000
    assert wage_cost(1, 5250) == 88  # 87.5 cents
    month = labour_month([(480, 6000), (450, 6000), (480, 5250)], rooms_cleaned=4, occupied=5)
    assert month.cost == 135_000 and month.per_occupied_room == 27_000
    assert labour_month([], 0, 0).per_occupied_room is None


def test_labour_cost_per_occupied_room_equals_the_worked_example(app, client, hotel):
    """Ann (grade II, 60.00 an hour) works 8 h on the 2nd and 7.5 h on the 3rd; Al
    (grade I, 52.50 an hour) 8 h on the 2nd: 930.00 + 420.00 = 1,350.00. Two rooms are
    occupied on the night of the 2nd and three on the 3rd: 1,350.00 / 5 = 270.00."""
    login(client, "eva")
    for name, rate in (("Attendant II", "60.00"), ("Attendant I", "52.50")):
        assert (
            client.post(
                hotel.url("labour/grades"), data={"name": name, "hourly_rate": rate}
            ).status_code
            == 303
        )
    page = client.get(hotel.url("labour")).get_data(as_text=True)
    assert "Attendant I: HK$52.50 an hour" in page
    from plugins.housekeeping.models import HousekeepingGrade

    with app.app_context():
        grades = {g.name: g.id for g in db.session.scalars(db.select(HousekeepingGrade))}
    ann, al = hotel.staff["ann"].id, hotel.staff["al"].id
    for user, day, hours, grade in (
        (ann, "2026-11-02", "8", "Attendant II"),
        (ann, "2026-11-03", "7.5", "Attendant II"),
        (al, "2026-11-02", "8", "Attendant I"),
    ):
        posted = client.post(
            hotel.url("labour/hours"),
            data={"user_id": user, "day": day, "hours": hours, "grade_id": grades[grade]},
        )
        assert posted.status_code == 303
    with app.app_context():
        for day, number, movement, cleaned in (
            (date(2026, 11, 2), "1101", "stayover", True),
            (date(2026, 11, 2), "1102", "arrival", True),
            (date(2026, 11, 2), "1103", "departure", True),
            (date(2026, 11, 3), "1101", "stayover", True),
            (date(2026, 11, 3), "1201", "stayover", False),
            (date(2026, 11, 3), "1202", "arrival", False),
        ):
            db.session.add(
                HousekeepingAssignment(
                    site_id=hotel.site.id,
                    day=day,
                    unit_id=hotel.room(number),
                    movement=movement,
                    credits=2,
                    attendant_id=ann,
                    cleaned_at=datetime(2026, 11, day.day, 3, tzinfo=UTC) if cleaned else None,
                )
            )
        db.session.commit()
    page = client.get(hotel.url("labour?period=2026-11")).get_data(as_text=True)
    assert "HK$1,350.00" in page and "HK$270.00" in page
    assert "23.50" in page  # hours worked
    assert "<svg" in page  # the charts
    # 4 rooms cleaned in 23.5 hours.
    assert ">0.17<" in page
    refused = client.post(
        hotel.url("labour/hours"),
        data={
            "user_id": ann,
            "day": "2026-11-04",
            "hours": "25",
            "grade_id": grades["Attendant I"],
        },
    )
    assert refused.status_code == 422 and "Give hours from 0.01 to 24." in refused.get_data(
        as_text=True
    )
    assert (
        client.post(
            hotel.url("labour/grades"), data={"name": "X", "hourly_rate": "abc"}
        ).status_code
        == 422
    )


def test_only_the_housekeeping_managers_see_the_labour_cost(client, hotel):
    login(client, "ann")
    assert client.get(hotel.url("labour")).status_code == 403
