"""Rounds: twice a day at the site's times, marked on the phone, told once when missed,
with the rainy-day and evening checks only when they apply."""

from __future__ import annotations

from datetime import time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from core.day import set_weather
from core.extensions import db
from core.models import Building, OutboxMessage, Site, User
from plugins.inspections import rules
from plugins.inspections.jobs import tell_missed_rounds
from plugins.inspections.models import (
    InspectionsCheckpoint,
    InspectionsFinding,
    InspectionsItem,
    InspectionsMark,
    InspectionsRound,
)
from tests.plugins.inspections.conftest import png


def _start(app, estate, at=None) -> int:
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        round_ = rules.start_round(
            site,
            db.session.get(Building, estate.t1.id),
            db.session.get(User, estate.butler.id),
            at or rules.clock.now(),
        )
        db.session.commit()
        return round_.id


def _items(app, estate, round_id: int, text: str | None = None) -> list[InspectionsItem]:
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        round_ = db.session.get(InspectionsRound, round_id)
        points = rules.checkpoints_of(site, round_.building_id)
        items = rules.items_for(site, round_, [p.id for p in points])
        return [i for i in items if text is None or i.text == text]


def _finish(app, round_id: int, at) -> None:
    with app.app_context():
        rules.complete_round(db.session.get(InspectionsRound, round_id), at)
        db.session.commit()


def test_two_rounds_a_day_at_the_sites_times_in_its_zone(app, make, clock):
    for zone in ("Asia/Hong_Kong", "Europe/London"):
        built = make.estate(timezone=zone, plugins=["inspections"])
        with app.app_context():
            site = db.session.get(Site, built.site.id)
            day = rules.clock.today(site)
            periods = rules.periods_of_day(site, day)
            local = [p.start.astimezone(ZoneInfo(zone)) for p in periods]
            assert [(t.date(), t.time()) for t in local] == [(day, time(9)), (day, time(15))]
            # Due with the lateness allowed (two hours by default).
            assert [p.due - p.start for p in periods] == [timedelta(hours=2)] * 2


def test_a_round_started_early_counts_for_its_time_and_is_not_started_twice(app, estate, clock):
    clock.at_local(estate.site, estate.day, time(8, 45))
    first = _start(app, estate)
    clock.at_local(estate.site, estate.day, time(9, 10))
    assert _start(app, estate) == first
    with app.app_context():
        round_ = db.session.get(InspectionsRound, first)
        assert round_.period_key == f"{estate.day.isoformat()}T09:00"
        assert round_.day == estate.day and not round_.evening


def test_the_day_page_shows_the_two_rounds_and_a_missed_one_first(app, client, auth, estate, clock):
    clock.at_local(estate.site, estate.day, time(11, 30))  # the 09:00 round is past due
    auth.login("ben")
    page = client.get(f"/s/{estate.site.slug}/today/").text
    assert "Round of T1 at 09:00" in page and "Round of T1 at 15:00" in page
    assert page.index("Round of T1 at 09:00") < page.index("Round of T1 at 15:00")
    assert "Not walked by 11:00" in page
    rounds = client.get(estate.url + "/").text
    assert "Not walked by 11:00" in rounds and "Due by 17:00" in rounds


def test_a_missed_round_is_told_to_the_assistant_once(app, estate, clock):
    # The afternoon round is walked; the morning one is not.
    clock.at_local(estate.site, estate.day, time(15, 5))
    afternoon = _start(app, estate)
    _finish(app, afternoon, clock.advance(minutes=40))
    clock.at_local(estate.site, estate.day, time(18, 0))
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        assert tell_missed_rounds(site, rules.clock.now()) == 1
        db.session.commit()
        assert tell_missed_rounds(site, rules.clock.now() + timedelta(hours=1)) == 0
        db.session.commit()
        messages = db.session.scalars(select(OutboxMessage)).all()
    assert len(messages) == 1
    assert messages[0].recipient == "amy@example.com"
    assert "T1" in messages[0].body and "09:00" in messages[0].body
    assert "Ben Lau" in messages[0].body


def test_a_round_walked_late_says_so_and_is_told(app, client, auth, estate, clock):
    clock.at_local(estate.site, estate.day, time(11, 30))
    with app.app_context():
        tell_missed_rounds(db.session.get(Site, estate.site.id), rules.clock.now())
        db.session.commit()
        bodies = db.session.scalars(select(OutboxMessage.body)).all()
    assert any(f"{estate.day.isoformat()} 09:00" in body for body in bodies)
    late = _start(app, estate, at=rules.clock.now() - timedelta(hours=3))
    _finish(app, late, rules.clock.now())
    auth.login("ben")
    page = client.get(estate.url + "/").text
    assert "Late" in page and "Walked: 0 OK, 0 findings" in page


