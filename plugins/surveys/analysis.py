"""The figures of a survey: per question and building the mean and the distribution, the
recommendation score (NPS), the satisfaction index, the trend against the previous wave of
the same template, and the words of the free-text answers.

Counting is done by the database (one grouped query per kind of answer), so that a wave
of tens of thousands of answers is analysed in a few queries.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa

from core import tenancy
from core.extensions import db
from core.models import Building
from plugins.surveys.models import Answer, Question, Response, Survey

ALL = 0  # the "building" of the whole survey
TOP_WORDS = 15
MAX_TEXTS = 5000  # free-text answers read for the word counts


@dataclass
class Figures:
    """One question's answers in one building (or all of them)."""

    kind: str
    counts: Counter = field(default_factory=Counter)  # value (or choice index) -> answers

    @property
    def n(self) -> int:
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
        return 100 * self.counts.get(value, 0) / self.n if self.n else 0.0


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


def _counts(survey_id: int, site_id: int) -> dict[tuple[int, int], Figures]:
    kinds = dict(
        db.session.execute(
            tenancy.select(Question, Question.id, Question.kind, site=site_id).where(
                Question.survey_id == survey_id
            )
        ).all()
    )
    figures: dict[tuple[int, int], Figures] = {}

    def add(question_id: int, building_id: int, value: int, count: int) -> None:
        for key in ((question_id, building_id), (question_id, ALL)):
            figures.setdefault(key, Figures(kinds[question_id])).counts[value] += count

    valued = db.session.execute(
        sa.select(Answer.question_id, Response.building_id, Answer.value, sa.func.count())
        .join(Response, Response.id == Answer.response_id)
        .where(
            Answer.site_id == site_id,
            Response.site_id == site_id,
            Response.survey_id == survey_id,
            Answer.value.is_not(None),
        )
        .group_by(Answer.question_id, Response.building_id, Answer.value)
    )
    for question_id, building_id, value, count in valued:
        add(question_id, building_id, value, count)
    picked = db.session.execute(
        sa.select(Answer.question_id, Response.building_id, Answer.choices, sa.func.count())
        .join(Response, Response.id == Answer.response_id)
        .where(
            Answer.site_id == site_id,
            Response.site_id == site_id,
            Response.survey_id == survey_id,
            Answer.choices != "",
        )
        .group_by(Answer.question_id, Response.building_id, Answer.choices)
    )
    for question_id, building_id, choices, count in picked:
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
            codes[qid]: f for (qid, b), f in _counts(previous.id, site_id).items() if b == ALL
        }
    if with_words:
        for q in survey.questions:
            if q.kind == "text":
                analysis.words[q.id] = word_counts(texts_of(survey, q))
    return analysis


def texts_of(survey: Survey, question: Question, limit: int = MAX_TEXTS) -> list[str]:
    return list(
        db.session.scalars(
            tenancy.select(Answer, Answer.text, site=survey.site_id)
            .where(Answer.question_id == question.id, Answer.text != "")
            .order_by(Answer.id)
            .limit(limit)
        )
    )


# --- Words ------------------------------------------------------------------------------------

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[A-Za-z][A-Za-z'-]+")
ENGLISH_STOP = frozenset(
    "the and for are but not you your with this that have has had was were our they them "
    "very too more most much all any can could would should will just been from into some "
    "about there their what when which who also than then its it's i'm don't".split()
)
CHINESE_STOP = frozenset(
    "我們 你們 他們 我们 你们 他们 一個 一个 可以 沒有 没有 非常 希望 覺得 觉得 因為 因为 "
    "所以 但是 而且 還是 还是 就是 這個 这个 那個 那个 比較 比较 已經 已经 有點 有点".split()
)


def _chinese_words(run: str) -> list[str]:
    import jieba

    return [w for w in jieba.lcut(run) if len(w) >= 2]


def word_counts(texts: list[str], top: int = TOP_WORDS) -> list[tuple[str, int]]:
    """The most frequent words of the answers: Chinese cut into words by jieba, English
    words of three letters or more, common words left out; each word counted once per
    answer, so that one long answer does not outweigh many short ones."""
    counter: Counter = Counter()
    for text in texts:
        words = set()
        for run in _HAN.findall(text):
            words.update(w for w in _chinese_words(run) if w not in CHINESE_STOP)
        for word in _LATIN.findall(text):
            word = word.lower().strip("'-")
            if len(word) >= 3 and word not in ENGLISH_STOP:
                words.add(word)
        counter.update(words)
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:top]
