"""Events views: Creating, changing and cancelling events."""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta

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
from wtforms.fields.choices import SelectChoice

from core import audit, clock, money, tenancy
from core.buildings import site_buildings
from core.conflicts import is_stale
from core.extensions import db
from core.forms import staff_choices
from core.security import requires
from core.tenancy import current_site, get_or_404
from plugins.events import rules
from plugins.events.forms import (
    ConfirmForm,
    EventForm,
)
from plugins.events.models import AudienceBuilding, Event
from plugins.events.views.base import bp
from plugins.events.views.common import at_local

# --- Creating and changing ----------------------------------------------------------------


def _staff_choices(form: EventForm) -> None:
    form.staff_id.choices = staff_choices(current_site())


def _building_choices(form: EventForm) -> None:
    buildings = site_buildings(current_site())
    form.building_ids.choices = [SelectChoice(b.id, f"{b.code} · {b.name}") for b in buildings]


def _prepare(form: EventForm) -> EventForm:
    _staff_choices(form)
    _building_choices(form)
    return form


def _reasonable(form: EventForm) -> bool:
    """Dates far from now are refused with a message (and would overflow time zones)."""
    ok = True
    for f in (form.day, form.opens_on, form.closes_on):
        if f.data is not None and not 2000 <= f.data.year <= 2100:
            f.errors = [*f.errors, _("Choose a date between 2000 and 2100.")]
            ok = False
    return ok


def _values(form: EventForm, day: date) -> dict:
    """The event's columns from ``form``, on ``day`` (the series shifts the dates)."""
    shift = day - form.day.data
    opens = form.opens_on.data
    closes = form.closes_on.data
    price = form.price.data
    return {
        "title": form.title.data,
        "description": form.description.data or "",
        "place": form.place.data,
        "starts_at": at_local(day, form.start_time.data),
        "ends_at": at_local(day, form.end_time.data),
        "capacity": form.capacity.data,
        "audience": form.audience.data,
        "min_age": form.min_age.data,
        "max_age": form.max_age.data,
        "registration_opens_at": at_local(opens + shift, time(0)) if opens else None,
        "registration_closes_at": at_local(closes + shift + timedelta(1), time(0))
        if closes
        else None,
        "price": 0 if price is None else money.from_decimal(price, current_site().currency),
        "staff_id": form.staff_id.data or None,
    }


def _set_buildings(event: Event, building_ids: list[int]) -> None:
    wanted = set(building_ids) if event.audience == "buildings" else set()
    rows = db.session.scalars(
        tenancy.select(AudienceBuilding, site=event.site_id).where(
            AudienceBuilding.event_id == event.id
        )
    ).all()
    for row in rows:
        if row.building_id not in wanted:
            db.session.delete(row)
    for building_id in wanted - {row.building_id for row in rows}:
        db.session.add(
            AudienceBuilding(site_id=event.site_id, event_id=event.id, building_id=building_id)
        )


@bp.route("/new", methods=["GET", "POST"])
@requires("events.manage")
def create():
    form = _prepare(EventForm())
    if request.method == "GET":
        form.staff_id.data = current_user.id
        day = request.args.get("day", "")
        try:
            form.day.data = date.fromisoformat(day) if day else None
        except ValueError:
            form.day.data = None
    if form.validate_on_submit() and _reasonable(form):
        weeks = form.repeat_weeks.data or 1
        series_key = uuid.uuid4().hex if weeks > 1 else None
        site = current_site()
        created = []
        for n in range(weeks):
            day = form.day.data + timedelta(weeks=n)
            event = Event(site_id=site.id, series_key=series_key, **_values(form, day))
            db.session.add(event)
            db.session.flush()
            _set_buildings(event, form.building_ids.data or [])
            created.append(event)
        audit.record(
            "events.created", created[0], detail={"title": created[0].title, "count": weeks}
        )
        db.session.commit()
        flash(
            _("%(title)s is in the calendar.", title=created[0].title)
            if weeks == 1
            else _("%(title)s is in the calendar %(n)s times.", title=created[0].title, n=weeks),
            "success",
        )
        return redirect(url_for("events.show", event_id=created[0].id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("events/form.html", form=form, event=None), status


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@requires("events.manage")
def edit(event_id: int):
    event = get_or_404(Event, event_id)
    form = _prepare(EventForm(obj=None if request.method == "POST" else event))
    del form.repeat_weeks
    if request.method == "GET":
        zone = clock.zone(current_site())
        starts, ends = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
        form.day.data, form.start_time.data, form.end_time.data = (
            starts.date(),
            starts.time().replace(second=0, microsecond=0),
            ends.time().replace(second=0, microsecond=0),
        )
        form.opens_on.data = (
            event.registration_opens_at.astimezone(zone).date()
            if event.registration_opens_at
            else None
        )
        form.closes_on.data = (
            (event.registration_closes_at.astimezone(zone) - timedelta(1)).date()
            if event.registration_closes_at
            else None
        )
        currency = current_site().currency
        form.price.data = money.to_decimal(event.price, currency) if event.price else None
        form.staff_id.data = event.staff_id or 0
        form.building_ids.data = [b.id for b in event.buildings]
        form.version_id.data = str(event.version_id)
    status = 200
    if request.method == "POST":
        status = 422
        if is_stale(event, form.version_id.data):
            form.version_id.errors = [
                _("Someone else changed this event while you were editing. Reload the page.")
            ]
            status = 409
        elif form.validate_on_submit() and _reasonable(form):
            values = _values(form, form.day.data)
            event = rules.lock(event)
            taken = rules.places_of(event).confirmed
            if values["capacity"] < taken:
                form.capacity.errors = [
                    _("%(n)s places are already taken: the event cannot have fewer.", n=taken)
                ]
            else:
                for name, value in values.items():
                    setattr(event, name, value)
                _set_buildings(event, form.building_ids.data or [])
                db.session.flush()
                promoted = rules.promote(event)
                audit.record("events.updated", event, detail={"promoted": len(promoted)})
                db.session.commit()
                flash(_("Saved."), "success")
                return redirect(url_for("events.show", event_id=event.id), 303)
    return render_template("events/form.html", form=form, event=event), status


@bp.route("/<int:event_id>/cancel", methods=["POST"])
@requires("events.manage")
def cancel_event(event_id: int):
    event = get_or_404(Event, event_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if event.cancelled_at is None:
        event.cancelled_at = clock.now()
        audit.record("events.cancelled", event)
        db.session.commit()
        flash(_("The event is cancelled."), "success")
    return redirect(url_for("events.show", event_id=event.id), 303)