def test_marking_on_the_phone_counts_ok_and_findings(app, client, auth, estate, clock):
    round_id = _start(app, estate)
    lobby, signs, *_rest = _items(app, estate, round_id)
    auth.login("ben")
    ok = client.post(f"{estate.url}/rounds/{round_id}/marks", data={"item_id": lobby.id})
    assert ok.status_code == 303
    found = client.post(
        f"{estate.url}/rounds/{round_id}/marks",
        data={
            "item_id": signs.id,
            "result": "finding",
            "note": "Notice board glass cracked",
            "owner_kind": "contractor",
            "owner_name": "Bright Glass",
            "photo": png(),
        },
        content_type="multipart/form-data",
    )
    assert found.status_code == 303
    page = client.get(found.headers["Location"]).text
    assert "1 OK, 1 findings" in page and "Notice board glass cracked" in page
    with app.app_context():
        finding = db.session.scalars(select(InspectionsFinding)).one()
        assert finding.photo_key and finding.owner_name == "Bright Glass"
        assert finding.area == "lobby" and finding.kind == "public_area"
        # Due in a week by default.
        assert finding.due_on == estate.day + timedelta(days=7)
    photo = client.get(f"{estate.url}/findings/{finding.id}/photo")
    assert photo.status_code == 200 and photo.mimetype == "image/png"


def test_a_mark_sent_twice_from_the_offline_queue_is_written_once(app, client, auth, estate):
    round_id = _start(app, estate)
    item = _items(app, estate, round_id)[0]
    auth.login("ben")
    key = {"Idempotency-Key": "round-mark-0001"}
    data = {"item_id": item.id, "result": "finding", "note": "Wet floor by the lift"}
    assert (
        client.post(f"{estate.url}/rounds/{round_id}/marks", data=data, headers=key).status_code
        == 303
    )
    again = client.post(f"{estate.url}/rounds/{round_id}/marks", data=data, headers=key)
    assert again.status_code == 409
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(InspectionsFinding)) == 1
        assert db.session.scalar(select(func.count()).select_from(InspectionsMark)) == 1


def test_a_finding_without_a_note_is_refused_and_nothing_is_written(app, client, auth, estate):
    round_id = _start(app, estate)
    item = _items(app, estate, round_id)[0]
    auth.login("ben")
    refused = client.post(
        f"{estate.url}/rounds/{round_id}/marks",
        data={"item_id": item.id, "result": "finding", "note": "  "},
    )
    assert refused.status_code == 422
    assert "Write what is wrong." in refused.text
    bad_photo = client.post(
        f"{estate.url}/rounds/{round_id}/marks",
        data={
            "item_id": item.id,
            "result": "finding",
            "note": "Leak",
            "photo": (png()[0].__class__(b"not a photo"), "x.png"),
        },
        content_type="multipart/form-data",
    )
    assert bad_photo.status_code == 422 and "Only photos in JPEG, PNG or WebP" in bad_photo.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(InspectionsMark)) == 0
        assert db.session.scalar(select(func.count()).select_from(InspectionsFinding)) == 0


def test_an_item_of_another_building_is_not_found(app, client, auth, estate):
    round_id = _start(app, estate)
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        other = rules.seed_route(site, db.session.get(Building, estate.t2.id))[0]
        db.session.commit()
        item_id = db.session.scalars(
            select(InspectionsItem.id).where(InspectionsItem.checkpoint_id == other.id)
        ).first()
    auth.login("ben")
    answer = client.post(f"{estate.url}/rounds/{round_id}/marks", data={"item_id": item_id})
    assert answer.status_code == 404


