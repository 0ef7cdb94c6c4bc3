"""The surveys plugin's part of the security world: a template, a running wave with a
question, and the household of the world's unit invited, with its personal link."""

from __future__ import annotations

from datetime import timedelta

from core import clock as core_clock
from core.extensions import db
from core.models import PluginEnablement, Site
from core.testing.walks import register_world
from plugins.surveys import rules
from plugins.surveys.models import Invitation, Question, Survey

NAME = "surveys"


def fill(site: Site, ids: dict[str, int]) -> dict:
    db.session.add(PluginEnablement(site_id=site.id, plugin=NAME, enabled=True))
    rules.seed_templates(site)
    template = db.session.scalar(
        db.select(Survey).where(Survey.site_id == site.id, Survey.cadence == "monthly")
    )
    today = core_clock.today(site)
    wave = rules.start_wave(
        template,
        opens_on=today,
        closes_on=today + timedelta(days=14),
        target="site",
        anonymous=False,
    )
    wave.launched_at = core_clock.now()
    invitation = Invitation(
        site_id=site.id,
        survey_id=wave.id,
        unit_id=ids["unit_id"],
        building_id=ids["building_id"],
        resident_id=ids["resident_id"],
    )
    db.session.add(invitation)
    db.session.flush()
    question = db.session.scalar(
        db.select(Question).where(Question.survey_id == wave.id, Question.kind == "rating")
    )
    return {
        "survey_id": wave.id,
        "invitation_id": invitation.id,
        "question_id": question.id,
        "token": rules.token_for(invitation),
        "resident_id": ids["resident_id"],
    }


register_world(NAME, fill)
