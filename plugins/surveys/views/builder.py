"""The builder: the templates, a new wave, its questions, launching and closing it."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from core import audit, clock, tenancy
from core.extensions import db
from core.models import Building, Unit
from core.security import can, requires
from core.tenancy import current_site
from plugins.surveys import rules
from plugins.surveys.forms import QuestionForm, WaveForm
from plugins.surveys.labels import (
    CADENCE_LABELS,
    CHANNEL_LABELS,
    KIND_LABELS,
    STATE_LABELS,
    TARGET_LABELS,
)
from plugins.surveys.models import Invitation, Survey
from plugins.surveys.views.base import bp, today, wave_or_404

HOUSEHOLDS_SHOWN = 60
DAYS_OPEN = 14  # a new survey's links expire after two weeks unless told otherwise


def locale() -> str:
    return str(get_locale() or "en")


def may() -> dict[str, bool]:
    """What the user may do here, for the page's buttons (the views check again)."""
    return {name: can(current_user, f"surveys.{name}") for name in ("manage", "report", "record")}


def _templates() -> list[Survey]:
    return db.session.scalars(
        tenancy.select(Survey).where(Survey.is_template.is_(True)).order_by(Survey.id)
    ).all()


def _buildings() -> list[Building]:
    return db.session.scalars(
        tenancy.select(Building).where(Building.archived_at.is_(None)).order_by(Building.code)
    ).all()


def _wave_form(**kwargs) -> WaveForm:
    form = WaveForm(**kwargs)
    form.template_id.choices = [
        SelectChoice(t.id, f"{CADENCE_LABELS[t.cadence]} · {t.title_in(locale())}")
        for t in _templates()
    ]
    form.building_ids.choices = [SelectChoice(b.id, f"{b.code} {b.name}") for b in _buildings()]
    return form


def _index(form: WaveForm, status: int = 200):
    waves = db.session.scalars(
        tenancy.select(Survey)
        .where(Survey.is_template.is_(False))
        .order_by(Survey.opens_on.desc(), Survey.id.desc())
        .limit(100)
    ).all()
    return render_template(
        "surveys/index.html",
        templates=_templates(),
        waves=waves,
        form=form,
        may=may(),
        today=today(),
        locale=locale(),
        cadence_labels=CADENCE_LABELS,
        state_labels=STATE_LABELS,
    ), status


@bp.route("/")
@requires("surveys.view")
def index():
    start = today()
    form = _wave_form(formdata=None, opens_on=start, closes_on=start + timedelta(days=DAYS_OPEN))
    return _index(form)


@bp.route("/waves", methods=["POST"])
@requires("surveys.manage")
def new_wave():
    form = _wave_form()
    if not form.validate():
        return _index(form, 422)
    template = tenancy.get_or_404(Survey, form.template_id.data)
    wave = rules.start_wave(
        template,
        opens_on=form.opens_on.data,
        closes_on=form.closes_on.data,
        target=form.target.data,
        anonymous=form.anonymous.data,
        building_ids=list(form.building_ids.data or []),
        sample_size=form.sample_size.data,
        by=current_user,
    )
    audit.record("surveys.created", wave, detail={"template": template.id})
    db.session.commit()
    flash(_("The survey is ready to check and launch."), "success")
    return redirect(url_for("surveys.show", survey_id=wave.id), code=303)


def _households(survey: Survey) -> list[tuple[int, str]]:
    """The first households still to ask: (invitation id, "T1 12A")."""
    if survey.launched_at is None or not can(current_user, "surveys.record"):
        return []
    rows = db.session.execute(
        sa.select(Invitation.id, Building.code, Unit.number)
        .join(Unit, Unit.id == Invitation.unit_id)
        .join(Building, Building.id == Invitation.building_id)
        .where(
            Invitation.site_id == current_site().id,
            Invitation.survey_id == survey.id,
            Invitation.answered_at.is_(None),
        )
        .order_by(Building.code, Invitation.unit_id)
        .limit(HOUSEHOLDS_SHOWN)
    ).all()
    return [(ident, f"{code} {number}") for ident, code, number in rows]


def _show(
    survey: Survey,
    question_form: QuestionForm | None = None,
    status: int = 200,
    notice: str | None = None,
):
    rates = rules.response_rates(current_site(), survey.id) if not survey.is_template else []
    asked = sum(r[2] for r in rates)
    answered = sum(r[3] for r in rates)
    return render_template(
        "surveys/show.html",
        survey=survey,
        state=survey.state(today()) if not survey.is_template else "template",
        notice=notice,
        question_form=question_form or QuestionForm(formdata=None),
        rates=rates,
        asked=asked,
        answered=answered,
        households=_households(survey),
        may=may(),
        locale=locale(),
        cadence_labels=CADENCE_LABELS,
        kind_labels=KIND_LABELS,
        state_labels=STATE_LABELS,
        target_labels=TARGET_LABELS,
        channel_labels=CHANNEL_LABELS,
    ), status


@bp.route("/<int:survey_id>")
@requires("surveys.view")
def show(survey_id: int):
    return _show(tenancy.get_or_404(Survey, survey_id))


@bp.route("/<int:survey_id>/questions", methods=["POST"])
@requires("surveys.manage")
def add_question(survey_id: int):
    survey = tenancy.get_or_404(Survey, survey_id)
    form = QuestionForm()
    if not form.validate():
        return _show(survey, form, 422)
    if survey.launched_at is not None:
        return _show(survey, form, 409, notice=_("A launched survey's questions cannot change."))
    texts = (form.text_en.data, form.text_zh_hant.data or "", form.text_zh_hans.data or "")
    options = form.parsed_options() if form.kind.data in ("single", "multiple") else []
    question = rules.add_question(survey, form.kind.data, texts, options)
    audit.record("surveys.question_added", question)
    db.session.commit()
    flash(_("The question is added."), "success")
    return redirect(url_for("surveys.show", survey_id=survey.id), code=303)


@bp.route("/<int:survey_id>/launch", methods=["POST"])
@requires("surveys.manage")
def launch(survey_id: int):
    survey = wave_or_404(survey_id)
    if survey.launched_at is not None:
        flash(_("This survey was launched already."), "error")
        return redirect(url_for("surveys.show", survey_id=survey.id), code=303)
    if not survey.questions:
        flash(_("Add a question before launching the survey."), "error")
        return redirect(url_for("surveys.show", survey_id=survey.id), code=303)
    if survey.closes_on < today():
        flash(_("The links would have expired already: start a new survey."), "error")
        return redirect(url_for("surveys.show", survey_id=survey.id), code=303)
    invited = rules.launch(current_site(), survey, by=current_user)
    db.session.commit()
    flash(_("The survey is launched: %(count)s households asked.", count=invited), "success")
    return redirect(url_for("surveys.show", survey_id=survey.id), code=303)


@bp.route("/<int:survey_id>/close", methods=["POST"])
@requires("surveys.manage")
def close(survey_id: int):
    survey = wave_or_404(survey_id)
    if survey.state(today()) == "running":
        survey.closed_at = clock.now()
        audit.record("surveys.closed", survey)
        db.session.commit()
        flash(_("The survey is closed: its links take no more answers."), "success")
    return redirect(url_for("surveys.show", survey_id=survey.id), code=303)
