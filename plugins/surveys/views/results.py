"""The analysis of a wave (page and XLSX) and the resident's panel."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Response, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import tenancy
from core.models import Resident
from core.plugins.host import host
from core.security import can, requires
from core.tenancy import current_site
from plugins.surveys import queries, reports, rules
from plugins.surveys.analysis import ALL, analyse
from plugins.surveys.labels import CHANNEL_LABELS, RATING_WORDS, STATE_LABELS
from plugins.surveys.views.base import bp, today, wave_or_404
from plugins.surveys.views.builder import locale


def _follow_up_urls(lows) -> list[str | None]:
    """For each low score, the service desk's new-request form with the resident chosen,
    when the service desk is on for the site and the user may log requests (asked once)."""
    site = current_site()
    if not host().is_enabled(site, "service_desk") or not can(current_user, "service_desk.handle"):
        return [None] * len(lows)
    base = url_for("service_desk.new")
    return [f"{base}?resident={rid}" if rid else base for _unit, rid, *_rest in lows]


@dataclass(frozen=True)
class Table:
    headings: tuple
    rows: list


def _tables(analysis, lang: str) -> dict[int, Table]:
    """Each question's table of the results page, made here: a loop in Python, not in
    the template, for a wave of tens of thousands of answers."""
    tables = {}
    places = [(ALL, _("All buildings")), *analysis.buildings]
    for q in analysis.survey.questions:
        if q.kind == "text":
            continue
        if q.kind == "rating":
            values, headings = range(1, 6), tuple(str(v) for v in range(1, 6))
        elif q.kind == "nps":
            values, headings = range(11), tuple(str(v) for v in range(11))
        else:
            headings = tuple(q.options_in(lang))
            values = range(len(headings))
        rows = [(code, *analysis.of(q, b).row(values)) for b, code in places]
        tables[q.id] = Table(headings, rows)
    return tables


@bp.route("/<int:survey_id>/results")
@requires("surveys.report")
def results(survey_id: int):
    survey = wave_or_404(survey_id)
    analysis = analyse(survey)
    lang = locale()
    lows = reports.follow_ups(survey)
    texts = {q.id: q.text_in(lang) for q in survey.questions}
    return render_template(
        "surveys/results.html",
        survey=survey,
        state=survey.state(today()),
        analysis=analysis,
        tables=_tables(analysis, lang),
        ALL=ALL,
        lang=lang,
        chart_of=reports.chart_of(analysis),
        rates=rules.response_rates(current_site(), survey.id),
        follow_ups=[
            (unit, name, texts[qid], value, url)
            for (unit, _rid, name, qid, value), url in zip(lows, _follow_up_urls(lows), strict=True)
        ],
        rating_words=RATING_WORDS,
        state_labels=STATE_LABELS,
    )


@bp.route("/<int:survey_id>/results.xlsx")
@requires("surveys.report")
def results_xlsx(survey_id: int):
    survey = wave_or_404(survey_id)
    body = reports.results_xlsx(survey, locale())
    return Response(
        body,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": (
                f'attachment; filename="survey-{current_site().slug}-{survey.id}.xlsx"'
            )
        },
    )


@bp.route("/residents/<int:resident_id>/panel")
@requires("surveys.view")
def resident_panel(resident_id: int):
    resident = tenancy.get_or_404(Resident, resident_id)
    return render_template(
        "surveys/_panel.html",
        rows=queries.of_resident(current_site(), resident.id),
        lang=locale(),
        channel_labels=CHANNEL_LABELS,
    )
