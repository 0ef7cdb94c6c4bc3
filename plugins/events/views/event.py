"""Events views: One event: its page, registrations and invitations."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
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

from core import audit, clock, tenancy
from core.extensions import db
from core.models import Building, Occupancy, Resident, Unit
from core.search import like_escape
from core.security import can, requires
from core.tenancy import MAX_ID, current_site, get_or_404
from plugins.events import rules
from plugins.events.forms import (
    ConfirmForm,
    RegisterForm,
)
from plugins.events.jobs import invite
from plugins.events.labels import AUDIENCE_LABELS, CHANNEL_LABELS, STATUS_LABELS
from plugins.events.models import Event, Registration
from plugins.events.views.base import PER_PAGE, SEARCH_LIMIT, SERIES_LIMIT, bp

# --- One event ----------------------------------------------------------------------------


def _rows(
    event: Event,
    status: str | None = None,
    registration_id: int | None = None,
    active: bool = False,
    page: int | None = None,
):
    """The event's registrations as light rows, in the order of the queue: the
    registration's columns, the resident's ``name``, ``unit`` (where they live now) and
    ``position`` (in the queue of their status: 3rd on the waiting list). ``active``
    leaves out cancelled ones; ``page`` gives one page of ``PER_PAGE``."""
    unit = (
        sa.select(Building.code + " " + Unit.number)
        .select_from(Occupancy)
        .join(Unit, Unit.id == Occupancy.unit_id)
        .join(Building, Building.id == Unit.building_id)
        .where(
            Occupancy.site_id == event.site_id,
            Occupancy.resident_id == Registration.resident_id,
            Occupancy.moved_out.is_(None),
        )
        .order_by(Occupancy.id)
        .limit(1)
        .correlate(Registration)
        .scalar_subquery()
    )
    stmt = (
        sa.select(
            Registration.id,
            Registration.resident_id,
            Registration.places,
            Registration.status,
            Registration.channel,
            Registration.attended,
            Registration.feedback_score,
            Resident.name,
            unit.label("unit"),
            sa.func.row_number()
            .over(
                partition_by=Registration.status,
                order_by=(Registration.queued_at, Registration.id),
            )
            .label("position"),
        )
        .join(Resident, Resident.id == Registration.resident_id)
        .where(Registration.site_id == event.site_id, Registration.event_id == event.id)
        .order_by(Registration.queued_at, Registration.id)
    )
    if status is not None:
        stmt = stmt.where(Registration.status == status)
    if registration_id is not None:
        stmt = stmt.where(Registration.id == registration_id)
    if active:
        stmt = stmt.where(Registration.status != "cancelled")
    if page is not None:
        stmt = stmt.limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    return db.session.execute(stmt).all()


MARK = 987654321987654321  # an id no row has, replaced in the URL built with it


def url_maker(endpoint: str, argument: str, **values) -> Callable[[int], str]:
    """``endpoint``'s URL for any value of ``argument``, built once with ``url_for``:
    a list of 300 households needs 600 URLs, and building each costs more than a row."""
    head, _mark, tail = url_for(endpoint, **values, **{argument: MARK}).partition(str(MARK))
    return lambda value: f"{head}{value}{tail}"


def _labels(labels: dict) -> dict[str, str]:
    """Lazy labels translated once for the page, not once per row."""
    return {code: str(label) for code, label in labels.items()}


def _search(q: str) -> list[Resident]:
    q = q.strip()[:60]
    if not q:
        return []
    pattern = f"%{like_escape(q)}%"
    return db.session.scalars(
        tenancy.select(Resident)
        .where(
            Resident.archived_at.is_(None),
            sa.or_(
                Resident.name.ilike(pattern, escape="\\"),
                Resident.phone.ilike(pattern, escape="\\"),
                Resident.ref.ilike(pattern, escape="\\"),
            ),
        )
        .order_by(Resident.name, Resident.id)
        .limit(SEARCH_LIMIT)
    ).all()


def _show(event: Event, form: RegisterForm | None = None, status: int = 200, chosen=None):
    q = request.args.get("q", "")
    places = rules.places_of(event)
    total = db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.site_id == event.site_id,
            Registration.event_id == event.id,
            Registration.status != "cancelled",
        )
    )
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    registrations = _rows(event, active=True, page=page)
    series = []
    if event.series_key:
        series = db.session.scalars(
            tenancy.select(Event, site=event.site_id)
            .where(
                Event.series_key == event.series_key,
                Event.id != event.id,
            )
            .order_by(Event.starts_at, Event.id)
            .limit(SERIES_LIMIT)
        ).all()
    return (
        render_template(
            "events/show.html",
            event=event,
            registrations=registrations,
            series=series,
            page=page,
            pages=pages,
            places=places,
            q=q,
            found=_search(q),
            form=form or RegisterForm(),
            chosen=chosen,
            confirm=ConfirmForm(),
            can_register=can(current_user, "events.register"),
            can_manage=can(current_user, "events.manage"),
            audience_labels=AUDIENCE_LABELS,
            channel_labels=_labels(CHANNEL_LABELS),
            status_labels=_labels(STATUS_LABELS),
            resident_url=url_maker("residents.show", "resident_id"),
            cancel_url=url_maker(
                "events.cancel_registration", "registration_id", event_id=event.id
            ),
        ),
        status,
    )


@bp.route("/<int:event_id>")
@requires("events.view")
def show(event_id: int):
    return _show(get_or_404(Event, event_id))


@bp.route("/<int:event_id>/register", methods=["POST"])
@requires("events.register")
def register(event_id: int):
    event = get_or_404(Event, event_id)
    form = RegisterForm()
    resident = None
    if form.validate_on_submit():
        resident_id = form.resident_id.data
        if 0 < resident_id <= MAX_ID:
            resident = db.session.scalar(
                tenancy.select(Resident, site=event.site_id).where(Resident.id == resident_id)
            )
        if resident is None:
            form.resident_id.errors = [_("There is no such resident.")]
        else:
            try:
                registration = rules.register(
                    event, resident, form.places.data, form.channel.data, current_user.id
                )
            except rules.Refused as refused:
                db.session.rollback()
                form[refused.field].errors = [refused.message]
            else:
                audit.record(
                    "events.registered",
                    registration,
                    detail={"resident": resident.name, "status": registration.status},
                )
                db.session.commit()
                if registration.status == "confirmed":
                    flash(_("%(name)s has a place.", name=resident.name), "success")
                else:
                    flash(
                        _(
                            "The event is full: %(name)s is on the waiting list.",
                            name=resident.name,
                        ),
                        "warning",
                    )
                return redirect(url_for("events.show", event_id=event.id), 303)
    event = get_or_404(Event, event_id)
    return _show(event, form, 422, chosen=resident)


@bp.route("/<int:event_id>/registrations/<int:registration_id>/cancel", methods=["POST"])
@requires("events.register")
def cancel_registration(event_id: int, registration_id: int):
    event = get_or_404(Event, event_id)
    registration = get_or_404(Registration, registration_id)
    if registration.event_id != event.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if registration.status != "cancelled":
        promoted = rules.cancel(registration)
        audit.record(
            "events.registration_cancelled",
            registration,
            detail={"promoted": [r.resident_id for r in promoted]},
        )
        db.session.commit()
        flash(_("The registration is cancelled."), "success")
        for r in promoted:
            flash(
                _("%(name)s has moved up from the waiting list.", name=r.resident.name),
                "success",
            )
    return redirect(url_for("events.show", event_id=event.id), 303)


@bp.route("/<int:event_id>/invite", methods=["POST"])
@requires("events.manage")
def send_invitations(event_id: int):
    event = get_or_404(Event, event_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if event.is_cancelled or event.is_over(clock.now()):
        flash(_("Invitations are only sent for events still to come."), "error")
    else:
        queued = invite(current_site(), event)
        audit.record("events.invited", event, detail={"queued": queued})
        db.session.commit()
        flash(_("%(n)s invitations are on their way.", n=queued), "success")
    return redirect(url_for("events.show", event_id=event.id), 303)
