"""Answering: the resident's personal link (no login, no JavaScript needed) and the
butler's record of answers taken on a visit or a call."""

from __future__ import annotations

from flask import current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits import parse
from sqlalchemy.exc import IntegrityError

from core import audit, tenancy
from core.extensions import db
from core.models import Resident
from core.security import PUBLIC, requires
from core.tenancy import current_site
from plugins.surveys import rules
from plugins.surveys.forms import RecordForm
from plugins.surveys.labels import RATING_WORDS
from plugins.surveys.models import LOCALES, Invitation, Survey
from plugins.surveys.views.base import bp, today, wave_or_404
from plugins.surveys.views.builder import locale

# Answers from one address: enough for a family's phones, too few to try tokens.
ANSWER_LIMIT = "30 per 10 minutes"
STATUS_OF_REFUSAL = {"altered": 404, "expired": 410, "used": 409, "busy": 429}


def _throttled() -> bool:
    limiter = current_app.extensions.get("butler.limiter")
    if limiter is None or not limiter.enabled:
        return False
    return not limiter.limiter.hit(parse(ANSWER_LIMIT), "surveys.answer", get_remote_address())


def _private(response):
    # The link is the key: keep it out of caches and out of the Referer of other sites.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _refused(reason: str, survey: Survey | None = None, invitation: Invitation | None = None):
    """The page of a link not taken, in the resident's language when the link was theirs."""
    with force_locale(_locale_for(invitation) if invitation is not None else locale()):
        page = render_template("surveys/link_refused.html", reason=reason, survey=survey)
    return _private(make_response(page, STATUS_OF_REFUSAL[reason]))


def _locale_for(invitation: Invitation) -> str:
    asked = request.args.get("lang", "")
    if asked in LOCALES:
        return asked
    resident = db.session.get(Resident, invitation.resident_id) if invitation.resident_id else None
    if resident is not None and resident.preferred_locale in LOCALES:
        return resident.preferred_locale
    return locale()


def _survey_of_site(survey_id: int) -> Survey | None:
    if not 0 < survey_id < 2**31:
        return None
    return db.session.scalar(
        tenancy.select(Survey).where(Survey.id == survey_id, Survey.is_template.is_(False))
    )


@bp.route("/a/<int:survey_id>/<token>", methods=["GET", "POST"])
@requires(PUBLIC)
def answer(survey_id: int, token: str):
    """The resident's own page for one survey: a plain HTML form, answered once."""
    if _throttled():
        return _refused("busy")
    survey = _survey_of_site(survey_id)
    if survey is None:
        return _refused("altered")
    try:
        invitation = rules.invitation_of_token(current_site(), survey, token[:200])
    except rules.LinkRefused as refused:
        return _refused(refused.reason, survey, refused.invitation)
    lang = _locale_for(invitation)
    with force_locale(lang):
        answers, errors, status = {}, {}, 200
        if request.method == "POST":
            answers, errors = rules.parse_answers(survey.questions, request.form)
            if not answers and not errors:
                errors[0] = _("Answer at least one question.")
            status = 422
            if not errors:
                try:
                    rules.record(current_site(), survey, invitation, answers, "link")
                    db.session.commit()
                except (rules.AlreadyAnswered, IntegrityError):
                    db.session.rollback()
                    return _refused("used", survey, invitation)
                page = render_template("surveys/thanks.html", survey=survey, lang=lang)
                return _private(make_response(page, 200))
        page = render_template(
            "surveys/answer.html",
            survey=survey,
            lang=lang,
            token=token,
            form_values=request.form,
            errors=errors,
            rating_words=RATING_WORDS,
            action=url_for("surveys.answer", survey_id=survey.id, token=token, lang=lang),
        )
    return _private(make_response(page, status))


@bp.route("/<int:survey_id>/households/<int:invitation_id>", methods=["GET", "POST"])
@requires("surveys.record")
def record(survey_id: int, invitation_id: int):
    """The butler takes a household's answers with them, on a visit or a call."""
    survey = wave_or_404(survey_id)
    invitation = tenancy.get_or_404(Invitation, invitation_id)
    if invitation.survey_id != survey.id:
        return _refused("altered")
    form = RecordForm()
    errors: dict[int, str] = {}
    status = 200
    state = survey.state(today())
    if request.method == "POST":
        status = 422
        if state != "running" or invitation.answered_at is not None:
            status = 409
        elif form.validate():
            answers, errors = rules.parse_answers(survey.questions, request.form)
            if not answers and not errors:
                errors[0] = _("Answer at least one question.")
            if not errors:
                try:
                    rules.record(
                        current_site(), survey, invitation, answers, form.channel.data, current_user
                    )
                except (rules.AlreadyAnswered, IntegrityError):
                    db.session.rollback()
                    status = 409
                else:
                    audit.record("surveys.recorded", survey, detail={"channel": form.channel.data})
                    db.session.commit()
                    flash(_("The household's answers are recorded."), "success")
                    return redirect(url_for("surveys.show", survey_id=survey.id), code=303)
    return render_template(
        "surveys/record.html",
        survey=survey,
        invitation=invitation,
        state=state,
        form=form,
        form_values=request.form,
        errors=errors,
        lang=locale(),
        rating_words=RATING_WORDS,
    ), status
