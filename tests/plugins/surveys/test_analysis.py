"""The analysis: mean and distribution, the recommendation score, the satisfaction index,
the trend against the previous wave, the words of free text, the follow-ups, the XLSX and
the annual survey in the hand-in pack; an anonymous survey names no household anywhere."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook

from core import clock as core_clock
from core.extensions import db
from core.models import Site, User
from plugins.surveys import analysis, reports
from plugins.surveys.models import Response, Survey
from tests.plugins.surveys.conftest import answer, invitations, start, today


def _answer_all(app, estate, survey_id, rows):
    for invitation, values in zip(invitations(app, survey_id), rows, strict=False):
        answer(app, estate.site, survey_id, invitation.id, values)


def _analysis(app, survey_id):
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        result = analysis.analyse(survey)
        by_code = {q.code: q for q in survey.questions}
        return result, by_code, survey


def test_mean_distribution_recommendation_score_and_index(app, estate):
    survey_id = start(app, estate.site)
    ratings = [5, 4, 4, 2, 5]
    scores = [10, 9, 7, 3, 6]
    _answer_all(
        app,
        estate,
        survey_id,
        [
            {"overall": {"value": r}, "recommend": {"value": s}}
            for r, s in zip(ratings, scores, strict=True)
        ],
    )
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        result = analysis.analyse(survey)
        q = {q.code: q for q in survey.questions}
        overall = result.of(q["overall"])
        assert overall.n == 5 and overall.mean == 4.0
        assert overall.counts == {5: 2, 4: 2, 2: 1}
        assert overall.index == 75.0
        # Promoters 10 and 9 (40%), detractors 3 and 6 (40%): a score of 0.
        assert result.of(q["recommend"]).nps == 0.0
        # The first six households live in Tower 1: the five answers are all theirs.
        assert result.of(q["overall"], estate.t1.id).n == 5
        assert result.of(q["overall"], estate.t2.id).n == 0
        assert result.satisfaction_index() == 75.0


def test_the_trend_across_two_waves_of_a_template(app, client, auth, estate):
    first_day = today(app, estate.site) - timedelta(days=100)
    before = start(app, estate.site, opens=first_day)
    _answer_all(app, estate, before, [{"overall": {"value": 3}, "recommend": {"value": 5}}] * 4)
    now = start(app, estate.site)
    _answer_all(app, estate, now, [{"overall": {"value": 4}, "recommend": {"value": 10}}] * 4)
    with app.app_context():
        survey = db.session.get(Survey, now)
        result = analysis.analyse(survey)
        q = {q.code: q for q in survey.questions}
        assert result.previous.id == before
        assert result.trend(q["overall"]) == 1.0
        assert result.trend(q["recommend"]) == 200.0  # from -100 to +100
    auth.login("mia")
    page = client.get(f"{estate.url}/{now}/results").get_data(as_text=True)
    assert "Change since the previous wave" in page and "+1.00" in page


def test_free_text_is_counted_in_words_of_chinese_and_english(app, estate):
    survey_id = start(app, estate.site)
    comments = [
        "電梯經常故障，希望盡快維修",
        "电梯太慢",
        "The lift is often broken",
        "Lift lobby is clean",
    ]
    _answer_all(app, estate, survey_id, [{"comments": {"text": c}} for c in comments])
    result, q, _survey = _analysis(app, survey_id)
    words = dict(result.words[q["comments"].id])
    assert words["lift"] == 2
    assert words["電梯"] == 1 and words["电梯"] == 1
    assert "the" not in words and "is" not in words


def test_an_anonymous_survey_names_no_household_in_pages_or_exports(app, client, auth, estate):
    survey_id = start(app, estate.site, anonymous=True)
    _answer_all(
        app, estate, survey_id, [{"overall": {"value": 1}, "comments": {"text": "太吵"}}] * 3
    )
    with app.app_context():
        assert db.session.scalars(db.select(Response.invitation_id)).all() == [None] * 3
    auth.login("mia")
    names = [r.name for r in estate.residents]
    results = client.get(f"{estate.url}/{survey_id}/results").get_data(as_text=True)
    assert "太吵" in results  # the words are there, not who wrote them
    assert "Low scores to follow up" not in results
    assert not any(name in results for name in names)
    assert "T1 1A" not in results
    book = load_workbook(io.BytesIO(client.get(f"{estate.url}/{survey_id}/results.xlsx").data))
    cells = [str(c) for row in book.active.iter_rows(values_only=True) for c in row if c]
    assert not any(name in cell for name in names for cell in cells)
    assert not any("1A" in cell for cell in cells)
    # The household's panel says that it answered (the response rate), never what.
    panel = client.get(f"{estate.url}/residents/{estate.residents[0].id}/panel")
    assert "answered" in panel.get_data(as_text=True)
    assert "太吵" not in panel.get_data(as_text=True)


def test_a_named_survey_lists_low_scores_to_follow_up_with_the_service_desk(
    app, client, auth, make, estate
):
    survey_id = start(app, estate.site)
    _answer_all(app, estate, survey_id, [{"overall": {"value": 1}}, {"overall": {"value": 5}}])
    auth.login("mia")
    page = client.get(f"{estate.url}/{survey_id}/results").get_data(as_text=True)
    assert "Low scores to follow up" in page and "T1 1A" in page and "Resident 00" in page
    assert "Open a service request" not in page  # the service desk is off here
    make.enable(estate.site, "service_desk")
    page = client.get(f"{estate.url}/{survey_id}/results").get_data(as_text=True)
    assert f"/s/{estate.site.slug}/service_desk/new?resident={estate.residents[0].id}" in page
    book = load_workbook(io.BytesIO(client.get(f"{estate.url}/{survey_id}/results.xlsx").data))
    cells = [str(c) for row in book.active.iter_rows(values_only=True) for c in row if c]
    assert "T1 1A" in cells and any("Resident 00" in c for c in cells)


def test_the_results_page_draws_a_chart_and_exports_xlsx(app, client, auth, estate):
    survey_id = start(app, estate.site)
    rows = invitations(app, survey_id)
    for invitation, value in zip(rows, [5, 4, 3, 2, 1, 4, 5, 3, 2, 4], strict=True):
        answer(app, estate.site, survey_id, invitation.id, {"overall": {"value": value}})
    auth.login("mia")
    page = client.get(f"{estate.url}/{survey_id}/results").get_data(as_text=True)
    assert "<svg" in page and "Satisfaction index by building" in page
    answer_xlsx = client.get(f"{estate.url}/{survey_id}/results.xlsx")
    assert answer_xlsx.status_code == 200
    book = load_workbook(io.BytesIO(answer_xlsx.data))
    header = [c.value for c in book.active[1]]
    assert header[:3] == ["Question", "Building", "Answers"]
    first = [c.value for c in book.active[2]]
    assert first[1] == "All buildings" and first[2] == 10 and first[3] == 3.3


def test_the_annual_survey_goes_into_the_butlers_hand_in_pack(app, client, auth, estate):
    survey_id = start(app, estate.site, cadence="annual", days=0)
    _answer_all(app, estate, survey_id, [{"overall": {"value": 5}, "recommend": {"value": 10}}])
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        period = core_clock.this_month(site)
        sheet = reports.annual_sheet(site, period, db.session.get(User, estate.butler.id))
    assert [row[0] for row in sheet.rows] == ["T1"]  # Ben looks after Tower 1 only
    assert sheet.rows[0][1:4] == (6, 1, 16.7)
    assert sheet.rows[0][4:] == (100.0, 100.0)
    auth.login("ben")
    pack = client.get(f"/s/{estate.site.slug}/hand-in/{period}")
    assert pack.status_code == 200
    assert "Annual residents&#39; survey" in pack.get_data(as_text=True)
