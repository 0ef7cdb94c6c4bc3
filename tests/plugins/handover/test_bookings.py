"""Booking owners into handover slots: the front desk books, a full slot says so, twenty
owners booked at the same moment never overfill a slot, a cancelled booking frees its
place; other sites' slots and units are 404s, and the plugin off is a 404."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from core.extensions import db
from plugins.handover.models import HandoverBooking, HandoverRoom, HandoverSlot
from tests.conftest import login
from tests.plugins.handover.conftest import book, open_slot

OWNERS = 20
CAPACITY = 3


def _booking_form(slot_id: int, unit_id: int, owner: str = "Lam Ka Yan") -> dict:
    return {"slot_id": slot_id, "unit_id": unit_id, "owner_name": owner, "owner_phone": "91230001"}


def test_the_front_desk_books_an_owner_and_the_inspection_is_laid_out(app, client, auth, estate):
    slot = open_slot(app, estate.site, capacity=2)
    auth.login("fay")
    answer = client.post(f"{estate.url}/bookings", data=_booking_form(slot, estate.units[0].id))
    assert answer.status_code == 303
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Handover of T1-1A" in page
    assert "Lam Ka Yan" in page
    for room in ("Living room", "Bedroom", "Kitchen", "Bathroom"):
        assert room in page
    listing = client.get(f"{estate.url}/").get_data(as_text=True)
    assert "1 of 2" in listing
    assert "T1-1A" in listing


def test_a_full_slot_is_refused_next_to_the_slot_and_writes_nothing(app, client, auth, estate):
    slot = open_slot(app, estate.site, capacity=1)
    book(app, estate.site, estate.units[0], slot_id=slot)
    auth.login("fay")
    answer = client.post(
        f"{estate.url}/bookings", data=_booking_form(slot, estate.units[1].id, "Cheung")
    )
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert 'id="slot_id-error"' in page
    assert 'value="Cheung"' in page  # nothing typed is lost
    with app.app_context():
        assert db.session.scalar(select(func.count(HandoverBooking.id))) == 1
        assert db.session.get(HandoverSlot, slot).booked == 1


def test_a_unit_is_booked_once(app, client, auth, estate):
    book(app, estate.site, estate.units[0])
    slot = open_slot(app, estate.site, days=2)
    auth.login("fay")
    answer = client.post(f"{estate.url}/bookings", data=_booking_form(slot, estate.units[0].id))
    assert answer.status_code == 422
    assert "This unit is booked or handed over already." in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(HandoverSlot, slot).booked == 0


def test_an_empty_owner_and_a_bad_email_are_refused_next_to_their_fields(app, client, auth, estate):
    slot = open_slot(app, estate.site)
    auth.login("fay")
    data = _booking_form(slot, estate.units[0].id, "") | {"owner_email": "not an address"}
    answer = client.post(f"{estate.url}/bookings", data=data)
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert 'id="owner_name-error"' in page
    assert 'id="owner_email-error"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count(HandoverBooking.id))) == 0


def test_a_cancelled_booking_gives_its_place_back(app, client, auth, estate):
    slot = open_slot(app, estate.site, capacity=1)
    booking = book(app, estate.site, estate.units[0], slot_id=slot)
    auth.login("fay")
    assert client.post(f"{estate.url}/bookings/{booking}/cancel").status_code == 303
    with app.app_context():
        assert db.session.get(HandoverSlot, slot).booked == 0
    # The unit may be booked again, into the freed place.
    assert book(app, estate.site, estate.units[0], slot_id=slot)


def test_a_manager_opens_a_slot_and_the_same_time_twice_is_refused(app, client, auth, estate):
    auth.login("mia")
    data = {"day": "2099-01-05", "at": "10:00", "minutes": "60", "capacity": "4"}
    assert client.post(f"{estate.url}/slots", data=data).status_code == 303
    again = client.post(f"{estate.url}/slots", data=data)
    assert again.status_code == 422
    assert "There is a slot at that time already." in again.get_data(as_text=True)
    bad = client.post(f"{estate.url}/slots", data=data | {"capacity": "0", "at": "25:00"})
    assert bad.status_code == 422
    assert 'id="capacity-error"' in bad.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(HandoverSlot.id))) == 1


def test_the_front_desk_books_but_does_not_open_slots_nor_inspect(app, client, auth, estate):
    booking = book(app, estate.site, estate.units[0])
    auth.login("fay")
    data = {"day": "2099-01-05", "at": "10:00", "minutes": "60", "capacity": "4"}
    assert client.post(f"{estate.url}/slots", data=data).status_code == 403
    assert (
        client.post(f"{estate.url}/bookings/{booking}/rooms", data={"name": "x"}).status_code == 403
    )


def test_twenty_simultaneous_bookings_never_overfill_a_slot(app, make, estate):
    """Twenty owners of twenty units, booked by twenty people at the same moment into a
    slot for three: three are booked, seventeen told the slot is full."""
    slot = open_slot(app, estate.site, capacity=CAPACITY)
    units = [make.unit(estate.t2, number=f"{n + 10}B", floor=n + 1) for n in range(OWNERS)]
    clients = []
    for n in range(OWNERS):
        make.user(role="front_desk", site=estate.site, username=f"desk{n}")
        client = app.test_client()
        assert login(client, f"desk{n}").status_code == 302
        clients.append(client)
    start = threading.Barrier(OWNERS)
    answers: list[int] = []
    errors: list[BaseException] = []

    def work(n: int, client) -> None:
        try:
            start.wait(timeout=30)
            data = _booking_form(slot, units[n].id, f"Owner {n}")
            answers.append(client.post(f"{estate.url}/bookings", data=data).status_code)
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n, c)) for n, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(answers) == [303] * CAPACITY + [422] * (OWNERS - CAPACITY)
    with app.app_context():
        assert db.session.get(HandoverSlot, slot).booked == CAPACITY
        assert db.session.scalar(select(func.count(HandoverBooking.id))) == CAPACITY
        # Each booking laid out its own rooms, none of the refused ones did.
        assert db.session.scalar(select(func.count(HandoverRoom.id))) == 4 * CAPACITY


def test_another_sites_slot_and_unit_are_404s(app, client, auth, make, estate):
    other = make.estate(plugins=["handover"], units=[{"number": "9Z"}])
    theirs = open_slot(app, other.site)
    ours = open_slot(app, estate.site)
    auth.login("fay")
    answer = client.post(f"{estate.url}/bookings", data=_booking_form(ours, other.unit.id))
    assert answer.status_code in (404, 422)
    answer = client.post(f"{estate.url}/bookings", data=_booking_form(theirs, estate.units[0].id))
    assert answer.status_code in (404, 422)
    booking = book(app, other.site, other.unit, slot_id=theirs)
    assert client.get(f"{estate.url}/bookings/{booking}").status_code == 404
    with app.app_context():
        assert db.session.get(HandoverSlot, ours).booked == 0


def test_off_for_the_site_it_is_a_404_and_not_in_the_bar(app, client, auth, make, estate):
    make.update(estate.switch, enabled=False)
    auth.login("mia")
    assert client.get(f"{estate.url}/").status_code == 404
    assert "/handover/" not in client.get(f"/s/{estate.site.slug}/").get_data(as_text=True)


def test_owners_are_reminded_the_day_before_once(app, clock, estate):
    from datetime import timedelta

    from core.models import OutboxMessage, Site
    from plugins.handover.jobs import remind_owners

    slot = open_slot(app, estate.site, days=2, hour=10)
    book(app, estate.site, estate.units[0], slot_id=slot, email="lam@example.com")
    with app.app_context():
        starts = db.session.get(HandoverSlot, slot).starts_at
    clock.set(starts - timedelta(days=1))
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        assert remind_owners(site, clock.now()) == 1
        assert remind_owners(site, clock.now()) == 0  # never twice
        db.session.commit()
        mail = db.session.scalars(select(OutboxMessage)).one()
    assert mail.channel == "email" and mail.recipient == "lam@example.com"
    assert "identity card" in mail.body


def test_the_site_search_finds_a_booking_by_the_owners_name(app, client, auth, make, estate):
    book(app, estate.site, estate.units[0], owner="Lam Ka Yan")
    other = make.estate(plugins=["handover"], units=[{"number": "9Z"}])
    book(app, other.site, other.unit, owner="Lam Other Site")
    auth.login("fay")
    page = client.get(f"/s/{estate.site.slug}/search?q=Lam").get_data(as_text=True)
    assert "Lam Ka Yan · T1-1A" in page
    assert "Lam Other Site" not in page
    assert "Lam Ka Yan" not in client.get(f"/s/{estate.site.slug}/search?q=%25").get_data(True)
