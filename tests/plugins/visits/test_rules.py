"""The counting rules of the quota, the quarter's edges and the week's proposal."""

from __future__ import annotations

from datetime import UTC, date, datetime

from core.extensions import db
from core.models import Occupancy, Resident, Site, Unit, User
from plugins.visits import rules
from tests.plugins.visits.conftest import hk, visit

TODAY = date(2026, 11, 18)


def ben_quota(app, estate, today: date = TODAY):
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        month = rules.span_of(site, rules.MONTH, today)
        quarter = rules.span_of(site, rules.QUARTER, today)
        ben = db.session.get(User, estate.staff["ben"].id)
        [row] = rules.quota(site, month, quarter, today, ben)
        return row


def test_a_household_counts_once_however_many_visits(app, estate):
    ben, unit, chan = estate.staff["ben"], estate.units[0], estate.residents[0]
    for day in (date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)):
        visit(app, estate.site, unit, chan, ben, day)
    row = ben_quota(app, estate)
    assert (row.month.households, row.month.visited) == (6, 1)
    assert row.month.percent == 16.7
    assert row.quarter.visited == 1


def test_vacant_units_are_left_out(app, make, estate):
    row = ben_quota(app, estate)
    assert row.month.households == 6  # 4A is vacant
    # A unit marked vacant is left out even if an old occupancy was never closed.
    make.update(estate.units[0], status="vacant")
    assert ben_quota(app, estate).month.households == 5


def test_a_unit_whose_family_moved_out_is_left_out(app, make, estate):
    with app.app_context():
        occupancy = db.session.scalar(
            db.select(Occupancy).where(Occupancy.resident_id == estate.residents[1].id)
        )
        occupancy.moved_out = date(2026, 11, 10)
        db.session.commit()
    assert ben_quota(app, estate).month.households == 5


def test_a_household_that_moved_in_mid_month_counts_from_then(app, make, estate):
    ben, unit = estate.staff["ben"], estate.units[6]  # 4A, vacant until the 10th
    make.update(unit, status="occupied")
    newcomer = make.resident(estate.site, name="Lam Newcomer")
    make.occupancy(newcomer, unit, moved_in=date(2026, 11, 10), is_primary_contact=True)
    # A visit before they moved in (to see the empty flat) does not count for them.
    visit(app, estate.site, unit, newcomer, ben, date(2026, 11, 5))
    row = ben_quota(app, estate)
    assert (row.month.households, row.month.visited) == (7, 0)
    visit(app, estate.site, unit, newcomer, ben, date(2026, 11, 12))
    assert ben_quota(app, estate).month.visited == 1
    # Before they moved in, the household did not exist yet.
    assert ben_quota(app, estate, date(2026, 11, 9)).month.households == 6


def test_a_visit_to_the_family_who_lived_there_before_does_not_count_for_the_new_one(
    app, make, estate
):
    ben, unit, old = estate.staff["ben"], estate.units[0], estate.residents[0]
    visit(app, estate.site, unit, old, ben, date(2026, 11, 3))
    with app.app_context():
        occupancy = db.session.scalar(db.select(Occupancy).where(Occupancy.resident_id == old.id))
        occupancy.moved_out = date(2026, 11, 8)
        db.session.commit()
    newcomer = make.resident(estate.site, name="Ho Newcomer")
    make.occupancy(newcomer, unit, moved_in=date(2026, 11, 8))
    row = ben_quota(app, estate)
    assert (row.month.households, row.month.visited) == (6, 0)


def test_a_unit_with_two_households_counts_two(app, make, estate):
    ben, unit, owner = estate.staff["ben"], estate.units[0], estate.residents[0]
    with app.app_context():
        db.session.execute(
            db.update(Occupancy)
            .where(Occupancy.resident_id == owner.id)
            .values(is_primary_contact=True)
        )
        db.session.commit()
    lodger = make.resident(estate.site, name="Lodger Family")
    make.occupancy(lodger, unit, role="tenant", is_primary_contact=True)
    # The owner's wife is one of the owner's household, not a household of her own.
    wife = make.resident(estate.site, name="Owner's wife")
    make.occupancy(wife, unit, role="family")
    assert ben_quota(app, estate).month.households == 7
    visit(app, estate.site, unit, owner, ben, date(2026, 11, 4))
    row = ben_quota(app, estate)
    assert row.month.visited == 1
    visit(app, estate.site, unit, lodger, ben, date(2026, 11, 5))
    assert ben_quota(app, estate).month.visited == 2


