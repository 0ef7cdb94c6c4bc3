"""Public areas cleaned around the day's functions; inspections and night spot checks."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from sqlalchemy import select

from core.extensions import db
from plugins.housekeeping.models import HousekeepingArea, HousekeepingSpotCheck
from plugins.housekeeping.rules import day_schedule, function_cleanings
from tests.conftest import login


@pytest.fixture(autouse=True)
def _frozen(clock):
    # 28 November 2026, 10:00 in Hong Kong.
    clock.set(datetime(2026, 11, 28, 2, 0, tzinfo=UTC))


def switch(client, username: str) -> None:
    client.post("/logout")
    login(client, username)


def test_a_function_is_cleaned_before_and_cleared_down_after_by_its_covers():
    before, after = function_cleanings(1, "Wedding lunch", time(12), time(15), 250)
    assert (before.at, before.kind, before.attendants) == (time(11), "before", 1)
    assert (after.at, after.kind, after.attendants) == (time(15), "after", 3)
    # A function just after midnight is made ready from midnight, not the day before.
    assert function_cleanings(1, "Night party", time(0, 30), time(2), 0)[0].at == time(0)
    schedule = day_schedule(
        [(2, "Dinner", time(19), time(22), 80), (1, "Lunch", time(12), time(14), 40)]
    )
    assert [(c.at, c.function) for c in schedule] == [
        (time(11), "Lunch"),
        (time(14), "Lunch"),
        (time(18), "Dinner"),
        (time(22), "Dinner"),
    ]


def test_the_days_functions_make_the_public_areas_schedule(app, client, hotel):
    login(client, "eva")
    added = client.post(
        hotel.url("areas"),
        data={
            "name": "Grand Ballroom",
            "kind": "banquet",
            "checklist": "Carpet vacuumed\n\nChairs wiped\nNo rubbish",
        },
    )
    assert added.status_code == 303
    with app.app_context():
        area = db.session.scalar(select(HousekeepingArea))
        area_id = area.id
        assert area.items == ["Carpet vacuumed", "Chairs wiped", "No rubbish"]
    function = {
        "day": "2026-11-28",
        "area_id": area_id,
        "name": "Wedding lunch",
        "starts_at": "12:00",
        "ends_at": "15:00",
        "covers": "250",
    }
    backwards = client.post(hotel.url("areas/functions"), data=function | {"ends_at": "11:00"})
    assert backwards.status_code == 422
    assert "A function ends after it starts." in backwards.get_data(as_text=True)
    assert client.post(hotel.url("areas/functions"), data=function).status_code == 303
    client.post(
        hotel.url(f"areas/{area_id}/attendant"), data={"attendant_id": hotel.staff["al"].id}
    )
    page = client.get(hotel.url("areas")).get_data(as_text=True)
    assert "11:00" in page and "Clean before the function: Wedding lunch" in page
    assert "Clear down after it: Wedding lunch" in page and "3 attendants · Al" in page
    switch(client, "ann")
    assert "Wedding lunch" in client.get(hotel.url("areas?day=2026-11-28")).get_data(as_text=True)
    assert client.post(hotel.url("areas"), data={"name": "Lobby"}).status_code == 403


def test_a_supervisor_inspects_an_area_and_spot_checks_a_room_at_night(app, client, hotel, clock):
    with app.app_context():
        db.session.add(
            HousekeepingArea(
                site_id=hotel.site.id,
                name="Lobby toilets",
                kind="toilet",
                checklist="Floor dry\nSoap filled\nBins emptied",
            )
        )
        db.session.commit()
        area_id = db.session.scalar(select(HousekeepingArea.id))
    clock.set(datetime(2026, 11, 28, 17, 0, tzinfo=UTC))  # 01:00 in Hong Kong
    login(client, "sam")
    form = client.get(hotel.url(f"areas/{area_id}/check")).get_data(as_text=True)
    # After 23:00 the check is a night spot check unless the supervisor says otherwise.
    assert "Soap filled" in form and '<input checked id="night"' in form
    done = client.post(
        hotel.url(f"areas/{area_id}/check"),
        data={"item_0": "y", "item_1": "y", "night": "y", "findings": "Bin by the door full"},
        follow_redirects=True,
    )
    html = done.get_data(as_text=True)
    assert "Lobby toilets: 1 items not right." in html
    assert "Bins emptied" in html and "Night spot check" in html and "Bin by the door full" in html
    room = client.post(
        hotel.url(f"rooms/{hotel.room('1101')}/spot-check"),
        data={f"item_{n}": "y" for n in range(8)} | {"night": "y"},
        follow_redirects=True,
    )
    assert "Room 1101: all right." in room.get_data(as_text=True)
    with app.app_context():
        checks = db.session.scalars(select(HousekeepingSpotCheck)).all()
        assert sorted(c.passed for c in checks) == [False, True] and all(c.night for c in checks)
    switch(client, "ann")
    assert client.get(hotel.url("spot-checks")).status_code == 403
