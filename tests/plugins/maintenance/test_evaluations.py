"""The monthly evaluation: it opens on the 1st for the month before, is scored by the 25th
(compliance filled from the log), locks after, and only a manager reopens it, with a
reason; a score below the site's threshold twice in a row is a warning."""

from __future__ import annotations

from datetime import date, time

from core.extensions import db
from plugins.maintenance import rules
from plugins.maintenance.models import MaintenanceEvaluation, MaintenanceTask
from tests.plugins.maintenance.conftest import add_contract, add_contractor, log_work

SCORES = {"quality": "80", "punctuality": "70", "attitude": "90", "comments": "Tidy work"}


def _november(app, estate) -> int:
    """A cleaner whose plan is two road washings a month in tower 1; one done in November."""
    cleaner = add_contractor(app, estate)
    contract = add_contract(app, estate, cleaner, date(2026, 1, 1), date(2027, 12, 31), ())
    with app.app_context():
        task = MaintenanceTask(
            site_id=estate.site.id,
            contract_id=contract,
            code="road_washing",
            service="cleaning",
            span="month",
            times=2,
            building_id=estate.t1.id,
        )
        db.session.add(task)
        db.session.commit()
        task_id = task.id
    log_work(app, estate, task_id, estate.t1.id, date(2026, 11, 12))
    return cleaner


def _at(clock, auth, estate, day: date, at: time, username: str = "ben") -> None:
    """Move the clock, then log in (a session does not outlive days of travel)."""
    clock.at_local(estate.site, day, at)
    auth.logout()
    auth.login(username)


def _evaluation(app):
    with app.app_context():
        return db.session.query(MaintenanceEvaluation).one_or_none()


def test_the_evaluation_opens_on_the_first_of_the_month_after(app, client, auth, estate, clock):
    cleaner = _november(app, estate)
    url = f"{estate.url}/evaluations/{cleaner}/cleaning/2026-11"
    _at(clock, auth, estate, date(2026, 11, 30), time(23, 0))
    page = client.get(url).get_data(as_text=True)
    assert "Not open yet" in page and "Save the scores" not in page
    refused = client.post(url, data=SCORES)
    assert refused.status_code == 409
    assert "opens on the 1st of the month after" in refused.get_data(as_text=True)
    assert _evaluation(app) is None


def test_scored_by_the_25th_with_compliance_from_the_log(app, client, auth, estate, clock):
    cleaner = _november(app, estate)
    url = f"{estate.url}/evaluations/{cleaner}/cleaning/2026-11"
    _at(clock, auth, estate, date(2026, 12, 25), time(23, 59))
    page = client.get(url).get_data(as_text=True)
    assert "50 %" in page and "short of the contract" in page
    saved = client.post(url, data=SCORES)
    assert saved.status_code == 303
    row = _evaluation(app)
    assert (row.quality, row.punctuality, row.attitude, row.compliance) == (80, 70, 90, 50)
    assert row.score == 72 and row.comments == "Tidy work"
    assert "Score: 72 of 100" in client.get(url).get_data(as_text=True)


def test_after_the_25th_it_is_locked_and_nothing_changes(app, client, auth, estate, clock):
    cleaner = _november(app, estate)
    url = f"{estate.url}/evaluations/{cleaner}/cleaning/2026-11"
    _at(clock, auth, estate, date(2026, 12, 20), time(10))
    client.post(url, data=SCORES)
    # Midnight at the end of the 25th in Hong Kong is still the 25th in UTC.
    _at(clock, auth, estate, date(2026, 12, 26), time(0, 0, 30))
    page = client.get(url).get_data(as_text=True)
    assert "Locked" in page and "Save the scores" not in page
    refused = client.post(url, data={**SCORES, "quality": "10"})
    assert refused.status_code == 409
    assert "This evaluation is locked" in refused.get_data(as_text=True)
    assert _evaluation(app).quality == 80