def test_a_unit_without_a_primary_contact_is_one_household_headed_by_the_first(app, make, estate):
    unit, first = estate.units[0], estate.residents[0]
    second = make.resident(estate.site, name="Second occupant")
    make.occupancy(second, unit, role="family")
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        found = rules.households(site, TODAY, [estate.tower.id], limit=None)
    heads = [h.resident_id for h in found if h.unit_id == unit.id]
    assert heads == [first.id]
    assert ben_quota(app, estate).month.households == 6


def test_archived_residents_are_left_out(app, make, estate):
    from core import clock

    with app.app_context():
        person = db.session.get(Resident, estate.residents[2].id)
        person.archived_at = clock.now()
        db.session.commit()
    assert ben_quota(app, estate).month.households == 5


def test_each_butler_counts_only_their_buildings(app, estate):
    visit(app, estate.site, estate.units[7], estate.residents[6], estate.staff["amy"], TODAY)
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        month = rules.span_of(site, rules.MONTH, TODAY)
        quarter = rules.span_of(site, rules.QUARTER, TODAY)
        rows = {r.name: r for r in rules.quota(site, month, quarter, TODAY)}
    assert (rows["Amy Ho"].month.households, rows["Amy Ho"].month.visited) == (3, 1)
    assert (rows["Ben Lee"].month.households, rows["Ben Lee"].month.visited) == (6, 0)
    # Ranked: Amy's third first.
    assert list(rows) == ["Amy Ho", "Ben Lee"]


def test_the_quarter_is_cut_on_the_sites_clock(app, estate):
    """23:30 on 31 March in Hong Kong is Q1; 00:30 on 1 April is Q2 (16:30 UTC on 31 March)."""
    ben, site = estate.staff["ben"], estate.site
    late = datetime(2027, 3, 31, 15, 30, tzinfo=UTC)  # 23:30 HK, 31 March
    early = datetime(2027, 3, 31, 16, 30, tzinfo=UTC)  # 00:30 HK, 1 April
    visit(app, site, estate.units[0], estate.residents[0], ben, date(2027, 3, 31), at=late)
    visit(app, site, estate.units[1], estate.residents[1], ben, date(2027, 4, 1), at=early)
    q1 = ben_quota(app, estate, date(2027, 3, 31))
    q2 = ben_quota(app, estate, date(2027, 4, 1))
    assert (q1.quarter.visited, q1.month.visited) == (1, 1)
    assert (q2.quarter.visited, q2.month.visited) == (1, 1)
    with app.app_context():
        s = db.session.get(Site, site.id)
        assert rules.span_of(s, rules.QUARTER, date(2027, 3, 31)).key == "2027-Q1"
        assert rules.span_of(s, rules.QUARTER, date(2027, 4, 1)).last == date(2027, 6, 30)


def test_a_quarter_counts_visits_of_its_three_months(app, estate):
    ben = estate.staff["ben"]
    visit(app, estate.site, estate.units[0], estate.residents[0], ben, date(2026, 10, 1))
    visit(app, estate.site, estate.units[1], estate.residents[1], ben, date(2026, 11, 2))
    visit(app, estate.site, estate.units[2], estate.residents[2], ben, date(2026, 9, 30))
    row = ben_quota(app, estate)
    assert (row.month.visited, row.quarter.visited) == (1, 2)


def test_a_third_meets_the_monthly_target_and_98_percent_the_quarter(app):
    assert rules.Count(3, 1).meets(333)
    assert not rules.Count(4, 1).meets(333)
    assert rules.Count(50, 49).meets(980)
    assert not rules.Count(100, 97).meets(980)
    assert rules.needed(100, 980) == 98


def test_days_left_count_today_and_stop_at_the_end(app, estate):
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        month = rules.span_of(site, rules.MONTH, TODAY)
    assert (month.first, month.last) == (date(2026, 11, 1), date(2026, 11, 30))
    assert month.days_left(TODAY) == 13
    assert month.days_left(date(2026, 11, 30)) == 1
    assert month.days_left(date(2026, 12, 1)) == 0


