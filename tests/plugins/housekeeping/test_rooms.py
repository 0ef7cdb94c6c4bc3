"""The room status board, one-tap changes, inspections and release, blocks."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html import unescape

from sqlalchemy import select

from core.extensions import db
from core.models import AuditLog
from plugins.housekeeping.labels import CHECKLIST
from plugins.housekeeping.models import (
    HousekeepingAssignment,
    HousekeepingBlock,
    HousekeepingInspection,
    HousekeepingRoom,
)
from tests.conftest import login

HX = {"HX-Request": "true"}


def every_item(**unticked: bool) -> dict[str, str]:
    return {f"item_{code}": "y" for code in CHECKLIST if code not in unticked}


def status_of(app, unit_id: int) -> str:
    with app.app_context():
        room = db.session.scalar(
            select(HousekeepingRoom).where(HousekeepingRoom.unit_id == unit_id)
        )
        return room.status if room else "vacant_clean"


def set_status(client, hotel, number: str, status: str, **headers):
    return client.post(
        hotel.url(f"rooms/{hotel.room(number)}/status"),
        data={"status": status, "back": "board"},
        headers=headers,
    )


def test_the_board_shows_every_room_by_floor_with_its_status(client, hotel):
    login(client, "fay")
    html = client.get(hotel.url()).get_data(as_text=True)
    for number in hotel.rooms:
        assert f">{number}<" in html
    assert "Floor 11" in html and "Floor 12" in html
    assert "Vacant clean (6)" in html
    # The board refreshes itself: htmx polls it.
    assert 'hx-trigger="every 10s"' in html


def test_the_board_filters_by_floor_and_status(client, hotel):
    login(client, "sam")
    set_status(client, hotel, "1201", "vacant_dirty")
    set_status(client, hotel, "1102", "vacant_dirty")
    html = client.get(hotel.url("?floor=12&status=vacant_dirty")).get_data(as_text=True)
    assert ">1201<" in html
    assert ">1102<" not in html and ">1202<" not in html
    dirty = client.get(hotel.url("?status=vacant_dirty")).get_data(as_text=True)
    assert ">1201<" in dirty and ">1102<" in dirty and ">1101<" not in dirty


def test_the_poll_gets_only_the_board(client, hotel):
    login(client, "sam")
    response = client.get(hotel.url(), headers=HX | {"HX-Target": "room-board"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="room-board"') and "<html" not in html


def test_the_refresh_sends_only_the_rooms_changed_since_the_last(client, hotel, clock):
    clock.set(datetime(2026, 11, 3, 2, 0, tzinfo=UTC))
    login(client, "sam")
    set_status(client, hotel, "1101", "vacant_dirty")  # before the board is drawn
    clock.set(datetime(2026, 11, 3, 2, 5, tzinfo=UTC))
    board = client.get(hotel.url()).get_data(as_text=True)

    def refresh(page: str) -> str:
        url = unescape(re.search(r'id="room-board-poll" hidden hx-get="([^"]+)"', page)[1])
        headers = HX | {"HX-Target": "room-board-poll"}
        return client.get(url, headers=headers).get_data(as_text=True)

    clock.set(datetime(2026, 11, 3, 2, 6, tzinfo=UTC))
    set_status(client, hotel, "1202", "vacant_dirty")  # Sam changes one room
    clock.set(datetime(2026, 11, 3, 2, 7, tzinfo=UTC))
    changes = refresh(board)
    assert "<html" not in changes and 'id="room-board-poll"' in changes
    assert re.findall(r'<li id="room-(\d+)" hx-swap-oob="true">', changes) == [
        str(hotel.room("1202"))
    ]
    assert ">1202<" in changes and "Vacant dirty (2)" in changes  # the card and the counts
    # Nothing changed since: the next refresh sends no room at all.
    clock.set(datetime(2026, 11, 3, 2, 8, tzinfo=UTC))
    assert '<li id="room-' not in refresh(changes)
    # Filtered by a status, the board is drawn again whole (rooms join and leave it).
    filtered = client.get(hotel.url("?status=vacant_dirty")).get_data(as_text=True)
    assert 'hx-target="#room-board"' in filtered.split('id="room-board-poll"')[1].split(">")[0]


def test_a_room_goes_dirty_clean_inspected_released(app, client, hotel):
    room = hotel.room("1101")
    login(client, "sam")
    assert set_status(client, hotel, "1101", "vacant_dirty").status_code == 303
    client.post("/logout")

    # The attendant taps "Cleaned" on her phone: the card comes back in place.
    login(client, "ann")
    card = set_status(client, hotel, "1101", "vacant_clean", **HX)
    assert card.status_code == 200
    assert "Vacant clean" in card.get_data(as_text=True)
    assert status_of(app, room) == "vacant_clean"
    client.post("/logout")

    login(client, "sam")
    page = client.get(hotel.url(f"rooms/{room}/inspect")).get_data(as_text=True)
    assert "Bed made, linen fresh" in page
    passed = client.post(hotel.url(f"rooms/{room}/inspect"), data=every_item())
    assert passed.status_code == 303
    assert status_of(app, room) == "inspected"
    assert client.post(hotel.url(f"rooms/{room}/release")).status_code == 303
    html = client.get(hotel.url(f"rooms/{room}")).get_data(as_text=True)
    assert "Inspected" in html and "Released" in html and "Passed" in html
    with app.app_context():
        actions = db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert [a for a in actions if a.startswith("housekeeping.")] == [
        "housekeeping.status_changed",
        "housekeeping.status_changed",
        "housekeeping.inspected",
        "housekeeping.released",
    ]


def test_a_failed_inspection_sends_the_room_back(app, client, hotel):
    room = hotel.room("1102")
    login(client, "sam")
    set_status(client, hotel, "1102", "vacant_dirty")
    set_status(client, hotel, "1102", "vacant_clean")
    failed = client.post(
        hotel.url(f"rooms/{room}/inspect"),
        data=every_item(bathroom=False, minibar=False) | {"note": "Hair in the shower"},
        follow_redirects=True,
    )
    html = failed.get_data(as_text=True)
    assert "failed and goes back to be cleaned" in html
    assert "Bathroom clean and dry" in html and "Minibar checked" in html
    assert "Hair in the shower" in html
    assert status_of(app, room) == "vacant_dirty"
    with app.app_context():
        inspection = db.session.scalar(select(HousekeepingInspection))
        assert not inspection.passed and inspection.failed == ["bathroom", "minibar"]
    # A dirty room cannot be released, nor inspected again before it is cleaned.
    assert client.post(hotel.url(f"rooms/{room}/release")).status_code == 422
    again = client.post(hotel.url(f"rooms/{room}/inspect"), data=every_item())
    assert again.status_code == 422
    assert "Only a cleaned vacant room waits for inspection" in again.get_data(as_text=True)


def test_vip_rooms_are_inspected_by_the_assistant_executive_housekeeper(app, client, hotel):
    room = hotel.room("1103")
    with app.app_context():
        db.session.add(
            HousekeepingRoom(site_id=hotel.site.id, unit_id=room, status="vacant_clean", vip=True)
        )
        db.session.commit()
    login(client, "sam")
    refused = client.post(hotel.url(f"rooms/{room}/inspect"), data=every_item())
    assert refused.status_code == 422
    assert "VIP rooms are inspected by the assistant executive housekeeper" in refused.get_data(
        as_text=True
    )
    assert status_of(app, room) == "vacant_clean"
    client.post("/logout")
    login(client, "amy")
    assert client.post(hotel.url(f"rooms/{room}/inspect"), data=every_item()).status_code == 303
    assert status_of(app, room) == "inspected"


def test_an_attendant_only_marks_dirty_rooms_cleaned(app, client, hotel):
    login(client, "ann")
    assert set_status(client, hotel, "1201", "occupied").status_code == 403
    assert status_of(app, hotel.room("1201")) == "vacant_clean"


def test_inspected_only_comes_from_an_inspection(app, client, hotel):
    login(client, "sam")
    response = set_status(client, hotel, "1201", "inspected", **HX)
    assert response.status_code == 422
    assert "Only an inspection marks a room inspected" in response.get_data(as_text=True)
    assert status_of(app, hotel.room("1201")) == "vacant_clean"


def test_a_bad_status_is_refused_with_a_message(app, client, hotel):
    login(client, "sam")
    response = set_status(client, hotel, "1201", "sparkling")
    assert response.status_code == 422
    assert "Choose a status." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(HousekeepingRoom)) is None


def block_form(**changes) -> dict[str, str]:
    return {
        "kind": "out_of_order",
        "reason": "Air conditioner leaking",
        "starts_on": "2026-12-01",
        "ends_on": "2026-12-04",
        "agreed_with": "Joyce, front desk",
    } | changes


def test_a_block_has_a_reason_a_period_and_who_agreed(app, client, hotel):
    room = hotel.room("1202")
    login(client, "sam")
    response = client.post(hotel.url(f"rooms/{room}/blocks"), data=block_form())
    assert response.status_code == 303
    html = client.get(hotel.url(f"rooms/{room}")).get_data(as_text=True)
    assert "Out of order" in html and "Air conditioner leaking" in html
    assert "Joyce, front desk" in html
    assert status_of(app, room) == "out_of_order"
    # Blocked: one tap cannot put it back on sale.
    assert set_status(client, hotel, "1202", "vacant_clean").status_code == 422
    with app.app_context():
        block_id = db.session.scalar(select(HousekeepingBlock.id))
    assert client.post(hotel.url(f"blocks/{block_id}/end")).status_code == 303
    assert status_of(app, room) == "vacant_dirty"


def test_a_block_form_with_bad_input_writes_nothing(app, client, hotel):
    room = hotel.room("1202")
    login(client, "sam")
    backwards = client.post(
        hotel.url(f"rooms/{room}/blocks"), data=block_form(ends_on="2026-11-30")
    )
    assert backwards.status_code == 422
    assert "The last day cannot be before the first." in backwards.get_data(as_text=True)
    nameless = client.post(hotel.url(f"rooms/{room}/blocks"), data=block_form(agreed_with=" "))
    assert "Name who agreed at the front desk." in nameless.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(HousekeepingBlock)) is None
        assert db.session.scalar(select(HousekeepingRoom)) is None


def test_front_desk_sees_the_board_but_cannot_change_it(client, hotel):
    login(client, "fay")
    html = client.get(hotel.url()).get_data(as_text=True)
    assert "Cleaned" not in html
    assert set_status(client, hotel, "1101", "vacant_dirty").status_code == 403


def test_the_room_page_of_the_core_shows_the_housekeeping_panel(client, hotel):
    login(client, "eva")
    room = hotel.room("1101")
    page = client.get(f"/s/{hotel.site.slug}/units/{room}").get_data(as_text=True)
    assert f"/housekeeping/rooms/{room}/panel" in page
    panel = client.get(hotel.url(f"rooms/{room}/panel")).get_data(as_text=True)
    assert "Vacant clean" in panel


def test_the_unit_panel_shows_the_rooms_block_and_todays_work(app, client, hotel, clock):
    clock.set(datetime(2026, 12, 2, 2, 0, tzinfo=UTC))  # 10:00 in Hong Kong
    blocked, assigned = hotel.room("1202"), hotel.room("1103")
    login(client, "sam")
    client.post(hotel.url(f"rooms/{blocked}/blocks"), data=block_form())
    with app.app_context():
        work = HousekeepingAssignment(
            site_id=hotel.site.id,
            day=date(2026, 12, 2),
            unit_id=assigned,
            movement="departure",
            vip=False,
            credits=3,
            attendant_id=hotel.staff["ann"].id,
        )
        db.session.add(work)
        db.session.commit()
        work_id = work.id
    panel = client.get(hotel.url(f"rooms/{blocked}/panel")).get_data(as_text=True)
    assert "Out of order until" in panel and "Air conditioner leaking" in panel
    assert "Today:" not in panel
    panel = client.get(hotel.url(f"rooms/{assigned}/panel")).get_data(as_text=True)
    assert "Today: Departure" in panel and "Ann" in panel and "Not cleaned yet" in panel
    clock.advance(hours=1)
    login(client, "ann")
    assert client.post(hotel.url(f"my-rooms/{work_id}/cleaned")).status_code in (200, 303)
    login(client, "sam")
    panel = client.get(hotel.url(f"rooms/{assigned}/panel")).get_data(as_text=True)
    assert "Cleaned at 11:00" in panel
    clock.set(datetime(2026, 12, 5, 2, 0, tzinfo=UTC))  # the block is over, the day too
    panel = client.get(hotel.url(f"rooms/{blocked}/panel")).get_data(as_text=True)
    assert "Air conditioner leaking" not in panel
    assert "Today:" not in client.get(hotel.url(f"rooms/{assigned}/panel")).get_data(as_text=True)
