"""The service desk through the browser's eyes: intake, steps, lists, panel, tenancy."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from core.extensions import db
from core.models import PluginEnablement
from core.testing.photos import same_picture, tiny_png
from plugins.service_desk import rules
from plugins.service_desk.models import (
    ServiceDeskCallback,
    ServiceDeskPhoto,
    ServiceDeskRequest,
    ServiceDeskVisit,
)
from tests.conftest import login
from tests.plugins.service_desk.helpers import build_estate

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # Monday 09:00 in Hong Kong
PNG = tiny_png()


@pytest.fixture
def estate(app, make):
    return build_estate(app, make)


@pytest.fixture
def butler(client, estate):
    assert login(client, estate.butler.username).status_code == 302
    return client


def _version(app, request_id: int) -> str:
    with app.app_context():
        return str(db.session.get(ServiceDeskRequest, request_id).version_id)


def _log(client, estate, **changes):
    data = {
        "resident_id": str(estate.resident.id),
        "category_id": str(estate.plumbing.id),
        "channel": "phone",
        "description": "Kitchen tap leaks",
        **changes,
    }
    return client.post(f"{estate.base}/new", data=data, content_type="multipart/form-data")


def _new_id(response) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return int(re.search(r"/service_desk/(\d+)$", response.location).group(1))


def _step(app, client, estate, request_id, step, **data):
    data["version_id"] = _version(app, request_id)
    return client.post(f"{estate.base}/{request_id}/{step}", data=data)


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)))


def test_a_repair_goes_from_intake_to_callback_and_close(app, butler, estate, clock):
    clock.set(T0)
    request_id = _new_id(_log(butler, estate, photo=(io.BytesIO(PNG), "tap.png")))
    page = butler.get(f"{estate.base}/{request_id}").get_data(as_text=True)
    assert "Kitchen tap leaks" in page and "Chan Tai Man" in page
    assert "2026-11-02 09:30" in page  # reply promised by 09:30, Hong Kong time
    assert _count(app, ServiceDeskPhoto) == 1

    clock.set(T0 + timedelta(hours=8))
    steps = [
        ("acknowledge", {"reply": "A plumber comes at 2 pm"}),
        ("assign", {"kind": "contractor", "assignee_id": "0", "contractor": "Ace Plumbing"}),
        ("visits", {"visitor": "Mr Lee", "visited_at": "2026-11-02T14:00", "accompanied": "y"}),
        ("done", {"note": "Washer replaced"}),
        ("callback", {"method": "call", "satisfaction": "satisfied", "comment": "Thanks"}),
        ("close", {}),
    ]
    for step, data in steps:
        response = _step(app, butler, estate, request_id, step, **data)
        assert response.status_code == 303, (step, response.get_data(as_text=True)[:3000])

    page = butler.get(f"{estate.base}/{request_id}").get_data(as_text=True)
    timeline = page.split('id="timeline"')[1]
    for words in (
        "logged the request",
        "replied to the resident",
        "assigned the request to the contractor: Ace Plumbing",
        "recorded a visit",
        "marked the work done",
        "called the resident back (satisfied): Thanks",
        "closed the request",
    ):
        assert words in timeline
    assert "Ben Wong" in timeline
    with app.app_context():
        visit = db.session.scalar(select(ServiceDeskVisit))
        assert visit.accompanied and visit.visited_at == datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
        assert db.session.get(ServiceDeskRequest, request_id).status == "closed"


def test_a_dissatisfied_callback_reopens_the_request(app, butler, estate, clock):
    clock.set(T0)
    request_id = _new_id(_log(butler, estate))
    _step(app, butler, estate, request_id, "acknowledge", reply="Coming")
    _step(app, butler, estate, request_id, "done", note="")
    response = _step(
        app,
        butler,
        estate,
        request_id,
        "callback",
        method="visit",
        satisfaction="dissatisfied",
        comment="Still drips",
    )
    assert response.status_code == 303
    page = butler.get(f"{estate.base}/{request_id}").get_data(as_text=True)
    assert "reopened the request" in page and "in progress" in page


def test_a_request_cannot_be_closed_without_a_callback(app, butler, estate, clock):
    clock.set(T0)
    request_id = _new_id(_log(butler, estate))
    _step(app, butler, estate, request_id, "acknowledge", reply="Coming")
    _step(app, butler, estate, request_id, "done", note="")
    response = _step(app, butler, estate, request_id, "close")
    assert response.status_code == 422
    assert "Call the resident back before closing the request." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ServiceDeskRequest, request_id).status == "done"


def test_overdue_shows_at_the_right_moment_on_the_sites_clock(app, butler, estate, clock):
    clock.set(T0)
    request_id = _new_id(_log(butler, estate))
    # 09:29 in Hong Kong: the reply promised by 09:30 is not late yet.
    clock.set(T0 + timedelta(minutes=29))
    page = butler.get(f"{estate.base}/?view=overdue").get_data(as_text=True)
    assert f"#{request_id}" not in page
    assert "<mark>" not in butler.get(f"{estate.base}/{request_id}").get_data(as_text=True)
    # 09:31: overdue, highlighted, in the overdue list.
    clock.set(T0 + timedelta(minutes=31))
    page = butler.get(f"{estate.base}/?view=overdue").get_data(as_text=True)
    assert f"#{request_id}" in page and 'class="overdue"' in page
    assert "<mark>2026-11-02 09:30</mark>" in page


def test_the_dashboard_widget_counts_open_overdue_and_callbacks_due_today(
    app, butler, estate, clock
):
    clock.set(T0)
    first = _new_id(_log(butler, estate))
    _new_id(_log(butler, estate))
    _step(app, butler, estate, first, "acknowledge", reply="Coming")
    _step(app, butler, estate, first, "done", note="")
    # The next day at 10:00: the callback of the first, due by 09:00, is due today.
    clock.set(T0 + timedelta(days=1, hours=1))
    page = butler.get(f"/s/{estate.site.slug}/").get_data(as_text=True)
    widget = page.split('id="widget-service_desk-mine"')[1].split("</section>")[0]
    figures = re.findall(r'class="figure"><a [^>]*>(?:<mark>)?(\d+)', widget)
    assert figures == ["2", "1", "1"]  # open, overdue (the unanswered one), callback due


def test_lists_show_awaiting_callback_by_building_and_category(app, butler, estate, clock):
    clock.set(T0)
    request_id = _new_id(_log(butler, estate))
    _step(app, butler, estate, request_id, "acknowledge", reply="Coming")
    _step(app, butler, estate, request_id, "done", note="")
    for query in (
        "view=callback",
        f"view=open&building={estate.tower.id}",
        f"view=all&category={estate.plumbing.id}",
        "view=mine",
    ):
        assert f"#{request_id}" in butler.get(f"{estate.base}/?{query}").get_data(as_text=True)
    assert f"#{request_id}" not in butler.get(
        f"{estate.base}/?view=all&category={estate.noise.id}"
    ).get_data(as_text=True)


def test_a_filtered_list_names_its_filters_and_each_chip_takes_one_away(app, butler, estate, clock):
    clock.set(T0)
    request_id = _new_id(_log(butler, estate))
    query = f"view=all&building={estate.tower.id}&category={estate.plumbing.id}"
    page = butler.get(f"{estate.base}/?{query}").get_data(as_text=True)
    start = page.index('class="filter-chips"')
    chips = page[start : page.index("</ul>", start)]
    assert estate.plumbing.name in chips
    assert f"?view=all&amp;category={estate.plumbing.id}" in chips  # the building taken away
    assert f"?view=all&amp;building={estate.tower.id}" in chips  # the category taken away
    # On a phone the request shows as a card, with one line of what it is about.
    assert '<table class="striped requests cards">' in page
    assert '<td class="card-only card-text">Kitchen tap leaks</td>' in page
    assert f"#{request_id}" in page


def test_the_resident_page_shows_their_requests(app, butler, estate, clock):
    clock.set(T0)
    request_id = _new_id(_log(butler, estate))
    page = butler.get(f"/s/{estate.site.slug}/residents/{estate.resident.id}").get_data(
        as_text=True
    )
    assert "panel-service_desk-requests" in page
    panel = butler.get(f"{estate.base}/residents/{estate.resident.id}/panel")
    assert f"#{request_id}" in panel.get_data(as_text=True)


def test_the_resident_picker_finds_residents_as_you_type(butler, estate):
    response = butler.get(f"{estate.base}/residents/pick?q=Chan", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert f'value="{estate.resident.id}"' in response.get_data(as_text=True)


def test_intake_refuses_bad_input_with_a_message_and_writes_nothing(app, butler, estate):
    response = _log(butler, estate, description="  ", resident_id="")
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Describe the request." in text and "Choose the resident." in text
    response = _log(butler, estate, photo=(io.BytesIO(b"#!/bin/sh\nrm -rf /"), "tap.jpg"))
    assert response.status_code == 422
    assert "Only photos in JPEG, PNG or WebP can be uploaded." in response.get_data(as_text=True)
    assert _count(app, ServiceDeskRequest) == 0 and _count(app, ServiceDeskPhoto) == 0


def test_a_butler_of_another_site_gets_404(app, client, make, estate, clock):
    clock.set(T0)
    assert login(client, estate.butler.username).status_code == 302
    request_id = _new_id(_log(client, estate))
    other = build_estate(app, make)
    outsider = app.test_client()
    assert login(outsider, other.butler.username).status_code == 302
    assert outsider.get(f"{estate.base}/{request_id}").status_code == 404
    # Their own site's URL with this site's request id: 404 too.
    assert outsider.get(f"{other.base}/{request_id}").status_code == 404
    response = outsider.post(
        f"{other.base}/{request_id}/acknowledge", data={"reply": "x", "version_id": "1"}
    )
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(ServiceDeskRequest, request_id).status == "new"


def test_plugin_off_its_pages_404_and_its_panel_and_widget_vanish(app, butler, estate):
    with app.app_context():
        db.session.execute(
            update(PluginEnablement)
            .where(PluginEnablement.site_id == estate.site.id)
            .values(enabled=False)
        )
        db.session.commit()
    assert butler.get(f"{estate.base}/").status_code == 404
    assert butler.get(f"{estate.base}/new").status_code == 404
    page = butler.get(f"/s/{estate.site.slug}/residents/{estate.resident.id}").get_data(
        as_text=True
    )
    assert "panel-service_desk-requests" not in page
    dashboard = butler.get(f"/s/{estate.site.slug}/").get_data(as_text=True)
    assert "widget-service_desk-mine" not in dashboard and "Service requests" not in dashboard


def test_an_escalation_is_on_the_timeline_and_in_the_escalated_list(app, butler, estate, clock):
    clock.set(T0)
    request_id = _new_id(_log(butler, estate))
    response = _step(
        app, butler, estate, request_id, "escalate", to="manager", note="Owner wants compensation"
    )
    assert response.status_code == 303
    page = butler.get(f"{estate.base}/{request_id}").text
    assert "escalated to the manager: Owner wants compensation" in page
    assert f"#{request_id}" in butler.get(f"{estate.base}/?view=escalated").text
    response = _step(app, butler, estate, request_id, "escalate", to="manager", note=" ")
    assert response.status_code == 422 and "Say why the request is escalated." in response.text


def test_a_stale_step_answers_409_and_changes_nothing(app, butler, estate, clock):
    clock.set(T0)
    request_id = _new_id(_log(butler, estate))
    response = butler.post(
        f"{estate.base}/{request_id}/acknowledge", data={"reply": "Coming", "version_id": "99"}
    )
    assert response.status_code == 409
    with app.app_context():
        assert db.session.get(ServiceDeskRequest, request_id).status == "new"


def test_a_butler_cannot_sign_off_a_complaint(app, butler, estate, clock):
    clock.set(T0)
    request_id = _new_id(_log(butler, estate, category_id=str(estate.noise.id)))
    assert _step(app, butler, estate, request_id, "sign-off").status_code == 403


def test_managers_add_categories_with_promised_times(app, client, estate):
    assert login(client, estate.manager.username).status_code == 302
    response = client.post(
        f"{estate.base}/categories",
        data={
            "type": "repair",
            "name": "Lift",
            "reply_minutes": "15",
            "complete_hours": "24",
            "active": "y",
        },
    )
    assert response.status_code == 303
    response = client.post(
        f"{estate.base}/categories",
        data={"type": "repair", "name": "Lift", "reply_minutes": "0", "complete_hours": "24"},
    )
    assert response.status_code == 422
    assert "From 1 minute to 7 days." in response.get_data(as_text=True)


def test_callbacks_are_counted(app, butler, estate, clock):
    clock.set(T0)
    request_id = _new_id(_log(butler, estate))
    _step(app, butler, estate, request_id, "acknowledge", reply="Coming")
    _step(app, butler, estate, request_id, "done", note="")
    response = _step(app, butler, estate, request_id, "callback", method="call")
    assert response.status_code == 422
    assert "Choose how satisfied the resident is." in response.get_data(as_text=True)
    assert _count(app, ServiceDeskCallback) == 0


def test_the_site_search_finds_a_request_by_number_or_words(app, butler, estate, clock):
    clock.set(T0)
    request_id = _new_id(_log(butler, estate, description="Balcony drain blocked"))
    for query in (f"%23{request_id}", "drain"):
        page = butler.get(f"/s/{estate.site.slug}/search?q={query}").text
        assert f"/service_desk/{request_id}" in page
    assert (
        f"/service_desk/{request_id}"
        not in butler.get(f"/s/{estate.site.slug}/search?q=100%25").text
    )


@pytest.mark.postgres_only
def test_two_people_taking_the_same_step_at_once_get_409_not_an_error(
    app, butler, estate, monkeypatch, clock
):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("needs PostgreSQL: SQLite lets one writer in at a time anyway")
    clock.set(T0)
    request_id = _new_id(_log(butler, estate))
    real = rules.acknowledge

    def someone_else_first(item, user, reply, at):
        # Another desk saves its step between this one's check and its save.
        with db.engine.begin() as other:
            other.execute(
                update(ServiceDeskRequest)
                .where(ServiceDeskRequest.id == item.id)
                .values(version_id=ServiceDeskRequest.version_id + 1)
            )
        real(item, user, reply, at)

    monkeypatch.setattr(rules, "acknowledge", someone_else_first)
    response = _step(app, butler, estate, request_id, "acknowledge", reply="Coming")
    assert response.status_code == 409
    assert "Someone else changed this request" in response.text


def test_the_unit_page_shows_its_requests(app, butler, estate, clock):
    clock.set(T0)
    request_id = _new_id(_log(butler, estate))
    page = butler.get(f"/s/{estate.site.slug}/units/{estate.unit.id}").text
    assert "panel-service_desk-unit_requests" in page
    panel = butler.get(f"{estate.base}/units/{estate.unit.id}/panel").text
    assert f"#{request_id}" in panel and "1 open request" in panel


def test_a_manager_without_buildings_sees_the_sites_counts(app, client, estate, clock):
    clock.set(T0)
    assert login(client, estate.butler.username).status_code == 302
    _new_id(_log(client, estate))
    manager = app.test_client()
    assert login(manager, estate.manager.username).status_code == 302
    page = manager.get(f"/s/{estate.site.slug}/").text
    widget = page.split('id="widget-service_desk-mine"')[1].split("</section>")[0]
    assert "Service requests" in widget and "My service requests" not in widget
    assert re.findall(r'class="figure"><a [^>]*>(?:<mark>)?(\d+)', widget)[0] == "1"
    assert "Request categories" in manager.get(f"{estate.base}/").text


def test_a_photo_is_served_only_through_its_own_request(app, butler, estate, clock):
    clock.set(T0)
    with_photo = _new_id(_log(butler, estate, photo=(io.BytesIO(PNG), "tap.png")))
    without = _new_id(_log(butler, estate))
    with app.app_context():
        photo_id = db.session.scalar(select(ServiceDeskPhoto.id))
    response = butler.get(f"{estate.base}/{with_photo}/photos/{photo_id}")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert same_picture(response.data, PNG)
    assert "no-store" in response.headers["Cache-Control"]
    assert butler.get(f"{estate.base}/{without}/photos/{photo_id}").status_code == 404
    # A second photo added on the request's page.
    response = butler.post(
        f"{estate.base}/{with_photo}/photos",
        data={"photo": (io.BytesIO(PNG), "more.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303 and _count(app, ServiceDeskPhoto) == 2


def test_a_london_site_shows_the_same_promise_on_its_own_clock(app, client, make, clock):
    estate = build_estate(app, make, timezone="Europe/London")
    assert login(client, estate.butler.username).status_code == 302
    clock.set(T0)  # 01:00 in London
    request_id = _new_id(_log(client, estate))
    clock.set(T0 + timedelta(minutes=31))
    page = client.get(f"{estate.base}/{request_id}").text
    assert "<mark>2026-11-02 01:30</mark>" in page and "09:30" not in page
    # The callback due "today" is counted to midnight in London, not in Hong Kong.
    _step(app, client, estate, request_id, "acknowledge", reply="Coming")
    _step(app, client, estate, request_id, "done", note="")
    # It is due at 01:31 on the 3rd. At 23:58 on the 2nd (already the 3rd in Hong Kong)
    # it is not due today in London; two minutes later it is.
    for at, due_today in ((timedelta(hours=22, minutes=58), "0"), (timedelta(hours=23), "1")):
        clock.set(T0 + at)
        dashboard = client.get(f"/s/{estate.site.slug}/").text
        widget = dashboard.split('id="widget-service_desk-mine"')[1].split("</section>")[0]
        assert re.findall(r'class="figure"><a [^>]*>(?:<mark>)?(\d+)', widget)[2] == due_today
