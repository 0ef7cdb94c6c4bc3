"""Linen: movements between the linen room, the floors and the laundry, par levels, and
the monthly stocktake, where stock never goes below zero."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from plugins.housekeeping.models import (
    HousekeepingLinenItem,
    HousekeepingLinenMovement,
    HousekeepingStocktake,
)
from tests.conftest import login


@pytest.fixture(autouse=True)
def _frozen(clock):
    clock.set(datetime(2026, 11, 28, 2, 0, tzinfo=UTC))


@pytest.fixture
def towels(app, hotel) -> int:
    with app.app_context():
        item = HousekeepingLinenItem(
            site_id=hotel.site.id, name="Bath towel", in_store=100, on_floors=40, in_laundry=20
        )
        db.session.add(item)
        db.session.commit()
        return item.id


def stock(app, item_id: int) -> tuple[int, int, int]:
    with app.app_context():
        item = db.session.get(HousekeepingLinenItem, item_id)
        return item.in_store, item.on_floors, item.in_laundry


def move(client, hotel, item_id, kind, quantity):
    return client.post(
        hotel.url("linen/movements"),
        data={"item_id": item_id, "kind": kind, "quantity": quantity},
    )


def test_pieces_move_between_the_linen_room_floors_and_laundry(app, client, hotel, towels):
    login(client, "lin")
    assert move(client, hotel, towels, "issued", 30).status_code == 303
    assert stock(app, towels) == (70, 70, 20)
    move(client, hotel, towels, "to_laundry", 50)
    move(client, hotel, towels, "returned", 60)
    move(client, hotel, towels, "purchased", 24)
    move(client, hotel, towels, "discarded", 4)
    assert stock(app, towels) == (150, 20, 10)
    page = client.get(hotel.url("linen")).get_data(as_text=True)
    assert "Sent to laundry" in page and "Discarded" in page


def test_stock_never_goes_below_zero(app, client, hotel, towels):
    login(client, "lin")
    response = move(client, hotel, towels, "to_laundry", 41)
    assert response.status_code == 422
    assert "Only 40 pieces are on the floors." in response.get_data(as_text=True)
    assert stock(app, towels) == (100, 40, 20)
    with app.app_context():
        assert db.session.scalar(select(func.count(HousekeepingLinenMovement.id))) == 0


def test_the_database_refuses_negative_stock_too(app, towels):
    with app.app_context():
        with pytest.raises(IntegrityError):
            db.session.execute(
                update(HousekeepingLinenItem)
                .where(HousekeepingLinenItem.id == towels)
                .values(in_store=HousekeepingLinenItem.in_store - 101)
            )
            db.session.flush()
        db.session.rollback()
    assert stock(app, towels) == (100, 40, 20)


def test_the_stocktake_records_the_discrepancy_with_its_reason(app, client, hotel, towels):
    login(client, "amy")
    counts = {"counted_store": "97", "counted_floors": "40", "counted_laundry": "20"}
    silent = client.post(hotel.url(f"linen/{towels}/stocktake"), data=counts)
    assert silent.status_code == 422
    assert "The count differs from the books: say why." in silent.get_data(as_text=True)
    done = client.post(
        hotel.url(f"linen/{towels}/stocktake"),
        data=counts | {"reason": "Three taken by guests"},
        follow_redirects=True,
    )
    html = done.get_data(as_text=True)
    assert "Bath towel counted: 157 against 160 expected." in html
    assert "(-3)" in html and "Three taken by guests" in html
    with app.app_context():
        take = db.session.scalar(select(HousekeepingStocktake))
        assert (take.period, take.expected, take.counted, take.discrepancy) == (
            "2026-11",
            160,
            157,
            -3,
        )
    # The books now hold what was counted.
    assert stock(app, towels) == (97, 40, 20)
    report = client.get(hotel.url("reports/month?period=2026-11")).get_data(as_text=True)
    assert "Bath towel" in report and "1.9 %" in report


def test_a_negative_count_is_refused_and_nothing_is_written(app, client, hotel, towels):
    login(client, "amy")
    response = client.post(
        hotel.url(f"linen/{towels}/stocktake"),
        data={"counted_store": "-5", "counted_floors": "40", "counted_laundry": "20"},
    )
    assert response.status_code == 422
    assert "Give a number from 0 up." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(HousekeepingStocktake)) is None
    assert stock(app, towels) == (100, 40, 20)


def test_par_levels_per_room_type_give_what_the_hotel_needs(app, client, hotel, towels):
    login(client, "amy")
    response = client.post(hotel.url(f"linen/{towels}/par"), data={"room_type": "King", "par": "4"})
    assert response.status_code == 303
    page = client.get(hotel.url("linen")).get_data(as_text=True)
    # Six King rooms with four towels each.
    assert "King: 4" in page and "One set for every room: 24 pieces" in page
    refused = client.post(hotel.url(f"linen/{towels}/par"), data={"room_type": "Igloo", "par": "4"})
    assert refused.status_code == 422


def test_a_room_attendant_has_no_linen_room(client, hotel, towels):
    login(client, "ann")
    assert client.get(hotel.url("linen")).status_code == 403
