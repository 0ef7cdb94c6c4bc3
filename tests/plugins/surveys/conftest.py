"""An estate with the surveys plugin on: two towers of households, a manager and a butler
who looks after Tower 1, and helpers to start, launch and answer waves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from core import clock as core_clock
from core.extensions import db
from core.models import Building, Resident, Site, User
from plugins.surveys import rules
from plugins.surveys.models import Invitation, Question, Survey


@dataclass
class Estate:
    site: Site
    t1: Building
    t2: Building
    manager: User
    butler: User
    residents: list[Resident]

    @property
    def url(self) -> str:
        return f"/s/{self.site.slug}/surveys"


@pytest.fixture
def estate(app, make) -> Estate:
    built = make.estate(
        name="Harbour View",
        timezone="Asia/Hong_Kong",
        plugins=["surveys"],
        towers=["T1", "T2"],
        units=[{"tower": 0 if n < 6 else 1, "number": f"{n + 1}A"} for n in range(10)],
        residents=[
            {
                "unit": n,
                "name": f"Resident {n:02d}",
                "phone": f"9100{n:04d}",
                "consent_sms": n % 2 == 0,
                "preferred_locale": "zh_Hant" if n == 0 else "",
            }
            for n in range(10)
        ],
        staff={"mia": "manager", "ben": {"role": "butler", "towers": [0]}},
    )
    with app.app_context():
        rules.seed_templates(db.session.get(Site, built.site.id))
        db.session.commit()
    t1, t2 = built.towers
    return Estate(built.site, t1, t2, built.manager, built.butler, built.residents)


def today(app, site: Site):
    with app.app_context():
        return core_clock.today(site)


def start(app, site: Site, cadence="quarterly", launch=True, days=14, opens=None, **fields):
    """A wave of the site's ``cadence`` template (launched unless told), its id."""
    with app.app_context():
        s = db.session.get(Site, site.id)
        template = db.session.scalar(
            db.select(Survey).where(
                Survey.site_id == site.id, Survey.is_template.is_(True), Survey.cadence == cadence
            )
        )
        first = opens or core_clock.today(s)
        fields.setdefault("target", "site")
        fields.setdefault("anonymous", False)
        wave = rules.start_wave(
            template, opens_on=first, closes_on=first + timedelta(days=days), **fields
        )
        if launch:
            rules.launch(s, wave)
        db.session.commit()
        return wave.id


def invitations(app, survey_id: int) -> list[Invitation]:
    with app.app_context():
        rows = db.session.scalars(
            db.select(Invitation).where(Invitation.survey_id == survey_id).order_by(Invitation.id)
        ).all()
        db.session.expunge_all()
        return rows


def questions(app, survey_id: int) -> dict[str, Question]:
    """The wave's questions by code."""
    with app.app_context():
        rows = db.session.scalars(db.select(Question).where(Question.survey_id == survey_id)).all()
        db.session.expunge_all()
        return {q.code: q for q in rows}


def link(app, invitation: Invitation, site: Site) -> str:
    with app.test_request_context():
        token = rules.token_for(invitation)
    return f"/s/{site.slug}/surveys/a/{invitation.survey_id}/{token}"


def answer(app, site: Site, survey_id: int, invitation_id: int, values: dict, channel="link"):
    """Record answers through the rules (``values``: question code -> fields)."""
    with app.app_context():
        s = db.session.get(Site, site.id)
        survey = db.session.get(Survey, survey_id)
        invitation = db.session.get(Invitation, invitation_id)
        by_code = {q.code: q.id for q in survey.questions}
        rules.record(s, survey, invitation, {by_code[c]: f for c, f in values.items()}, channel)
        db.session.commit()


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))
