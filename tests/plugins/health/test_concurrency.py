"""Colleagues working at the same moment: nobody is invited twice, no time is overbooked."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import OutboxMessage
from plugins.health.models import HealthInvitation, HealthSlot
from tests.conftest import login
from tests.plugins.health.helpers import invitation_of, plan_campaign


def _at_once(app, usernames, action) -> tuple[list[int], list[BaseException]]:
    clients = []
    for username in usernames:
        client = app.test_client()
        assert login(client, username).status_code == 302
        clients.append(client)
    start = threading.Barrier(len(clients))
    answers: list[int] = []
    errors: list[BaseException] = []

    def work(n, client) -> None:
        try:
            start.wait(timeout=20)
            answers.append(action(n, client).status_code)
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n, c)) for n, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers, errors


@pytest.mark.postgres_only
def test_two_staff_inviting_the_same_residents_at_once_invite_each_once(app, make, estate):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("needs PostgreSQL: SQLite lets one writer in at a time anyway")
    for n in range(30):
        make.resident(
            estate.site,
            estate.unit,
            name=f"Resident {n:02d}",
            phone=f"9000{n:04d}",
            consent_sms=True,
        )
    make.user(role="health_staff", site=estate.site, username="hugo")
    setup = app.test_client()
    login(setup, "helen")
    campaign_id = plan_campaign(setup, app, estate)
    url = f"{estate.base}/campaigns/{campaign_id}/invite"
    data = {"age_min": "0", "age_max": "150", "household": "any"}
    answers, errors = _at_once(
        app, ["helen", "hugo", "mia"], lambda n, client: client.post(url, data=data)
    )
    assert errors == [] and answers == [303, 303, 303]
    with app.app_context():
        assert db.session.scalar(select(func.count(HealthInvitation.id))) == 30
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 30


@pytest.mark.postgres_only
def test_the_last_place_of_a_time_is_booked_once(app, client, make, estate):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("needs PostgreSQL: SQLite lets one writer in at a time anyway")
    people = [make.resident(estate.site, estate.unit, name=f"Resident {n}") for n in range(6)]
    for n in range(5):
        make.user(role="health_staff", site=estate.site, username=f"nurse{n}")
    login(client, "helen")
    campaign_id = plan_campaign(client, app, estate)
    client.post(
        f"{estate.base}/campaigns/{campaign_id}/slots",
        data={"day": "2026-12-01", "time": "09:00", "capacity": "2"},
    )
    client.post(
        f"{estate.base}/campaigns/{campaign_id}/invite",
        data={"age_min": "0", "age_max": "150", "household": "any"},
    )
    with app.app_context():
        slot_id = db.session.scalar(select(HealthSlot.id))
    invitations = [invitation_of(app, campaign_id, p.id) for p in people]
    answers, errors = _at_once(
        app,
        [f"nurse{n}" for n in range(5)],
        lambda n, c: c.post(
            f"{estate.base}/invitations/{invitations[n]}/book", data={"slot_id": slot_id}
        ),
    )
    assert errors == []
    assert sorted(answers) == [303, 303, 422, 422, 422]
    with app.app_context():
        booked = db.session.scalar(
            select(func.count(HealthInvitation.id)).where(HealthInvitation.slot_id == slot_id)
        )
    assert booked == 2
