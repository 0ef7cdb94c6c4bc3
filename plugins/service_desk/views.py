"""The service desk's pages: the lists, intake, a request's page and its steps, categories.

Every step is a POST from the request's page. A refused step shows the page again with
the message next to the field (422); a step taken on a page that someone else has
changed since it was loaded answers 409 and shows the request as it is now.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError
from wtforms.fields.choices import SelectChoice

from core import audit, clock, htmx, tenancy, uploads
from core.buildings import site_buildings
from core.extensions import db
from core.formdata import takes_files
from core.forms import staff_choices
from core.models import Building, Occupancy, Resident, Unit, User
from core.plugins.host import host
from core.residents import ResidentFilter, has_buildings
from core.residents import rows_query as resident_rows
from core.security import can, requires
from core.tenancy import MAX_ID, current_site, get_or_404
from plugins.service_desk import labels, queries, rules
from plugins.service_desk.forms import (
    AcknowledgeForm,
    AssignForm,
    CallbackForm,
    CategoryForm,
    DoneForm,
    EscalateForm,
    IntakeForm,
    PhotoForm,
    RootCauseForm,
    StepForm,
    VisitForm,
)
from plugins.service_desk.models import (
    OPEN_STATUSES,
    ServiceDeskCallback,
    ServiceDeskCategory,
    ServiceDeskEvent,
    ServiceDeskPhoto,
    ServiceDeskRequest,
    ServiceDeskVisit,
)

NAME = "service_desk"
bp = Blueprint(NAME, __name__, template_folder="templates")

PICKER_LIMIT = 8


def _labels() -> dict:
    """The words for the codes, translated once for the page (not once per row)."""
    words = {
        "type_labels": labels.TYPE_LABELS,
        "status_labels": labels.STATUS_LABELS,
        "channel_labels": labels.CHANNEL_LABELS,
        "kind_labels": labels.ASSIGNEE_KIND_LABELS,
        "method_labels": labels.CALLBACK_METHOD_LABELS,
        "satisfaction_labels": labels.SATISFACTION_LABELS,
        "escalation_labels": labels.ESCALATION_LABELS,
        "action_labels": labels.ACTION_LABELS,
    }
    return {name: {k: str(v) for k, v in table.items()} for name, table in words.items()}


def _categories(active_only: bool = True) -> list[ServiceDeskCategory]:
    stmt = tenancy.select(ServiceDeskCategory)
    if active_only:
        stmt = stmt.where(ServiceDeskCategory.active.is_(True))
    return list(
        db.session.scalars(stmt.order_by(ServiceDeskCategory.type, ServiceDeskCategory.name))
    )


def _buildings() -> list[Building]:
    return site_buildings(current_site())


# --- The lists -------------------------------------------------------------------------


@bp.route("/")
@requires("service_desk.view")
def index():
    site = current_site()
    now = clock.now()
    # A butler starts from their own requests; others from every open one.
    f = queries.filter_from_args(
        request.args, default_view="mine" if has_buildings(site, current_user) else "open"
    )
    rows = db.session.scalars(queries.rows_query(f, site, current_user.id, now)).unique().all()
    total = db.session.scalar(queries.count_query(f, site, current_user.id, now))
    context = {
        "f": f,
        "rows": rows,
        "total": total,
        "pages": max(1, -(-total // queries.PER_PAGE)),
        "now": now,
        # The chips of the filters in force name their building and category.
        "buildings": _buildings(),
        "categories": _categories(active_only=False),
        **_labels(),
    }
    if htmx.wants_partial() and request.headers.get("HX-Target") == "request-results":
        return render_template("service_desk/_results.html", **context)
    return render_template(
        "service_desk/index.html",
        can_log=can(current_user, "service_desk.handle"),
        can_configure=can(current_user, "service_desk.configure"),
        **context,
    )


# --- Intake ----------------------------------------------------------------------------


def _picker_rows(q: str):
    if not q:
        return []
    f = ResidentFilter(q=q[:100], per_page=PICKER_LIMIT)
    return db.session.execute(resident_rows(f, current_site(), current_user)).all()


@bp.route("/residents/pick")
@requires("service_desk.handle")
def pick_resident():
    """Residents matching what is typed, as choices of the intake form (an htmx fragment)."""
    q = request.args.get("q", "").strip()[:100]
    return render_template("service_desk/_picker.html", matches=_picker_rows(q), q=q, chosen=None)


def _intake_form() -> IntakeForm:
    form = IntakeForm()
    form.category_id.choices = [
        SelectChoice(c.id, f"{labels.TYPE_LABELS[c.type]} · {c.name}") for c in _categories()
    ]
    return form


def _resident_of_site(resident_id) -> Resident | None:
    if not isinstance(resident_id, int) or not 0 < resident_id <= MAX_ID:
        return None
    return db.session.scalar(
        tenancy.select(Resident).where(
            Resident.id == resident_id,
            Resident.archived_at.is_(None),
        )
    )


def _current_unit(resident: Resident) -> Unit | None:
    return db.session.scalar(
        select(Unit)
        .join(Occupancy, Occupancy.unit_id == Unit.id)
        .where(
            Occupancy.site_id == resident.site_id,
            Occupancy.resident_id == resident.id,
            Occupancy.moved_out.is_(None),
        )
        .order_by(Occupancy.is_primary_contact.desc(), Occupancy.id)
        .limit(1)
    )


@bp.route("/new", methods=["GET", "POST"])
@takes_files
@requires("service_desk.handle")
def new():
    form = _intake_form()
    q = request.values.get("q", "").strip()[:100]
    chosen = None
    status = 200
    if request.method == "GET" and request.args.get("resident", "").isdigit():
        chosen = _resident_of_site(int(request.args["resident"]))
    if request.method == "POST":
        status = 422
        valid = form.validate()
        chosen = _resident_of_site(form.resident_id.data)
        if form.resident_id.data is not None and chosen is None:
            form.resident_id.errors = [*form.resident_id.errors, _("Choose the resident.")]
            valid = False
        stored = None
        if valid and form.photo.data and getattr(form.photo.data, "filename", ""):
            try:
                stored = uploads.save(form.photo.data, plugin=NAME)
            except uploads.Refused as refused:
                form.photo.errors = [str(refused)]
                valid = False
        if valid:
            category = get_or_404(ServiceDeskCategory, form.category_id.data)
            unit = _current_unit(chosen)
            item = rules.log(
                category=category,
                resident=chosen,
                unit_id=unit.id if unit else None,
                building_id=unit.building_id if unit else None,
                channel=form.channel.data,
                description=form.description.data.strip(),
                user=current_user,
                at=clock.now(),
            )
            if stored is not None:
                _add_photo(item, stored)
            audit.record("service_desk.logged", item, detail={"type": item.type})
            db.session.commit()
            flash(_("Request %(number)s is logged.", number=item.id), "success")
            return redirect(url_for("service_desk.show", request_id=item.id), code=303)
    return render_template(
        "service_desk/new.html",
        form=form,
        q=q,
        chosen=chosen,
        matches=_picker_rows(q) if chosen is None else [],
    ), status


def _add_photo(item: ServiceDeskRequest, stored) -> ServiceDeskPhoto:
    photo = ServiceDeskPhoto(
        site_id=item.site_id,
        request_id=item.id,
        key=stored.key,
        content_type=stored.content_type,
        size=stored.size,
        original_name=stored.original_name,
        uploaded_by_id=current_user.id,
        uploaded_at=clock.now(),
    )
    db.session.add(photo)
    db.session.add(
        ServiceDeskEvent(
            site_id=item.site_id,
            request_id=item.id,
            user_id=current_user.id,
            action="photo",
            at=clock.now(),
            note=stored.original_name,
        )
    )
    return photo


# --- A request's page ------------------------------------------------------------------


def _staff_choices() -> list[SelectChoice]:
    return staff_choices(current_site())


def _forms(item: ServiceDeskRequest, **failed) -> dict:
    version = str(item.version_id)
    forms = {
        "acknowledge_form": AcknowledgeForm(version_id=version),
        "assign_form": AssignForm(version_id=version),
        "visit_form": VisitForm(version_id=version),
        "done_form": DoneForm(version_id=version),
        "callback_form": CallbackForm(version_id=version),
        "close_form": StepForm(version_id=version),
        "escalate_form": EscalateForm(version_id=version),
        "root_cause_form": RootCauseForm(version_id=version, root_cause=item.root_cause),
        "sign_off_form": StepForm(version_id=version),
        "photo_form": PhotoForm(),
    }
    forms.update(failed)
    for key, form in forms.items():
        if "version_id" in form:
            form.version_id.data = version
        # Several forms on one page: each field's id names its form, so ids stay unique.
        for field in form:
            field.id = f"{key.removesuffix('_form')}-{field.name}"
    forms["assign_form"].assignee_id.choices = _staff_choices()
    return forms


def _page(item: ServiceDeskRequest, status: int = 200, message: str | None = None, **failed):
    site = current_site()
    events = db.session.execute(
        select(ServiceDeskEvent, User.display_name)
        .outerjoin(User, User.id == ServiceDeskEvent.user_id)
        .where(ServiceDeskEvent.site_id == site.id, ServiceDeskEvent.request_id == item.id)
        .order_by(ServiceDeskEvent.at, ServiceDeskEvent.id)
    ).all()
    visits = db.session.scalars(
        tenancy.select(ServiceDeskVisit, site=site)
        .where(ServiceDeskVisit.request_id == item.id)
        .order_by(ServiceDeskVisit.visited_at)
    ).all()
    callbacks = db.session.scalars(
        tenancy.select(ServiceDeskCallback, site=site)
        .where(ServiceDeskCallback.request_id == item.id)
        .order_by(ServiceDeskCallback.at)
    ).all()
    photos = db.session.scalars(
        tenancy.select(ServiceDeskPhoto, site=site)
        .where(ServiceDeskPhoto.request_id == item.id)
        .order_by(ServiceDeskPhoto.id)
    ).all()
    now = clock.now()
    return render_template(
        "service_desk/show.html",
        item=item,
        events=events,
        visits=visits,
        callbacks=callbacks,
        photos=photos,
        now=now,
        message=message,
        can_handle=can(current_user, "service_desk.handle"),
        can_sign_off=can(current_user, "service_desk.sign_off"),
        register_contractors=_register_contractors(site),
        **_forms(item, **failed),
        **_labels(),
    ), status


def _register_contractors(site) -> list[str]:
    """The contractors of the maintenance plugin's register, offered when it is on here."""
    if not host().is_enabled(site, "maintenance"):
        return []
    from plugins.maintenance.rules import contractor_names  # only when that plugin is on

    return contractor_names(site)


