"""Who is asked: the templates of the cadences, the target, the stratified sample."""

from __future__ import annotations

from collections import Counter

from core.extensions import db
from core.models import Site
from plugins.surveys import rules
from plugins.surveys.models import Survey
from tests.plugins.surveys.conftest import invitations, start


def _population() -> list[rules.Household]:
    sizes = {1: 100, 2: 50, 3: 30}
    households, unit = [], 0
    for building, size in sizes.items():
        for _ in range(size):
            unit += 1
            households.append(rules.Household(unit, building, unit))
    return households


def test_the_sample_is_stratified_in_proportion_to_each_building():
    chosen = rules.stratified_sample(_population(), 18, seed=42)
    assert Counter(h.building_id for h in chosen) == {1: 10, 2: 5, 3: 3}
    assert len({h.unit_id for h in chosen}) == 18


def test_the_remainders_go_to_the_buildings_with_the_largest_shares():
    # 7 of 180: exact shares 3.89, 1.94 and 1.17 -> 4, 2, 1.
    chosen = rules.stratified_sample(_population(), 7, seed=1)
    assert Counter(h.building_id for h in chosen) == {1: 4, 2: 2, 3: 1}


def test_the_same_seed_draws_the_same_sample_and_another_seed_another():
    first = rules.stratified_sample(_population(), 18, seed=7)
    assert rules.stratified_sample(_population(), 18, seed=7) == first
    assert rules.stratified_sample(_population(), 18, seed=8) != first


def test_a_sample_larger_than_the_estate_asks_everyone():
    assert len(rules.stratified_sample(_population(), 500, seed=3)) == 180


def test_a_sampled_wave_invites_the_stored_seeds_draw(app, estate):
    survey_id = start(app, estate.site, target="sample", sample_size=5)
    invited = invitations(app, survey_id)
    by_building = Counter(i.building_id for i in invited)
    assert by_building == {estate.t1.id: 3, estate.t2.id: 2}
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        assert survey.sample_seed
        again = rules.target_households(survey)
    assert sorted(h.unit_id for h in again) == sorted(i.unit_id for i in invited)


def test_a_wave_for_some_buildings_asks_only_their_households(app, estate):
    survey_id = start(app, estate.site, target="buildings", building_ids=[estate.t2.id])
    invited = invitations(app, survey_id)
    assert len(invited) == 4 and {i.building_id for i in invited} == {estate.t2.id}


def test_each_cadence_has_its_template_seeded_once_in_three_languages(app, estate):
    with app.app_context():
        rules.seed_templates(db.session.get(Site, estate.site.id))
        templates = db.session.scalars(
            db.select(Survey).where(Survey.site_id == estate.site.id, Survey.is_template)
        ).all()
        assert sorted(t.cadence for t in templates) == sorted(rules.TEMPLATES)
        annual = next(t for t in templates if t.cadence == "annual")
        assert annual.title_in("zh_Hant") == "年度客戶意見調查"
        assert annual.title_in("zh_Hans") == "年度客户意见调查"
        kinds = {q.kind for q in annual.questions}
        assert kinds == {"rating", "single", "multiple", "nps", "text"}
        assert all(q.text_zh_hant and q.text_zh_hans for q in annual.questions)


def test_a_wave_copies_its_templates_questions(app, estate):
    survey_id = start(app, estate.site, cadence="monthly", launch=False)
    with app.app_context():
        wave = db.session.get(Survey, survey_id)
        assert [q.code for q in wave.questions] == ["overall", "recommend", "comments"]
        assert wave.state(wave.opens_on) == "draft"


def test_every_household_is_asked_once_with_its_primary_contact(app, make, estate):
    with app.app_context():
        from core.models import Occupancy

        first = db.session.scalar(
            db.select(Occupancy).where(Occupancy.resident_id == estate.residents[0].id)
        )
        unit_id = first.unit_id
    other = make.resident(estate.site, name="Family member")
    make.occupancy(other, db_unit(app, unit_id), role="family", is_primary_contact=True)
    survey_id = start(app, estate.site)
    invited = invitations(app, survey_id)
    assert len(invited) == 10
    assert next(i for i in invited if i.unit_id == unit_id).resident_id == other.id


def db_unit(app, unit_id):
    from core.models import Unit

    with app.app_context():
        unit = db.session.get(Unit, unit_id)
        db.session.expunge(unit)
        return unit