def test_open_findings_carry_forward_onto_the_next_round(app, client, auth, estate, clock):
    clock.at_local(estate.site, estate.day, time(9, 5))
    morning = _start(app, estate)
    item = _items(app, estate, morning)[0]
    auth.login("ben")
    client.post(
        f"{estate.url}/rounds/{morning}/marks",
        data={"item_id": item.id, "result": "finding", "note": "Lobby floor stained"},
    )
    client.post(f"{estate.url}/rounds/{morning}/complete")
    clock.at_local(estate.site, estate.day, time(15, 5))
    afternoon = _start(app, estate)
    assert afternoon != morning
    auth.login("ben")  # the morning's session has run out
    page = client.get(f"{estate.url}/rounds/{afternoon}/checkpoints/{item.checkpoint_id}")
    assert page.status_code == 200, page.headers
    page = page.text
    carried = page.split("Still open here")[1]
    assert "Lobby floor stained" in carried and "from an earlier round" in carried
    with app.app_context():
        finding = db.session.scalars(select(InspectionsFinding)).one()
        rules.close_finding(
            db.session.get(Site, estate.site.id),
            finding,
            db.session.get(User, estate.butler.id),
            rules.clock.now(),
            "Cleaned",
        )
        db.session.commit()
    page = client.get(f"{estate.url}/rounds/{afternoon}/checkpoints/{item.checkpoint_id}").text
    assert "Lobby floor stained" not in page


def test_rainy_day_items_appear_only_on_rainy_days(app, client, auth, estate):
    round_id = _start(app, estate)
    texts = {i.text for i in _items(app, estate, round_id)}
    assert "Roof drains flowing, no ponding or leaks" not in texts
    assert "Lobby floor dry, mats and wet-floor signs out" not in texts
    with app.app_context():
        set_weather(db.session.get(Site, estate.site.id), estate.day, "typhoon", source="care")
        db.session.commit()
    texts = {i.text for i in _items(app, estate, round_id)}
    assert "Roof drains flowing, no ponding or leaks" in texts
    assert "Loose objects tied down, warning signs out" in texts
    assert "Lobby floor dry, mats and wet-floor signs out" in texts
    auth.login("ben")
    page = client.get(f"{estate.url}/rounds/{round_id}").text
    assert "Typhoon day" in page


def test_the_office_marks_the_day_rainy_and_a_butler_may_not(app, client, auth, estate):
    auth.login("ben")
    assert client.post(f"{estate.url}/weather", data={"kind": "rain"}).status_code == 403
    auth.logout()
    auth.login("amy")
    page = client.get(estate.url + "/").text
    assert "Mark the day" in page
    assert client.post(f"{estate.url}/weather", data={"kind": "rain"}).status_code == 303
    assert "rounds today include the waterproofing checks" in client.get(estate.url + "/").text
    assert client.post(f"{estate.url}/weather", data={"kind": "hail"}).status_code == 303
    with app.app_context():
        assert rules.weather_of(db.session.get(Site, estate.site.id), estate.day) == "rain"


def test_the_evening_round_checks_the_rubbish_was_taken_away(app, estate, clock):
    clock.at_local(estate.site, estate.day, time(9, 5))
    morning = {i.text for i in _items(app, estate, _start(app, estate))}
    clock.at_local(estate.site, estate.day, time(15, 5))
    evening = {i.text for i in _items(app, estate, _start(app, estate))}
    rubbish = "Household and renovation rubbish taken away"
    assert rubbish not in morning and rubbish in evening


def test_vacant_units_are_checked_on_the_round(app, client, auth, estate):
    round_id = _start(app, estate)
    auth.login("ben")
    page = client.get(f"{estate.url}/rounds/{round_id}").text
    assert "T1-3A" in page and "Water turned off" in page and "Power turned off" in page
    assert "T1-5B" not in page
    answer = client.post(
        f"{estate.url}/rounds/{round_id}/marks",
        data={"unit_id": estate.vacant.id, "unit_check": "water_off", "result": "ok"},
    )
    assert answer.status_code == 303
    with app.app_context():
        mark = db.session.scalars(select(InspectionsMark)).one()
        assert (mark.unit_id, mark.unit_check, mark.result) == (estate.vacant.id, "water_off", "ok")


def test_a_joint_walk_has_its_participants_and_findings_due_within_three_days(
    app, client, auth, estate
):
    auth.login("ben")
    refused = client.post(
        f"{estate.url}/rounds", data={"building_id": estate.t1.id, "kind": "joint"}
    )
    assert refused.status_code == 303
    assert "Name who walks with you." in client.get(estate.url + "/").text
    started = client.post(
        f"{estate.url}/rounds",
        data={
            "building_id": estate.t1.id,
            "kind": "joint",
            "participants": "Mrs Chan (cleaning), Mr Ng (greening)",
        },
    )
    round_id = int(started.headers["Location"].rstrip("/").split("/")[-1])
    item = _items(app, estate, round_id)[0]
    late = (estate.day + timedelta(days=4)).isoformat()
    refused = client.post(
        f"{estate.url}/rounds/{round_id}/marks",
        data={"item_id": item.id, "result": "finding", "note": "Hedge overgrown", "due_on": late},
    )
    assert refused.status_code == 422
    assert "A joint walk&#39;s findings are due within 3 days." in refused.text
    client.post(
        f"{estate.url}/rounds/{round_id}/marks",
        data={"item_id": item.id, "result": "finding", "note": "Hedge overgrown"},
    )
    with app.app_context():
        finding = db.session.scalars(select(InspectionsFinding)).one()
        assert finding.due_on == estate.day + timedelta(days=3)
    page = client.get(f"{estate.url}/rounds/{round_id}").text
    assert "Joint walk" in page and "Mrs Chan (cleaning), Mr Ng (greening)" in page
    assert (
        "1 joint walk with the cleaning and greening leads this week"
        in client.get(estate.url + "/").text
    )


