"""The rules of registering: places are limited, the waiting list is served in order."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import OutboxMessage, Resident
from plugins.events import rules
from plugins.events.models import Event, Registration
from tests.conftest import login
from tests.plugins.events.conftest import NOW, add_event, hk, register, statuses


def test_households_get_places_until_the_event_is_full_then_wait(app, estate):
    event = add_event(app, estate.site, capacity=5)
    a, b, c = estate.residents[:3]
    assert register(app, event, a, places=3).status == "confirmed"
    assert register(app, event, b, places=2).status == "confirmed"
    assert register(app, event, c, places=1).status == "waiting"
    with app.app_context():
        places = rules.places_of(db.session.get(Event, event.id))
    assert (places.confirmed, places.waiting, places.free) == (5, 1, 0)


def test_the_waiting_list_is_promoted_in_order_when_someone_cancels(app, estate):
    event = add_event(app, estate.site, capacity=2)
    first, second, third, fourth = estate.residents[:4]
    taken = register(app, event, first, places=2)
    for resident in (second, third, fourth):
        assert register(app, event, resident).status == "waiting"

    with app.app_context():
        promoted = rules.cancel(db.session.get(Registration, taken.id))
        names = [r.resident.name for r in promoted]
        db.session.commit()

    assert names == [second.name, third.name]
    assert statuses(app, event) == {
        first.name: "cancelled",
        second.name: "confirmed",
        third.name: "confirmed",
        fourth.name: "waiting",
    }


def test_a_household_too_large_keeps_its_turn_while_smaller_ones_behind_it_fit(app, estate):
    event = add_event(app, estate.site, capacity=3)
    first, big, small = estate.residents[:3]
    taken = register(app, event, first, places=2)
    register(app, event, big, places=3)
    register(app, event, small, places=1)  # one place was free: confirmed at once
    assert statuses(app, event)[small.name] == "confirmed"
    with app.app_context():
        rules.cancel(db.session.get(Registration, taken.id))
        db.session.commit()
    # Two places free now, the family of three still waits at the head of the queue.
    assert statuses(app, event)[big.name] == "waiting"


def test_promoted_households_are_told_through_the_outbox_once(app, estate):
    event = add_event(app, estate.site, capacity=1)
    first, second = estate.residents[:2]
    taken = register(app, event, first)
    register(app, event, second)
    with app.app_context():
        rules.cancel(db.session.get(Registration, taken.id))
        rules.cancel(db.session.get(Registration, taken.id))  # a second click changes nothing
        db.session.commit()
        messages = db.session.scalars(select(OutboxMessage)).all()
    assert [(m.recipient, m.channel) for m in messages] == [(second.phone, "sms")]
    assert "Lantern evening" in messages[0].body


def test_registering_again_after_cancelling_goes_to_the_back_of_the_queue(app, estate):
    event = add_event(app, estate.site, capacity=1)
    first, second = estate.residents[:2]
    taken = register(app, event, first)
    register(app, event, second)
    with app.app_context():
        rules.cancel(db.session.get(Registration, taken.id))
        db.session.commit()
    again = register(app, event, first, at=NOW + timedelta(minutes=5))
    assert again.id == taken.id and again.status == "waiting"


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"registration_closes_at": NOW - timedelta(hours=1)}, "Registration has closed."),
        ({"registration_opens_at": NOW + timedelta(days=1)}, "Registration has not opened yet."),
        ({"starts_at": NOW - timedelta(hours=1)}, "This event has already started."),
        ({"cancelled_at": NOW}, "This event has been cancelled."),
        ({"min_age": 65}, "This resident is outside the event's age band."),
    ],
)
def test_registration_is_refused_outside_its_window_or_band(app, estate, fields, message):
    event = add_event(app, estate.site, **fields)
    with app.app_context():
        resident = db.session.get(Resident, estate.residents[0].id)
        resident.birth_date = date(1990, 5, 1)
        db.session.commit()
    with pytest.raises(rules.Refused, match=message):
        register(app, event, estate.residents[0])


def test_an_event_for_one_tower_refuses_residents_of_the_other(app, estate):
    event = add_event(app, estate.site, audience="buildings", buildings=[estate.t1])
    in_t1, in_t2 = estate.residents[0], estate.residents[7]
    assert register(app, event, in_t1).status == "confirmed"
    with pytest.raises(rules.Refused, match="does not live in the buildings"):
        register(app, event, in_t2)


def test_a_resident_cannot_be_registered_twice(app, estate):
    event = add_event(app, estate.site)
    register(app, event, estate.residents[0])
    with pytest.raises(rules.Refused, match="already registered"):
        register(app, event, estate.residents[0])


def test_the_database_refuses_an_event_that_ends_before_it_starts(app, estate):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        add_event(app, estate.site, ends_at=hk("2026-11-28T18:00"))


@pytest.mark.postgres_only
def test_twenty_staff_registering_at_once_never_overfill_the_last_five_places(app, make, estate):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("needs PostgreSQL: SQLite lets one writer in at a time anyway")
    event = add_event(app, estate.site, capacity=10)
    for resident in estate.residents[:5]:
        register(app, event, resident)  # five places left
    unit = make.unit(estate.t1, number="99Z")
    latecomers = [make.resident(estate.site, unit, name=f"Latecomer {n:02d}") for n in range(20)]
    # Twenty front-desk phones, each with its own session and database connection.
    clients = []
    for _ in latecomers:
        client = app.test_client()
        assert login(client, estate.butler.username).status_code == 302
        clients.append(client)
    start = threading.Barrier(len(latecomers))
    answers: list[int] = []
    errors: list[BaseException] = []

    def staff_member(client, resident: Resident) -> None:
        try:
            start.wait(timeout=20)
            response = client.post(
                f"{estate.url}/{event.id}/register",
                data={"resident_id": resident.id, "places": 1, "channel": "phone"},
            )
            answers.append(response.status_code)
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [
        threading.Thread(target=staff_member, args=pair)
        for pair in zip(clients, latecomers, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert answers == [303] * 20
    with app.app_context():
        rows = db.session.execute(
            select(Registration.status, func.sum(Registration.places))
            .where(Registration.event_id == event.id)
            .group_by(Registration.status)
        ).all()
    assert dict(rows) == {"confirmed": 10, "waiting": 15}
