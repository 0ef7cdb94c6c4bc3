"""Guests' requests and complaints, and lost property kept, handed back or disposed of."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import AuditLog
from plugins.housekeeping.models import HousekeepingGuestRequest, HousekeepingLostItem
from tests.conftest import login
from tests.plugins.housekeeping.conftest import PNG


@pytest.fixture(autouse=True)
def _frozen(clock):
    # 20 November 2026, 10:00 in Hong Kong.
    clock.set(datetime(2026, 11, 20, 2, 0, tzinfo=UTC))


def switch(client, username: str) -> None:
    client.post("/logout")
    login(client, username)


def test_a_complaint_is_logged_assigned_and_closed_with_the_guests_satisfaction(app, client, hotel):
    login(client, "fay")
    logged = client.post(
        hotel.url("guest-requests"),
        data={
            "room": "1201",
            "kind": "complaint",
            "what": "Noisy air conditioning",
            "assigned_to_id": hotel.staff["ann"].id,
        },
    )
    assert logged.status_code == 303
    page = client.get(hotel.url("guest-requests")).get_data(as_text=True)
    assert "Noisy air conditioning" in page and "Complaint" in page and "Ann" in page
    with app.app_context():
        request_id = db.session.scalar(select(HousekeepingGuestRequest.id))
    switch(client, "ann")
    unrated = client.post(hotel.url(f"guest-requests/{request_id}/close"), data={"outcome": "x"})
    assert unrated.status_code == 422
    assert "Choose how satisfied the guest is." in unrated.get_data(as_text=True)
    closed = client.post(
        hotel.url(f"guest-requests/{request_id}/close"),
        data={"satisfaction": "satisfied", "outcome": "Filter cleaned"},
        follow_redirects=True,
    )
    html = closed.get_data(as_text=True)
    assert "No open requests." in html and "Satisfied" in html and "Filter cleaned" in html
    wrong = client.post(
        hotel.url("guest-requests"), data={"room": "77", "kind": "request", "what": "Towels"}
    )
    assert wrong.status_code == 422 and "There is no room 77." in wrong.get_data(as_text=True)


def log_item(client, hotel, **fields):
    data = {
        "item": "Black umbrella",
        "found_where": "Room 1102",
        "found_by": "Ann",
        "found_on": "2026-11-01",
        "kept_at": "Housekeeping office, shelf B",
        "photo": (io.BytesIO(PNG), "umbrella.png"),
    } | fields
    return client.post(hotel.url("lost-and-found"), data=data, content_type="multipart/form-data")


def item_id(app) -> int:
    with app.app_context():
        return db.session.scalar(
            select(HousekeepingLostItem.id).order_by(HousekeepingLostItem.id.desc())
        )


def test_lost_property_is_disposed_of_only_after_the_days_kept_and_with_a_reason(
    app, client, hotel, clock
):
    login(client, "eva")
    assert (
        client.post(hotel.url("lost-and-found/settings"), data={"lost_days": "30"}).status_code
        == 303
    )
    assert log_item(client, hotel).status_code == 303
    found = item_id(app)
    page = client.get(hotel.url("lost-and-found")).get_data(as_text=True)
    assert "kept 30 days" in page and "Black umbrella" in page and "Dispose of" not in page
    assert client.get(hotel.url(f"lost-and-found/photos/{found}")).data == PNG
    early = client.post(hotel.url(f"lost-and-found/{found}/dispose"), data={"reason": "Unclaimed"})
    assert early.status_code == 422
    assert "It is kept until 2026-12-01" in early.get_data(as_text=True)
    clock.set(datetime(2026, 12, 1, 2, 0, tzinfo=UTC))
    switch(client, "eva")  # eleven days later: a new login
    no_reason = client.post(hotel.url(f"lost-and-found/{found}/dispose"), data={"reason": " "})
    assert no_reason.status_code == 422
    assert "Say why it is disposed of." in no_reason.get_data(as_text=True)
    done = client.post(
        hotel.url(f"lost-and-found/{found}/dispose"),
        data={"reason": "Unclaimed after 30 days: given to charity"},
        follow_redirects=True,
    )
    assert "Black umbrella is disposed of." in done.get_data(as_text=True)
    with app.app_context():
        item = db.session.get(HousekeepingLostItem, found)
        assert item.state == "disposed" and item.disposal_reason.startswith("Unclaimed")
        actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"housekeeping.lost_logged", "housekeeping.lost_disposed"} <= actions
    # A room attendant logs what she finds, but does not dispose of it.
    switch(client, "ann")
    assert log_item(client, hotel, item="Watch").status_code == 303
    watch = item_id(app)
    assert client.post(hotel.url(f"lost-and-found/{watch}/dispose")).status_code == 403


def test_an_owner_claims_an_item_with_an_id_and_a_signature(app, client, hotel):
    login(client, "fay")
    assert log_item(client, hotel, photo=(io.BytesIO(b""), "")).status_code == 303
    found = item_id(app)
    unsigned = client.post(
        hotel.url(f"lost-and-found/{found}/claim"),
        data={"claimed_by": "Mr Chan", "claim_id_seen": "HKID ending 123(4)"},
    )
    assert unsigned.status_code == 422
    assert "The owner signs for the item first." in unsigned.get_data(as_text=True)
    claimed = client.post(
        hotel.url(f"lost-and-found/{found}/claim"),
        data={"claimed_by": "Mr Chan", "claim_id_seen": "HKID ending 123(4)", "signed": "y"},
        follow_redirects=True,
    )
    html = claimed.get_data(as_text=True)
    assert "Black umbrella is handed back." in html and "Mr Chan" in html
    again = client.post(
        hotel.url(f"lost-and-found/{found}/claim"),
        data={"claimed_by": "Someone else", "claim_id_seen": "x", "signed": "y"},
        follow_redirects=True,
    )
    assert "This item is no longer kept." in again.get_data(as_text=True)
