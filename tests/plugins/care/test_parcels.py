"""Parcels while a resident is away (信件簽收): signed in with a photo, the unit's away
instructions in front of the front desk, the resident told, handed over to a named person
who signs on the phone; parcels held too long stand out."""

from __future__ import annotations

import base64
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import AuditLog, OutboxMessage, Site
from core.testing.photos import same_picture
from plugins.care import jobs
from plugins.care.demo import signature_png
from plugins.care.models import CareAway, CareParcel

SIGNED = "data:image/png;base64," + base64.b64encode(signature_png()).decode()
# A canvas nobody drew on: the same size, all transparent.
BLANK = "data:image/png;base64," + base64.b64encode(signature_png(height=1)).decode()


@pytest.fixture
def away(app, client, auth, estate):
    """Chan Tai Man's family (Tower 1, 1A) are in Japan for ten days."""
    auth.login("fay")
    answer = client.post(
        f"{estate.url}/away",
        data={
            "unit_id": estate.units[0].id,
            "starts_on": estate.today.isoformat(),
            "ends_on": (estate.today + timedelta(days=10)).isoformat(),
            "hold_parcels": "y",
            "may_enter": "Maria the helper, on Tuesdays",
            "do_not_allow": "Contractors without a call",
            "note": "Call the daughter on 9123 4567",
        },
    )
    assert answer.status_code == 303
    return estate.units[0]


def _sign_in(client, estate, unit, photo: bytes | None = None, **fields):
    url = estate.url if isinstance(estate.url, str) else estate.url("care")
    data = {"unit_id": str(unit.id), "carrier": "SF Express", "shelf": "A2", **fields}
    if photo is not None:
        data["photo"] = (io.BytesIO(photo), "parcel.png")
    return client.post(f"{url}/parcels/new", data=data, content_type="multipart/form-data")


def _parcel(app) -> CareParcel:
    with app.app_context():
        parcel = db.session.scalar(select(CareParcel))
        db.session.expunge_all()
        return parcel


def test_the_front_desk_sees_the_units_away_instructions_when_signing_in(
    client, auth, estate, away
):
    form = client.get(f"{estate.url}/parcels/new?unit_id={away.id}").get_data(as_text=True)
    assert "is away until" in form and "Maria the helper, on Tuesdays" in form
    assert "Contractors without a call" in form
    # Chosen in the form, the instructions are fetched for the unit.
    part = client.get(f"{estate.url}/parcels/instructions?unit_id={away.id}")
    assert "Call the daughter on 9123 4567" in part.get_data(as_text=True)
    other = client.get(f"{estate.url}/parcels/instructions?unit_id={estate.units[2].id}")
    assert "No away instructions" in other.get_data(as_text=True)


def test_a_parcel_is_signed_in_with_a_photo_and_its_page_shows_the_instructions(
    app, client, auth, estate, away
):
    answer = _sign_in(client, estate, away, signature_png(), tracking_number="SF123")
    assert answer.status_code == 303
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "SF123" in page and "Maria the helper, on Tuesdays" in page
    parcel = _parcel(app)
    assert parcel.resident_id == estate.residents["Chan Tai Man"].id
    photo = client.get(f"{estate.url}/parcels/{parcel.id}/photo")
    assert photo.status_code == 200 and photo.mimetype == "image/png"


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_kept(app, client, auth, estate):
    auth.login("fay")
    answer = _sign_in(client, estate, estate.units[0], b"GIF89a not a photo")
    assert answer.status_code == 422
    assert "Only photos in JPEG, PNG or WebP" in answer.get_data(as_text=True)
    no_carrier = _sign_in(client, estate, estate.units[0], carrier="")
    assert "Name the carrier." in no_carrier.get_data(as_text=True)
    assert _parcel(app) is None


def test_the_resident_is_told_by_message_in_their_language(app, client, auth, estate):
    auth.login("fay")
    location = _sign_in(client, estate, estate.units[0]).headers["Location"]
    assert client.post(f"{location}/told", data={"how": "message"}).status_code == 303
    with app.app_context():
        [message] = db.session.scalars(select(OutboxMessage)).all()
        assert message.recipient == "91000001"
        assert "SF Express" in message.body and "shelf A2" in message.body
    assert "By message" in client.get(location).get_data(as_text=True)


