"""Birthdays: the butler sees today's and this week's in their buildings and greets each
resident once a year, through a channel the resident agreed to, in their language."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from core.models import OutboxMessage, Resident
from plugins.care import rules
from plugins.care.models import CareGreeting, CareSetting
from tests.conftest import login
from tests.plugins.care.conftest import born


def _greetings(app) -> list[tuple[str, str]]:
    with app.app_context():
        return db.session.execute(
            select(Resident.name, CareGreeting.method).join(
                Resident, Resident.id == CareGreeting.resident_id
            )
        ).all()


def _messages(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return rows


def test_the_butler_sees_todays_and_this_weeks_birthdays_of_their_buildings(
    client, auth, estate, opted_out
):
    auth.login("ben")
    page = client.get(f"{estate.url}/birthdays").get_data(as_text=True)
    today, week = page.split("This week")
    age = estate.today.year - estate.residents["Chan Tai Man"].birth_date.year
    assert "Chan Tai Man" in today and f"{age} years old" in today
    assert "陳婆婆" in week and "No Consent" in week
    # Tower 2 is Bea's; an opted-out resident is never offered.
    assert "Wong Tower Two" not in page
    assert "Lee Opted Out" not in page
    everyone = client.get(f"{estate.url}/birthdays?all=1").get_data(as_text=True)
    assert "Wong Tower Two" in everyone and "Lee Opted Out" not in everyone


def test_an_elderly_resident_is_flagged_for_a_visit_at_the_sites_age(app, client, auth, estate):
    auth.login("ben")
    page = client.get(f"{estate.url}/birthdays").get_data(as_text=True)
    granny = page[page.index('id="birthday-' + str(estate.residents["陳婆婆"].id)) :]
    assert "Elderly: visit recommended" in granny.split("</li>")[0]
    with app.app_context():
        db.session.add(CareSetting(site_id=estate.site.id, elderly_age=90, parcel_days=7))
        db.session.commit()
    page = client.get(f"{estate.url}/birthdays").get_data(as_text=True)
    assert "Elderly: visit recommended" not in page


def test_a_greeting_by_sms_goes_in_the_residents_language_with_the_sites_message(
    app, client, auth, estate
):
    with app.app_context():
        db.session.add(
            CareSetting(
                site_id=estate.site.id,
                elderly_age=70,
                parcel_days=7,
                greeting_en="Dear {name}, many happy returns from Harbour View!",
            )
        )
        db.session.commit()
    auth.login("ben")
    chan = estate.residents["Chan Tai Man"]
    answer = client.post(f"{estate.url}/birthdays/{chan.id}/greet", data={"method": "sms"})
    assert answer.status_code == 303
    [message] = _messages(app)
    assert (message.channel, message.recipient) == ("sms", "91000001")
    assert message.body == "Dear Chan Tai Man, many happy returns from Harbour View!"
    page = client.get(f"{estate.url}/birthdays").get_data(as_text=True)
    assert "Greeted: SMS by" in page


def test_the_standard_greeting_is_in_simplified_chinese_for_her(app, client, auth, estate):
    auth.login("ben")
    granny = estate.residents["陳婆婆"]
    assert (
        client.post(
            f"{estate.url}/birthdays/{granny.id}/greet", data={"method": "email"}
        ).status_code
        == 303
    )
    [message] = _messages(app)
    assert message.recipient == "granny@example.com"
    assert message.subject == "生日快乐" and "陳婆婆" in message.body


def test_a_resident_is_greeted_once_a_year_the_second_press_is_refused(app, client, auth, estate):
    auth.login("ben")
    chan = estate.residents["Chan Tai Man"]
    assert (
        client.post(f"{estate.url}/birthdays/{chan.id}/greet", data={"method": "sms"}).status_code
        == 303
    )
    again = client.post(f"{estate.url}/birthdays/{chan.id}/greet", data={"method": "card"})
    assert again.status_code == 409
    assert "greeted for this birthday already" in again.get_data(as_text=True)
    assert _greetings(app) == [("Chan Tai Man", "sms")]
    assert len(_messages(app)) == 1


def test_no_sms_without_consent_and_nothing_is_written(app, client, auth, estate):
    auth.login("ben")
    nobody = estate.residents["No Consent"]
    answer = client.post(f"{estate.url}/birthdays/{nobody.id}/greet", data={"method": "sms"})
    assert answer.status_code == 422
    assert "has not agreed to be told through this channel" in answer.get_data(as_text=True)
    assert _greetings(app) == [] and _messages(app) == []
    # A card needs no consent.
    assert (
        client.post(
            f"{estate.url}/birthdays/{nobody.id}/greet",
            data={"method": "card", "note": "Left at door"},
        ).status_code
        == 303
    )
    assert _greetings(app) == [("No Consent", "card")]


def test_a_resident_who_opted_out_cannot_be_greeted(app, client, auth, estate, opted_out):
    auth.login("ben")
    lee = estate.residents["Lee Opted Out"]
    answer = client.post(f"{estate.url}/birthdays/{lee.id}/greet", data={"method": "card"})
    assert answer.status_code == 422
    assert _greetings(app) == []


def test_the_resident_panel_takes_and_gives_back_the_opt_out(app, client, auth, estate):
    auth.login("ben")
    chan = estate.residents["Chan Tai Man"]
    assert (
        client.post(f"{estate.url}/residents/{chan.id}/opt-out", data={"opt_out": "y"}).status_code
        == 303
    )
    panel = client.get(f"{estate.url}/residents/{chan.id}/panel").get_data(as_text=True)
    assert "does not want birthday greetings" in panel
    row = f'id="birthday-{chan.id}"'
    assert row not in client.get(f"{estate.url}/birthdays").get_data(as_text=True)
    client.post(f"{estate.url}/residents/{chan.id}/opt-out", data={"opt_out": ""})
    assert row in client.get(f"{estate.url}/birthdays").get_data(as_text=True)


def test_the_front_desk_does_not_greet(client, auth, estate):
    auth.login("fay")
    chan = estate.residents["Chan Tai Man"]
    assert client.get(f"{estate.url}/birthdays").status_code == 200
    answer = client.post(f"{estate.url}/birthdays/{chan.id}/greet", data={"method": "card"})
    assert answer.status_code == 403


def test_another_sites_resident_is_a_404(client, auth, make, estate):
    other = make.estate(plugins=["care"], units=[{"number": "1A"}], residents=[{"unit": 0}])
    auth.login("ben")
    answer = client.post(
        f"{estate.url}/birthdays/{other.residents[0].id}/greet", data={"method": "card"}
    )
    assert answer.status_code == 404


def test_the_database_keeps_one_greeting_per_resident_and_year(app, estate):
    chan = estate.residents["Chan Tai Man"]
    with app.app_context():
        for method in ("card", "visit"):
            db.session.add(
                CareGreeting(
                    site_id=estate.site.id,
                    resident_id=chan.id,
                    year=2030,
                    method=method,
                    at=rules.clock.now(),
                    by_id=estate_user(app, "ben"),
                )
            )
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def estate_user(app, username: str) -> int:
    from core.models import User

    return db.session.scalar(select(User.id).where(User.username == username))


def test_two_presses_at_the_same_moment_greet_once(app, estate):
    """Ben and the manager press "Greet" together: one wins, the other is told."""
    chan = estate.residents["Chan Tai Man"]
    clients = []
    for username in ("ben", "mia"):
        client = app.test_client()
        assert login(client, username).status_code == 302
        clients.append(client)
    start = threading.Barrier(2)
    answers: list[int] = []
    errors: list[BaseException] = []

    def press(client) -> None:
        try:
            start.wait(timeout=20)
            url = f"{estate.url}/birthdays/{chan.id}/greet"
            answers.append(client.post(url, data={"method": "sms"}).status_code)
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=press, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(answers) == [303, 409]
    with app.app_context():
        assert db.session.scalar(select(func.count(CareGreeting.id))) == 1
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1


def test_a_29_february_birthday_is_kept_on_28_february_in_a_common_year(app, make, clock):
    site = make.site(timezone="Asia/Hong_Kong")
    with app.app_context():
        day = date(2027, 2, 28)
        pairs = rules._month_days(day, 1)
        assert (2, 29) in pairs and (2, 28) in pairs
        assert rules.occurrence(date(1984, 2, 29), 2027) == day
        assert rules.nearest_birthday(born(date(2028, 2, 29), 44), date(2028, 2, 29)).day == 29
    assert site.timezone == "Asia/Hong_Kong"


def test_the_day_page_shows_the_birthdays_done_once_greeted(client, auth, estate):
    auth.login("ben")
    day = client.get(f"/s/{estate.site.slug}/today/").get_data(as_text=True)
    assert "Birthday today" in day and "Chan Tai Man" in day
    assert "Birthday this week" in day and "陳婆婆" in day
    assert "Wong Tower Two" not in day


def test_a_birthday_not_written_down_is_greeted_for_this_year_once(app, client, auth, make, estate):
    nobody = make.resident(estate.site, estate.units[0], name="No Birth Date")
    auth.login("ben")
    url = f"{estate.url}/birthdays/{nobody.id}/greet"
    assert client.post(url, data={"method": "card"}).status_code == 303
    assert client.post(url, data={"method": "visit"}).status_code == 409
    with app.app_context():
        [year] = db.session.scalars(
            select(CareGreeting.year).where(CareGreeting.resident_id == nobody.id)
        ).all()
    assert year == estate.today.year
