"""Paid services' pages: the catalogue, the order lists, an order's page and its receipt.

Every form works without JavaScript (a 303 back to the order after a save); with htmx,
an order's page swaps only its own section. A refusal re-renders the form with its
message next to the field (422) and writes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError
from wtforms.fields.choices import SelectChoice

from core import audit, clock, htmx, money, tenancy
from core.extensions import db
from core.forms import staff_choices
from core.models import Building, Occupancy, Resident, Unit, User
from core.plugins.host import host
from core.search import like_escape
from core.security import can, requires
from core.tenancy import current_site
from plugins.paid_services import rules
from plugins.paid_services.forms import (
    AcceptForm,
    CancelForm,
    DeliverForm,
    EndRentalForm,
    LineForm,
    NewOrderForm,
    PaymentForm,
    RefundForm,
    SatisfactionForm,
    ScheduleForm,
    ServiceForm,
)
from plugins.paid_services.labels import HOW_LABELS, METHOD_LABELS, STATUS_LABELS, UNIT_LABELS
from plugins.paid_services.models import (
    PaidServicesLine,
    PaidServicesOrder,
    PaidServicesPayment,
    PaidServicesService,
)

NAME = "paid_services"
bp = Blueprint(NAME, __name__, template_folder="templates")

PER_PAGE = 50
LISTS = ("open", "week", "unpaid", "all")
PANEL_LIMIT = 10


@bp.context_processor
def _helpers() -> dict:
    site = g.get("site")
    if site is None:  # an error page answered before the site was known
        return {}
    return {
        "amount": money.formatter(site.currency),
        "quantity": money.show_quantity,
        "unit_labels": UNIT_LABELS,
        "status_labels": STATUS_LABELS,
        "how_labels": HOW_LABELS,
        "method_labels": METHOD_LABELS,
    }


def today() -> date:
    """Today on the site's clock."""
    return clock.today(current_site())


def _id_arg(name: str, largest: int = tenancy.MAX_ID) -> int | None:
    """A positive whole number (ASCII digits) from the query string, or None."""
    text = request.args.get(name, "")
    if not (text.isascii() and text.isdigit() and len(text) <= 19):
        return None
    value = int(text)
    return value if 0 < value <= largest else None


# --- The lists -------------------------------------------------------------------------


def list_filter(stmt, which: str, on: date):
    """``stmt`` limited to the orders of list ``which`` (open, this week, unpaid, all)."""
    o = PaidServicesOrder
    if which == "open":
        return stmt.where(o.status.in_(("quoted", "accepted")))
    if which == "week":
        end = on + timedelta(days=6 - on.weekday())
        return stmt.where(
            o.status.in_(("quoted", "accepted")),
            o.scheduled_on.is_not(None),
            o.scheduled_on <= end,
        )
    if which == "unpaid":
        return stmt.where(o.status.in_(("accepted", "delivered")), o.paid_minor < o.total_minor)
    return stmt


def list_order(which: str) -> tuple:
    """Open work by its date (undated last); unpaid and all orders newest first."""
    o = PaidServicesOrder
    if which in ("open", "week"):
        return (o.scheduled_on.is_(None), o.scheduled_on, o.id)
    return (o.id.desc(),)


@bp.route("/")
@requires("paid_services.view")
def index():
    which = request.args.get("show", "open")
    if which not in LISTS:
        which = "open"
    page = max(1, min(_id_arg("page") or 1, 10_000))
    on = today()
    o = PaidServicesOrder
    total = db.session.scalar(list_filter(tenancy.select(o, func.count(o.id)), which, on))
    # The page's ids first, from the index alone; then the 50 rows with their names.
    page_ids = (
        list_filter(tenancy.select(o, o.id), which, on)
        .order_by(*list_order(which))
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(o, Resident.name, Unit.number, Building.code, User.display_name)
        .join(Resident, Resident.id == o.resident_id)
        .outerjoin(Unit, Unit.id == o.unit_id)
        .outerjoin(Building, Building.id == Unit.building_id)
        .outerjoin(User, User.id == o.assigned_user_id)
        .where(o.site_id == current_site().id, o.id.in_(page_ids))
        .order_by(*list_order(which))
    ).all()
    context = {
        "which": which,
        "rows": rows,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PER_PAGE)),
        "can_sell": can(current_user, "paid_services.sell"),
        "today": on,
    }
    if htmx.wants_partial() and request.headers.get("HX-Target") == "order-results":
        return render_template("paid_services/_orders.html", **context)
    return render_template("paid_services/index.html", **context)


