"""The butler's story: the quota page, recording a visit with its form (and the 409 on a
stale profile), the plan on the day page, the targets, the panel, and the walls."""

from __future__ import annotations

import re
from datetime import date

import pytest

from core.extensions import db
from core.models import AuditLog, Contact, Resident
from plugins.visits.models import VisitsPlan, VisitsTarget, VisitsVisit
from tests.plugins.visits.conftest import visit

TODAY = date(2026, 11, 18)


def visit_url(estate, unit_index=0, resident_index=0):
    unit, person = estate.units[unit_index], estate.residents[resident_index]
    return estate.url(f"visits/households/{unit.id}/{person.id}/visit")


def form_data(client, url, **changes) -> dict:
    """The visit form as the page fills it, with ``changes`` typed in."""
    page = client.get(url).get_data(as_text=True)
    data = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page):
        data[name] = value
    data["kind"], data["outcome"] = "routine", "met"
    data.update(changes)
    return data


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_the_quota_page_shows_my_month_and_quarter(client, auth, app, estate):
    visit(app, estate.site, estate.units[0], estate.residents[0], estate.staff["ben"], TODAY)
    visit(
        app,
        estate.site,
        estate.units[1],
        estate.residents[1],
        estate.staff["ben"],
        date(2026, 10, 20),
    )
    auth.login("ben")
    page = client.get(estate.url("visits/")).get_data(as_text=True)
    assert "Ben Lee" in page and "Amy Ho" not in page
    assert "1 · <strong>16.7 %</strong>" in page  # the month: one household of six
    assert "2 · <strong>33.3 %</strong>" in page  # the quarter: two of six
    assert "13 days left this month" in page
    assert "Never visited" in page and "T1-2A" in page
    grid = client.get(estate.url(f"visits/buildings/{estate.tower.id}")).get_data(as_text=True)
    assert grid.count('<li class="visits-cell visits-visited"') == 2  # 1A and 1B this quarter
    assert grid.count('<li class="visits-cell visits-vacant"') == 1


def test_the_manager_sees_every_butler(client, auth, app, estate):
    auth.login("mia")
    page = client.get(estate.url("visits/")).get_data(as_text=True)
    assert "Ben Lee" in page and "Amy Ho" in page


def test_recording_a_visit_writes_the_changes_back_to_the_profile(client, auth, app, estate):
    auth.login("ben")
    url = visit_url(estate)
    page = client.get(url).get_data(as_text=True)
    assert 'value="91000000"' not in page  # the phone is not on the visit form
    assert 'name="employer"' in page and 'data-offline="visit"' in page
    answer = client.post(
        url,
        data=form_data(client, url, employer="Harbour Bank", visit_notes="Tea with the family."),
    )
    assert answer.status_code == 303
    shown = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Harbour Bank" in shown
    assert "changed during the visit" in shown
    with app.app_context():
        person = db.session.get(Resident, estate.residents[0].id)
        assert person.employer == "Harbour Bank"
        [row] = db.session.scalars(db.select(VisitsVisit)).all()
        assert row.changed == ["employer"] and row.visited_on == TODAY
        assert row.form["employer"] == "Harbour Bank"
        entry = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "resident.updated"))
        assert '"employer"' in entry.detail
        [contact] = db.session.scalars(db.select(Contact)).all()
        assert contact.kind == "visit" and "Tea with the family." in contact.summary
    panel = client.get(estate.url(f"visits/residents/{estate.residents[0].id}/panel"))
    assert "Changed during the visit: Employer" in panel.get_data(as_text=True)


