"""A resident answers through their personal link, once; the butler records answers taken
on a visit; links and one reminder go out through the outbox."""

from __future__ import annotations

from core.extensions import db
from core.models import OutboxMessage
from plugins.surveys import rules
from plugins.surveys.models import Answer, Invitation, Response
from tests.plugins.surveys.conftest import count, invitations, link, questions, start, today


def test_a_resident_answers_once_through_their_link_without_logging_in(app, client, estate):
    survey_id = start(app, estate.site)
    invitation = invitations(app, survey_id)[0]
    q = questions(app, survey_id)
    url = link(app, invitation, estate.site)
    page = client.get(url)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    sent = client.post(
        url,
        data={
            f"q{q['overall'].id}": "4",
            f"q{q['recommend'].id}": "9",
            f"q{q['comments'].id}": "好",
        },
    )
    assert sent.status_code == 200
    assert "are received" in sent.get_data(as_text=True) or "已收到" in sent.get_data(as_text=True)
    assert count(app, Response) == 1 and count(app, Answer) == 3

    again = client.get(url)
    assert again.status_code == 409
    second = client.post(url, data={f"q{q['overall'].id}": "1"})
    assert second.status_code == 409
    assert count(app, Response) == 1 and count(app, Answer) == 3


def test_the_link_speaks_the_residents_language(app, client, estate):
    survey_id = start(app, estate.site)
    first = next(i for i in invitations(app, survey_id) if i.resident_id == estate.residents[0].id)
    page = client.get(link(app, first, estate.site)).get_data(as_text=True)
    assert "整體而言，您對我們的管理服務滿意嗎？" in page
    english = client.get(link(app, first, estate.site) + "?lang=en").get_data(as_text=True)
    assert "How satisfied are you with our management services overall?" in english


def test_an_altered_link_gets_a_clear_page_and_writes_nothing(app, client, estate):
    survey_id = start(app, estate.site)
    invitation = invitations(app, survey_id)[0]
    q = questions(app, survey_id)
    url = link(app, invitation, estate.site)
    altered = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    page = client.get(altered)
    assert page.status_code == 404
    assert "not complete or not valid" in page.get_data(as_text=True)
    assert client.post(altered, data={f"q{q['overall'].id}": "5"}).status_code == 404
    assert count(app, Response) == 0
    with app.app_context():
        assert db.session.get(Invitation, invitation.id).answered_at is None


def test_a_link_of_another_survey_is_refused(app, client, estate):
    first = start(app, estate.site)
    second = start(app, estate.site, cadence="monthly")
    invitation = invitations(app, first)[0]
    url = link(app, invitation, estate.site).replace(f"/a/{first}/", f"/a/{second}/")
    assert client.get(url).status_code == 404


def test_an_expired_link_gets_a_clear_page_and_writes_nothing(app, client, clock, estate):
    survey_id = start(app, estate.site, days=7)
    invitation = invitations(app, survey_id)[0]
    q = questions(app, survey_id)
    url = link(app, invitation, estate.site)
    clock.advance(days=9)
    page = client.get(url)
    assert page.status_code == 410
    # The first household reads Traditional Chinese: the page is in its language.
    assert "連結已過期" in page.get_data(as_text=True)
    assert client.post(url, data={f"q{q['overall'].id}": "5"}).status_code == 410
    assert count(app, Response) == 0


def test_bad_answers_are_refused_next_to_the_question_and_write_nothing(app, client, estate):
    survey_id = start(app, estate.site)
    invitation = invitations(app, survey_id)[0]
    q = questions(app, survey_id)
    url = link(app, invitation, estate.site) + "?lang=en"
    wrong = client.post(url, data={f"q{q['overall'].id}": "9"})
    assert wrong.status_code == 422
    body = wrong.get_data(as_text=True)
    assert f'id="q{q["overall"].id}-error"' in body
    assert "Choose among the answers shown." in body
    empty = client.post(url, data={})
    assert empty.status_code == 422
    assert "Answer at least one question." in empty.get_data(as_text=True)
    assert count(app, Response) == 0


