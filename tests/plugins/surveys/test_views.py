"""The builder's pages: start a wave from a template, add a question in three languages,
launch it; bad input refused next to its field; who may do what; other sites; off."""

from __future__ import annotations

from datetime import timedelta

from core.extensions import db
from plugins.surveys.models import Invitation, Question, Survey
from tests.plugins.surveys.conftest import count, start, today


def _template_id(app, estate, cadence="monthly") -> int:
    with app.app_context():
        return db.session.scalar(
            db.select(Survey.id).where(
                Survey.site_id == estate.site.id, Survey.is_template, Survey.cadence == cadence
            )
        )


def _wave_form(app, estate, **changes) -> dict:
    first = today(app, estate.site)
    return {
        "template_id": _template_id(app, estate),
        "opens_on": first.isoformat(),
        "closes_on": (first + timedelta(days=10)).isoformat(),
        "target": "site",
    } | changes


def test_the_manager_builds_and_launches_a_survey(app, client, auth, estate):
    auth.login("mia")
    assert "Monthly pulse survey" in client.get(f"{estate.url}/").get_data(as_text=True)
    made = client.post(f"{estate.url}/waves", data=_wave_form(app, estate))
    assert made.status_code == 303
    wave_url = made.headers["Location"]
    added = client.post(
        f"{wave_url}/questions",
        data={
            "kind": "single",
            "text_en": "Which day suits the AGM?",
            "text_zh_hant": "業主大會哪天合適？",
            "text_zh_hans": "业主大会哪天合适？",
            "options": "Saturday | 星期六 | 星期六\nSunday | 星期日 | 星期日",
        },
    )
    assert added.status_code == 303
    page = client.get(wave_url).get_data(as_text=True)
    assert "業主大會哪天合適？" in page and "业主大会哪天合适？" in page
    assert client.post(f"{wave_url}/launch").status_code == 303
    shown = client.get(wave_url).get_data(as_text=True)
    assert "10 households asked" in shown or "0 of 10 households answered" in shown
    assert count(app, Invitation) == 10
    # A launched survey's questions stay as they were.
    again = client.post(f"{wave_url}/questions", data={"kind": "rating", "text_en": "More?"})
    assert again.status_code == 409
    assert "A launched survey&#39;s questions cannot change." in again.get_data(as_text=True)


def test_a_survey_that_expires_before_it_opens_is_refused_and_writes_nothing(
    app, client, auth, estate
):
    auth.login("mia")
    first = today(app, estate.site)
    before = count(app, Survey)
    answer = client.post(
        f"{estate.url}/waves",
        data=_wave_form(app, estate, closes_on=(first - timedelta(days=1)).isoformat()),
    )
    assert answer.status_code == 422
    assert "The links cannot expire before the survey opens." in answer.get_data(as_text=True)
    assert count(app, Survey) == before


def test_some_buildings_need_a_building_and_a_sample_its_size(app, client, auth, estate):
    auth.login("mia")
    page = client.post(f"{estate.url}/waves", data=_wave_form(app, estate, target="buildings"))
    assert page.status_code == 422
    assert "Choose at least one building." in page.get_data(as_text=True)
    page = client.post(f"{estate.url}/waves", data=_wave_form(app, estate, target="sample"))
    assert "Say how many households to ask." in page.get_data(as_text=True)
    assert count(app, Survey) == 4  # the templates only


def test_a_choice_question_needs_two_choices(app, client, auth, estate):
    survey_id = start(app, estate.site, launch=False)
    before = count(app, Question)
    auth.login("mia")
    page = client.post(
        f"{estate.url}/{survey_id}/questions",
        data={"kind": "multiple", "text_en": "Which?", "options": "Only one"},
    )
    assert page.status_code == 422
    assert "Give at least two choices, one a line." in page.get_data(as_text=True)
    assert count(app, Question) == before


def test_the_front_desk_sees_surveys_but_does_not_build_or_record(app, client, auth, make, estate):
    make.user(username="fay", role="front_desk", site=estate.site)
    survey_id = start(app, estate.site)
    auth.login("fay")
    assert client.get(f"{estate.url}/").status_code == 200
    assert client.post(f"{estate.url}/waves", data=_wave_form(app, estate)).status_code == 403
    assert client.post(f"{estate.url}/{survey_id}/close").status_code == 403
    assert client.get(f"{estate.url}/{survey_id}/results").status_code == 403


def test_another_sites_survey_is_a_404(app, client, auth, make, estate):
    other = make.estate(plugins=["surveys"], units=[{"number": "9Z"}])
    with app.app_context():
        from plugins.surveys import rules

        rules.seed_templates(db.session.get(type(other.site), other.site.id))
        db.session.commit()
    theirs = start(app, other.site)
    auth.login("mia")
    assert client.get(f"{estate.url}/{theirs}").status_code == 404
    assert client.get(f"{estate.url}/{theirs}/results").status_code == 404
    assert client.post(f"{estate.url}/{theirs}/close").status_code == 404


def test_off_for_the_site_it_is_a_404_and_not_on_the_dashboard(app, client, auth, estate):
    from core.models import PluginEnablement

    start(app, estate.site)
    auth.login("mia")
    assert "Surveys running" in client.get(f"/s/{estate.site.slug}/").get_data(as_text=True)
    with app.app_context():
        switch = db.session.scalar(
            db.select(PluginEnablement).where(PluginEnablement.site_id == estate.site.id)
        )
        switch.enabled = False
        db.session.commit()
    assert client.get(f"{estate.url}/").status_code == 404
    assert "Surveys running" not in client.get(f"/s/{estate.site.slug}/").get_data(as_text=True)


def test_closing_a_survey_ends_its_links(app, client, auth, estate):
    from tests.plugins.surveys.conftest import invitations, link

    survey_id = start(app, estate.site)
    url = link(app, invitations(app, survey_id)[0], estate.site)
    auth.login("mia")
    assert client.post(f"{estate.url}/{survey_id}/close").status_code == 303
    auth.logout()
    assert client.get(url).status_code == 410