def test_a_checkpoint_opened_by_its_qr_code(app, client, auth, estate):
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        point = rules.seed_route(site, db.session.get(Building, estate.t1.id))[3]
        db.session.commit()
        point_id = point.id
    auth.login("ben")
    page = client.get(f"{estate.url}/c/{point_id}")
    assert page.status_code == 200 and "Start the round here" in page.text
    started = client.post(
        f"{estate.url}/rounds",
        data={"building_id": estate.t1.id, "kind": "routine", "checkpoint_id": point_id},
    )
    assert f"/checkpoints/{point_id}" in started.headers["Location"]
    again = client.get(f"{estate.url}/c/{point_id}")
    assert again.status_code == 302 and f"/checkpoints/{point_id}" in again.headers["Location"]
    assert "Lamps lit in corridors and stairs" in client.get(again.headers["Location"]).text


def test_the_printable_sheet_has_a_qr_code_per_checkpoint(app, client, auth, estate):
    with app.app_context():
        rules.seed_route(
            db.session.get(Site, estate.site.id), db.session.get(Building, estate.t1.id)
        )
        db.session.commit()
    auth.login("ben")
    page = client.get(f"{estate.url}/qr-sheet?building={estate.t1.id}").text
    with app.app_context():
        ids = db.session.scalars(
            select(InspectionsCheckpoint.id).where(
                InspectionsCheckpoint.building_id == estate.t1.id
            )
        ).all()
    assert len(ids) == 10
    assert page.count("<svg") == 10
    assert all(f"/inspections/c/{i}" in page for i in ids)


def test_a_finished_round_takes_no_more_marks(app, client, auth, estate):
    round_id = _start(app, estate)
    item = _items(app, estate, round_id)[0]
    auth.login("ben")
    finished = client.post(f"{estate.url}/rounds/{round_id}/complete")
    assert finished.status_code == 303
    refused = client.post(f"{estate.url}/rounds/{round_id}/marks", data={"item_id": item.id})
    assert refused.status_code == 422 and "This round is finished" in refused.text


def test_the_round_times_are_the_sites(app, client, auth, estate, clock):
    auth.login("mia")
    refused = client.post(
        f"{estate.url}/settings",
        data={"first_round": "16:00", "second_round": "10:00", "late_minutes": "60"},
    )
    assert refused.status_code == 422 and "The second round comes after the first." in refused.text
    saved = client.post(
        f"{estate.url}/settings",
        data={"first_round": "10:30", "second_round": "16:00", "late_minutes": "60"},
    )
    assert saved.status_code == 303
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        periods = rules.periods_of_day(site, estate.day)
        zone = ZoneInfo(site.timezone)
        assert [p.start.astimezone(zone).time() for p in periods] == [time(10, 30), time(16)]
        assert periods[0].due - periods[0].start == timedelta(hours=1)


def test_a_site_adds_to_its_checklist(app, client, auth, estate):
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        point = rules.seed_route(site, db.session.get(Building, estate.t1.id))[0]
        db.session.commit()
        point_id = point.id
    auth.login("mia")
    assert (
        client.post(
            f"{estate.url}/settings/checkpoints/{point_id}/items", data={"text": ""}
        ).status_code
        == 422
    )
    added = client.post(
        f"{estate.url}/settings/checkpoints/{point_id}/items",
        data={
            "text": "Christmas tree lights off at night",
            "kind": "safety",
            "condition": "evening",
        },
    )
    assert added.status_code == 303
    assert (
        "Christmas tree lights off at night"
        in client.get(f"{estate.url}/settings?building={estate.t1.id}").text
    )
    auth.logout()
    auth.login("ben")
    assert client.get(f"{estate.url}/settings").status_code == 403
