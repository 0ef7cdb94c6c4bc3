"""Supplies: stock, what goes to the floors, the weekly requisition; cleaning machines."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from core.extensions import db
from plugins.housekeeping.models import (
    HousekeepingMachine,
    HousekeepingRequisition,
    HousekeepingSupply,
)
from tests.conftest import login


@pytest.fixture(autouse=True)
def _friday(clock):
    clock.set(datetime(2026, 11, 20, 2, 0, tzinfo=UTC))  # Friday 20 November, Hong Kong


@pytest.fixture
def shampoo(app, hotel) -> int:
    with app.app_context():
        supply = HousekeepingSupply(
            site_id=hotel.site.id, name="Shampoo 30 ml", kind="guest", in_stock=500, par=600
        )
        db.session.add(supply)
        db.session.commit()
        return supply.id


def in_stock(app, supply_id: int) -> int:
    with app.app_context():
        return db.session.get(HousekeepingSupply, supply_id).in_stock


def test_the_weekly_requisition_is_drafted_approved_and_received(
    app, client, hotel, shampoo, clock
):
    login(client, "lin")
    # This week 180 bottles went to the floors.
    for quantity in (100, 80):
        response = client.post(
            hotel.url("supplies/use"), data={"supply_id": shampoo, "quantity": quantity}
        )
        assert response.status_code == 303
    assert in_stock(app, shampoo) == 320
    clock.set(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))  # Monday: the next week
    login(client, "lin")  # a new day, a new session
    drafted = client.post(hotel.url("requisitions"), follow_redirects=True)
    html = drafted.get_data(as_text=True)
    # Back to the par of 600 after a week like the last: 600 + 180 - 320.
    assert "Requisition, week of 2026-11-23" in html and "<strong>460</strong>" in html
    with app.app_context():
        requisition_id = db.session.scalar(select(HousekeepingRequisition.id))
    # The linen attendant drafts; the assistant executive housekeeper approves.
    assert client.post(hotel.url(f"requisitions/{requisition_id}/approve")).status_code == 403
    client.post("/logout")
    login(client, "amy")
    client.post(hotel.url(f"requisitions/{requisition_id}/approve"))
    client.post(hotel.url(f"requisitions/{requisition_id}/receive"))
    assert in_stock(app, shampoo) == 780
    with app.app_context():
        assert db.session.get(HousekeepingRequisition, requisition_id).status == "received"
    # Received once only.
    client.post(hotel.url(f"requisitions/{requisition_id}/receive"))
    assert in_stock(app, shampoo) == 780


def test_supplies_never_go_below_zero(app, client, hotel, shampoo, clock):
    login(client, "lin")
    response = client.post(hotel.url("supplies/use"), data={"supply_id": shampoo, "quantity": 501})
    assert response.status_code == 422
    assert "Only 500 in stock." in response.get_data(as_text=True)
    assert in_stock(app, shampoo) == 500


def test_machines_are_listed_and_checked(app, client, hotel):
    login(client, "amy")
    added = client.post(
        hotel.url("machines"), data={"code": "V-01", "name": "Vacuum", "location": "Floor 11"}
    )
    assert added.status_code == 303
    twice = client.post(hotel.url("machines"), data={"code": "V-01", "name": "Vacuum"})
    assert twice.status_code == 422
    assert "The inventory already has this number." in twice.get_data(as_text=True)
    with app.app_context():
        machine_id = db.session.scalar(select(HousekeepingMachine.id))
    client.post(hotel.url(f"machines/{machine_id}"), data={"condition": "repair"})
    with app.app_context():
        assert db.session.get(HousekeepingMachine, machine_id).condition == "repair"