def _request(request_id: int) -> ServiceDeskRequest:
    return get_or_404(ServiceDeskRequest, request_id)


@bp.route("/<int:request_id>")
@requires("service_desk.view")
def show(request_id: int):
    return _page(_request(request_id))


def _stale_message() -> str:
    return _(
        "Someone else changed this request while you were looking at it. "
        "Here it is as it is now: check it, then try again."
    )


def _step(request_id: int, form_name: str, form, apply, done_message: str):
    """Validate ``form``, check the version, ``apply`` the step, commit, back to the page."""
    item = _request(request_id)
    if not form.validate():
        return _page(item, 422, **{form_name: form})
    if str(form.version_id.data or "") != str(item.version_id):
        return _page(
            item,
            409,
            message=_stale_message(),
        )
    try:
        apply(item, form, clock.now())
    except rules.FlowError as refused:
        db.session.rollback()
        item = _request(request_id)
        return _page(item, 422, message=str(refused), **{form_name: form})
    audit.record(f"service_desk.{form_name.removesuffix('_form')}", item)
    try:
        db.session.commit()
    except StaleDataError:
        # Someone else's step was saved between our check and our save.
        db.session.rollback()
        return _page(_request(request_id), 409, message=_stale_message())
    flash(done_message, "success")
    return redirect(url_for("service_desk.show", request_id=item.id), code=303)


