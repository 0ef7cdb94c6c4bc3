"""The butler's and the manager's story: plan, register, take attendance, report."""

from __future__ import annotations

import io
from contextlib import contextmanager
from datetime import timedelta

import openpyxl
import pytest
from icalendar import Calendar
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from core.extensions import db
from core.jobs import run_due
from core.models import OutboxMessage, Resident
from core.testing.photos import same_picture, tiny_png
from plugins.events.models import Event, Photo, Registration
from tests.conftest import login
from tests.plugins.events.conftest import NOW, add_event, hk, register, statuses

PNG = tiny_png()


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def as_manager(client, estate):
    assert login(client, estate.manager.username).status_code == 302
    return client


EVENT_FORM = {
    "title": "Calligraphy class",
    "description": "Brushes provided.",
    "place": "Clubhouse room 2",
    "day": "2026-12-05",
    "start_time": "14:30",
    "end_time": "16:00",
    "capacity": "12",
    "audience": "site",
    "price": "80.50",
    "staff_id": "0",
    "repeat_weeks": "1",
}


# --- Planning -------------------------------------------------------------------------------


def test_manager_plans_an_event_and_sees_it_in_the_month_view(app, client, estate):
    as_manager(client, estate)
    response = client.post(f"{estate.url}/new", data=EVENT_FORM)
    assert response.status_code == 303
    with app.app_context():
        event = db.session.scalars(select(Event)).one()
        assert event.starts_at == hk("2026-12-05T14:30")  # stored in UTC: 06:30
        assert event.price == 8050
    page = client.get(f"{estate.url}/?month=2026-12").get_data(as_text=True)
    assert "Calligraphy class" in page
    assert "14:30" in page
    shown = client.get(response.location).get_data(as_text=True)
    assert "HK$80.50" in shown and "0 of 12 places registered" in shown


def test_a_weekly_class_is_planned_as_a_series(app, client, estate):
    as_manager(client, estate)
    response = client.post(f"{estate.url}/new", data=EVENT_FORM | {"repeat_weeks": "4"})
    assert response.status_code == 303
    with app.app_context():
        events = db.session.scalars(select(Event).order_by(Event.starts_at)).all()
    assert [e.starts_at for e in events] == [
        hk("2026-12-05T14:30") + timedelta(weeks=n) for n in range(4)
    ]
    assert len({e.series_key for e in events}) == 1 and events[0].series_key
    page = client.get(f"{estate.url}/{events[0].id}").get_data(as_text=True)
    assert "Other dates of this weekly series" in page and "Sat 26 Dec 2026, 14:30" in page


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"title": ""}, "Give the event a title."),
        ({"capacity": "0"}, "Write a number from 1 to 10,000."),
        ({"end_time": "14:00"}, "The event must end after it starts."),
        ({"price": "-5"}, "Write a price from 0 up"),
        ({"day": "31/12/2026"}, "Write the date as YYYY-MM-DD."),
        ({"day": "1999-01-01"}, "Choose a date between 2000 and 2100."),
        ({"audience": "buildings"}, "Choose at least one building."),
        ({"min_age": "60", "max_age": "12"}, "The oldest age cannot be below the youngest."),
    ],
)
def test_a_bad_event_is_refused_with_a_message_and_nothing_saved(
    app, client, estate, changes, message
):
    as_manager(client, estate)
    response = client.post(f"{estate.url}/new", data=EVENT_FORM | changes)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(app, Event) == 0


def test_lowering_the_places_below_those_taken_is_refused(app, client, estate):
    event = add_event(app, estate.site, capacity=3)
    register(app, event, estate.residents[0], places=2)
    as_manager(client, estate)
    form = client.get(f"{estate.url}/{event.id}/edit").get_data(as_text=True)
    assert 'value="19:00"' in form
    data = EVENT_FORM | {"day": "2026-11-28", "capacity": "1", "version_id": "1"}
    del data["repeat_weeks"]
    response = client.post(f"{estate.url}/{event.id}/edit", data=data)
    assert response.status_code == 422
    assert "2 places are already taken" in response.get_data(as_text=True)


def test_raising_the_places_gives_them_to_the_waiting_list(app, client, estate):
    event = add_event(app, estate.site, capacity=1)
    register(app, event, estate.residents[0])
    register(app, event, estate.residents[1])
    as_manager(client, estate)
    data = EVENT_FORM | {"day": "2026-11-28", "capacity": "2", "version_id": "1"}
    assert client.post(f"{estate.url}/{event.id}/edit", data=data).status_code == 303
    assert statuses(app, event)[estate.residents[1].name] == "confirmed"