# --- The catalogue ---------------------------------------------------------------------


def _services(active_only: bool = False) -> list[PaidServicesService]:
    stmt = tenancy.select(PaidServicesService).order_by(PaidServicesService.name)
    if active_only:
        stmt = stmt.where(PaidServicesService.active.is_(True))
    return list(db.session.scalars(stmt))


@bp.route("/catalogue")
@requires("paid_services.view")
def catalogue():
    return render_template(
        "paid_services/catalogue.html",
        services=_services(),
        can_edit=can(current_user, "paid_services.catalogue"),
    )


def _name_taken(name: str, except_id: int | None = None) -> bool:
    stmt = tenancy.select(PaidServicesService, PaidServicesService.id).where(
        func.lower(PaidServicesService.name) == name.lower()
    )
    if except_id:
        stmt = stmt.where(PaidServicesService.id != except_id)
    return db.session.scalar(stmt) is not None


@bp.route("/catalogue/new", methods=["GET", "POST"])
@requires("paid_services.catalogue")
def service_new():
    form = ServiceForm()
    if form.validate_on_submit():
        if _name_taken(form.name.data):
            form.name.errors.append(_("The catalogue has a service of that name."))
        else:
            service = tenancy.new(
                PaidServicesService,
                name=form.name.data,
                description=form.description.data or "",
                unit_of_sale=form.unit_of_sale.data,
                price_minor=form.price.minor,
                active=form.active.data,
            )
            db.session.flush()
            audit.record(
                "paid_services.service_created",
                service,
                detail={"name": service.name, "price_minor": service.price_minor},
            )
            db.session.commit()
            flash(_("%(name)s is in the catalogue.", name=service.name), "success")
            return redirect(url_for(".catalogue"), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("paid_services/service_form.html", form=form, service=None), status


@bp.route("/catalogue/<int:service_id>", methods=["GET", "POST"])
@requires("paid_services.catalogue")
def service_edit(service_id: int):
    service = tenancy.get_or_404(PaidServicesService, service_id)
    form = ServiceForm(obj=service)
    if request.method == "GET":
        form.price.data = money.as_input(service.price_minor, current_site().currency)
    if form.validate_on_submit():
        if _name_taken(form.name.data, service.id):
            form.name.errors.append(_("The catalogue has a service of that name."))
        else:
            new = {
                "name": form.name.data,
                "description": form.description.data or "",
                "unit_of_sale": form.unit_of_sale.data,
                "price_minor": form.price.minor,
                "active": form.active.data,
            }
            changed = audit.changes(service, list(new), new)
            for key, value in new.items():
                setattr(service, key, value)
            audit.record("paid_services.service_changed", service, detail=changed)
            db.session.commit()
            flash(_("%(name)s is saved.", name=service.name), "success")
            return redirect(url_for(".catalogue"), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("paid_services/service_form.html", form=form, service=service), status


# --- Creating an order -----------------------------------------------------------------


def _current_units(resident: Resident) -> list[tuple[Unit, Building]]:
    return db.session.execute(
        select(Unit, Building)
        .join(Occupancy, Occupancy.unit_id == Unit.id)
        .join(Building, Building.id == Unit.building_id)
        .where(
            Occupancy.site_id == resident.site_id,
            Occupancy.resident_id == resident.id,
            Occupancy.moved_out.is_(None),
        )
        .order_by(Occupancy.is_primary_contact.desc(), Building.code, Unit.number)
    ).all()


def _service_choices(form) -> dict[int, PaidServicesService]:
    services = {s.id: s for s in _services(active_only=True)}
    form.service_id.choices = [
        SelectChoice(
            s.id,
            f"{s.name} · {money.show(s.price_minor, current_site().currency)} "
            f"{UNIT_LABELS[s.unit_of_sale]}",
        )
        for s in services.values()
    ]
    return services


def _quantity_for(form, service: PaidServicesService | None, unit: Unit | None) -> int | None:
    """The quantity typed, or the unit's area for a per-m² service left without one."""
    if form.quantity.hundredths is not None:
        return form.quantity.hundredths
    if (
        service is not None
        and service.unit_of_sale == "m2"
        and unit is not None
        and unit.area_m2 is not None
        and unit.area_m2 > 0
    ):
        return int(unit.area_m2.scaleb(2))
    if service is not None and service.unit_of_sale == "m2":
        form.quantity.errors.append(_("Enter the area: this unit has none on record."))
    else:
        form.quantity.errors.append(_("Enter a quantity."))
    return None


def _find_residents(query: str) -> list[Resident]:
    if not query:
        return []
    pattern = like_escape(query)
    return list(
        db.session.scalars(
            tenancy.select(Resident)
            .where(
                Resident.archived_at.is_(None),
                or_(
                    Resident.name.ilike(f"%{pattern}%", escape="\\"),
                    Resident.phone.like(f"{pattern}%", escape="\\"),
                    Resident.ref.ilike(f"{pattern}%", escape="\\"),
                ),
            )
            .order_by(Resident.name)
            .limit(20)
        )
    )


@bp.route("/orders/new")
@requires("paid_services.sell")
def order_pick():
    """Whom the new order is for: find the resident, then make the quote."""
    query = request.args.get("q", "").strip()[:100]
    return render_template(
        "paid_services/pick_resident.html", query=query, residents=_find_residents(query)
    )


@bp.route("/residents/<int:resident_id>/orders/new", methods=["GET", "POST"])
@requires("paid_services.sell")
def order_new(resident_id: int):
    resident = tenancy.get_or_404(Resident, resident_id)
    # The column is a 32-bit INTEGER: a larger number names no request.
    request_id = _id_arg("service_desk_request_id", largest=tenancy.MAX_ID)
    units = _current_units(resident)
    form = NewOrderForm()
    form.unit_id.choices = [SelectChoice(u.id, f"{b.code}-{u.number}") for u, b in units] + [
        SelectChoice(0, "—")
    ]
    services = _service_choices(form)
    if request.method == "GET" and units:
        form.unit_id.data = units[0][0].id
    if form.validate_on_submit():
        unit = next((u for u, _b in units if u.id == form.unit_id.data), None)
        service = services.get(form.service_id.data)
        hundredths = _quantity_for(form, service, unit)
        if hundredths is not None and service is not None:
            site = current_site()
            order = rules.create_order(
                site,
                resident=resident,
                unit=unit,
                seller=current_user,
                note=form.note.data or "",
                service_desk_request_id=request_id,
            )
            rules.add_line(order, service, hundredths, current_user)
            db.session.commit()
            flash(_("Quote #%(number)s is ready.", number=order.id), "success")
            return redirect(url_for(".order", order_id=order.id), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "paid_services/order_new.html",
        form=form,
        resident=resident,
        units=units,
        request_id=request_id,
        has_services=bool(services),
    ), status


# --- An order's page -------------------------------------------------------------------


def _staff_choices() -> list[SelectChoice]:
    return staff_choices(current_site())


def _forms(order: PaidServicesOrder, **given) -> dict:
    """Every form of the order's page, blank unless ``given`` (the one that failed)."""
    forms = {
        "line": LineForm(formdata=None),
        "accept": AcceptForm(formdata=None, who=order.resident.name),
        "schedule": ScheduleForm(
            formdata=None,
            scheduled_on=order.scheduled_on,
            assigned_user_id=order.assigned_user_id or 0,
            contractor=order.contractor,
        ),
        "deliver": DeliverForm(formdata=None, delivered_on=today()),
        "satisfaction": SatisfactionForm(formdata=None),
        "cancel": CancelForm(formdata=None),
        "payment": PaymentForm(
            formdata=None, amount=money.as_input(order.due_minor, current_site().currency)
        ),
        "refund": RefundForm(formdata=None),
        "end_rental": EndRentalForm(formdata=None, ended_on=today()),
    }
    forms.update(given)
    _service_choices(forms["line"])
    forms["schedule"].assigned_user_id.choices = _staff_choices()
    return forms


def service_desk_url(order: PaidServicesOrder) -> str | None:
    """The link to the service_desk request, when that plugin is on for this site."""
    if order.service_desk_request_id is None:
        return None
    if not host().is_enabled(current_site(), "service_desk"):
        return None
    return url_for("service_desk.show", request_id=order.service_desk_request_id)


def _payments(order: PaidServicesOrder) -> list[PaidServicesPayment]:
    return list(
        db.session.scalars(
            tenancy.select(PaidServicesPayment)
            .where(PaidServicesPayment.order_id == order.id)
            .options(selectinload(PaidServicesPayment.recorded_by))
            .order_by(PaidServicesPayment.received_at, PaidServicesPayment.id)
        )
    )


def _order_context(order: PaidServicesOrder, forms: dict) -> dict:
    return {
        "order": order,
        "forms": forms,
        "payments": _payments(order),
        "can_sell": can(current_user, "paid_services.sell"),
        "can_refund": can(current_user, "paid_services.refund"),
        "service_desk_url": service_desk_url(order),
    }


def _show_order(order: PaidServicesOrder, status: int = 200, **given):
    context = _order_context(order, _forms(order, **given))
    if htmx.wants_partial():
        return render_template("paid_services/_order.html", **context), status
    return render_template("paid_services/order.html", **context), status


def _load_order(order_id: int) -> PaidServicesOrder:
    return tenancy.get_or_404(PaidServicesOrder, order_id)


@bp.route("/orders/<int:order_id>")
@requires("paid_services.view")
def order(order_id: int):
    return _show_order(_load_order(order_id))


def _saved(order: PaidServicesOrder, message: str):
    """Commit; then the order's section (htmx) or a 303 back to its page."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        flash(_("Someone else changed this order at the same time. Look again and retry."))
        url = url_for(".order", order_id=order.id)
        if htmx.is_htmx():
            return htmx.set_headers(current_app.response_class(status=409), redirect=url)
        return redirect(url, code=303)
    flash(message, "success")
    if htmx.wants_partial():
        return _show_order(order)
    return redirect(url_for(".order", order_id=order.id), code=303)


def _form_shown(key: str, order: PaidServicesOrder) -> bool:
    """Whether the order's page shows the form ``key`` in the order's present state."""
    return {
        "line": order.status == "quoted",
        "accept": order.status == "quoted",
        "schedule": order.is_open,
        "cancel": order.is_open,
        "deliver": order.status == "accepted",
        "satisfaction": order.status == "delivered",
        "end_rental": bool(order.rental_running),
        "payment": order.status in ("accepted", "delivered") and order.due_minor > 0,
        "refund": order.paid_minor > 0,
    }.get(key, False)


def _refused(order: PaidServicesOrder, key: str, form, error: Exception | None = None):
    """The order's page again with the failing form and its message; nothing written.

    When the order's state hides that form (a payment on a quote), the message is shown
    at the top of the order instead.
    """
    db.session.rollback()
    order = _load_order(order.id)
    if error is not None and str(error):
        if _form_shown(key, order):
            form.form_errors.append(str(error))
        else:
            flash(str(error), "error")
    return _show_order(order, 422, **{key: form})


def _act(order_id: int, key: str, form_class, action, message: str):
    """The common shape of an order's action: validate, apply the rule, save or refuse."""
    order = _load_order(order_id)
    form = form_class()
    if key == "line":
        _service_choices(form)
    if key == "schedule":
        form.assigned_user_id.choices = _staff_choices()
    if not form.validate_on_submit():
        return _refused(order, key, form)
    try:
        action(order, form)
    except rules.Refused as error:
        return _refused(order, key, form, error)
    return _saved(order, message)


@bp.route("/orders/<int:order_id>/lines", methods=["POST"])
@requires("paid_services.sell")
def add_line(order_id: int):
    def action(order, form):
        service = tenancy.get_or_404(PaidServicesService, form.service_id.data)
        hundredths = _quantity_for(form, service, order.unit)
        if hundredths is None:
            raise rules.Refused("")  # the message is next to the quantity
        rules.add_line(order, service, hundredths, current_user)

    return _act(order_id, "line", LineForm, action, _("The line is added."))


@bp.route("/orders/<int:order_id>/lines/<int:line_id>/remove", methods=["POST"])
@requires("paid_services.sell")
def remove_line(order_id: int, line_id: int):
    order = _load_order(order_id)
    line = tenancy.get_or_404(PaidServicesLine, line_id)
    if line.order_id != order.id:
        abort(404)
    try:
        rules.remove_line(order, line, current_user)
    except rules.Refused as error:
        db.session.rollback()
        flash(str(error), "error")
        return _show_order(_load_order(order_id), 422)
    return _saved(order, _("The line is removed."))


@bp.route("/orders/<int:order_id>/accept", methods=["POST"])
@requires("paid_services.sell")
def accept(order_id: int):
    def action(order, form):
        rules.accept(order, who=form.who.data, how=form.how.data, user=current_user)

    return _act(order_id, "accept", AcceptForm, action, _("The quote is accepted."))


@bp.route("/orders/<int:order_id>/schedule", methods=["POST"])
@requires("paid_services.sell")
def schedule(order_id: int):
    def action(order, form):
        staff = None
        if form.assigned_user_id.data:
            staff = db.session.get(User, form.assigned_user_id.data)
        rules.schedule(
            order,
            on=form.scheduled_on.data,
            staff=staff,
            contractor=form.contractor.data or "",
            user=current_user,
        )

    return _act(order_id, "schedule", ScheduleForm, action, _("The visit is scheduled."))


@bp.route("/orders/<int:order_id>/deliver", methods=["POST"])
@requires("paid_services.sell")
def deliver(order_id: int):
    def action(order, form):
        if form.delivered_on.data > today():
            raise rules.Refused(_("Delivery cannot be recorded for a day still to come."))
        rules.deliver(
            order, on=form.delivered_on.data, note=form.note.data or "", user=current_user
        )

    return _act(order_id, "deliver", DeliverForm, action, _("The delivery is recorded."))


@bp.route("/orders/<int:order_id>/satisfaction", methods=["POST"])
@requires("paid_services.sell")
def satisfaction(order_id: int):
    def action(order, form):
        rules.record_satisfaction(
            order, score=form.score.data, note=form.note.data or "", user=current_user
        )

    return _act(
        order_id, "satisfaction", SatisfactionForm, action, _("The resident's view is recorded.")
    )


@bp.route("/orders/<int:order_id>/cancel", methods=["POST"])
@requires("paid_services.sell")
def cancel(order_id: int):
    def action(order, form):
        rules.cancel(order, reason=form.reason.data, user=current_user)

    return _act(order_id, "cancel", CancelForm, action, _("The order is cancelled."))


@bp.route("/orders/<int:order_id>/payments", methods=["POST"])
@requires("paid_services.sell")
def pay(order_id: int):
    def action(order, form):
        rules.pay(
            order,
            amount_minor=form.amount.minor,
            method=form.method.data,
            reference=form.reference.data or "",
            user=current_user,
        )

    return _act(order_id, "payment", PaymentForm, action, _("The payment is recorded."))


@bp.route("/orders/<int:order_id>/refunds", methods=["POST"])
@requires("paid_services.refund")
def refund(order_id: int):
    def action(order, form):
        rules.refund(
            order,
            amount_minor=form.amount.minor,
            method=form.method.data,
            reason=form.reason.data,
            user=current_user,
        )

    return _act(order_id, "refund", RefundForm, action, _("The refund is recorded."))


@bp.route("/orders/<int:order_id>/end-rental", methods=["POST"])
@requires("paid_services.sell")
def end_rental(order_id: int):
    def action(order, form):
        rules.end_rental(order, on=form.ended_on.data, user=current_user)

    return _act(order_id, "end_rental", EndRentalForm, action, _("The rental is ended."))


@bp.route("/orders/<int:order_id>/receipt")
@requires("paid_services.view")
def receipt(order_id: int):
    order = _load_order(order_id)
    return render_template(
        "paid_services/receipt.html",
        order=order,
        payments=_payments(order),
        printed_on=today(),
    )


# --- The resident's panel --------------------------------------------------------------


@bp.route("/residents/<int:resident_id>/panel")
@requires("paid_services.view")
def resident_panel(resident_id: int):
    resident = tenancy.get_or_404(Resident, resident_id)
    o = PaidServicesOrder
    orders = list(
        db.session.scalars(
            tenancy.select(o)
            .where(o.resident_id == resident.id)
            .order_by(o.id.desc())
            .limit(PANEL_LIMIT)
        )
    )
    owed = db.session.scalar(
        tenancy.select(o, func.coalesce(func.sum(o.total_minor - o.paid_minor), 0)).where(
            o.resident_id == resident.id, o.status.in_(("accepted", "delivered"))
        )
    )
    return render_template(
        "paid_services/_panel.html",
        resident=resident,
        orders=orders,
        owed=owed,
        can_sell=can(current_user, "paid_services.sell"),
    )