def test_no_message_to_a_resident_who_did_not_agree(app, client, auth, make, estate):
    make.update(estate.residents["Chan Tai Man"], consent_sms=False)
    auth.login("fay")
    location = _sign_in(client, estate, estate.units[0]).headers["Location"]
    answer = client.post(f"{location}/told", data={"how": "message"})
    assert answer.status_code == 422
    assert "has not agreed to messages" in answer.get_data(as_text=True)
    assert _parcel(app).told_at is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"handed_to": "", "signature": SIGNED}, "Write the name of the person who takes"),
        ({"handed_to": "Maria", "signature": ""}, "Ask the receiver to sign on the screen."),
        ({"handed_to": "Maria", "signature": BLANK}, "Ask the receiver to sign on the screen."),
        ({"handed_to": "Maria", "signature": "data:image/png;base64,@@@"}, "could not be read"),
        ({"handed_to": "Maria", "signature": "javascript:alert(1)"}, "Ask the receiver to sign"),
    ],
)
def test_a_hand_over_without_a_name_and_a_signature_is_refused(
    app, client, auth, estate, data, message
):
    auth.login("fay")
    location = _sign_in(client, estate, estate.units[0]).headers["Location"]
    answer = client.post(f"{location}/hand-over", data=data)
    assert answer.status_code == 422
    assert message in answer.get_data(as_text=True)
    parcel = _parcel(app)
    assert parcel.handed_at is None and parcel.signature_key == ""


def test_a_parcel_is_handed_over_with_the_signature_once(app, client, auth, estate):
    auth.login("fay")
    location = _sign_in(client, estate, estate.units[0]).headers["Location"]
    answer = client.post(f"{location}/hand-over", data={"handed_to": "Maria", "signature": SIGNED})
    assert answer.status_code == 303
    page = client.get(location).get_data(as_text=True)
    assert "Maria" in page and "Hand the parcel over" not in page
    signature = client.get(f"{location}/signature")
    assert signature.status_code == 200 and same_picture(signature.data, signature_png())
    again = client.post(f"{location}/hand-over", data={"handed_to": "Joe", "signature": SIGNED})
    assert again.status_code == 409
    with app.app_context():
        actions = list(
            db.session.scalars(select(AuditLog.action).where(AuditLog.action.like("care.parcel.%")))
        )
    assert actions == ["care.parcel.signed_in", "care.parcel.handed_over"]


def test_a_parcel_held_too_long_stands_out_and_its_resident_is_reminded_once(
    app, client, auth, estate, clock
):
    auth.login("fay")
    _sign_in(client, estate, estate.units[0])
    register = client.get(f"{estate.url}/parcels").get_data(as_text=True)
    assert "care-too-long" not in register
    clock.advance(days=8)
    auth.login("fay")
    register = client.get(f"{estate.url}/parcels").get_data(as_text=True)
    assert 'class="care-too-long"' in register and "held too long" in register
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        assert jobs.remind_held_parcels(site, clock.now()) == 1
        assert jobs.remind_held_parcels(site, clock.now()) == 0
        db.session.commit()
        [message] = db.session.scalars(select(OutboxMessage)).all()
        assert "still waiting" in message.subject


def test_an_away_period_back_before_it_leaves_is_refused(app, client, auth, estate):
    auth.login("fay")
    answer = client.post(
        f"{estate.url}/away",
        data={
            "unit_id": estate.units[0].id,
            "starts_on": estate.today.isoformat(),
            "ends_on": (estate.today - timedelta(days=1)).isoformat(),
        },
    )
    assert answer.status_code == 422
    assert "The return cannot be before the departure." in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(CareAway)).all() == []


def test_back_home_ends_the_away_period(app, client, auth, estate, away):
    with app.app_context():
        away_id = db.session.scalar(select(CareAway.id))
    assert client.post(f"{estate.url}/away/{away_id}/end").status_code == 303
    form = client.get(f"{estate.url}/parcels/new?unit_id={away.id}").get_data(as_text=True)
    assert "Maria the helper" not in form


def test_another_sites_unit_and_parcel_are_404s(app, client, auth, make, estate, clock):
    other = make.estate(plugins=["care"], units=[{"number": "1A"}], staff={"oz": "front_desk"})
    auth.login("fay")
    assert _sign_in(client, estate, other.units[0]).status_code == 404
    assert (
        client.get(f"{estate.url}/parcels/instructions?unit_id={other.units[0].id}").status_code
        == 404
    )
    with app.app_context():
        parcel = CareParcel(
            site_id=other.site.id,
            unit_id=other.units[0].id,
            carrier="DHL",
            received_at=clock.now(),
            received_by_id=other.staff["oz"].id,
        )
        db.session.add(parcel)
        db.session.commit()
        parcel_id = parcel.id
    assert client.get(f"{estate.url}/parcels/{parcel_id}").status_code == 404
    assert (
        client.post(f"{estate.url}/parcels/{parcel_id}/told", data={"how": "phone"}).status_code
        == 404
    )
