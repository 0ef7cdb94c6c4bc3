"""The figures of a survey: per question and building the mean and the distribution, the
recommendation score (NPS), the satisfaction index, the trend against the previous wave of
the same template, and the words of the free-text answers.

Counting is done by the database (one grouped query per kind of answer), so that a wave
of tens of thousands of answers is analysed in a few queries.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

import sqlalchemy as sa

from core import tenancy
from core.extensions import db
from core.models import Building
from plugins.surveys.models import Answer, Question, Response, Survey

ALL = 0  # the "building" of the whole survey
TOP_WORDS = 15


@dataclass
class Figures:
    """One question's answers in one building (or all of them)."""

    kind: str
    counts: Counter = field(default_factory=Counter)  # value (or choice index) -> answers

    @cached_property
    def n(self) -> int:
        # Read once the counting is over (``_counts`` only adds to ``counts``).
        return sum(self.counts.values())

    @property
    def mean(self) -> float | None:
        if self.kind not in ("rating", "nps") or not self.n:
            return None
        return sum(v * c for v, c in self.counts.items()) / self.n

    @property
    def nps(self) -> float | None:
        """% promoters (9–10) minus % detractors (0–6)."""
        if self.kind != "nps" or not self.n:
            return None
        promoters = sum(c for v, c in self.counts.items() if v >= 9)
        detractors = sum(c for v, c in self.counts.items() if v <= 6)
        return 100 * (promoters - detractors) / self.n

    @property
    def index(self) -> float | None:
        """A rating's mean on a 0–100 scale (1 is 0, 5 is 100)."""
        mean = self.mean
        return None if mean is None or self.kind != "rating" else (mean - 1) * 25

    def share(self, value: int) -> float:
        n = self.n
        return 100 * self.counts.get(value, 0) / n if n else 0.0

    def row(self, values) -> tuple:
        """The figures of a results table's row: answers, mean, index or score, and the
        share of each of ``values``, as text."""
        mean, nps, index = self.mean, self.nps, self.index
        return (
            self.n,
            "–" if mean is None else f"{mean:.2f}",
            f"{nps:+.0f}" if nps is not None else ("–" if index is None else f"{index:.1f}"),
            tuple(f"{self.share(v):.0f}" for v in values),
        )


@dataclass
class Analysis:
    survey: Survey
    buildings: list[tuple[int, str]]  # (id, code) of the buildings with answers
    responses: dict[int, int]  # building id (ALL for all) -> responses
    figures: dict[tuple[int, int], Figures]  # (question id, building id) -> figures
    previous: Survey | None = None
    before: dict[str, Figures] = field(default_factory=dict)  # question code -> figures
    words: dict[int, list[tuple[str, int]]] = field(default_factory=dict)

    def of(self, question: Question, building_id: int = ALL) -> Figures:
        return self.figures.get((question.id, building_id)) or Figures(question.kind)

    def trend(self, question: Question) -> float | None:
        """Change of the mean (of the NPS for a 0–10 question) since the previous wave."""
        then = self.before.get(question.code)
        now = self.of(question)
        if then is None or not then.n or not now.n:
            return None
        if question.kind == "nps":
            return now.nps - then.nps
        if question.kind == "rating":
            return now.mean - then.mean
        return None

    def satisfaction_index(self, building_id: int = ALL) -> float | None:
        """The mean of every rating answer (of the building) on a 0–100 scale."""
        total = answers = 0
        for q in self.survey.questions:
            if q.kind == "rating":
                f = self.of(q, building_id)
                total += sum(v * c for v, c in f.counts.items())
                answers += f.n
        return (total / answers - 1) * 25 if answers else None

    def previous_index(self) -> float | None:
        total = answers = 0
        for f in self.before.values():
            if f.kind == "rating":
                total += sum(v * c for v, c in f.counts.items())
                answers += f.n
        return (total / answers - 1) * 25 if answers else None


