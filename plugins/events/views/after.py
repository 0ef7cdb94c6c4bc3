"""Events views: After the event: scores, report and photos."""

from __future__ import annotations

from collections.abc import Callable

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from core import audit, htmx, tenancy, uploads
from core.extensions import db
from core.formdata import takes_files
from core.security import can, requires
from core.tenancy import get_or_404
from plugins.events import reports
from plugins.events.forms import (
    FeedbackForm,
    ReportForm,
)
from plugins.events.models import Event, Photo, Registration
from plugins.events.views.base import NAME, bp
from plugins.events.views.event import _rows, url_maker

# --- After the event ----------------------------------------------------------------------


def _photos(event: Event) -> list[Photo]:
    return db.session.scalars(
        tenancy.select(Photo, site=event.site_id)
        .where(Photo.event_id == event.id)
        .order_by(Photo.id)
    ).all()


def _feedback_url(event: Event) -> Callable[[int], str]:
    return url_maker("events.feedback", "registration_id", event_id=event.id)


def _report_page(event: Event, form: ReportForm, status: int = 200, problems=()):
    return (
        render_template(
            "events/report.html",
            event=event,
            form=form,
            attended=[r for r in _rows(event, status="confirmed") if r.attended],
            feedback_url=_feedback_url(event),
            photos=_photos(event),
            figures=reports.of_event(event),
            feedback=FeedbackForm(formdata=None),
            problems=problems,
            can_manage=can(current_user, "events.manage"),
        ),
        status,
    )


@bp.route("/<int:event_id>/report")
@requires("events.view")
def report(event_id: int):
    event = get_or_404(Event, event_id)
    return _report_page(event, ReportForm(obj=event))


@bp.route("/<int:event_id>/report", methods=["POST"])
@takes_files
@requires("events.manage")
def save_report(event_id: int):
    event = get_or_404(Event, event_id)
    form = ReportForm()
    if not form.validate_on_submit():
        return _report_page(event, form, 422)
    stored = None
    upload = request.files.get("photo")
    if upload is not None and upload.filename:
        try:
            stored = uploads.save(upload, plugin=NAME)
        except uploads.Refused as refused:
            form.photo.errors = [str(refused)]
            return _report_page(event, form, 422)
    event.report = form.report.data or ""
    if stored is not None:
        db.session.add(
            Photo(
                site_id=event.site_id,
                event_id=event.id,
                key=stored.key,
                content_type=stored.content_type,
                original_name=stored.original_name[:200],
                uploaded_by_id=current_user.id,
            )
        )
    audit.record("events.report_saved", event, detail={"photo": stored is not None})
    db.session.commit()
    flash(_("The report is saved."), "success")
    return redirect(url_for("events.report", event_id=event.id), 303)


@bp.route("/<int:event_id>/photos/<int:photo_id>")
@requires("events.view")
def photo(event_id: int, photo_id: int):
    event = get_or_404(Event, event_id)
    found = get_or_404(Photo, photo_id)
    if found.event_id != event.id:
        abort(404)
    return uploads.send(found.key)


@bp.route("/<int:event_id>/registrations/<int:registration_id>/feedback", methods=["POST"])
@requires("events.register")
def feedback(event_id: int, registration_id: int):
    event = get_or_404(Event, event_id)
    registration = get_or_404(Registration, registration_id)
    if registration.event_id != event.id:
        abort(404)
    form = FeedbackForm()
    status = 200
    if not registration.attended or registration.status != "confirmed":
        form.score.errors = [_("Only people who came can give a score.")]
        status = 422
    elif form.validate_on_submit():
        registration.feedback_score = form.score.data
        audit.record("events.feedback", registration, detail={"score": form.score.data})
        db.session.commit()
        if not htmx.wants_partial():
            flash(_("The score is saved."), "success")
            return redirect(url_for("events.report", event_id=event.id), 303)
    else:
        status = 422
    if htmx.wants_partial():
        return render_template(
            "events/_feedback_row.html",
            event=event,
            r=_rows(event, registration_id=registration.id)[0],
            feedback=form,
            feedback_url=_feedback_url(event),
        ), status
    page, _status = _report_page(event, ReportForm(obj=event), problems=form.score.errors)
    return page, status
