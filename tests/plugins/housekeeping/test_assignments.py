"""The day's occupancy, the fair split by credits, and each attendant's list."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from core.extensions import db
from plugins.housekeeping.models import HousekeepingAssignment, HousekeepingRoom
from plugins.housekeeping.rules import Load, fair_split
from tests.conftest import login

TODAY = date(2026, 11, 28)


@pytest.fixture(autouse=True)
def _frozen(clock):
    clock.set(datetime(2026, 11, 28, 1, 0, tzinfo=UTC))


def enter(client, hotel, lines: str, day: date = TODAY):
    return client.post(
        hotel.url("assignments/occupancy"), data={"day": day.isoformat(), "lines": lines}
    )


def rows(app) -> dict[str, HousekeepingAssignment]:
    with app.app_context():
        found = db.session.execute(
            select(HousekeepingAssignment, HousekeepingAssignment.unit_id)
        ).all()
        return {row.unit_id: row for row, _ in found}


def test_a_departure_counts_more_than_a_stay_over():
    rooms = [Load(1, 11, "1101", 3), Load(2, 11, "1102", 3), Load(3, 12, "1201", 2)]
    rooms += [Load(4, 12, "1202", 2), Load(5, 12, "1203", 2)]
    split = fair_split(rooms, [10, 20])
    # Two departures (6 credits) for one; three stay-overs (6 credits) for the other.
    assert split == {1: 10, 2: 10, 3: 20, 4: 20, 5: 20}


def test_the_split_keeps_floors_together_and_credits_even():
    rooms = [
        Load(n, 10 + n // 6, f"{10 + n // 6}{n % 6:02d}", 3 if n % 2 else 2) for n in range(24)
    ]
    split = fair_split(rooms, [1, 2, 3])
    loads = {a: sum(r.credits for r in rooms if split[r.id] == a) for a in (1, 2, 3)}
    assert max(loads.values()) - min(loads.values()) <= 3
    # Runs of neighbouring rooms: the attendant changes at most twice along the corridor.
    order = [split[r.id] for r in sorted(rooms, key=lambda r: (r.floor, r.number))]
    assert sum(1 for a, b in zip(order, order[1:], strict=False) if a != b) == 2


def test_the_supervisor_enters_the_day_and_shares_it_out(app, client, hotel):
    login(client, "amy")
    response = enter(client, hotel, "1101 D\n1102 d vip\n1201, S\n1202\tstay-over\n1203 A\n")
    assert response.status_code == 303
    found = rows(app)
    assert {r.movement for r in found.values()} == {"departure", "stayover", "arrival"}
    assert found[hotel.room("1102")].vip and found[hotel.room("1102")].credits == 3
    with app.app_context():
        statuses = dict(
            db.session.execute(select(HousekeepingRoom.unit_id, HousekeepingRoom.status)).all()
        )
    assert statuses[hotel.room("1101")] == "vacant_dirty"
    assert statuses[hotel.room("1201")] == "occupied_dirty"

    ann, al = hotel.staff["ann"].id, hotel.staff["al"].id
    client.post(
        hotel.url("assignments/suggest"),
        data={"day": TODAY.isoformat(), "attendants": [str(ann), str(al)]},
    )
    found = rows(app)
    assert {found[hotel.room(n)].attendant_id for n in ("1101", "1102")} == {ann}
    assert {found[hotel.room(n)].attendant_id for n in ("1201", "1202", "1203")} == {al}
    page = client.get(hotel.url(f"assignments?day={TODAY.isoformat()}")).get_data(as_text=True)
    assert "Ann" in page and "Al" in page and "11 credits" in page

    # The supervisor moves one room to the other attendant, in place.
    moved = client.post(
        hotel.url(f"assignments/{found[hotel.room('1203')].id}"),
        data={"attendant_id": str(ann)},
        headers={"HX-Request": "true"},
    )
    assert moved.status_code == 200 and "Saved." in moved.get_data(as_text=True)
    assert rows(app)[hotel.room("1203")].attendant_id == ann


def test_bad_lines_are_named_and_nothing_is_written(app, client, hotel):
    login(client, "amy")
    response = enter(client, hotel, "1101 D\n9999 D\n1102 maybe\n")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Line 2: there is no room 9999." in html
    assert "Line 3: write the room, then D, S or A" in html
    assert rows(app) == {}
    with app.app_context():
        assert db.session.scalar(select(HousekeepingRoom)) is None


def test_an_attendant_sees_her_rooms_and_marks_them_cleaned(app, client, hotel):
    login(client, "amy")
    enter(client, hotel, "1101 D\n1102 S\n1201 D\n")
    ann, al = hotel.staff["ann"].id, hotel.staff["al"].id
    found = rows(app)
    with app.app_context():
        for unit_id, row in found.items():
            row = db.session.get(HousekeepingAssignment, row.id)
            row.attendant_id = al if unit_id == hotel.room("1201") else ann
        db.session.commit()
    client.post("/logout")
    login(client, "ann")
    page = client.get(hotel.url("my-rooms")).get_data(as_text=True)
    assert "1101" in page and "1102" in page and "1201" not in page
    assert "0 of 2 rooms cleaned" in page and "5 credits" in page
    cleaned = client.post(
        hotel.url(f"my-rooms/{found[hotel.room('1101')].id}/cleaned"),
        headers={"HX-Request": "true"},
    )
    assert cleaned.status_code == 200
    assert "Vacant clean" in cleaned.get_data(as_text=True)
    client.post(hotel.url(f"my-rooms/{found[hotel.room('1102')].id}/cleaned"))
    page = client.get(hotel.url("my-rooms")).get_data(as_text=True)
    assert "2 of 2 rooms cleaned" in page
    with app.app_context():
        statuses = dict(
            db.session.execute(select(HousekeepingRoom.unit_id, HousekeepingRoom.status)).all()
        )
    assert statuses[hotel.room("1101")] == "vacant_clean"
    assert statuses[hotel.room("1102")] == "occupied"


def test_an_attendant_cannot_assign_rooms(client, hotel):
    login(client, "ann")
    assert client.get(hotel.url("assignments")).status_code == 403
    assert enter(client, hotel, "1101 D").status_code == 403