def _counts(
    survey_id: int, site_id: int, per_building: bool = True
) -> dict[tuple[int, int], Figures]:
    """Each question's answers counted per building (and for all), from the answers'
    (site, question, building, value) index; for all buildings only, unless
    ``per_building``."""
    kinds = dict(
        db.session.execute(
            tenancy.select(Question, Question.id, Question.kind, site=site_id).where(
                Question.survey_id == survey_id
            )
        ).all()
    )
    figures: dict[tuple[int, int], Figures] = {}

    def add(question_id: int, building_id: int, value: int, count: int) -> None:
        keys = ((question_id, building_id), (question_id, ALL)) if per_building else ()
        for key in keys or ((question_id, ALL),):
            figures.setdefault(key, Figures(kinds[question_id])).counts[value] += count

    building = Answer.building_id if per_building else sa.literal(ALL)

    valued = [q for q, kind in kinds.items() if kind in ("rating", "nps", "single")]
    if valued:
        rows = db.session.execute(
            sa.select(Answer.question_id, building, Answer.value, sa.func.count())
            .where(
                Answer.site_id == site_id,
                Answer.question_id.in_(valued),
                Answer.value.is_not(None),
            )
            .group_by(Answer.question_id, *([building] if per_building else []), Answer.value)
        )
        for question_id, building_id, value, count in rows:
            add(question_id, building_id, value, count)
    picked = [q for q, kind in kinds.items() if kind == "multiple"]
    if picked:
        rows = db.session.execute(
            sa.select(Answer.question_id, building, Answer.choices, sa.func.count())
            .where(
                Answer.site_id == site_id,
                Answer.question_id.in_(picked),
                Answer.choices != "",
            )
            .group_by(Answer.question_id, *([building] if per_building else []), Answer.choices)
        )
        for question_id, building_id, choices, count in rows:
            for choice in choices.split(","):
                add(question_id, building_id, int(choice), count)
    return figures


def previous_wave(survey: Survey) -> Survey | None:
    """The wave of the same template launched before this one."""
    if survey.template_id is None:
        return None
    return db.session.scalar(
        tenancy.select(Survey, site=survey.site_id)
        .where(
            Survey.template_id == survey.template_id,
            Survey.id != survey.id,
            Survey.launched_at.is_not(None),
            sa.or_(
                Survey.opens_on < survey.opens_on,
                sa.and_(Survey.opens_on == survey.opens_on, Survey.id < survey.id),
            ),
        )
        .order_by(Survey.opens_on.desc(), Survey.id.desc())
        .limit(1)
    )


def analyse(survey: Survey, with_words: bool = True) -> Analysis:
    site_id = survey.site_id
    figures = _counts(survey.id, site_id)
    per_building = db.session.execute(
        sa.select(Response.building_id, sa.func.count())
        .where(Response.site_id == site_id, Response.survey_id == survey.id)
        .group_by(Response.building_id)
    ).all()
    responses = {b: c for b, c in per_building}
    responses[ALL] = sum(c for _, c in per_building)
    buildings = [
        (b.id, b.code)
        for b in db.session.scalars(
            tenancy.select(Building, site=site_id)
            .where(Building.id.in_([b for b, _ in per_building]))
            .order_by(Building.code)
        )
    ]
    analysis = Analysis(survey, buildings, responses, figures)
    previous = previous_wave(survey)
    if previous is not None:
        analysis.previous = previous
        codes = {q.id: q.code for q in previous.questions}
        analysis.before = {
            codes[qid]: f for (qid, _b), f in _counts(previous.id, site_id, False).items()
        }
    if with_words:
        for q in survey.questions:
            if q.kind == "text":
                analysis.words[q.id] = word_counts(words_of_answers(survey, q))
    return analysis


def words_of_answers(survey: Survey, question: Question) -> list[str]:
    """The kept words of a free-text question's answers."""
    return list(
        db.session.scalars(
            tenancy.select(Answer, Answer.words, site=survey.site_id).where(
                Answer.question_id == question.id, Answer.words != ""
            )
        )
    )


# --- Words ------------------------------------------------------------------------------------


def word_counts(answers_words: list[str], top: int = TOP_WORDS) -> list[tuple[str, int]]:
    """The most frequent words of the answers (each answer's words as kept with it,
    space-separated), each counted once per answer."""
    counter: Counter = Counter()
    for words in answers_words:
        counter.update(words.split())
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:top]
