"""Demo surveys: last quarter's wave, answered, and this quarter's, running, so that the
analysis shows a trend and the day page has households to ask."""

from __future__ import annotations

import random
from datetime import timedelta

from core import clock, tenancy
from core.extensions import db
from core.models import Site
from plugins.surveys import rules
from plugins.surveys.models import Invitation, Survey

COMMENTS = (
    "The lobby is very clean, thank you 大堂好乾淨",
    "電梯經常故障，希望盡快維修",
    "Security guards are friendly and helpful",
    "管理處職員服務態度好",
    "Please repair the lift faster",
    "垃圾房氣味太大",
)


def _answers(survey: Survey, rng: random.Random, mood: int) -> dict[int, dict]:
    answers: dict[int, dict] = {}
    for q in survey.questions:
        if q.kind == "rating":
            answers[q.id] = {"value": max(1, min(5, mood + rng.choice((-1, 0, 0, 1))))}
        elif q.kind == "nps":
            answers[q.id] = {"value": max(0, min(10, 2 * mood + rng.choice((-2, -1, 0, 1))))}
        elif q.kind == "text" and rng.random() < 0.5:
            answers[q.id] = {"text": rng.choice(COMMENTS)}
    return answers


def _wave(site: Site, template: Survey, opens_on, closes_on, answered: float, mood: int) -> None:
    wave = rules.start_wave(
        template, opens_on=opens_on, closes_on=closes_on, target="site", anonymous=False
    )
    wave.launched_at = clock.now()
    rng = random.Random(wave.opens_on.toordinal())
    invitations = []
    for household in rules.target_households(wave):
        invitation = Invitation(
            site_id=site.id,
            survey_id=wave.id,
            unit_id=household.unit_id,
            building_id=household.building_id,
            resident_id=household.resident_id,
        )
        db.session.add(invitation)
        invitations.append(invitation)
    db.session.flush()
    for invitation in invitations:
        if rng.random() < answered:
            rules.record(site, wave, invitation, _answers(wave, rng, mood), "link")


def add_demo_surveys(site: Site) -> None:
    """The two quarterly waves, added once (a second run finds them and adds nothing)."""
    rules.seed_templates(site)
    template = db.session.scalar(
        tenancy.select(Survey, site=site).where(
            Survey.is_template.is_(True), Survey.cadence == "quarterly"
        )
    )
    started = db.session.scalar(
        tenancy.select(Survey, Survey.id, site=site).where(Survey.template_id == template.id)
    )
    if started:
        return
    today = clock.today(site)
    _wave(site, template, today - timedelta(days=100), today - timedelta(days=86), 0.6, 3)
    _wave(site, template, today - timedelta(days=5), today + timedelta(days=9), 0.35, 4)
    db.session.flush()
