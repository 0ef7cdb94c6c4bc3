"""The deep-cleaning schedule and uniforms."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from core.extensions import db
from plugins.housekeeping.models import HousekeepingDeepClean, HousekeepingUniformIssue
from tests.conftest import login


@pytest.fixture(autouse=True)
def _wednesday(clock):
    # Wednesday 25 November 2026 in Hong Kong: the week ends on Sunday the 29th.
    clock.set(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))


def test_what_is_due_this_week_follows_each_rooms_cycle(app, client, hotel):
    login(client, "amy")
    assert client.get(hotel.url("deep-cleaning")).get_data(as_text=True).count("<tr>") == 0
    response = client.post(
        hotel.url("deep-cleaning/cycles"),
        data={"kind": "carpet", "every_days": "90", "starts_on": "2026-11-27"},
    )
    assert response.status_code == 303
    with app.app_context():
        # 1101 was shampooed a month ago: not due; 1102 four months ago: due.
        for number, done_on in (("1101", date(2026, 10, 25)), ("1102", date(2026, 7, 20))):
            db.session.add(
                HousekeepingDeepClean(
                    site_id=hotel.site.id,
                    unit_id=hotel.room(number),
                    kind="carpet",
                    done_on=done_on,
                )
            )
        db.session.commit()
    page = client.get(hotel.url("deep-cleaning")).get_data(as_text=True)
    assert "every 90 days" in page and "5 rooms are due" in page
    assert ">1102<" in page and ">1101<" not in page
    done = client.post(
        hotel.url("deep-cleaning/done"),
        data={"unit_id": hotel.room("1102"), "kind": "carpet"},
        follow_redirects=True,
    )
    html = done.get_data(as_text=True)
    assert "Room 1102: Carpet shampoo done." in html and ">1102<" not in html


def test_a_bad_cycle_is_refused_with_a_message(app, client, hotel):
    login(client, "amy")
    response = client.post(
        hotel.url("deep-cleaning/cycles"),
        data={"kind": "carpet", "every_days": "0", "starts_on": "2026-11-27"},
    )
    assert response.status_code == 422
    assert "Give a number of days from 1 to 3650." in response.get_data(as_text=True)


def test_a_uniform_is_issued_and_returned_with_its_condition(app, client, hotel):
    login(client, "lin")
    response = client.post(
        hotel.url("uniforms"),
        data={
            "holder_id": hotel.staff["ann"].id,
            "item": "Tunic",
            "size": "M",
            "quantity": "2",
            "condition_out": "new",
        },
    )
    assert response.status_code == 303
    page = client.get(hotel.url("uniforms")).get_data(as_text=True)
    assert "Ann" in page and "Tunic × 2" in page and "2026-11-25 · New" in page
    with app.app_context():
        issued = db.session.scalar(select(HousekeepingUniformIssue))
    client.post(hotel.url(f"uniforms/{issued.id}/return"), data={"condition_in": "worn"})
    page = client.get(hotel.url("uniforms")).get_data(as_text=True)
    assert "2026-11-25 · Worn" in page


def test_a_uniform_without_an_item_is_refused(app, client, hotel):
    login(client, "lin")
    response = client.post(
        hotel.url("uniforms"),
        data={"holder_id": hotel.staff["ann"].id, "item": "", "size": "M", "quantity": "1"},
    )
    assert response.status_code == 422
    assert "Name the item." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(HousekeepingUniformIssue)) is None