def test_a_stale_profile_answers_409_with_both_versions_and_writes_nothing(
    client, auth, app, estate
):
    auth.login("ben")
    url = visit_url(estate)
    typed = form_data(client, url, hobbies="Hiking", visit_notes="Long talk.")
    # Meanwhile the front desk changes the hobbies on the resident's page.
    with app.app_context():
        person = db.session.get(Resident, estate.residents[0].id)
        person.hobbies = "Chess"
        db.session.commit()
    answer = client.post(url, data=typed)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 409
    assert "Someone else changed this while you were editing." in page
    assert "Chess" in page and "Hiking" in page and "Long talk." in page
    assert count(app, VisitsVisit) == 0
    with app.app_context():
        assert db.session.get(Resident, estate.residents[0].id).hobbies == "Chess"
    # Sent again from the refreshed form (it carries the new version): saved.
    version = re.search(r'name="version_id"[^>]*value="(\d+)"', page).group(1)
    assert client.post(url, data=typed | {"version_id": version}).status_code == 303
    with app.app_context():
        assert db.session.get(Resident, estate.residents[0].id).hobbies == "Hiking"


def test_a_stale_profile_with_nothing_in_dispute_is_saved(client, auth, app, estate):
    auth.login("ben")
    url = visit_url(estate)
    typed = form_data(client, url)
    with app.app_context():
        person = db.session.get(Resident, estate.residents[0].id)
        person.phone = "98765432"  # not on the visit form
        db.session.commit()
    assert client.post(url, data=typed).status_code == 303
    assert count(app, VisitsVisit) == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"visited_on": ""}, "Give the day of the visit."),
        ({"visited_on": "2026-11-19"}, "A visit cannot be recorded for a day still to come."),
        ({"kind": "party"}, "Not a valid choice"),
        ({"work_phone": "call me"}, "Write a phone number with digits"),
    ],
)
def test_bad_input_is_refused_next_to_its_field(client, auth, app, estate, changes, message):
    auth.login("ben")
    url = visit_url(estate)
    answer = client.post(url, data=form_data(client, url, **changes))
    assert answer.status_code == 422
    assert message in answer.get_data(as_text=True)
    assert count(app, VisitsVisit) == 0


def test_a_resident_who_heads_no_household_there_is_404(client, auth, estate):
    auth.login("ben")
    assert client.get(visit_url(estate, 0, 1)).status_code == 404
    assert client.get(visit_url(estate, 6, 0)).status_code == 404


def test_a_follow_up_links_to_the_service_desk_only_when_it_is_on(client, auth, app, make, estate):
    auth.login("ben")
    url = visit_url(estate)
    answer = client.post(url, data=form_data(client, url) | {"outcome": "follow_up"})
    shown = answer.headers["Location"]
    assert "Make it a service request" not in client.get(shown).get_data(as_text=True)
    make.enable(estate.site, "service_desk")
    page = client.get(shown).get_data(as_text=True)
    assert "Make it a service request" in page
    assert f"/service_desk/new?resident={estate.residents[0].id}" in page


def test_the_plan_is_proposed_accepted_and_shown_on_the_day_page(client, auth, app, estate):
    auth.login("ben")
    page = client.get(estate.url("visits/plan")).get_data(as_text=True)
    keys = re.findall(r'name="households" value="([^"]+)" checked', page)
    assert len(keys) == 1
    assert client.post(estate.url("visits/plan"), data={"households": keys}).status_code == 303
    with app.app_context():
        [plan] = db.session.scalars(db.select(VisitsPlan)).all()
        day = plan.planned_on
        unit_id, resident_id = plan.unit_id, plan.resident_id
    assert day == TODAY  # one household: planned for today, the first day left
    today = client.get(estate.url("today/")).get_data(as_text=True)
    assert "Home visit" in today
    assert f"/visits/households/{unit_id}/{resident_id}/visit" in today


def test_nothing_chosen_is_refused(client, auth, app, estate):
    auth.login("ben")
    answer = client.post(estate.url("visits/plan"), data={"households": ["1-99999"]})
    assert answer.status_code == 422
    assert "Choose the households to visit." in answer.get_data(as_text=True)
    assert count(app, VisitsPlan) == 0


