"""The plan on the core's cadences, in the site's zone: monthly, quarterly and yearly tasks
fall due on the right days in Hong Kong; compliance with the required frequency comes
from the log; what is missed or late counts against the contract."""

from __future__ import annotations

from datetime import date, time, timedelta

from core import clock as core_clock
from core.extensions import db
from core.models import Building
from plugins.maintenance import rules
from plugins.maintenance.models import MaintenanceTask
from tests.plugins.maintenance.conftest import (
    add_contract,
    add_contractor,
    log_work,
    site_of,
    task_of,
)

YEARS = (date(2026, 1, 1), date(2027, 12, 31))


def _due(app, estate) -> dict:
    with app.app_context():
        site = site_of(estate)
        owed = rules.due_list(site, core_clock.today(site))
        return {(d.task.code, d.building.code): d for d in owed}


def _one_task(app, estate, contractor_id, code="road_washing", times=2, span="month") -> int:
    """A contract whose plan is the one task ``code`` in tower 1."""
    contract = add_contract(app, estate, contractor_id, *YEARS, services=())
    with app.app_context():
        task = MaintenanceTask(
            site_id=estate.site.id,
            contract_id=contract,
            code=code,
            service="cleaning",
            span=span,
            times=times,
            building_id=estate.t1.id,
        )
        db.session.add(task)
        db.session.commit()
        return task.id


def test_the_default_plan_is_the_job_descriptions_frequencies(app, estate):
    cleaner = add_contractor(app, estate, services=("cleaning", "pest_control", "water_tanks"))
    contract = add_contract(
        app, estate, cleaner, *YEARS, services=("cleaning", "pest_control", "water_tanks")
    )
    with app.app_context():
        plan = {
            t.code: (t.times, t.span)
            for t in db.session.query(MaintenanceTask).filter_by(contract_id=contract)
        }
    assert plan == {
        "road_washing": (2, "month"),
        "floor_washing": (1, "month"),
        "pest_control": (1, "month"),
        "drains": (1, "month"),
        "reservoir": (1, "quarter"),
        "water_features": (1, "quarter"),
        "underground_shafts": (1, "quarter"),
        "septic_tank": (1, "year"),
    }


def test_quarterly_and_yearly_tasks_fall_due_on_the_last_day_in_the_sites_zone(app, estate, clock):
    cleaner = add_contractor(app, estate, services=("cleaning", "water_tanks"))
    add_contract(app, estate, cleaner, *YEARS, services=("cleaning", "water_tanks"))

    # 23:30 on 31 December in Hong Kong: the quarter's and the year's tasks are due today.
    clock.at_local(estate.site, date(2026, 12, 31), time(23, 30))
    due = _due(app, estate)
    reservoir, septic = due[("reservoir", "T1")], due[("septic_tank", "T1")]
    assert (reservoir.span.key, reservoir.due_on, reservoir.overdue) == (
        "2026-Q4",
        date(2026, 12, 31),
        False,
    )
    assert (septic.span.key, septic.due_on, septic.overdue) == ("2026", date(2026, 12, 31), False)

    # 00:30 on 1 January in Hong Kong, still 31 December in UTC: the new quarter and year.
    clock.at_local(estate.site, date(2027, 1, 1), time(0, 30))
    assert core_clock.now().date() == date(2026, 12, 31)
    due = _due(app, estate)
    reservoir, septic = due[("reservoir", "T1")], due[("septic_tank", "T1")]
    assert (reservoir.span.key, reservoir.due_on, reservoir.overdue) == (
        "2027-Q1",
        date(2027, 3, 31),
        False,
    )
    assert (septic.span.key, septic.due_on) == ("2027", date(2027, 12, 31))
    quarter = rules.period_of(estate.site, "quarter", date(2027, 2, 14))
    assert (quarter.first, quarter.last) == (date(2027, 1, 1), date(2027, 3, 31))


def test_a_quarter_not_done_is_missed_against_the_contract_when_it_ends(app, estate, clock):
    cleaner = add_contractor(app, estate)
    task = _one_task(app, estate, cleaner, code="reservoir", times=1, span="quarter")
    log_work(app, estate, task, estate.t1.id, date(2026, 2, 10))  # Q1 done; Q2, Q3 not
    clock.at_local(estate.site, date(2026, 10, 1), time(9))
    with app.app_context():
        site = site_of(estate)
        contract = db.session.get(MaintenanceTask, task).contract
        tally = rules.against_contract(site, contract, core_clock.today(site))
    assert (tally.required, tally.done, tally.missed, tally.late) == (3, 1, 2, 0)


def test_two_road_washings_required_and_one_logged_is_50_percent_and_flagged(app, estate):
    cleaner = add_contractor(app, estate)
    task = _one_task(app, estate, cleaner)
    log_work(app, estate, task, estate.t1.id, date(2026, 11, 10))
    with app.app_context():
        tally = rules.compliance(site_of(estate), cleaner, "cleaning", "2026-11")
    assert (tally.required, tally.done, tally.percent, tally.flagged) == (2, 1, 50, True)
    assert tally.missed == 1 and tally.late == 0


