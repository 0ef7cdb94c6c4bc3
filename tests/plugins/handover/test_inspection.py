"""The inspection and the hand-over: the butler ticks each room's checklist, writes down
defects with a photo, and the owner signs the report with a finger; the report lists the
defects and carries the signature, and a copy goes to the owner by e-mail."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from core import signatures
from core.extensions import db
from core.models import OutboxMessage, Unit
from core.testing.photos import same_picture
from plugins.handover.models import HandoverBooking, HandoverDefect, HandoverRoom, HandoverStep
from tests.plugins.handover.conftest import book, room_ids

SIGNED = signatures.data_url(signatures.sample_png())


def _hand_over_form(**changes) -> dict:
    data = {
        "has_id": "y",
        "has_contract": "y",
        "has_payment": "y",
        "keys_count": "4",
        "meter_electricity": "00012.5",
        "meter_water": "0003",
        "meter_gas": "",
        "signed_by": "Lam Ka Yan",
        "signature": SIGNED,
    }
    return data | changes


def _defect_form(room_id: int, **changes) -> dict:
    data = {
        "room_id": str(room_id),
        "kind": "plumbing",
        "severity": "major",
        "place": "Basin tap drips",
        "description": "Drips when closed",
        "contractor": "Kwong Plumbing",
        "due_on": "",
        "photo": (io.BytesIO(signatures.sample_png()), "tap.png", "image/png"),
    }
    return data | changes


def test_a_room_is_inspected_item_by_item(app, client, auth, estate):
    booking = book(app, estate.site, estate.units[0])
    living, *_ = room_ids(app, booking)
    auth.login("ben")
    answer = client.post(
        f"{estate.url}/rooms/{living}",
        data={"passed": ["walls", "floors", "doors"], "note": "Scuff"},
    )
    assert answer.status_code == 303
    with app.app_context():
        room = db.session.get(HandoverRoom, living)
        assert room.passed_items == ["walls", "floors", "doors"]
        assert room.inspected_at is not None
    page = client.get(f"{estate.url}/bookings/{booking}").get_data(as_text=True)
    assert "inspected" in page


def test_a_defect_with_its_photo_the_signature_and_the_report(app, client, auth, estate):
    booking = book(app, estate.site, estate.units[0])
    rooms = room_ids(app, booking)
    auth.login("ben")
    answer = client.post(
        f"{estate.url}/bookings/{booking}/defects",
        data=_defect_form(rooms[-1]),
        content_type="multipart/form-data",
    )
    assert answer.status_code == 303
    answer = client.post(f"{estate.url}/bookings/{booking}/hand-over", data=_hand_over_form())
    assert answer.status_code == 303
    report = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Handover report of T1-1A" in report
    assert "Plumbing · Basin tap drips" in report
    assert "Kwong Plumbing" in report
    assert 'id="report-signature"' in report
    assert "Signed by Lam Ka Yan" in report
    assert 'id="report-keys">4<' in report
    with app.app_context():
        defect = db.session.scalars(select(HandoverDefect)).one()
        handed = db.session.get(HandoverBooking, booking)
        assert handed.status == "handed_over" and handed.keys_count == 4
        assert db.session.get(Unit, estate.units[0].id).status == "vacant"
        assert db.session.scalars(select(HandoverStep.step)).all() == ["handed_over"]
        mail = db.session.scalars(select(OutboxMessage)).one()
    photo = client.get(f"{estate.url}/defects/{defect.id}/photo")
    assert photo.status_code == 200 and same_picture(photo.data, signatures.sample_png())
    signature = client.get(f"{estate.url}/bookings/{booking}/signature")
    assert same_picture(signature.data, signatures.sample_png())
    assert mail.channel == "email" and mail.recipient == "lam@example.com"
    assert "Basin tap drips" in mail.body and f"/bookings/{booking}/report" in mail.body


def test_without_a_signature_or_the_documents_the_keys_stay(app, client, auth, estate):
    booking = book(app, estate.site, estate.units[0])
    auth.login("ben")
    url = f"{estate.url}/bookings/{booking}/hand-over"
    unsigned = client.post(url, data=_hand_over_form(signature=""))
    assert unsigned.status_code == 422
    assert "Ask the owner to sign on the screen." in unsigned.get_data(as_text=True)
    blank = signatures.data_url(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    assert client.post(url, data=_hand_over_form(signature=blank)).status_code == 422
    missing = client.post(url, data=_hand_over_form(has_payment=""))
    assert missing.status_code == 422
    assert 'id="has_id-error"' in missing.get_data(as_text=True)
    no_keys = client.post(url, data=_hand_over_form(keys_count="0"))
    assert 'id="keys_count-error"' in no_keys.get_data(as_text=True)
    meters = client.post(url, data=_hand_over_form(meter_water="lots"))
    assert 'id="meter_water-error"' in meters.get_data(as_text=True)
    assert 'value="lots"' in meters.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(HandoverBooking, booking).status == "booked"
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert client.post(url, data=_hand_over_form()).status_code == 303
    again = client.post(url, data=_hand_over_form())
    assert again.status_code == 409


def test_a_photo_that_is_not_a_photo_is_refused_and_nothing_is_written(app, client, auth, estate):
    booking = book(app, estate.site, estate.units[0])
    rooms = room_ids(app, booking)
    auth.login("ben")
    gif = (io.BytesIO(b"GIF89a not a photo"), "tap.gif", "image/gif")
    answer = client.post(
        f"{estate.url}/bookings/{booking}/defects",
        data=_defect_form(rooms[0], photo=gif),
        content_type="multipart/form-data",
    )
    assert answer.status_code == 422
    assert 'id="photo-error"' in answer.get_data(as_text=True)
    empty = client.post(
        f"{estate.url}/bookings/{booking}/defects",
        data=_defect_form(rooms[0], place=""),
        content_type="multipart/form-data",
    )
    assert "Say where the defect is." in empty.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(HandoverDefect.id))) == 0


def test_a_room_is_added_on_the_spot(app, client, auth, estate):
    booking = book(app, estate.site, estate.units[0])
    auth.login("ben")
    answer = client.post(f"{estate.url}/bookings/{booking}/rooms", data={"name": "Balcony"})
    assert answer.status_code == 303
    assert room_ids(app, booking)[-1]
    assert "Balcony" in client.get(f"{estate.url}/bookings/{booking}").get_data(as_text=True)
    assert (
        client.post(f"{estate.url}/bookings/{booking}/rooms", data={"name": ""}).status_code == 422
    )