def test_a_planned_visit_is_moved_or_taken_off(client, auth, app, estate):
    auth.login("ben")
    page = client.get(estate.url("visits/plan")).get_data(as_text=True)
    keys = re.findall(r'name="households" value="([^"]+)" checked', page)
    client.post(estate.url("visits/plan"), data={"households": keys})
    with app.app_context():
        plan_id = db.session.scalar(db.select(VisitsPlan.id))
    moved = client.post(
        estate.url(f"visits/plan/{plan_id}/move"), data={"planned_on": "2026-11-20"}
    )
    assert moved.status_code == 303
    past = client.post(estate.url(f"visits/plan/{plan_id}/move"), data={"planned_on": "2026-11-01"})
    assert past.status_code == 422 and "Choose today or a day to come." in past.get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.get(VisitsPlan, plan_id).planned_on == date(2026, 11, 20)
    auth.logout()
    auth.login("amy")  # another butler's plan page does not list it
    assert "T1-" not in client.get(estate.url("visits/plan")).get_data(as_text=True)
    auth.logout()
    auth.login("ben")
    assert client.post(estate.url(f"visits/plan/{plan_id}/remove")).status_code == 303
    assert "Nothing planned this week yet." in client.get(estate.url("visits/plan")).get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.get(VisitsPlan, plan_id).removed_at is not None  # kept, taken off


def test_the_manager_sets_the_targets(client, auth, app, estate):
    auth.login("mia")
    bad = client.post(
        estate.url("visits/targets"), data={"month_percent": "150", "quarter_percent": "98"}
    )
    assert bad.status_code == 422
    assert "Give a share from 0.1 to 100" in bad.get_data(as_text=True)
    assert count(app, VisitsTarget) == 0
    ok = client.post(
        estate.url("visits/targets"), data={"month_percent": "50", "quarter_percent": "95.5"}
    )
    assert ok.status_code == 303
    with app.app_context():
        row = db.session.scalar(db.select(VisitsTarget))
        assert (row.month_permille, row.quarter_permille) == (500, 955)
    assert "50.0 % of the households every month" in client.get(estate.url("visits/")).get_data(
        as_text=True
    )
    auth.logout()
    auth.login("ben")
    assert client.get(estate.url("visits/targets")).status_code == 403


def test_the_front_desk_sees_but_does_not_record(client, auth, estate):
    auth.login("fay")
    assert client.get(estate.url("visits/")).status_code == 200
    assert client.get(visit_url(estate)).status_code == 403


def test_the_dashboard_widget_shows_my_shares_and_days_left(client, auth, app, estate):
    visit(app, estate.site, estate.units[0], estate.residents[0], estate.staff["ben"], TODAY)
    visit(app, estate.site, estate.units[1], estate.residents[1], estate.staff["ben"], TODAY)
    auth.login("ben")
    page = client.get(estate.url("")).get_data(as_text=True)
    assert "My home visits" in page
    assert ">33.3 %<" in page  # two of six: a third, on target
    assert "13 days left" in page and "44 days left" in page


def test_the_work_log_lists_the_visits_made(client, auth, app, estate):
    visit(app, estate.site, estate.units[0], estate.residents[0], estate.staff["ben"], TODAY)
    auth.login("ben")
    page = client.get(estate.url(f"log/{TODAY.isoformat()}")).get_data(as_text=True)
    assert "Home visit" in page and "T1-1A · Chan 0" in page and "Met the household" in page


def test_off_for_the_site_everything_is_404_and_no_widget(client, auth, app, make, estate):
    make.update(estate.switches["visits"], enabled=False)
    auth.login("ben")
    assert client.get(estate.url("visits/")).status_code == 404
    assert client.get(visit_url(estate)).status_code == 404
    assert "My home visits" not in client.get(estate.url("")).get_data(as_text=True)


def test_another_sites_household_is_404(client, auth, app, make, estate):
    other = make.estate(
        plugins=["visits"], units=[{"number": "9A", "status": "occupied"}], residents=[{"unit": 0}]
    )
    auth.login("ben")
    url = estate.url(f"visits/households/{other.unit.id}/{other.resident.id}/visit")
    assert client.get(url).status_code == 404
    other_visit = visit(app, other.site, other.unit, other.resident, estate.staff["ben"], TODAY)
    assert client.get(estate.url(f"visits/{other_visit}")).status_code == 404
