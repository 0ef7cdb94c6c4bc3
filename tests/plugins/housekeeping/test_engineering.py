"""Engineering work orders that take a room out of order, and rush rooms."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import AuditLog
from plugins.housekeeping.models import (
    HousekeepingAssignment,
    HousekeepingRoom,
    HousekeepingWorkOrder,
)
from tests.conftest import login
from tests.plugins.housekeeping.conftest import PNG

TODAY = date(2026, 11, 28)


@pytest.fixture(autouse=True)
def _frozen(clock):
    clock.set(datetime(2026, 11, 28, 2, 0, tzinfo=UTC))


def switch(client, username: str) -> None:
    client.post("/logout")
    login(client, username)


def status(app, hotel, number: str) -> str:
    with app.app_context():
        room = db.session.scalar(
            select(HousekeepingRoom).where(HousekeepingRoom.unit_id == hotel.room(number))
        )
        return room.status if room else "vacant_clean"


def report(client, hotel, **fields):
    data = {"room": "1203", "problem": "Broken bedside lamp", "priority": "urgent"} | fields
    return client.post(hotel.url("work-orders"), data=data, content_type="multipart/form-data")


def test_a_room_out_of_order_for_a_repair_comes_back_vacant_dirty_when_it_is_closed(
    app, client, hotel
):
    login(client, "ann")
    response = report(
        client, hotel, out_of_order="y", back="room", photo=(io.BytesIO(PNG), "lamp.png")
    )
    assert response.status_code == 303, response.get_data(as_text=True)[-3000:]
    assert response.headers["Location"].endswith(f"/rooms/{hotel.room('1203')}")
    assert status(app, hotel, "1203") == "out_of_order"
    page = client.get(hotel.url(f"rooms/{hotel.room('1203')}")).get_data(as_text=True)
    assert "Broken bedside lamp" in page and "until engineering closes the work order" in page
    with app.app_context():
        order = db.session.scalar(select(HousekeepingWorkOrder))
        order_id, block_id = order.id, order.block_id
    assert client.get(hotel.url(f"work-orders/{order_id}/photo")).data == PNG
    # An attendant cannot close it; a supervisor cannot lift the block by hand either.
    assert client.post(hotel.url(f"work-orders/{order_id}/close")).status_code == 403
    switch(client, "sam")
    page = client.post(hotel.url(f"blocks/{block_id}/end"), follow_redirects=True)
    assert "stays out of order until engineering closes work order" in page.get_data(as_text=True)
    assert status(app, hotel, "1203") == "out_of_order"
    refused = client.post(hotel.url(f"work-orders/{order_id}/close"), data={"engineer": "Ken"})
    assert refused.status_code == 422 and "Say what was done." in refused.get_data(as_text=True)
    closed = client.post(
        hotel.url(f"work-orders/{order_id}/close"),
        data={"engineer": "Ken (engineering)", "work_done": "New switch"},
        follow_redirects=True,
    )
    assert "room 1203 is back, to be cleaned" in closed.get_data(as_text=True)
    assert status(app, hotel, "1203") == "vacant_dirty"
    with app.app_context():
        actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"housekeeping.work_order_reported", "housekeeping.work_order_closed"} <= actions


def test_a_public_area_repair_and_the_refusals(app, client, hotel):
    login(client, "ann")
    assert (
        report(client, hotel, room="1102", problem="Loose handle", priority="low").status_code
        == 303
    )
    assert (
        report(client, hotel, room="", place="Lobby toilets", problem="Tap drips").status_code
        == 303
    )
    page = client.get(hotel.url("work-orders")).get_data(as_text=True)
    assert "Lobby toilets" in page and "Tap drips" in page
    assert page.index("Tap drips") < page.index("Loose handle")  # the urgent first
    nowhere = report(client, hotel, room="", place="")
    assert "or the public area." in nowhere.get_data(as_text=True)
    unknown = report(client, hotel, room="9999")
    assert unknown.status_code == 422 and "There is no room 9999." in unknown.get_data(as_text=True)
    area = report(client, hotel, room="", place="Lobby", out_of_order="y")
    assert "Only a room can be taken out of order." in area.get_data(as_text=True)
    with app.app_context():
        db.session.add(
            HousekeepingRoom(
                site_id=hotel.site.id, unit_id=hotel.room("1101"), status="occupied", vip=False
            )
        )
        db.session.commit()
    script = report(client, hotel, room="1102", photo=(io.BytesIO(b"GIF89a..."), "lamp.gif"))
    assert script.status_code == 422
    html = script.get_data(as_text=True)
    assert "Only photos in JPEG, PNG or WebP can be uploaded." in html
    assert 'value="1102"' in html  # what was typed is kept
    guest_in = report(client, hotel, room="1101", out_of_order="y")
    assert guest_in.status_code == 422 and "A guest is in the room" in guest_in.get_data(
        as_text=True
    )
    assert status(app, hotel, "1101") == "occupied"
    with app.app_context():
        assert len(db.session.scalars(select(HousekeepingWorkOrder)).all()) == 2


def test_a_rush_room_comes_first_on_the_attendants_list_until_it_is_cleaned(app, client, hotel):
    login(client, "amy")
    client.post(
        hotel.url("assignments/occupancy"),
        data={"day": TODAY.isoformat(), "lines": "1101 D\n1102 D\n1203 D"},
    )
    with app.app_context():
        ann = hotel.staff["ann"].id
        for row in db.session.scalars(select(HousekeepingAssignment)):
            row.attendant_id = ann
        db.session.commit()
    switch(client, "ann")
    page = client.get(hotel.url("my-rooms")).get_data(as_text=True)
    assert page.index(">1101<") < page.index(">1203<")
    # The front desk has a guest waiting for 1203.
    switch(client, "fay")
    done = client.post(hotel.url(f"rooms/{hotel.room('1203')}/rush"), follow_redirects=True)
    assert "Room 1203 is a rush" in done.get_data(as_text=True)
    switch(client, "ann")
    page = client.get(hotel.url("my-rooms")).get_data(as_text=True)
    assert page.index(">1203<") < page.index(">1101<") and "Rush" in page
    assert "Rush" in client.get(hotel.url("")).get_data(as_text=True)
    assert client.post(hotel.url(f"rooms/{hotel.room('1203')}/rush")).status_code == 403
    with app.app_context():
        row_id = db.session.scalar(
            select(HousekeepingAssignment.id).where(
                HousekeepingAssignment.unit_id == hotel.room("1203")
            )
        )
    client.post(hotel.url(f"my-rooms/{row_id}/cleaned"))
    page = client.get(hotel.url("my-rooms")).get_data(as_text=True)
    assert page.index(">1101<") < page.index(">1203<") and "Rush" not in page
    # A clean room is no rush.
    switch(client, "fay")
    again = client.post(hotel.url(f"rooms/{hotel.room('1203')}/rush"), follow_redirects=True)
    assert "Only a room waiting to be cleaned can be a rush." in again.get_data(as_text=True)