@bp.route("/<int:request_id>/acknowledge", methods=["POST"])
@requires("service_desk.handle")
def acknowledge(request_id: int):
    return _step(
        request_id,
        "acknowledge_form",
        AcknowledgeForm(),
        lambda item, form, at: rules.acknowledge(item, current_user, form.reply.data, at),
        _("The reply is recorded."),
    )


@bp.route("/<int:request_id>/assign", methods=["POST"])
@requires("service_desk.handle")
def assign(request_id: int):
    form = AssignForm()
    form.assignee_id.choices = _staff_choices()

    def apply(item, form, at):
        assignee = None
        if form.kind.data == "staff" and form.assignee_id.data:
            assignee = db.session.get(User, form.assignee_id.data)
        rules.assign(item, current_user, form.kind.data, at, assignee, form.contractor.data or "")

    return _step(request_id, "assign_form", form, apply, _("The request is assigned."))


@bp.route("/<int:request_id>/visits", methods=["POST"])
@requires("service_desk.handle")
def add_visit(request_id: int):
    def apply(item, form, at):
        zone = clock.zone(current_site())
        if not 2000 <= form.visited_at.data.year <= 2100:
            raise rules.FlowError(_("Give the date and time of the visit."))
        visited_at = form.visited_at.data.replace(tzinfo=zone)
        if visited_at < item.received_at - timedelta(days=1) or visited_at > at + timedelta(
            hours=1
        ):
            raise rules.FlowError(_("The visit must be after the request and not in the future."))
        rules.record_visit(
            item,
            current_user,
            form.visitor.data,
            visited_at,
            bool(form.accompanied.data),
            form.note.data or "",
            at,
        )

    return _step(request_id, "visit_form", VisitForm(), apply, _("The visit is recorded."))


