"""Residents' surveys at scale: two waves of the annual survey on an estate, the measured
one with 20,000 answers.

An estate of the bench has 600 households; the analysis is timed as if the estate were
five times larger: the measured wave is anonymous (its responses carry no household, so
their number is not bound by the invitations) with 2,860 responses to its seven
questions, about 20,000 answers in all, a third of the responses with a written comment.
The previous wave (for the trend) is named: every household answered it, 600 responses.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bench.seed import _bulk
from core.extensions import db
from core.models import Unit
from plugins.surveys.models import Answer, Invitation, Question, Response, Survey
from plugins.surveys.rules import _Q, TEMPLATES, options_json
from plugins.surveys.words import words_of

KIND = "residential"
MEASURED_RESPONSES = 2_860
PREVIOUS_RESPONSES = 600
COMMENTS = (
    "電梯經常故障，希望盡快維修",
    "大堂好乾淨，多謝清潔姐姐",
    "保安員態度友善",
    "垃圾房氣味太大",
    "The lobby is clean and the guards are friendly",
    "Please repair the lift faster",
    "管理处服务态度好",
    "停車場燈光太暗",
)
MEASURED: dict[str, int] = {}
# Each comment's words, cut once as rules.record cuts an answer's when it is written.
WORDS = {text: " ".join(words_of(text)) for text in COMMENTS}


def _survey_rows(site_id, ids, now, template_id, opens_on, anonymous, cadence="annual"):
    titles, codes = TEMPLATES[cadence]
    return {
        "id": ids,
        "site_id": site_id,
        "is_template": template_id is None,
        "template_id": template_id,
        "cadence": cadence,
        "title_en": titles[0],
        "title_zh_hant": titles[1],
        "title_zh_hans": titles[2],
        "anonymous": anonymous,
        "target": "site",
        "sample_size": None,
        "sample_seed": None,
        "opens_on": opens_on,
        "closes_on": opens_on + timedelta(days=21),
        "launched_at": None if template_id is None else now - timedelta(days=1),
        "closed_at": None,
        "created_by_id": None,
        "created_at": now,
        "updated_at": now,
    }


def _questions(site_id, survey_id, ids) -> list[dict]:
    codes = TEMPLATES["annual"][1]
    rows = []
    for position, (code, question_id) in enumerate(zip(codes, ids, strict=True)):
        kind, en, hant, hans, options = _Q[code]
        rows.append(
            {
                "id": question_id,
                "site_id": site_id,
                "survey_id": survey_id,
                "position": position,
                "code": code,
                "kind": kind,
                "text_en": en,
                "text_zh_hant": hant,
                "text_zh_hans": hans,
                "options_json": options_json(options),
            }
        )
    return rows


def _answer(rng, question: dict, mood: int) -> dict | None:
    kind = question["kind"]
    if kind == "rating":
        return {"value": max(1, min(5, mood + rng.choice((-1, 0, 0, 1)))), "choices": ""}
    if kind == "nps":
        return {"value": max(0, min(10, 2 * mood + rng.choice((-2, -1, 0, 1)))), "choices": ""}
    if kind == "single":
        return {"value": rng.randrange(3), "choices": ""}
    if kind == "multiple":
        picked = sorted(rng.sample(range(5), rng.randrange(1, 3)))
        return {"value": None, "choices": ",".join(map(str, picked))}
    text = rng.choice(COMMENTS)
    return {"value": None, "choices": "", "text": text, "words": WORDS[text]}


def seed(site_id: int, ctx: dict) -> dict[str, int]:
    rng, now, ids = ctx["rng"], ctx["now"], ctx["ids"]
    units = db.session.execute(
        select(Unit.id, Unit.building_id).where(Unit.site_id == site_id).order_by(Unit.id)
    ).all()
    today = now.date()
    template_id, previous_id, current_id = ids.take(Survey, 3)
    surveys = [
        _survey_rows(site_id, template_id, now, None, today, False),
        _survey_rows(site_id, previous_id, now, template_id, today - timedelta(days=365), False),
        _survey_rows(site_id, current_id, now, template_id, today - timedelta(days=7), True),
    ]
    surveys[1]["launched_at"] = now - timedelta(days=365)
    questions = []
    for survey_id in (template_id, previous_id, current_id):
        questions += _questions(site_id, survey_id, ids.take(Question, 7))
    _bulk(Survey, surveys)
    _bulk(Question, questions)
    invitations, responses, answers = [], [], []
    for survey_id, count, mood in (
        (previous_id, PREVIOUS_RESPONSES if ctx["measured"] else 200, 3),
        (current_id, MEASURED_RESPONSES if ctx["measured"] else 300, 4),
    ):
        anonymous = survey_id == current_id
        wave_questions = [q for q in questions if q["survey_id"] == survey_id]
        invitation_ids = ids.take(Invitation, len(units))
        for (unit_id, building_id), invitation_id in zip(units, invitation_ids, strict=True):
            invitations.append(
                {
                    "id": invitation_id,
                    "site_id": site_id,
                    "survey_id": survey_id,
                    "unit_id": unit_id,
                    "building_id": building_id,
                    "resident_id": None,
                    "answered_at": now - timedelta(days=1) if rng.random() < 0.7 else None,
                    "channel": "link",
                    "recorded_by_id": None,
                }
            )
        if not anonymous:
            count = min(count, len(units))  # one response per household
        response_ids = ids.take(Response, count)
        for n, response_id in enumerate(response_ids):
            unit_id, building_id = units[n % len(units)]
            responses.append(
                {
                    "id": response_id,
                    "site_id": site_id,
                    "survey_id": survey_id,
                    "invitation_id": None if anonymous else invitation_ids[n % len(units)],
                    "building_id": building_id,
                    "channel": "link",
                    "answered_on": today,
                }
            )
            for question in wave_questions:
                if question["kind"] == "text" and rng.random() > 0.33:
                    continue
                fields = _answer(rng, question, mood)
                answers.append(
                    {
                        "site_id": site_id,
                        "response_id": response_id,
                        "question_id": question["id"],
                        "building_id": building_id,
                        "text": "",
                        "words": "",
                        **fields,
                    }
                )
    for row, answer_id in zip(answers, ids.take(Answer, len(answers)), strict=True):
        row["id"] = answer_id
    _bulk(Invitation, invitations)
    _bulk(Response, responses)
    _bulk(Answer, answers)
    if ctx["measured"]:
        MEASURED["survey_id"] = current_id
        MEASURED["previous_id"] = previous_id
    return {
        "surveys": len(surveys),
        "households asked": len(invitations),
        "survey responses": len(responses),
        "survey answers": len(answers),
    }


def pages(base: str) -> list[tuple[str, str]]:
    surveys = f"{base}/surveys"
    current = MEASURED.get("survey_id", 1)
    return [
        ("surveys: the list", f"{surveys}/"),
        ("surveys: a running survey and its response rate", f"{surveys}/{current}"),
        ("surveys: the analysis of 20,000 answers, with the trend", f"{surveys}/{current}/results"),
        (
            "surveys: a named wave's analysis and follow-ups",
            f"{surveys}/{MEASURED.get('previous_id', 1)}/results",
        ),
    ]