def test_launching_sends_each_consenting_household_its_link_once(app, estate):
    survey_id = start(app, estate.site)
    with app.app_context():
        messages = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        # Residents 0, 2, 4, 6 and 8 agreed to SMS; the others get no message.
        assert [m.recipient for m in messages] == [f"9100{n:04d}" for n in (0, 2, 4, 6, 8)]
        assert "/surveys/a/" in messages[0].body
        assert "請" in messages[0].body or "意見" in messages[0].subject  # in Chinese
        survey = db.session.get(rules.Survey, survey_id)
        assert rules.launch(db.session.get(rules.Site, estate.site.id), survey) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 5


def test_one_reminder_goes_to_those_who_have_not_answered(app, clock, estate):
    from tests.plugins.surveys.conftest import answer

    survey_id = start(app, estate.site, days=10)
    first = invitations(app, survey_id)[0]  # resident 0, who gets messages, answers
    answer(app, estate.site, survey_id, first.id, {"overall": {"value": 5}})
    with app.app_context():
        site = db.session.get(rules.Site, estate.site.id)
        assert rules.send_reminders(site, clock.now()) == 0  # not yet: ten days to go
        clock.advance(days=8)
        assert rules.send_reminders(site, clock.now()) == 4
        assert rules.send_reminders(site, clock.now()) == 0
        db.session.commit()
        keys = db.session.scalars(
            db.select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.like("%reminder%"))
        ).all()
        assert f"surveys:reminder:{survey_id}:{first.id}" not in keys


def test_the_butler_records_answers_taken_on_a_visit(app, client, auth, estate):
    survey_id = start(app, estate.site)
    invitation = invitations(app, survey_id)[1]
    q = questions(app, survey_id)
    auth.login("ben")
    url = f"{estate.url}/{survey_id}/households/{invitation.id}"
    form = client.get(url)
    assert form.status_code == 200 and 'data-offline="survey-answers"' in form.get_data(
        as_text=True
    )
    sent = client.post(url, data={"channel": "visit", f"q{q['overall'].id}": "2"})
    assert sent.status_code == 303
    with app.app_context():
        saved = db.session.get(Invitation, invitation.id)
        assert saved.channel == "visit" and saved.recorded_by_id == estate.butler.id
        response = db.session.scalar(db.select(Response))
        assert response.channel == "visit"
    assert (
        client.post(url, data={"channel": "visit", f"q{q['overall'].id}": "5"}).status_code == 409
    )
    assert count(app, Response) == 1
    log = client.get(f"/s/{estate.site.slug}/log/{today(app, estate.site)}")
    assert "Survey answers recorded" in log.get_data(as_text=True)


def test_the_day_page_lists_the_butlers_households_still_to_ask(app, client, auth, estate):
    survey_id = start(app, estate.site)
    first = invitations(app, survey_id)[0]
    from tests.plugins.surveys.conftest import answer

    answer(app, estate.site, survey_id, first.id, {"overall": {"value": 4}})
    auth.login("ben")
    page = client.get(f"/s/{estate.site.slug}/today/").get_data(as_text=True)
    assert "Survey to ask" in page
    assert "T1 2A" in page and "T1 1A" not in page  # 1A answered
    assert "T2 7A" not in page  # Tower 2 is not Ben's


def test_response_rate_per_building_while_it_runs(app, client, auth, estate):
    from tests.plugins.surveys.conftest import answer

    survey_id = start(app, estate.site)
    rows = invitations(app, survey_id)
    for invitation in rows[:3] + rows[6:7]:
        answer(app, estate.site, survey_id, invitation.id, {"overall": {"value": 4}})
    auth.login("mia")
    page = client.get(f"{estate.url}/{survey_id}").get_data(as_text=True)
    assert "4 of 10 households answered" in page
    assert "<td>T1</td><td>6</td><td>3</td><td>50</td>" in page
    assert "<td>T2</td><td>4</td><td>1</td><td>25</td>" in page


def test_one_address_cannot_try_links_in_bulk(app, make_app, estate):
    throttled = make_app({**app.config, "RATELIMIT_ENABLED": True})
    survey_id = start(app, estate.site)
    client = throttled.test_client()
    guesses = [client.get(f"{estate.url}/a/{survey_id}/guess{n}").status_code for n in range(31)]
    assert guesses[:30] == [404] * 30
    assert guesses[30] == 429
