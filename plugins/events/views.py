"""Pages of the events plugin: the calendar, each event, registering, attendance at the
door, the report afterwards, the figures and the iCalendar feeds."""

from __future__ import annotations

import calendar
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from core import audit, clock, htmx, money, tenancy, uploads
from core.buildings import site_buildings
from core.conflicts import is_stale
from core.exports import xlsx_bytes
from core.extensions import db
from core.formdata import takes_files
from core.forms import staff_choices
from core.models import Building, Occupancy, Resident, Unit
from core.search import like_escape
from core.security import can, requires
from core.tenancy import MAX_ID, current_site, get_or_404
from plugins.events import calendars, reports, rules
from plugins.events.forms import (
    AttendedForm,
    ConfirmForm,
    EventForm,
    FeedbackForm,
    RegisterForm,
    ReportForm,
)
from plugins.events.jobs import invite
from plugins.events.labels import AUDIENCE_LABELS, CHANNEL_LABELS, STATUS_LABELS
from plugins.events.models import AudienceBuilding, Event, Photo, Registration

NAME = "events"
bp = Blueprint(NAME, __name__, template_folder="templates")

SEARCH_LIMIT = 20
PANEL_LIMIT = 10
PER_PAGE = 50  # registrations per page of an event
SERIES_LIMIT = 60  # other dates of a weekly series shown on an event's page


# --- Times on the site's clock ------------------------------------------------------------


def at_local(day: date, moment: time) -> datetime:
    """``day`` at ``moment`` on the site's clock, as a UTC time."""
    return datetime.combine(day, moment, tzinfo=clock.zone(current_site())).astimezone(UTC)


def month_of(text: str | None) -> date:
    """The first day of the month ``YYYY-MM`` (this month when absent or unreadable)."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return date(year, month, 1)
    except ValueError:
        pass
    return clock.today(current_site()).replace(day=1)


def next_month(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1)


# --- Lists ------------------------------------------------------------------------------


def _with_places(stmt: sa.Select) -> list[tuple[Event, int, int]]:
    """Rows of (event, confirmed places, waiting places) for the events ``stmt`` selects."""
    site_id = current_site().id

    def total(status: str):
        return (
            sa.select(sa.func.coalesce(sa.func.sum(Registration.places), 0))
            .where(
                Registration.site_id == site_id,
                Registration.event_id == Event.id,
                Registration.status == status,
            )
            .correlate(Event)
            .scalar_subquery()
        )

    rows = db.session.execute(
        stmt.add_columns(total("confirmed"), total("waiting")).order_by(Event.starts_at, Event.id)
    ).all()
    return [(event, int(confirmed), int(waiting)) for event, confirmed, waiting in rows]


def events_between(start: datetime, end: datetime) -> sa.Select:
    return tenancy.select(Event).where(Event.starts_at >= start, Event.starts_at < end)


@bp.route("/")
@requires("events.view")
def index():
    first = month_of(request.args.get("month"))
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    start, end = at_local(weeks[0][0], time(0)), at_local(weeks[-1][-1] + timedelta(1), time(0))
    rows = _with_places(events_between(start, end))
    zone = clock.zone(current_site())
    by_day: dict[date, list] = {}
    for row in rows:
        by_day.setdefault(row[0].starts_at.astimezone(zone).date(), []).append(row)
    month_rows = [
        row for row in rows if row[0].starts_at.astimezone(zone).date().month == first.month
    ]
    return render_template(
        "events/index.html",
        first=first,
        weeks=weeks,
        by_day=by_day,
        rows=month_rows,
        today=clock.today(current_site()),
        previous=(first - timedelta(days=1)).replace(day=1),
        following=next_month(first),
        weekdays=[weeks[0][i] for i in range(7)],
        can_manage=can(current_user, "events.manage"),
        can_report=can(current_user, "events.report"),
    )


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


# --- Figures ------------------------------------------------------------------------------


@bp.route("/figures")
@requires("events.report")
def monthly_figures():
    first = month_of(request.args.get("period"))
    rows = reports.of_month(current_site(), first)
    return render_template(
        "events/figures.html",
        first=first,
        rows=rows,
        total=reports.total(rows),
        previous=(first - timedelta(days=1)).replace(day=1),
        following=next_month(first),
    )


@bp.route("/figures.xlsx")
@requires("events.report")
def figures_xlsx():
    first = month_of(request.args.get("period"))
    rows = reports.of_month(current_site(), first)
    zone = clock.zone(current_site())
    header = (
        _("Date"),
        _("Event"),
        _("Places"),
        _("Registered"),
        _("Came"),
        _("Did not come"),
        _("Satisfaction (1 to 5)"),
    )
    values = [
        (
            f.event.starts_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            f.event.title,
            f.event.capacity,
            f.registered,
            f.attended,
            f.no_shows,
            round(f.satisfaction, 2) if f.satisfaction is not None else "",
        )
        for f in rows
    ]
    data = xlsx_bytes(values, _("Events"), header=header)
    name = f"events-{current_site().slug}-{first:%Y-%m}.xlsx"
    return Response(
        data,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# --- Calendars ----------------------------------------------------------------------------


def _ics(body: bytes, filename: str) -> Response:
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/calendar.ics")
@requires("events.view")
def feed():
    site = current_site()
    since = clock.now() - calendars.FEED_PAST
    events = db.session.scalars(
        tenancy.select(Event, site=site)
        .where(Event.starts_at >= since)
        .order_by(Event.starts_at, Event.id)
    ).all()
    return _ics(calendars.ics(site, events), f"events-{site.slug}.ics")


@bp.route("/<int:event_id>/event.ics")
@requires("events.view")
def event_ics(event_id: int):
    event = get_or_404(Event, event_id)
    return _ics(calendars.ics(current_site(), [event]), f"event-{event.id}.ics")


# --- The resident's panel -----------------------------------------------------------------


@bp.route("/residents/<int:resident_id>/panel")
@requires("events.view")
def resident_panel(resident_id: int):
    resident = get_or_404(Resident, resident_id)
    registrations = db.session.scalars(
        sa.select(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.site_id == resident.site_id,
            Registration.resident_id == resident.id,
        )
        .options(selectinload(Registration.event))
        .order_by(Event.starts_at.desc(), Registration.id)
        .limit(PANEL_LIMIT)
    ).all()
    return render_template(
        "events/_panel.html",
        resident=resident,
        registrations=registrations,
        status_labels=STATUS_LABELS,
        now=clock.now(),
    )