def test_both_washings_logged_is_full_compliance_but_a_late_first_one_counts(app, estate):
    cleaner = add_contractor(app, estate)
    task = _one_task(app, estate, cleaner)
    # Twice a month: the first by the 15th, the second by the 30th.
    assert rules.Span("2026-11", date(2026, 11, 1), date(2026, 11, 30)).slots(2) == [
        date(2026, 11, 15),
        date(2026, 11, 30),
    ]
    log_work(app, estate, task, estate.t1.id, date(2026, 11, 20))
    log_work(app, estate, task, estate.t1.id, date(2026, 11, 28))
    with app.app_context():
        tally = rules.compliance(site_of(estate), cleaner, "cleaning", "2026-11")
    assert (tally.percent, tally.flagged, tally.late) == (100, False, 1)


def test_work_sent_back_by_the_butler_does_not_count(app, estate):
    cleaner = add_contractor(app, estate)
    task = _one_task(app, estate, cleaner, times=1)
    log_work(app, estate, task, estate.t1.id, date(2026, 11, 3), check_result="redo")
    with app.app_context():
        tally = rules.compliance(site_of(estate), cleaner, "cleaning", "2026-11")
    assert (tally.done, tally.percent) == (0, 0)


def test_the_due_list_puts_the_overdue_first_and_drops_what_is_done(app, estate, clock):
    cleaner = add_contractor(app, estate)
    contract = add_contract(app, estate, cleaner, *YEARS)
    clock.at_local(estate.site, date(2026, 11, 18), time(10))
    road = task_of(app, contract, "road_washing")
    floor = task_of(app, contract, "floor_washing")
    log_work(app, estate, floor, estate.t1.id, date(2026, 11, 2))
    due = _due(app, estate)
    assert ("floor_washing", "T1") not in due and ("floor_washing", "T2") in due
    assert due[("road_washing", "T1")].overdue and due[("road_washing", "T1")].due_on == date(
        2026, 11, 15
    )
    log_work(app, estate, road, estate.t1.id, date(2026, 11, 17))
    washing = _due(app, estate)[("road_washing", "T1")]
    assert (washing.done, washing.due_on, washing.overdue) == (1, date(2026, 11, 30), False)
    with app.app_context():
        site = site_of(estate)
        owed = rules.due_list(site, core_clock.today(site))
        firsts = [d.overdue for d in owed]
        assert firsts == sorted(firsts, reverse=True)
        mine = rules.due_list(site, core_clock.today(site), {estate.t1.id})
        assert {d.building.id for d in mine} == {estate.t1.id}


def test_a_contract_that_has_ended_plans_nothing(app, estate, clock):
    cleaner = add_contractor(app, estate)
    add_contract(app, estate, cleaner, date(2025, 1, 1), date(2025, 12, 31))
    clock.at_local(estate.site, date(2026, 3, 1), time(9))
    assert _due(app, estate) == {}


def test_an_archived_building_has_no_planned_work(app, estate, clock):
    cleaner = add_contractor(app, estate)
    add_contract(app, estate, cleaner, *YEARS)
    clock.at_local(estate.site, date(2026, 3, 1), time(9))
    with app.app_context():
        db.session.get(Building, estate.t2.id).archived_at = core_clock.now()
        db.session.commit()
    assert {b for _c, b in _due(app, estate)} == {"T1"}


def test_the_due_list_costs_the_same_statements_for_one_contractor_and_three(
    app, client, auth, estate
):
    from tests.plugins.service_desk.test_queries import counted_statements

    auth.login("mia")
    counts = []
    for company, service in (  # three contractors, each with a plan owed in full
        ("Sparkle", "cleaning"),
        ("Safe", "pest_control"),
        ("Clear", "water_tanks"),
    ):
        contractor = add_contractor(app, estate, company=company, services=(service,))
        with app.app_context():
            now = core_clock.today(site_of(estate))
        running = (now - timedelta(days=40), now + timedelta(days=320))
        contract = add_contract(app, estate, contractor, *running, services=(service,))
        with app.app_context():
            tasks = db.session.query(MaintenanceTask.id).filter_by(contract_id=contract).all()
            today = core_clock.today(site_of(estate))
        for (task_id,) in tasks:  # a longer log, of last year: nothing of it is due now
            log_work(app, estate, task_id, estate.t1.id, today - timedelta(days=400))
        client.get(f"{estate.url}/?all=1")  # a site's first page reads the site and its plugins
        with counted_statements(app) as statements:
            page = client.get(f"{estate.url}/?all=1")
        assert page.status_code == 200 and company in page.get_data(as_text=True)
        counts.append(len(statements))
    assert counts[0] == counts[2], counts