@bp.route("/<int:request_id>/done", methods=["POST"])
@requires("service_desk.handle")
def done(request_id: int):
    return _step(
        request_id,
        "done_form",
        DoneForm(),
        lambda item, form, at: rules.complete(item, current_user, form.note.data or "", at),
        _("The work is done: call the resident back."),
    )


@bp.route("/<int:request_id>/callback", methods=["POST"])
@requires("service_desk.handle")
def callback(request_id: int):
    def apply(item, form, at):
        rules.call_back(
            item,
            current_user,
            form.method.data,
            form.satisfaction.data,
            form.comment.data or "",
            at,
        )

    return _step(request_id, "callback_form", CallbackForm(), apply, _("The callback is recorded."))


@bp.route("/<int:request_id>/close", methods=["POST"])
@requires("service_desk.handle")
def close(request_id: int):
    return _step(
        request_id,
        "close_form",
        StepForm(),
        lambda item, form, at: rules.close(item, current_user, at),
        _("The request is closed."),
    )


@bp.route("/<int:request_id>/escalate", methods=["POST"])
@requires("service_desk.handle")
def escalate(request_id: int):
    return _step(
        request_id,
        "escalate_form",
        EscalateForm(),
        lambda item, form, at: rules.escalate(item, current_user, form.to.data, form.note.data, at),
        _("The request is escalated."),
    )


@bp.route("/<int:request_id>/root-cause", methods=["POST"])
@requires("service_desk.handle")
def root_cause(request_id: int):
    return _step(
        request_id,
        "root_cause_form",
        RootCauseForm(),
        lambda item, form, at: rules.set_root_cause(item, current_user, form.root_cause.data, at),
        _("The root cause is recorded."),
    )


@bp.route("/<int:request_id>/sign-off", methods=["POST"])
@requires("service_desk.sign_off")
def sign_off(request_id: int):
    return _step(
        request_id,
        "sign_off_form",
        StepForm(),
        lambda item, form, at: rules.sign_off(item, current_user, at),
        _("The complaint is signed off."),
    )


@bp.route("/<int:request_id>/photos", methods=["POST"])
@takes_files
@requires("service_desk.handle")
def add_photo(request_id: int):
    item = _request(request_id)
    form = PhotoForm()
    if not form.validate():
        return _page(item, 422, photo_form=form)
    try:
        stored = uploads.save(form.photo.data, plugin=NAME)
    except uploads.Refused as refused:
        form.photo.errors = [str(refused)]
        return _page(item, 422, photo_form=form)
    _add_photo(item, stored)
    audit.record("service_desk.photo", item)
    db.session.commit()
    flash(_("The photo is added."), "success")
    return redirect(url_for("service_desk.show", request_id=item.id), code=303)


@bp.route("/<int:request_id>/photos/<int:photo_id>")
@requires("service_desk.view")
def photo(request_id: int, photo_id: int):
    item = _request(request_id)
    found = get_or_404(ServiceDeskPhoto, photo_id)
    if found.request_id != item.id:
        abort(404)
    return uploads.send(found.key)


