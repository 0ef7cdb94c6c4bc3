"""Cadences over whole years in two time zones, and around the night clocks change."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.cadence import Cadence

HONG_KONG = ZoneInfo("Asia/Hong_Kong")
LONDON = ZoneInfo("Europe/London")
ZONES = [HONG_KONG, LONDON]


def local(zone: ZoneInfo, text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone)


def year_of(cadence: Cadence, zone: ZoneInfo, year: int = 2027):
    start, end = local(zone, f"{year}-01-01T00:00"), local(zone, f"{year + 1}-01-01T00:00")
    return [p for p in cadence.periods(start, end, zone) if p.start >= start]


@pytest.mark.parametrize("zone", ZONES, ids=str)
def test_twice_a_month_is_24_halves_from_the_1st_and_the_16th(zone):
    halves = year_of(Cadence.twice_a_month(1, 16), zone)
    assert len(halves) == 24
    starts = [p.start.astimezone(zone) for p in halves]
    assert {(s.day, s.hour, s.minute) for s in starts} == {(1, 0, 0), (16, 0, 0)}
    assert all(a.end == b.start for a, b in zip(halves, halves[1:], strict=False))
    assert halves[3].key == "2027-02-16" and halves[3].end == local(zone, "2027-03-01T00:00")


@pytest.mark.parametrize("zone", ZONES, ids=str)
def test_quarters_halves_and_the_year_are_calendar_spans_due_at_their_end(zone):
    quarters = year_of(Cadence.quarterly(), zone)
    assert [q.key for q in quarters] == ["2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"]
    assert quarters[1].start == local(zone, "2027-04-01T00:00")
    assert quarters[1].due == quarters[1].end == local(zone, "2027-07-01T00:00")
    halves = year_of(Cadence.half_yearly(), zone)
    assert [h.key for h in halves] == ["2027-H1", "2027-H2"]
    [whole] = year_of(Cadence.yearly(), zone)
    assert whole.key == "2027" and whole.due == local(zone, "2028-01-01T00:00")


@pytest.mark.parametrize("zone", ZONES, ids=str)
def test_by_the_25th_is_due_at_the_end_of_the_25th_of_every_month(zone):
    cadence = Cadence.monthly_by(25)
    months = year_of(cadence, zone)
    assert [m.key for m in months] == [f"2027-{n:02d}" for n in range(1, 13)]
    assert [m.due.astimezone(zone).date() for m in months] == [
        date(2027, n, 26) for n in range(1, 13)
    ]
    november = months[10]
    last_minute = local(zone, "2027-11-25T23:59")
    assert not cadence.is_overdue(last_minute, zone)
    assert cadence.is_overdue(local(zone, "2027-11-26T00:00"), zone)
    done = local(zone, "2027-11-03T10:00")
    assert not cadence.is_overdue(local(zone, "2027-11-28T09:00"), zone, done_at=done)
    october_work = local(zone, "2027-10-30T10:00")
    assert cadence.is_overdue(local(zone, "2027-11-28T09:00"), zone, done_at=october_work)
    assert cadence.next_due(last_minute, zone) == november.due


def test_by_a_day_a_short_month_lacks_is_due_at_its_last_day():
    cadence = Cadence.monthly_by(31)
    for year, last in ((2027, 28), (2028, 29)):
        february = cadence.period_at(local(HONG_KONG, f"{year}-02-10T12:00"), HONG_KONG)
        assert february.due == local(HONG_KONG, f"{year}-02-{last}T00:00") + timedelta(days=1)


@pytest.mark.parametrize("zone", ZONES, ids=str)
def test_twice_a_day_rounds_cut_the_year_at_the_two_times(zone):
    rounds = year_of(Cadence.twice_a_day(time(9), time(15)), zone)
    assert len(rounds) == 365 * 2
    assert rounds[0].key == "2027-01-01T09:00"
    assert {r.start.astimezone(zone).time() for r in rounds} == {time(9), time(15)}
    # The 09:00 round lasts until 15:00; the 15:00 round until 09:00 the next morning.
    assert {r.end - r.start for r in rounds} <= {
        timedelta(hours=6),
        timedelta(hours=18),
        timedelta(hours=17),
        timedelta(hours=19),
    }


def test_twice_a_day_around_the_night_london_springs_forward():
    cadence = Cadence.twice_a_day(time(1, 30), time(13, 30), within=timedelta(hours=1))
    # 28 March 2027: at 01:00 GMT the clocks go to 02:00 BST; 01:30 never happens.
    night = cadence.period_at(datetime(2027, 3, 28, 1, 45, tzinfo=UTC), LONDON)
    assert night.start == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)  # 02:30 BST
    assert night.end == datetime(2027, 3, 28, 12, 30, tzinfo=UTC)  # 13:30 BST
    before = cadence.previous_period(night, LONDON)
    assert before.start == datetime(2027, 3, 27, 13, 30, tzinfo=UTC)  # 13:30 GMT
    assert night.end - night.start == timedelta(hours=11)
    assert night.due == night.start + timedelta(hours=1)
    assert not cadence.is_overdue(datetime(2027, 3, 28, 2, 29, tzinfo=UTC), LONDON)
    assert cadence.is_overdue(datetime(2027, 3, 28, 2, 30, tzinfo=UTC), LONDON)


def test_twice_a_day_around_the_night_london_falls_back():
    cadence = Cadence.twice_a_day(time(1, 30), time(13, 30))
    # 31 October 2027: at 02:00 BST the clocks go back to 01:00 GMT; 01:30 comes twice.
    periods = list(
        cadence.periods(
            datetime(2027, 10, 30, 12, 0, tzinfo=UTC),
            datetime(2027, 11, 1, 0, 0, tzinfo=UTC),
            LONDON,
        )
    )
    starts = [p.start for p in periods]
    assert datetime(2027, 10, 31, 0, 30, tzinfo=UTC) in starts  # the first 01:30 (BST)
    assert datetime(2027, 10, 31, 1, 30, tzinfo=UTC) not in starts  # not twice
    night = cadence.period_at(datetime(2027, 10, 31, 5, 0, tzinfo=UTC), LONDON)
    assert night.end - night.start == timedelta(hours=13)


def test_hong_kong_has_no_clock_change_so_every_round_is_twelve_hours():
    cadence = Cadence.twice_a_day(time(8), time(20))
    rounds = year_of(cadence, HONG_KONG)
    assert {r.end - r.start for r in rounds} == {timedelta(hours=12)}


@pytest.mark.parametrize("zone", ZONES, ids=str)
def test_weekly_on_monday_and_thursday(zone):
    cadence = Cadence.weekly(0, 3, at=time(10))
    visits = year_of(cadence, zone)
    assert {v.start.astimezone(zone).weekday() for v in visits} == {0, 3}
    assert len(visits) == 104  # 2027 starts on a Friday: 52 Mondays and 52 Thursdays
    thursday = cadence.period_at(local(zone, "2027-12-30T11:00"), zone)
    assert thursday.end == local(zone, "2028-01-03T10:00")


def test_monthly_on_a_day_and_the_period_a_moment_falls_in():
    cadence = Cadence.monthly(5, at=time(6))
    before = cadence.period_at(local(HONG_KONG, "2027-03-05T05:59"), HONG_KONG)
    assert before.key == "2027-02-05T06:00"
    on = cadence.period_at(local(HONG_KONG, "2027-03-05T06:00"), HONG_KONG)
    assert on.key == "2027-03-05T06:00" and on.end == local(HONG_KONG, "2027-04-05T06:00")
    assert cadence.next_due(on.start, HONG_KONG) == local(HONG_KONG, "2027-04-05T06:00")


def test_the_new_year_belongs_to_the_sites_own_clock():
    cadence = Cadence.monthly_by(25)
    moment = datetime(2026, 12, 31, 20, 0, tzinfo=UTC)  # 04:00 on 1 January in Hong Kong
    assert cadence.period_at(moment, HONG_KONG).key == "2027-01"
    assert cadence.period_at(moment, LONDON).key == "2026-12"


def test_a_financial_year_from_april():
    cadence = Cadence.yearly(first_month=4)
    year = cadence.period_at(local(HONG_KONG, "2027-02-01T00:00"), HONG_KONG)
    assert year.start == local(HONG_KONG, "2026-04-01T00:00")
    assert year.end == local(HONG_KONG, "2027-04-01T00:00")


@pytest.mark.parametrize(
    "build",
    [
        lambda: Cadence.times_a_day(time(15), time(9)),
        lambda: Cadence.weekly(),
        lambda: Cadence.weekly(7),
        lambda: Cadence.twice_a_month(16, 1),
        lambda: Cadence.monthly(31),
        lambda: Cadence.monthly_by(0),
        lambda: Cadence.quarterly(first_month=13),
    ],
)
def test_a_cadence_that_cannot_be_kept_is_refused(build):
    with pytest.raises(ValueError):
        build()


def test_descriptions_name_the_cadence():
    assert Cadence.twice_a_day(time(9), time(15)).describe() == "2× a day at 09:00, 15:00"
    assert Cadence.weekly(0, 3).describe() == "weekly on Monday, Thursday at 00:00"
    assert Cadence.monthly_by(25).describe() == "monthly, by day 25"
    assert Cadence.quarterly().describe() == "quarterly"