def test_only_a_manager_reopens_it_and_only_with_a_reason(app, client, auth, estate, clock):
    cleaner = _november(app, estate)
    url = f"{estate.url}/evaluations/{cleaner}/cleaning/2026-11"
    _at(clock, auth, estate, date(2027, 1, 4), time(10))  # never scored, now locked
    assert "Not scored in time" in client.get(url).get_data(as_text=True)
    assert client.post(f"{url}/reopen", data={"reason": "Late invoice"}).status_code == 403
    auth.logout()
    auth.login("mia")
    assert "Reopen the evaluation" in client.get(url).get_data(as_text=True)
    empty = client.post(f"{url}/reopen", data={"reason": "  "})
    assert empty.status_code == 422
    assert "Write why it is reopened." in empty.get_data(as_text=True)
    assert _evaluation(app) is None
    assert client.post(f"{url}/reopen", data={"reason": "Missed while on leave"}).status_code == 303
    assert _evaluation(app).reopen_reason == "Missed while on leave"
    auth.logout()
    auth.login("ben")
    assert "Reopened" in client.get(url).get_data(as_text=True)
    assert client.post(url, data=SCORES).status_code == 303
    assert _evaluation(app).score == 72
    # Scored again: locked again.
    assert client.post(url, data={**SCORES, "quality": "20"}).status_code == 409


def test_a_score_below_the_threshold_twice_running_is_a_warning(app, client, auth, estate, clock):
    cleaner = _november(app, estate)
    low = {"quality": "30", "punctuality": "40", "attitude": "50", "comments": ""}
    _at(clock, auth, estate, date(2026, 11, 10), time(10))
    client.post(f"{estate.url}/evaluations/{cleaner}/cleaning/2026-10", data=low)
    page = client.get(f"{estate.url}/contractors/{cleaner}").get_data(as_text=True)
    assert "twice in a row" not in page
    _at(clock, auth, estate, date(2026, 12, 10), time(10))
    saved = client.post(
        f"{estate.url}/evaluations/{cleaner}/cleaning/2026-11", data=low, follow_redirects=True
    )
    assert "Below 60 for the second month in a row." in saved.get_data(as_text=True)
    page = client.get(f"{estate.url}/contractors/{cleaner}").get_data(as_text=True)
    assert page.count("below 60 twice in a row") == 1
    assert "<svg" in page  # the score history's chart
    month = client.get(f"{estate.url}/evaluations?month=2026-11").get_data(as_text=True)
    assert "below 60 twice in a row" in month
    with app.app_context():
        scored = rules.history(estate.site, cleaner)
        assert rules.warnings(scored, 40) == set()


def test_bad_scores_are_refused_next_to_the_field(app, client, auth, estate, clock):
    cleaner = _november(app, estate)
    _at(clock, auth, estate, date(2026, 12, 3), time(10))
    url = f"{estate.url}/evaluations/{cleaner}/cleaning/2026-11"
    refused = client.post(url, data={**SCORES, "quality": "101", "attitude": "x" * 400})
    assert refused.status_code == 422
    assert refused.get_data(as_text=True).count("Give a score from 0 to 100.") == 2
    assert _evaluation(app) is None
    assert client.get(f"{estate.url}/evaluations/{cleaner}/lifts/2026-13").status_code == 404
    assert client.get(f"{estate.url}/evaluations/{cleaner}/nothing/2026-11").status_code == 404


def test_the_threshold_is_the_sites_own(app, client, auth, estate):
    auth.login("mia")
    assert client.post(f"{estate.url}/settings", data={"threshold": "0"}).status_code == 422
    assert client.post(f"{estate.url}/settings", data={"threshold": "75"}).status_code == 303
    with app.app_context():
        assert rules.threshold(estate.site) == 75
    auth.logout()
    auth.login("ben")
    assert client.get(f"{estate.url}/settings").status_code == 403