# --- Registering ----------------------------------------------------------------------------


def test_front_desk_finds_a_resident_and_registers_the_household(app, client, make, estate):
    desk = make.user(role="front_desk", site=estate.site, username="fay")
    event = add_event(app, estate.site, capacity=3)
    assert login(client, desk.username).status_code == 302
    page = client.get(f"{estate.url}/{event.id}?q=Resident 03").get_data(as_text=True)
    assert "Register Resident 03" in page
    resident = estate.residents[3]
    response = client.post(
        f"{estate.url}/{event.id}/register",
        data={"resident_id": resident.id, "places": "3", "channel": "walk_in"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Resident 03 has a place." in page and "3 of 3 places registered" in page

    response = client.post(
        f"{estate.url}/{event.id}/register",
        data={"resident_id": estate.residents[4].id, "places": "1", "channel": "phone"},
        follow_redirects=True,
    )
    assert "The event is full: Resident 04 is on the waiting list." in response.get_data(
        as_text=True
    )


def test_registering_a_resident_of_another_site_is_refused(app, client, make, estate):
    other = make.site()
    stranger = make.resident(other, name="Stranger")
    event = add_event(app, estate.site)
    as_manager(client, estate)
    response = client.post(
        f"{estate.url}/{event.id}/register",
        data={"resident_id": stranger.id, "places": "1", "channel": "phone"},
    )
    assert response.status_code == 422
    assert "There is no such resident." in response.get_data(as_text=True)
    assert count(app, Registration) == 0


def test_too_many_people_is_refused_next_to_the_field(app, client, estate):
    event = add_event(app, estate.site, capacity=4)
    as_manager(client, estate)
    response = client.post(
        f"{estate.url}/{event.id}/register",
        data={"resident_id": estate.residents[0].id, "places": "5", "channel": "phone"},
    )
    assert response.status_code == 422
    assert "This event has only 4 places." in response.get_data(as_text=True)
    assert count(app, Registration) == 0


def test_cancelling_moves_the_first_in_line_up_and_says_so(app, client, estate):
    event = add_event(app, estate.site, capacity=1)
    first = register(app, event, estate.residents[0])
    register(app, event, estate.residents[1])
    register(app, event, estate.residents[2])
    as_manager(client, estate)
    response = client.post(
        f"{estate.url}/{event.id}/registrations/{first.id}/cancel", follow_redirects=True
    )
    assert "Resident 01 has moved up from the waiting list." in response.get_data(as_text=True)
    assert list(statuses(app, event).values()) == ["cancelled", "confirmed", "waiting"]


# --- Attendance at the door -----------------------------------------------------------------


def test_attendance_is_ticked_in_place_with_htmx(app, client, estate):
    event = add_event(app, estate.site)
    came = register(app, event, estate.residents[0], places=2)
    register(app, event, estate.residents[1])
    as_manager(client, estate)
    page = client.get(f"{estate.url}/{event.id}/attendance").get_data(as_text=True)
    assert "0 of 3 people have come" in page
    response = client.post(
        f"{estate.url}/{event.id}/registrations/{came.id}/attended",
        data={"attended": "y"},
        headers={"HX-Request": "true"},
    )
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in fragment
    assert 'aria-pressed="true"' in fragment
    assert "2 of 3 people have come" in fragment and 'hx-swap-oob="true"' in fragment
    with app.app_context():
        assert db.session.get(Registration, came.id).attended is True
    # Without JavaScript, the same button posts the form and comes back to the list.
    response = client.post(
        f"{estate.url}/{event.id}/registrations/{came.id}/attended", data={"attended": ""}
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Registration, came.id).attended is False


# --- Calendars ------------------------------------------------------------------------------


def test_the_sites_ics_feed_parses_and_shows_hong_kong_times(app, client, estate):
    add_event(app, estate.site, title="Lantern evening")
    add_event(app, estate.site, title="Tai chi", starts_at=hk("2026-11-29T08:00"))
    as_manager(client, estate)
    response = client.get(f"{estate.url}/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    events = {e["summary"]: e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Lantern evening", "Tai chi"}
    start = events["Lantern evening"].decoded("dtstart")
    assert (start.hour, start.minute, str(start.tzinfo)) == (19, 0, "Asia/Hong_Kong")
    assert start == hk("2026-11-28T19:00")
    assert events["Tai chi"].decoded("dtstart").hour == 8
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "Asia/Hong_Kong"


def test_one_event_downloads_as_an_ics_file(app, client, estate):
    event = add_event(app, estate.site)
    as_manager(client, estate)
    response = client.get(f"{estate.url}/{event.id}/event.ics")
    assert "attachment" in response.headers["Content-Disposition"]
    (item,) = Calendar.from_ical(response.data).walk("VEVENT")
    assert item["location"] == "Clubhouse"
    assert item.decoded("dtend") == hk("2026-11-28T21:00")


def test_the_feed_needs_a_login(client, app, estate):
    response = client.get(f"{estate.url}/calendar.ics")
    assert response.status_code == 302 and "/login" in response.location


# --- Invitations and reminders --------------------------------------------------------------


def test_invitations_go_to_the_audience_once(app, client, estate):
    event = add_event(app, estate.site, audience="buildings", buildings=[estate.t2])
    as_manager(client, estate)
    client.post(f"{estate.url}/{event.id}/invite")
    client.post(f"{estate.url}/{event.id}/invite")
    with app.app_context():
        recipients = db.session.scalars(select(OutboxMessage.recipient)).all()
    assert sorted(recipients) == sorted(r.phone for r in estate.residents[6:])


def test_reminders_go_the_day_before_and_only_once(app, estate):
    tomorrow = add_event(app, estate.site, starts_at=hk("2026-11-26T19:00"))
    later = add_event(app, estate.site, starts_at=hk("2026-11-28T19:00"))
    register(app, tomorrow, estate.residents[0])
    register(app, later, estate.residents[1])
    with app.app_context():
        run_due(hk("2026-11-25T10:05"))
        run_due(hk("2026-11-25T18:00"))  # the same day: the job does not run again
        from core.models import Site
        from plugins.events.jobs import send_reminders

        # Even run by hand again, the outbox keeps one message per household.
        assert send_reminders(db.session.get(Site, estate.site.id), hk("2026-11-25T20:00")) == 0
        db.session.commit()
        messages = db.session.scalars(select(OutboxMessage)).all()
    assert [(m.recipient, m.subject) for m in messages] == [
        (estate.residents[0].phone, "Reminder: Lantern evening")
    ]
    assert "November 26, 2026 19:00" in messages[0].body


def test_no_reminder_before_ten_oclock_in_hong_kong(app, estate):
    event = add_event(app, estate.site, starts_at=hk("2026-11-26T19:00"))
    register(app, event, estate.residents[0])
    with app.app_context():
        run_due(hk("2026-11-25T09:00"))
    assert count(app, OutboxMessage) == 0


# --- After the event ------------------------------------------------------------------------


def test_scores_report_photo_and_monthly_figures(app, client, estate, tmp_path, clock):
    app.config["BUTLER_UPLOAD_DIR"] = str(tmp_path)
    clock.set(NOW + timedelta(days=5))
    event = add_event(app, estate.site, capacity=10)
    came = register(app, event, estate.residents[0], places=2, at=NOW)
    register(app, event, estate.residents[1], places=3, at=NOW)
    as_manager(client, estate)
    client.post(f"{estate.url}/{event.id}/registrations/{came.id}/attended", data={"attended": "y"})
    response = client.post(
        f"{estate.url}/{event.id}/registrations/{came.id}/feedback",
        data={"score": "4"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and 'value="4" selected' in response.get_data(True)

    response = client.post(
        f"{estate.url}/{event.id}/report",
        data={"report": "Forty lanterns lit.", "photo": (io.BytesIO(PNG), "lanterns.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    page = client.get(f"{estate.url}/{event.id}/report").get_data(as_text=True)
    assert "Forty lanterns lit." in page
    with app.app_context():
        photo = db.session.scalars(select(Photo)).one()
    served = client.get(f"{estate.url}/{event.id}/photos/{photo.id}").data
    assert same_picture(served, PNG)

    page = client.get(f"{estate.url}/figures?period=2026-11").get_data(as_text=True)
    assert "Lantern evening" in page
    # The chart draws the same numbers as the table: 5 registered, 2 came.
    figure = page.split('<figure class="chart-figure"')[1].split("</figure>")[0]
    assert "<figcaption>Registered and came, by event</figcaption>" in figure
    assert '<th scope="row">Lantern evening</th><td>5</td><td>2</td>' in figure
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(f"{estate.url}/figures.xlsx?period=2026-11").data)
    ).active
    rows = list(sheet.values)
    assert rows[1][1:] == ("Lantern evening", 10, 5, 2, 3, 4)


def test_only_people_who_came_can_be_scored(app, client, estate):
    event = add_event(app, estate.site)
    absent = register(app, event, estate.residents[0])
    as_manager(client, estate)
    response = client.post(
        f"{estate.url}/{event.id}/registrations/{absent.id}/feedback", data={"score": "5"}
    )
    assert response.status_code == 422
    assert "Only people who came can give a score." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Registration, absent.id).feedback_score is None


def test_a_file_that_is_not_a_photo_is_refused(app, client, estate, tmp_path):
    app.config["BUTLER_UPLOAD_DIR"] = str(tmp_path)
    event = add_event(app, estate.site)
    as_manager(client, estate)
    response = client.post(
        f"{estate.url}/{event.id}/report",
        data={"report": "Fine", "photo": (io.BytesIO(b"#!/bin/sh\n"), "photo.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert count(app, Photo) == 0
    with app.app_context():
        assert db.session.get(Event, event.id).report == ""


# --- Panel and widget -----------------------------------------------------------------------


def test_the_resident_page_and_dashboard_show_events(app, client, estate):
    event = add_event(app, estate.site, starts_at=hk("2026-11-27T19:00"))
    register(app, event, estate.residents[0])
    as_manager(client, estate)
    resident_page = client.get(f"/s/{estate.site.slug}/residents/{estate.residents[0].id}")
    assert f"{estate.url}/residents/{estate.residents[0].id}/panel" in resident_page.get_data(
        as_text=True
    )
    panel = client.get(f"{estate.url}/residents/{estate.residents[0].id}/panel")
    assert "Lantern evening" in panel.get_data(as_text=True)
    dashboard = client.get(f"/s/{estate.site.slug}/").get_data(as_text=True)
    assert "Events this week" in dashboard and "1 of 10 places registered" in dashboard


# --- Tenancy and the plugin switched off ----------------------------------------------------


def test_another_sites_event_is_not_found(app, client, make, estate):
    other = make.site()
    make.enable(other, "events")
    theirs = add_event(app, other)
    as_manager(client, estate)
    for path in ("", "/attendance", "/report", "/event.ics", "/edit"):
        assert client.get(f"{estate.url}/{theirs.id}{path}").status_code == 404
    assert client.get(f"/s/{other.slug}/events/").status_code == 404


def test_switched_off_the_plugin_answers_404_and_leaves_no_trace(app, client, make, estate):
    event = add_event(app, estate.site, starts_at=hk("2026-11-27T19:00"))
    make.update(estate.switch, enabled=False)
    as_manager(client, estate)
    assert client.get(f"{estate.url}/").status_code == 404
    assert client.get(f"{estate.url}/{event.id}").status_code == 404
    assert client.get(f"{estate.url}/calendar.ics").status_code == 404
    dashboard = client.get(f"/s/{estate.site.slug}/").get_data(as_text=True)
    assert "Events this week" not in dashboard and f"{estate.url}/" not in dashboard
    resident_page = client.get(f"/s/{estate.site.slug}/residents/{estate.residents[0].id}")
    assert "/events/residents/" not in resident_page.get_data(as_text=True)


def test_a_butler_cannot_see_the_figures_but_can_take_attendance(app, client, estate):
    event = add_event(app, estate.site)
    assert login(client, estate.butler.username).status_code == 302
    assert client.get(f"{estate.url}/figures").status_code == 403
    assert client.get(f"{estate.url}/{event.id}/attendance").status_code == 200


# --- Cost per page --------------------------------------------------------------------------


@contextmanager
def counted_statements(app):
    statements: list[str] = []

    def note(conn, cursor, statement, *args):
        if statement.strip().upper() not in ("BEGIN", "BEGIN IMMEDIATE"):
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        sa_event.remove(engine, "before_cursor_execute", note)


def _fill(app, estate, events: int, registrations: int) -> tuple[int, int]:
    """``events`` events in December, the first with ``registrations`` households."""
    with app.app_context():
        rows = [
            Event(
                site_id=estate.site.id,
                title=f"Event {n}",
                place="Clubhouse",
                starts_at=hk("2026-12-01T10:00") + timedelta(hours=6 * n),
                ends_at=hk("2026-12-01T11:00") + timedelta(hours=6 * n),
                capacity=500,
            )
            for n in range(events)
        ]
        db.session.add_all(rows)
        db.session.flush()
        for n in range(registrations):
            resident = Resident(site_id=estate.site.id, name=f"Guest {n}")
            db.session.add(resident)
            db.session.flush()
            db.session.add(
                Registration(
                    site_id=estate.site.id,
                    event_id=rows[0].id,
                    resident_id=resident.id,
                    places=1,
                    status="confirmed",
                    queued_at=NOW,
                )
            )
        db.session.commit()
        return rows[0].id, resident.id


@pytest.mark.parametrize(
    "path",
    [
        "/?month=2026-12",
        "/{event}",
        "/{event}/attendance",
        "/{event}/report",
        "/figures?period=2026-12",
        "/calendar.ics",
    ],
)
def test_pages_cost_the_same_queries_with_10_or_100_rows(app, client, make, estate, path):
    as_manager(client, estate)
    counts = []
    for size in (10, 100):
        event_id, _ = _fill(app, estate, size, size)
        # A site's first page reads the site and its plugins: count the next one.
        client.get(estate.url + path.format(event=event_id))
        with counted_statements(app) as statements:
            assert client.get(estate.url + path.format(event=event_id)).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_the_event_page_numbers_the_waiting_list_and_pages_long_lists(app, client, estate):
    event = add_event(app, estate.site, capacity=1)
    for resident in estate.residents[:3]:
        register(app, event, resident)
    as_manager(client, estate)
    page = client.get(f"{estate.url}/{event.id}").get_data(as_text=True)
    assert "Waiting list (1)" in page and "Waiting list (2)" in page
    assert "Page 1 of" not in page
    with app.app_context():
        for n in range(60):
            resident = Resident(site_id=estate.site.id, name=f"Guest {n:02d}")
            db.session.add(resident)
            db.session.flush()
            db.session.add(
                Registration(
                    site_id=estate.site.id,
                    event_id=event.id,
                    resident_id=resident.id,
                    places=1,
                    status="waiting",
                    queued_at=NOW + timedelta(minutes=n),
                )
            )
        db.session.commit()
    page = client.get(f"{estate.url}/{event.id}?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in page and "Guest 59" in page and "Guest 10" not in page
    assert "Waiting list (62)" in page


def test_a_cancelled_event_refuses_registrations_and_says_so_in_calendars(app, client, estate):
    event = add_event(app, estate.site)
    as_manager(client, estate)
    response = client.post(f"{estate.url}/{event.id}/cancel", follow_redirects=True)
    assert "The event is cancelled." in response.get_data(as_text=True)
    response = client.post(
        f"{estate.url}/{event.id}/register",
        data={"resident_id": estate.residents[0].id, "places": "1", "channel": "phone"},
    )
    assert response.status_code == 422
    assert "This event has been cancelled." in response.get_data(as_text=True)
    (item,) = Calendar.from_ical(client.get(f"{estate.url}/calendar.ics").data).walk("VEVENT")
    assert item["status"] == "CANCELLED"


def test_the_month_links_to_its_figures_for_the_manager_only(app, client, estate):
    as_manager(client, estate)
    page = client.get(f"{estate.url}/?month=2026-12").get_data(as_text=True)
    assert "Figures of December 2026" in page
    client.post("/logout")
    assert login(client, estate.butler.username).status_code == 302
    page = client.get(f"{estate.url}/?month=2026-12").get_data(as_text=True)
    assert "Figures of" not in page


def test_pages_speak_chinese_with_the_estates_times(app, client, make, estate):
    event = add_event(app, estate.site)
    register(app, event, estate.residents[0])
    as_manager(client, estate)
    client.post("/language", data={"locale": "zh_Hant"})
    page = client.get(f"{estate.url}/{event.id}").get_data(as_text=True)
    assert "10 個名額已報 1 個" in page and "為業戶報名" in page and "19:00" in page


def test_the_site_search_finds_events_for_staff_who_see_them(app, client, make, estate):
    add_event(app, estate.site, title="Lantern evening 100%")
    add_event(app, estate.site, title="Tai chi")
    as_manager(client, estate)
    page = client.get(f"/s/{estate.site.slug}/search?q=lantern").get_data(as_text=True)
    assert "Lantern evening 100%" in page and "2026-11-28 19:00" in page
    assert "Tai chi" not in page
    assert "Tai chi" not in client.get(f"/s/{estate.site.slug}/search?q=%25").get_data(True)
    health = make.user(role="health_staff", site=estate.site, username="hana")
    client.post("/logout")
    assert login(client, health.username).status_code == 302
    page = client.get(f"/s/{estate.site.slug}/search?q=lantern").get_data(as_text=True)
    assert "Lantern evening" not in page
