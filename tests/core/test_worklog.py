"""The butler's work log: a day's work from every plugin in time order, with the butler's
remarks; read by the butler and their managers; a month of it in the hand-in pack. And the
day's weather the office marks on the day page."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core import day as core_day
from core.extensions import db
from core.models import AuditLog, DayWeather, Site, User, WorkLogRemark
from core.testing.auth import login
from plugins.service_desk import rules as service_desk
from plugins.service_desk.models import ServiceDeskCategory
from plugins.service_desk.rules import seed_categories

HK = ZoneInfo("Asia/Hong_Kong")
DAY = date(2027, 3, 10)


@pytest.fixture
def estate(app, make, clock):
    clock.at_local("Asia/Hong_Kong", DAY, time(21, 0))
    built = make.estate(
        plugins=("service_desk",),
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


def logged_by(app, estate, who: str, at: datetime, description: str) -> int:
    with app.app_context():
        category = db.session.scalars(
            select(ServiceDeskCategory).where(ServiceDeskCategory.site_id == estate.site.id)
        ).first()
        item = service_desk.log(
            category=category,
            resident=estate.resident,
            unit_id=estate.unit.id,
            building_id=estate.tower.id,
            channel="phone",
            description=description,
            user=db.session.get(User, estate.staff[who].id),
            at=at,
        )
        db.session.commit()
        return item.id


def hk(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=HK)


def log_page(client, estate, day: date = DAY, **args) -> tuple[int, str]:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    response = client.get(f"/s/{estate.site.slug}/log/{day.isoformat()}?{query}")
    return response.status_code, response.get_data(as_text=True)


def test_the_log_lists_the_butlers_own_work_of_the_day_in_the_sites_time(app, client, estate):
    logged_by(app, estate, "ben", hk(15, 20), "Dripping tap in the kitchen")
    logged_by(app, estate, "ben", hk(9, 5), "Lobby light flickers")
    # 00:30 on the next day in Hong Kong is still the 10th in UTC: not this day's work.
    logged_by(app, estate, "ben", hk(0, 30, DAY + timedelta(days=1)), "Noise after midnight")
    logged_by(app, estate, "bea", hk(11, 0), "Tower 2 gate sticks")
    login(client, "ben")
    status, page = log_page(client, estate)
    assert status == 200
    assert "Work log of" in page
    assert page.index("09:05") < page.index("Lobby light flickers") < page.index("15:20")
    assert "Dripping tap in the kitchen" in page
    assert "Noise after midnight" not in page
    assert "Tower 2 gate sticks" not in page
    assert "logged the request" in page


def test_a_quiet_day_says_so(client, estate):
    login(client, "ben")
    status, page = log_page(client, estate, DAY - timedelta(days=3))
    assert status == 200
    assert "Nothing recorded for this day." in page


def test_the_butler_writes_remarks_and_a_too_long_remark_is_refused(app, client, estate):
    login(client, "ben")
    url = f"/s/{estate.site.slug}/log/{DAY.isoformat()}/remarks"
    saved = client.post(url, data={"body": "Tower 1 roof door left open: told security"})
    assert saved.status_code == 303
    status, page = log_page(client, estate)
    assert "Tower 1 roof door left open: told security" in page
    refused = client.post(url, data={"body": "x" * 2001})
    assert refused.status_code == 422
    assert "Use at most 2000 characters." in refused.get_data(as_text=True)
    with app.app_context():
        rows = db.session.scalars(select(WorkLogRemark)).all()
        assert [r.body for r in rows] == ["Tower 1 roof door left open: told security"]
        assert db.session.scalar(select(AuditLog).where(AuditLog.action == "worklog.remarks_saved"))


def test_a_manager_reads_every_butlers_log_and_a_butler_only_their_own(app, client, estate):
    logged_by(app, estate, "bea", hk(11, 0), "Tower 2 gate sticks")
    bea = estate.staff["bea"].id
    login(client, "ben")
    assert log_page(client, estate, butler=bea)[0] == 404
    client.post("/logout")
    login(client, "amy")
    listing = client.get(f"/s/{estate.site.slug}/log/?day={DAY.isoformat()}")
    assert listing.status_code == 200
    names = listing.get_data(as_text=True)
    assert estate.staff["ben"].display_name in names and estate.staff["bea"].display_name in names
    status, page = log_page(client, estate, butler=bea)
    assert status == 200 and "Tower 2 gate sticks" in page
    assert "Save my remarks" not in page  # a reader, not the writer
    # The assistant keeps no log: their own address leads to the list.
    assert log_page(client, estate)[0] == 302
    client.post("/logout")
    login(client, "fay")
    assert log_page(client, estate)[0] == 403


def test_another_sites_butler_and_odd_days_are_not_found(app, client, estate, make):
    other = make.estate(staff={"olga": {"role": "butler", "towers": [0]}})
    login(client, "amy")
    assert log_page(client, estate, butler=other.staff["olga"].id)[0] == 404
    assert log_page(client, estate, butler="abc")[0] == 404
    for odd in ("2027-02-30", "yesterday", "0001-01-01"):
        assert client.get(f"/s/{estate.site.slug}/log/{odd}").status_code == 404


def test_the_month_of_logs_goes_into_the_hand_in_pack(app, client, estate):
    logged_by(app, estate, "ben", hk(9, 5, date(2027, 3, 2)), "Lobby light flickers")
    logged_by(app, estate, "ben", hk(16, 0), "Dripping tap in the kitchen")
    login(client, "ben")
    client.post(
        f"/s/{estate.site.slug}/log/{DAY.isoformat()}/remarks", data={"body": "Busy afternoon"}
    )
    pack = client.get(f"/s/{estate.site.slug}/hand-in/2027-03").get_data(as_text=True)
    section = pack[pack.index("Work log") :]
    assert section.index("Lobby light flickers") < section.index("Dripping tap in the kitchen")
    assert "Busy afternoon" in section
    assert section.index("09:05") < section.index("16:00")
    assert "2027-03-02" in section


def test_the_office_marks_a_rainy_day_and_a_milder_notice_keeps_a_typhoon(app, client, estate):
    login(client, "amy")
    today = f"/s/{estate.site.slug}/today/"
    assert client.post(today + "weather", data={"kind": "rain"}).status_code == 303
    assert "Rainy day: rounds include the wet-weather checks." in client.get(today).get_data(
        as_text=True
    )
    assert client.post(today + "weather", data={"kind": "snow"}).status_code == 422
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        assert core_day.weather_of(site, DAY) == "rain"
        core_day.set_weather(site, DAY, "typhoon", source="care")
        core_day.set_weather(site, DAY, "rain", source="care")  # milder: the typhoon stays
        db.session.commit()
        assert core_day.weather_of(site, DAY) == "typhoon"
        assert core_day.weather_of(site, DAY + timedelta(days=1)) is None
    assert client.post(today + "weather", data={"kind": ""}).status_code == 303
    with app.app_context():
        assert db.session.scalars(select(DayWeather)).all() == []
    client.post("/logout")
    login(client, "ben")
    assert client.post(today + "weather", data={"kind": "rain"}).status_code == 403
    page = client.get(today).get_data(as_text=True)
    assert "Mark the day" not in page
    assert "My work log for today" in page
