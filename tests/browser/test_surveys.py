"""Residents' surveys on a phone: a resident answers through their personal link with
JavaScript turned off, once; the answer page is valid HTML with no serious accessibility
problem."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, expect

from core import clock as core_clock
from core.extensions import db
from core.models import Occupancy, PluginEnablement, Resident, Site, Unit
from plugins.surveys import rules
from plugins.surveys.models import Answer, Invitation, Response, Survey
from tests.browser.conftest import ARTIFACTS, PHONE, Butler, LiveServer
from tests.browser.test_outside_checks import _tools, axe_problems, run_vnu

pytestmark = pytest.mark.browser


@pytest.fixture
def personal_link(live_server: LiveServer, butler: Butler) -> str:
    """The quarterly survey launched on the butler's site; the path of the link sent to
    Lee Ka Yan of 12A, who reads Traditional Chinese."""
    app = live_server.app
    with app.app_context():
        site = db.session.scalars(db.select(Site).where(Site.slug == butler.site_slug)).one()
        unit = db.session.scalars(db.select(Unit).where(Unit.site_id == site.id)).one()
        db.session.add(PluginEnablement(site_id=site.id, plugin="surveys", enabled=True))
        resident = Resident(
            site_id=site.id, name="Lee Ka Yan", phone="91112222", preferred_locale="zh_Hant"
        )
        db.session.add(resident)
        db.session.flush()
        db.session.add(
            Occupancy(
                site_id=site.id,
                resident_id=resident.id,
                unit_id=unit.id,
                role="owner",
                moved_in=date(2020, 1, 1),
                is_primary_contact=True,
            )
        )
        rules.seed_templates(site)
        template = db.session.scalars(
            db.select(Survey).where(Survey.site_id == site.id, Survey.cadence == "quarterly")
        ).one()
        today = core_clock.today(site)
        wave = rules.start_wave(
            template,
            opens_on=today,
            closes_on=today + timedelta(days=14),
            target="site",
            anonymous=False,
        )
        rules.launch(site, wave)
        invitation = db.session.scalars(
            db.select(Invitation).where(Invitation.survey_id == wave.id)
        ).one()
        with app.test_request_context():
            token = rules.token_for(invitation)
        path = f"/s/{site.slug}/surveys/a/{wave.id}/{token}"
        db.session.commit()
        db.session.remove()
    return path


def test_a_resident_answers_on_a_phone_with_javascript_off(
    browser: Browser, live_server: LiveServer, personal_link: str
):
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-HK",
        timezone_id="Asia/Hong_Kong",
        java_script_enabled=False,
        **PHONE,
    )
    page = context.new_page()
    try:
        page.goto(personal_link)
        expect(page.get_by_role("heading", level=1)).to_have_text("季度意見調查")
        page.get_by_role("group", name="整體而言").get_by_label("4 · 滿意").check()
        recommend = page.get_by_role("group", name="推薦")
        recommend.get_by_label("9", exact=True).check()
        page.get_by_role("textbox").fill("大堂很乾淨，保安親切")
        page.get_by_role("button", name="提交我的回覆").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("謝謝")
        expect(page.get_by_role("status")).to_contain_text("已收到")

        # The same link again: a clear page, and nothing more is saved.
        page.goto(personal_link)
        expect(page.get_by_role("alert")).to_contain_text("此住戶已回覆這份意見調查")
        assert page.get_by_role("button", name="提交我的回覆").count() == 0
    finally:
        context.close()
    with live_server.app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Response)) == 1
        values = db.session.scalars(db.select(Answer.value).order_by(Answer.id)).all()
        assert values == [4, 9, None]
        invitation = db.session.scalars(db.select(Invitation)).one()
        assert invitation.channel == "link" and invitation.answered_at is not None
        db.session.remove()


def test_the_answer_page_is_valid_and_accessible(page, personal_link: str):
    java, axe_source = _tools()
    page.goto(personal_link + "?lang=en")
    expect(page.get_by_role("button", name="Send my answers")).to_be_visible()
    problems = axe_problems(page, "answer", axe_source)
    folder = ARTIFACTS / "surveys-html"
    folder.mkdir(parents=True, exist_ok=True)
    saved = {"answer": folder / "answer.html"}
    saved["answer"].write_text(page.content(), encoding="utf-8")
    page.goto(personal_link[:-4] + "xxxx")
    expect(page.get_by_role("alert")).to_contain_text("not complete or not valid")
    saved["refused"] = folder / "refused.html"
    saved["refused"].write_text(page.content(), encoding="utf-8")
    problems += axe_problems(page, "refused", axe_source)
    assert problems + run_vnu(java, saved) == []
