"""The surveys' reports: a wave's figures as rows (page, XLSX), its chart, the low scores
to follow up, and the annual survey's sheet of the hand-in pack."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from core import charts, tenancy
from core.buildings import looked_after
from core.exports import xlsx_bytes
from core.extensions import db
from core.models import Building, Resident, Site, Unit, User
from core.plugins.api import Sheet
from plugins.surveys import rules
from plugins.surveys.analysis import ALL, Analysis, analyse
from plugins.surveys.models import Answer, Invitation, Question, Response, Survey

PERIOD = re.compile(r"^(\d{4})-(\d{2})$")
FOLLOW_UP_LIMIT = 100


def _r(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def figure_rows(analysis: Analysis, locale: str) -> list[tuple]:
    """One row per question and building (all buildings first): the question, the
    building, answers, mean, recommendation score, satisfaction index, change since the
    previous wave, and the distribution in words."""
    rows = []
    places = [(ALL, _("All buildings"))] + analysis.buildings
    for q in analysis.survey.questions:
        if q.kind == "text":
            continue
        labels = _value_labels(q, locale)
        for building_id, code in places:
            f = analysis.of(q, building_id)
            spread = " · ".join(
                f"{labels.get(v, v)}: {f.counts[v]}" for v in sorted(f.counts) if f.counts[v]
            )
            rows.append(
                (
                    q.text_in(locale),
                    code,
                    f.n,
                    _r(f.mean, 2),
                    _r(f.nps),
                    _r(f.index),
                    _r(analysis.trend(q), 2) if building_id == ALL else None,
                    spread,
                )
            )
    return rows


def figure_columns() -> tuple:
    return (
        _("Question"),
        _("Building"),
        _("Answers"),
        _("Mean"),
        _("Recommendation score"),
        _("Satisfaction index (0–100)"),
        _("Change since the previous wave"),
        _("Distribution"),
    )


def _value_labels(q: Question, locale: str) -> dict[int, str]:
    if q.kind in ("single", "multiple"):
        return dict(enumerate(q.options_in(locale)))
    return {}


def chart_of(analysis: Analysis) -> charts.Chart | None:
    """The satisfaction index of each building, this wave beside the whole survey's."""
    if not analysis.buildings:
        return None
    rows = [
        (code, [_r(analysis.satisfaction_index(building_id))])
        for building_id, code in analysis.buildings
    ]
    return charts.from_rows(
        "bar",
        _("Satisfaction index by building (0–100)"),
        rows,
        [_("Satisfaction index")],
    )


def follow_ups(survey: Survey) -> list[tuple[str, int | None, str, str, int]]:
    """Low scores of a survey that is not anonymous: (unit, resident id, resident name,
    question code, score). An anonymous survey has none: its answers name no household."""
    if survey.anonymous:
        return []
    low = sa.or_(
        sa.and_(Question.kind == "rating", Answer.value <= rules.LOW_RATING),
        sa.and_(Question.kind == "nps", Answer.value <= rules.LOW_NPS),
    )
    rows = db.session.execute(
        sa.select(
            Building.code,
            Unit.number,
            Invitation.resident_id,
            Resident.name,
            Question.id,
            Answer.value,
        )
        .select_from(Answer)
        .join(Response, Response.id == Answer.response_id)
        .join(Invitation, Invitation.id == Response.invitation_id)
        .join(Question, Question.id == Answer.question_id)
        .join(Unit, Unit.id == Invitation.unit_id)
        .join(Building, Building.id == Unit.building_id)
        .outerjoin(Resident, Resident.id == Invitation.resident_id)
        .where(
            Answer.site_id == survey.site_id,
            Response.site_id == survey.site_id,
            Response.survey_id == survey.id,
            low,
        )
        .order_by(Answer.value, Building.code, Unit.number)
        .limit(FOLLOW_UP_LIMIT)
    ).all()
    return [(f"{b} {u}", rid, name or "", qid, value) for b, u, rid, name, qid, value in rows]


def results_xlsx(survey: Survey, locale: str) -> bytes:
    analysis = analyse(survey)
    rows: list[tuple] = list(figure_rows(analysis, locale))
    rows.append(())
    rows.append(
        (
            _("Satisfaction index (0–100)"),
            _("All buildings"),
            analysis.responses[ALL],
            None,
            None,
            _r(analysis.satisfaction_index()),
        )
    )
    for q in survey.questions:
        if q.kind == "text":
            for word, count in analysis.words.get(q.id, []):
                rows.append((q.text_in(locale), _("Word"), count, None, None, None, None, word))
    lows = follow_ups(survey)
    if lows:
        texts = {q.id: q.text_in(locale) for q in survey.questions}
        rows.append(())
        for unit, _rid, name, qid, value in lows:
            rows.append(
                (
                    texts[qid],
                    unit,
                    value,
                    None,
                    None,
                    None,
                    None,
                    _("Low score: %(name)s", name=name),
                )
            )
    return xlsx_bytes(rows, survey.title_in(locale), header=figure_columns())


# --- The hand-in pack -------------------------------------------------------------------------


def _period_days(period: str) -> tuple[date, date]:
    match = PERIOD.match(period)
    year, month = int(match.group(1)), int(match.group(2))
    return date(year, month, 1), date(year + (month == 12), month % 12 + 1, 1)


def annual_in(site: Site, period: str) -> Survey | None:
    """The annual survey that closed in ``period`` (a month), if any."""
    if not PERIOD.match(period or ""):
        return None
    first, after = _period_days(period)
    return db.session.scalar(
        tenancy.select(Survey, site=site)
        .where(
            Survey.is_template.is_(False),
            Survey.cadence == "annual",
            Survey.launched_at.is_not(None),
            Survey.closes_on >= first,
            Survey.closes_on < after,
        )
        .order_by(Survey.closes_on.desc(), Survey.id.desc())
        .limit(1)
    )


def annual_sheet(site: Site, period: str, butler: User) -> Sheet:
    """The annual survey closed in the month, for the butler's buildings: households
    asked and answered, the response rate, satisfaction index and recommendation score."""
    survey = annual_in(site, period)
    columns = (
        _("Building"),
        _("Households asked"),
        _("Answered"),
        _("Response rate (%)"),
        _("Satisfaction index (0–100)"),
        _("Recommendation score"),
    )
    title = _("Annual residents' survey")
    if survey is None:
        return Sheet(title=title, columns=columns)
    mine = set(db.session.scalars(looked_after(site.id, butler.id)))
    analysis = analyse(survey, with_words=False)
    nps_question = next((q for q in survey.questions if q.kind == "nps"), None)
    rows, keys = [], []
    for building_id, code, asked, answered in rules.response_rates(site, survey.id):
        if building_id not in mine:
            continue
        nps = analysis.of(nps_question, building_id).nps if nps_question else None
        rows.append(
            (
                code,
                asked,
                answered,
                _r(100 * answered / asked if asked else None),
                _r(analysis.satisfaction_index(building_id)),
                _r(nps),
            )
        )
        keys.append(f"building.{building_id}")
    return Sheet(title=title, columns=columns, rows=tuple(rows), keys=tuple(keys))
