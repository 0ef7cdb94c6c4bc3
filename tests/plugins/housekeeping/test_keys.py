"""Master keys: issued at shift start, signed back at shift end, one holder at a time."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import AuditLog
from plugins.housekeeping.models import HousekeepingKey, HousekeepingKeyIssue
from tests.conftest import login

# 10:00 in Hong Kong.
MORNING = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _morning(clock):
    clock.set(MORNING)


@pytest.fixture
def key(app, hotel) -> int:
    with app.app_context():
        key = HousekeepingKey(site_id=hotel.site.id, code="MK-01", opens="Floors 11-12")
        db.session.add(key)
        db.session.commit()
        return key.id


def issue(client, hotel, key_id: int, holder: str, shift: str = "morning"):
    return client.post(
        hotel.url(f"keys/{key_id}/issue"),
        data={"holder_id": hotel.staff[holder].id, "shift": shift},
    )


def open_custodies(app) -> list[HousekeepingKeyIssue]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(HousekeepingKeyIssue).where(HousekeepingKeyIssue.returned_at.is_(None))
            )
        )


def test_a_key_is_issued_for_the_shift_and_signed_back(app, client, hotel, key, clock):
    login(client, "sam")
    assert issue(client, hotel, key, "ann").status_code == 303
    html = client.get(hotel.url("keys")).get_data(as_text=True)
    assert "Out with Ann until" in html and "3:00" in html  # 15:00 local, end of the shift
    [custody] = open_custodies(app)
    assert custody.shift_ends_at == datetime(2026, 11, 28, 7, 0, tzinfo=UTC)
    clock.set(MORNING + timedelta(hours=4))
    login(client, "sam")  # four idle hours end a session: she logs in again
    assert client.post(hotel.url(f"key-issues/{custody.id}/return")).status_code == 303
    assert open_custodies(app) == []
    html = client.get(hotel.url("keys")).get_data(as_text=True)
    assert "In the office" in html
    with app.app_context():
        actions = db.session.scalars(
            select(AuditLog.action)
            .where(AuditLog.action.like("housekeeping.key_%"))
            .order_by(AuditLog.id)
        ).all()
    assert actions == ["housekeeping.key_issued", "housekeeping.key_returned"]


def test_a_key_cannot_be_issued_twice(app, client, hotel, key, clock):
    login(client, "sam")
    issue(client, hotel, key, "ann")
    second = issue(client, hotel, key, "al")
    assert second.status_code == 409
    assert "Key MK-01 is already out with Ann: it must be signed back first." in (
        second.get_data(as_text=True)
    )
    [custody] = open_custodies(app)
    assert custody.holder_id == hotel.staff["ann"].id


@pytest.mark.postgres_only
def test_a_key_cannot_be_issued_twice_even_by_twenty_people_at_once(app, hotel, key):
    """20 supervisors press "Issue" together: one custody, nineteen clear refusals.

    Written for PostgreSQL, where the twenty transactions really overlap and the partial
    unique index decides; it also runs on SQLite, which lets one writer in at a time.
    """
    clients = []
    for n in range(20):
        client = app.test_client()
        assert login(client, "sam").status_code == 302, n
        clients.append(client)
    start = threading.Barrier(20)
    answers: list[int] = []
    errors: list[BaseException] = []

    def press(client, holder) -> None:
        try:
            start.wait(timeout=20)
            response = issue(client, hotel, key, holder)
            body = response.get_data(as_text=True)
            answers.append(response.status_code)
            if response.status_code == 409:
                assert "is already out" in body
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [
        threading.Thread(target=press, args=(c, "ann" if n % 2 else "al"))
        for n, c in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(answers) == [303] + [409] * 19
    assert len(open_custodies(app)) == 1
    with app.app_context():
        issued = db.session.scalar(
            select(func.count(AuditLog.id)).where(AuditLog.action == "housekeeping.key_issued")
        )
    assert issued == 1


def test_the_database_refuses_a_second_open_custody(app, hotel, key):
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        for holder in ("ann", "al"):
            db.session.add(
                HousekeepingKeyIssue(
                    site_id=hotel.site.id,
                    key_id=key,
                    holder_id=hotel.staff[holder].id,
                    shift_ends_at=MORNING,
                )
            )
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_a_key_still_out_after_the_shift_is_red_on_the_dashboard(app, client, hotel, key, clock):
    login(client, "sam")
    issue(client, hotel, key, "ann")
    clock.set(MORNING + timedelta(hours=6))  # 16:00 local: the morning shift is over
    login(client, "sam")  # after six idle hours, a new session
    dashboard = client.get(f"/s/{hotel.site.slug}/").get_data(as_text=True)
    assert "1 master key is still out after its shift" in dashboard
    assert 'class="staff-warning"' in dashboard
    keys = client.get(hotel.url("keys")).get_data(as_text=True)
    assert "Still out with Ann: the shift ended at" in keys
    client.post("/logout")
    login(client, "eva")
    report = client.get(hotel.url("reports/month?period=2026-11")).get_data(as_text=True)
    assert "MK-01" in report and "Not returned" in report


def test_a_lost_key_is_recorded_and_cannot_be_issued(app, client, hotel, key, clock):
    login(client, "amy")
    issue(client, hotel, key, "ann")
    empty = client.post(hotel.url(f"keys/{key}/lost"), data={"note": ""})
    assert empty.status_code == 422
    assert "Say how the key was lost." in empty.get_data(as_text=True)
    lost = client.post(hotel.url(f"keys/{key}/lost"), data={"note": "Dropped in the chute"})
    assert lost.status_code == 303
    assert open_custodies(app) == []
    refused = issue(client, hotel, key, "al")
    assert refused.status_code == 422
    assert "Key MK-01 is recorded lost." in refused.get_data(as_text=True)


def test_keys_are_added_to_the_register_once(app, client, hotel, key):
    login(client, "amy")
    assert client.post(hotel.url("keys"), data={"code": "GM-01", "opens": "All"}).status_code == 303
    again = client.post(hotel.url("keys"), data={"code": "MK-01"})
    assert again.status_code == 422
    assert "The register already has this key." in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(HousekeepingKey.id))) == 2


def test_an_attendant_cannot_issue_keys(client, hotel, key):
    login(client, "ann")
    assert client.get(hotel.url("keys")).status_code == 403
    assert issue(client, hotel, key, "ann").status_code == 403


def test_a_holder_still_out_after_the_shift_is_texted_once(app, client, hotel, key, clock, make):
    from core.models import OutboxMessage
    from plugins.housekeeping.jobs import chase_overdue_keys

    make.update(hotel.staff["ann"], phone="+852 9123 4567")
    login(client, "sam")
    issue(client, hotel, key, "ann")
    with app.app_context():
        from core.models import Site

        site = db.session.get(Site, hotel.site.id)
        assert chase_overdue_keys(site, MORNING + timedelta(hours=4)) == 0  # shift not over
        assert chase_overdue_keys(site, MORNING + timedelta(hours=6)) == 1
        db.session.commit()
        assert chase_overdue_keys(site, MORNING + timedelta(hours=7)) == 0  # never twice
        db.session.commit()
        [message] = db.session.scalars(select(OutboxMessage)).all()
        assert message.recipient == "+852 9123 4567"
        assert "master key MK-01 is still with you" in message.body