# --- The resident's panel --------------------------------------------------------------

PANEL_LIMIT = 20


def _panel(where, resident: Resident | None = None):
    site = current_site()
    items = db.session.scalars(
        tenancy.select(ServiceDeskRequest, site=site)
        .options(joinedload(ServiceDeskRequest.category))
        .where(where)
        .order_by(ServiceDeskRequest.received_at.desc(), ServiceDeskRequest.id.desc())
        .limit(PANEL_LIMIT)
    ).all()
    open_count = db.session.scalar(
        tenancy.select(ServiceDeskRequest, func.count(ServiceDeskRequest.id), site=site).where(
            where,
            ServiceDeskRequest.status.in_(OPEN_STATUSES),
        )
    )
    return render_template(
        "service_desk/_panel.html",
        resident=resident,
        items=items,
        open_count=open_count,
        now=clock.now(),
        can_log=can(current_user, "service_desk.handle"),
        **_labels(),
    )


@bp.route("/residents/<int:resident_id>/panel")
@requires("service_desk.view")
def resident_panel(resident_id: int):
    resident = get_or_404(Resident, resident_id)
    return _panel(ServiceDeskRequest.resident_id == resident.id, resident)


@bp.route("/units/<int:unit_id>/panel")
@requires("service_desk.view")
def unit_panel(unit_id: int):
    unit = get_or_404(Unit, unit_id)
    return _panel(ServiceDeskRequest.unit_id == unit.id)


# --- Categories ------------------------------------------------------------------------


@bp.route("/categories", methods=["GET", "POST"])
@requires("service_desk.configure")
def categories():
    form = CategoryForm()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate():
            name = form.name.data.strip()
            taken = db.session.scalar(
                tenancy.select(ServiceDeskCategory, ServiceDeskCategory.id).where(
                    ServiceDeskCategory.type == form.type.data,
                    ServiceDeskCategory.name == name,
                )
            )
            if taken:
                form.name.errors = [_("This type already has a category of that name.")]
            else:
                category = ServiceDeskCategory(
                    site_id=current_site().id,
                    type=form.type.data,
                    name=name,
                    reply_minutes=form.reply_minutes.data,
                    complete_hours=form.complete_hours.data,
                    active=bool(form.active.data),
                )
                db.session.add(category)
                db.session.flush()
                audit.record("service_desk.category_added", category, detail={"name": name})
                db.session.commit()
                flash(_("The category is added."), "success")
                return redirect(url_for("service_desk.categories"), code=303)
    return render_template(
        "service_desk/categories.html",
        form=form,
        categories=_categories(active_only=False),
        **_labels(),
    ), status


@bp.route("/categories/<int:category_id>", methods=["POST"])
@requires("service_desk.configure")
def edit_category(category_id: int):
    category = get_or_404(ServiceDeskCategory, category_id)
    form = CategoryForm()
    form.type.data = category.type  # the type of a category does not change
    if form.validate():
        name = form.name.data.strip()
        taken = db.session.scalar(
            tenancy.select(
                ServiceDeskCategory, ServiceDeskCategory.id, site=category.site_id
            ).where(
                ServiceDeskCategory.type == category.type,
                ServiceDeskCategory.name == name,
                ServiceDeskCategory.id != category.id,
            )
        )
        if taken:
            form.name.errors = [_("This type already has a category of that name.")]
        else:
            new_values = {
                "name": name,
                "reply_minutes": form.reply_minutes.data,
                "complete_hours": form.complete_hours.data,
                "active": bool(form.active.data),
            }
            diff = audit.changes(category, list(new_values), new_values)
            for key, value in new_values.items():
                setattr(category, key, value)
            if diff:
                audit.record("service_desk.category_changed", category, detail=diff)
            db.session.commit()
            flash(_("The category is saved."), "success")
            return redirect(url_for("service_desk.categories"), code=303)
    return render_template(
        "service_desk/categories.html",
        form=CategoryForm(formdata=None),
        failed=form,
        failed_id=category.id,
        categories=_categories(active_only=False),
        **_labels(),
    ), 422
