"""Events views: Attendance at the door."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import (
    abort,
    redirect,
    render_template,
    url_for,
)
from flask_babel import ngettext

from core import audit, htmx
from core.extensions import db
from core.security import requires
from core.tenancy import get_or_404
from plugins.events.forms import (
    AttendedForm,
)
from plugins.events.models import Event, Registration
from plugins.events.views.base import bp
from plugins.events.views.event import _rows, url_maker

# --- Attendance at the door ---------------------------------------------------------------


def _attendance_counts(event: Event) -> dict[str, int]:
    """People expected (confirmed places) and people who came."""
    expected, came = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(Registration.places), 0),
            sa.func.coalesce(
                sa.func.sum(sa.case((Registration.attended.is_(True), Registration.places))), 0
            ),
        ).where(
            Registration.site_id == event.site_id,
            Registration.event_id == event.id,
            Registration.status == "confirmed",
        )
    ).one()
    return {"came": int(came), "expected": int(expected)}


def _attended_url(event: Event) -> Callable[[int], str]:
    return url_maker("events.mark_attended", "registration_id", event_id=event.id)


def _people(rows) -> dict[int, str]:
    """ "1 person", "3 people"… for the sizes of household on the list, translated once."""
    return {n: ngettext("%(num)s person", "%(num)s people", n) for n in {r.places for r in rows}}


@bp.route("/<int:event_id>/attendance")
@requires("events.register")
def attendance(event_id: int):
    event = get_or_404(Event, event_id)
    registrations = _rows(event, status="confirmed")
    return render_template(
        "events/attendance.html",
        event=event,
        registrations=registrations,
        counts={
            "came": sum(r.places for r in registrations if r.attended),
            "expected": sum(r.places for r in registrations),
        },
        attended_url=_attended_url(event),
        people=_people(registrations),
    )


@bp.route("/<int:event_id>/registrations/<int:registration_id>/attended", methods=["POST"])
@requires("events.register")
def mark_attended(event_id: int, registration_id: int):
    event = get_or_404(Event, event_id)
    registration = get_or_404(Registration, registration_id)
    if registration.event_id != event.id or registration.status != "confirmed":
        abort(404)
    form = AttendedForm()
    if not form.validate_on_submit():
        abort(400)
    if registration.attended != form.attended.data:
        registration.attended = form.attended.data
        audit.record("events.attendance", registration, detail={"came": registration.attended})
        db.session.commit()
    if htmx.wants_partial():
        row = _rows(event, registration_id=registration.id)[0]
        return render_template(
            "events/_attendance_row.html",
            event=event,
            r=row,
            people=_people([row]),
            counts=_attendance_counts(event),
            attended_url=_attended_url(event),
            oob=True,
        )
    return redirect(url_for("events.attendance", event_id=event.id), 303)