def test_the_plan_proposes_the_households_not_visited_the_longest_first(app, estate):
    ben, site = estate.staff["ben"], estate.site
    units, people = estate.units, estate.residents
    # 1A and 1B were last visited in the summer, 2A in the spring; 2B, 3A, 3B never.
    visit(app, site, units[0], people[0], ben, date(2026, 8, 20))
    visit(app, site, units[1], people[1], ben, date(2026, 7, 1))
    visit(app, site, units[2], people[2], ben, date(2026, 4, 2))
    with app.app_context():
        s = db.session.get(Site, site.id)
        user = db.session.get(User, ben.id)
        proposed = rules.proposal(s, user, TODAY)
        order = [h.label for h in proposed]
    # 98% of six by the end of December: six visits over seven weeks, one a week; a
    # third of six by the end of November: two visits over two weeks, one a week.
    assert order == ["T1-2B"]
    with app.app_context():
        s = db.session.get(Site, site.id)
        found = rules.households(s, TODAY, [estate.tower.id], limit=None)
    assert [h.label for h in found] == ["T1-2B", "T1-3A", "T1-3B", "T1-2A", "T1-1B", "T1-1A"]
    with app.app_context():
        s = db.session.get(Site, site.id)
        never, longest = rules.never_and_longest(s, TODAY, [estate.tower.id], limit=2)
    assert [h.label for h in never] == ["T1-2B", "T1-3A"]
    assert [(h.label, h.last_visit) for h in longest] == [
        ("T1-2A", date(2026, 4, 2)),
        ("T1-1B", date(2026, 7, 1)),
    ]


def test_the_plan_asks_for_more_when_the_month_is_nearly_over(app, clock, estate):
    clock.set(hk(date(2026, 11, 27)))
    with app.app_context():
        s = db.session.get(Site, estate.site.id)
        user = db.session.get(User, estate.staff["ben"].id)
        proposed = rules.proposal(s, user, date(2026, 11, 27))
        grouped = rules.grouped(proposed)
        spread = rules.spread(proposed, date(2026, 11, 27))
    # Two households needed this month with four days left: both this week.
    assert [h.label for h in proposed] == ["T1-1A", "T1-1B"]
    assert [(code, floor, len(rows)) for code, floor, rows in grouped] == [("T1", 1, 2)]
    assert {day for day, _ in spread} <= {date(2026, 11, d) for d in (27, 28, 29)}


def test_planned_households_are_not_proposed_again(app, estate):
    with app.app_context():
        s = db.session.get(Site, estate.site.id)
        user = db.session.get(User, estate.staff["ben"].id)
        first = rules.proposal(s, user, TODAY)
        rules.plan(s, user, first, TODAY)
        db.session.commit()
        assert rules.proposal(s, user, TODAY) == []
        assert len(rules.planned(s, user, date(2026, 11, 16), date(2026, 11, 22))) == 1


def test_behind_the_pace_is_judged_on_the_days_gone(app):
    month = rules.Span("2026-11", date(2026, 11, 1), date(2026, 11, 30))
    # 30 households, target 10: by the 16th (15 days gone) five should be visited.
    assert rules.behind(rules.Count(30, 4), 333, month, date(2026, 11, 16))
    assert not rules.behind(rules.Count(30, 5), 333, month, date(2026, 11, 16))
    assert not rules.behind(rules.Count(30, 0), 333, month, date(2026, 11, 1))


def test_the_floor_grid_colours_each_unit(app, estate):
    ben, site = estate.staff["ben"], estate.site
    visit(app, site, estate.units[0], estate.residents[0], ben, date(2026, 10, 5))
    with app.app_context():
        s = db.session.get(Site, site.id)
        user = db.session.get(User, ben.id)
        household = rules.household_of(
            s, db.session.get(Unit, estate.units[5].id), estate.residents[5], TODAY
        )
        rules.plan(s, user, [household], TODAY)
        db.session.commit()
        quarter = rules.span_of(s, rules.QUARTER, TODAY)
        floors = rules.floor_grid(s, estate.tower, quarter, TODAY)
    states = {cell.unit.number: cell.state for _, cells in floors for cell in cells}
    assert states == {
        "1A": "visited",
        "1B": "not_visited",
        "2A": "not_visited",
        "2B": "not_visited",
        "3A": "not_visited",
        "3B": "due",
        "4A": "vacant",
    }
    assert [floor for floor, _ in floors] == [4, 3, 2, 1]
