"""The day page: a butler's work of the day from every plugin, the morning meeting's note."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from core import clock as core_clock
from core.extensions import db
from core.models import DayTick, MorningNote, MorningNoteRead, User
from plugins.events.models import Event
from plugins.service_desk import rules as service_desk
from plugins.service_desk.models import ServiceDeskCategory
from plugins.service_desk.rules import seed_categories

DAY = date(2027, 3, 10)
HTMX = {"HX-Request": "true"}


@pytest.fixture
def estate(app, make, clock):
    clock.at_local("Asia/Hong_Kong", DAY, time(8, 30))
    built = make.estate(
        plugins=("service_desk", "events"),
        towers=("T1", "T2"),
        units=[{"floor": 3, "number": "3A"}],
        residents=[{"name": "Chan Tai Man", "unit": 0}],
        staff={
            "ben": {"role": "butler", "towers": [0]},
            "bea": {"role": "butler", "towers": [1]},
            "amy": "assistant",
            "fay": "front_desk",
        },
        timezone="Asia/Hong_Kong",
    )
    with app.app_context():
        seed_categories(built.site)
        db.session.commit()
    return built


def log_request(app, estate, *, hours_ago: float, description: str) -> int:
    with app.app_context():
        category = db.session.scalars(
            select(ServiceDeskCategory).where(
                ServiceDeskCategory.site_id == estate.site.id,
                ServiceDeskCategory.name == "Plumbing",
            )
        ).first()
        item = service_desk.log(
            category=category,
            resident=estate.resident,
            unit_id=estate.unit.id,
            building_id=estate.tower.id,
            channel="phone",
            description=description,
            user=db.session.get(User, estate.staff["amy"].id),
            at=core_clock.now() - timedelta(hours=hours_ago),
        )
        db.session.commit()
        return item.id


def add_event(app, estate, title: str, hour: int, day: date = DAY) -> int:
    with app.app_context():
        starts = core_clock.now().replace(
            year=day.year, month=day.month, day=day.day, hour=hour - 8, minute=0
        )
        event = Event(
            site_id=estate.site.id,
            title=title,
            place="Clubhouse",
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            capacity=20,
        )
        db.session.add(event)
        db.session.commit()
        return event.id


def page(client, estate) -> str:
    response = client.get(f"/s/{estate.site.slug}/today/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_butler_sees_the_days_work_from_every_plugin_overdue_first(app, client, auth, estate):
    late = log_request(app, estate, hours_ago=30, description="Kitchen tap leaks")
    add_event(app, estate, "Tai chi in the garden", hour=15)
    auth.login("ben")

    html = page(client, estate)

    assert "Kitchen tap leaks" in html and "Request overdue" in html
    assert "Tai chi in the garden" in html and "Community event" in html
    assert html.index("Kitchen tap leaks") < html.index("Tai chi in the garden")
    assert f'href="/s/{estate.site.slug}/service_desk/{late}"' in html


def test_another_sites_work_never_shows(app, client, auth, make, estate):
    other = make.estate(plugins=("events",), staff={"olga": "butler"})
    add_event(app, other, "Karaoke night elsewhere", hour=19)
    auth.login("ben")
    assert "Karaoke night elsewhere" not in page(client, estate)
    assert client.get(f"/s/{other.site.slug}/today/").status_code == 404


def test_a_role_without_the_day_page_is_refused(client, auth, make, estate):
    make.user(role="room_attendant", site=estate.site, username="rita")
    auth.login("rita")
    assert client.get(f"/s/{estate.site.slug}/today/").status_code == 403


def test_ticking_an_event_done_updates_the_item_in_place_and_stays_done(app, client, auth, estate):
    event_id = add_event(app, estate, "Tai chi in the garden", hour=15)
    auth.login("ben")
    page(client, estate)
    key = f"events.event.{event_id}"

    fragment = client.post(
        f"/s/{estate.site.slug}/today/ticks", data={"key": key, "done": "1"}, headers=HTMX
    ).get_data(as_text=True)

    assert fragment.startswith(f'<li id="day-events-event-{event_id}" class="day-item day-done"')
    assert "Mark done" not in fragment
    again = page(client, estate)
    assert re.search(rf'id="day-events-event-{event_id}" class="day-item day-done"', again)
    with app.app_context():
        assert db.session.scalars(select(DayTick.item_key)).all() == [key]
    # The tick is the butler's own: the other butler's day still has it to do.
    auth.logout()
    auth.login("bea")
    assert re.search(rf'id="day-events-event-{event_id}" class="day-item"', page(client, estate))


def test_ticking_what_is_not_on_the_day_says_so(client, auth, estate):
    auth.login("ben")
    response = client.post(
        f"/s/{estate.site.slug}/today/ticks", data={"key": "events.event.999999", "done": "1"}
    )
    assert response.status_code == 303
    assert "That item is no longer on your day." in page(client, estate)


def test_the_assistant_writes_the_note_and_sees_who_has_read_it(app, client, auth, estate):
    auth.login("amy")
    refused = client.post(
        f"/s/{estate.site.slug}/today/notes", data={"body": "  ", "building_id": "0"}
    )
    assert refused.status_code == 422
    assert "Write what the meeting decided." in refused.get_data(as_text=True)
    client.post(
        f"/s/{estate.site.slug}/today/notes",
        data={"body": "Water stop in Tower 1 on Friday, 10:00 to 14:00", "building_id": "0"},
    )
    html = page(client, estate)
    assert "Water stop in Tower 1 on Friday" in html
    butlers = sorted(estate.staff[name].display_name for name in ("ben", "bea"))
    assert "Read by 0 of 2" in html
    assert f"Not yet: {butlers[0]}, {butlers[1]}" in html

    auth.logout()
    auth.login("ben")
    with app.app_context():
        note_id = db.session.scalars(select(MorningNote.id)).one()
    fragment = client.post(
        f"/s/{estate.site.slug}/today/notes/{note_id}/read", headers=HTMX
    ).get_data(as_text=True)
    assert fragment.startswith(f'<article id="note-{note_id}" class="morning-note note-read"')
    client.post(f"/s/{estate.site.slug}/today/notes/{note_id}/read", headers=HTMX)
    with app.app_context():
        assert len(db.session.scalars(select(MorningNoteRead)).all()) == 1

    auth.logout()
    auth.login("amy")
    assert "Read by 1 of 2" in page(client, estate)


def test_a_note_for_one_building_reaches_only_its_butler(app, client, auth, estate):
    auth.login("amy")
    client.post(
        f"/s/{estate.site.slug}/today/notes",
        data={"body": "Tower 2 lift inspection at 11:00", "building_id": str(estate.towers[1].id)},
    )
    auth.logout()
    auth.login("ben")
    assert "Tower 2 lift inspection" not in page(client, estate)
    with app.app_context():
        note_id = db.session.scalars(select(MorningNote.id)).one()
    assert client.post(f"/s/{estate.site.slug}/today/notes/{note_id}/read").status_code == 404
    auth.logout()
    auth.login("bea")
    assert "Tower 2 lift inspection" in page(client, estate)


def test_a_butler_may_not_write_the_note(client, auth, estate):
    auth.login("ben")
    response = client.post(
        f"/s/{estate.site.slug}/today/notes", data={"body": "I decide", "building_id": "0"}
    )
    assert response.status_code == 403


def test_yesterdays_note_is_not_todays(app, client, auth, clock, estate):
    auth.login("amy")
    client.post(
        f"/s/{estate.site.slug}/today/notes",
        data={"body": "Only for Wednesday", "building_id": "0"},
    )
    clock.at_local("Asia/Hong_Kong", DAY + timedelta(days=1), time(8, 30))
    auth.login("amy")
    assert "Only for Wednesday" not in page(client, estate)
