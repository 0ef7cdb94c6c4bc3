"""While a resident is away (信件簽收): away periods with instructions, and the parcel
register from sign-in to hand-over with the receiver's signature."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms.fields.choices import SelectChoice

from core import audit, clock, tenancy, uploads
from core.extensions import db
from core.formdata import takes_files
from core.models import Building, Occupancy, Unit
from core.security import requires
from core.tenancy import current_site, get_or_404
from plugins.care import rules
from plugins.care.forms import AwayForm, HandOverForm, ParcelForm, TellForm
from plugins.care.models import CareAway, CareParcel
from plugins.care.views.base import RECENT_DAYS, bp, page

NAME = "care"
PER_PAGE = 30  # parcels held, oldest first
RECENT_LIMIT = 10  # handed over lately


def _unit_choices() -> list[SelectChoice]:
    rows = db.session.execute(
        tenancy.select(Unit, Unit.id, Building.code, Unit.number)
        .join(Building, Building.id == Unit.building_id)
        .where(Unit.archived_at.is_(None))
        .order_by(Building.code, Unit.number)
    ).all()
    return [SelectChoice(0, "—")] + [SelectChoice(i, f"{c}-{n}") for i, c, n in rows]


def _unit_or_none(raw: str | None) -> Unit | None:
    if raw and raw.isdigit() and len(raw) < 10 and int(raw) > 0:
        return get_or_404(Unit, int(raw))
    return None


# --- Away periods ----------------------------------------------------------------------


def _away_page(status: int = 200, form: AwayForm | None = None):
    site = current_site()
    today = clock.today(site)
    periods = db.session.scalars(
        tenancy.select(CareAway)
        .where(CareAway.ends_on >= today, CareAway.ended_at.is_(None))
        .options(selectinload(CareAway.unit).selectinload(Unit.building))
        .order_by(CareAway.starts_on, CareAway.id)
    ).all()
    if form is None:
        form = AwayForm(formdata=None, starts_on=today, ends_on=today + timedelta(days=7))
    form.unit_id.choices = _unit_choices()
    return page("care/away.html", status, periods=periods, form=form, today=today)


@bp.route("/away")
@requires("care.view")
def away():
    return _away_page()


@bp.route("/away", methods=["POST"])
@requires("care.parcels")
def add_away():
    site = current_site()
    form = AwayForm()
    form.unit_id.choices = _unit_choices()
    valid = form.validate()
    if valid and not form.unit_id.data:
        form.unit_id.errors = [*form.unit_id.errors, _("Choose the unit.")]
        valid = False
    if not valid:
        return _away_page(422, form)
    unit = get_or_404(Unit, form.unit_id.data)
    period = CareAway(
        site_id=site.id,
        unit_id=unit.id,
        resident_id=_resident_of(unit),
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        hold_parcels=form.hold_parcels.data,
        may_enter=form.may_enter.data or "",
        forward_to=form.forward_to.data or "",
        do_not_allow=form.do_not_allow.data or "",
        note=form.note.data or "",
        created_at=clock.now(),
        created_by_id=current_user.id,
    )
    db.session.add(period)
    db.session.flush()
    audit.record("care.away.added", period, detail={"unit_id": unit.id})
    db.session.commit()
    flash(_("The away period of %(unit)s is kept.", unit=unit.label), "success")
    return redirect(url_for("care.away"), code=303)


@bp.route("/away/<int:away_id>/end", methods=["POST"])
@requires("care.parcels")
def end_away(away_id: int):
    period = get_or_404(CareAway, away_id)
    from plugins.care.forms import SendForm

    if not SendForm().validate():
        return _away_page(422)
    if period.ended_at is None:
        period.ended_at = clock.now()
        audit.record("care.away.ended", period, detail={"unit_id": period.unit_id})
        db.session.commit()
    flash(_("The resident is back: the away period is ended."), "success")
    return redirect(url_for("care.away"), code=303)


def _resident_of(unit: Unit) -> int | None:
    """The unit's resident to tell: its primary contact, else whoever moved in first."""
    return db.session.scalar(
        tenancy.select(Occupancy, Occupancy.resident_id)
        .where(Occupancy.unit_id == unit.id, Occupancy.moved_out.is_(None))
        .order_by(Occupancy.is_primary_contact.desc(), Occupancy.moved_in, Occupancy.id)
        .limit(1)
    )


# --- The parcel register ---------------------------------------------------------------


@bp.route("/parcels")
@requires("care.view")
def parcels():
    site = current_site()
    now = clock.now()
    raw = request.args.get("page", "1")
    number = int(raw) if raw.isdigit() and len(raw) < 6 else 1
    waiting = tenancy.select(CareParcel).where(CareParcel.handed_at.is_(None))
    total = db.session.scalar(waiting.with_only_columns(func.count(CareParcel.id)))
    pages = max(1, -(-total // PER_PAGE))
    number = min(max(number, 1), pages)
    held = db.session.scalars(
        waiting.options(selectinload(CareParcel.unit).selectinload(Unit.building))
        .order_by(CareParcel.received_at, CareParcel.id)
        .offset((number - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).all()
    handed = db.session.scalars(
        tenancy.select(CareParcel)
        .where(CareParcel.handed_at >= now - timedelta(days=RECENT_DAYS))
        .options(selectinload(CareParcel.unit).selectinload(Unit.building))
        .order_by(CareParcel.handed_at.desc(), CareParcel.id.desc())
        .limit(RECENT_LIMIT)
    ).all()
    return page(
        "care/parcels.html",
        held=held,
        handed=handed,
        total=total,
        page_number=number,
        pages=pages,
        too_long=rules.held_since(site, now),
        days=rules.settings_of(site).parcel_days,
    )


def _instructions(unit: Unit | None) -> list[CareAway]:
    return rules.away_now(current_site(), unit.id, clock.today(current_site())) if unit else []


@bp.route("/parcels/instructions")
@requires("care.parcels")
def instructions():
    """The unit's away instructions, for the sign-in form (fetched when a unit is chosen)."""
    unit = _unit_or_none(request.args.get("unit_id"))
    return render_template(
        "care/_instructions.html",
        unit=unit,
        periods=_instructions(unit),
        today=clock.today(current_site()),
    )


@bp.route("/parcels/new", methods=["GET", "POST"])
@takes_files
@requires("care.parcels")
def new_parcel():
    site = current_site()
    if request.method == "GET":
        unit = _unit_or_none(request.args.get("unit_id"))
        form = ParcelForm(formdata=None, unit_id=unit.id if unit else 0)
        form.unit_id.choices = _unit_choices()
        return page(
            "care/parcel_new.html",
            form=form,
            unit=unit,
            periods=_instructions(unit),
            today=clock.today(site),
        )
    # Only the photo may be a file: a file posted in place of a text field is ignored.
    photo = MultiDict([("photo", f) for f in request.files.getlist("photo")[:1]])
    form = ParcelForm(formdata=CombinedMultiDict([photo, request.form]))
    form.unit_id.choices = _unit_choices()
    valid = form.validate()
    if valid and not form.unit_id.data:
        form.unit_id.errors = [*form.unit_id.errors, _("Choose the unit.")]
        valid = False
    unit = (
        get_or_404(Unit, form.unit_id.data)
        if valid
        else _unit_or_none(str(form.unit_id.data or ""))
    )
    stored = None
    if valid and form.photo.data and getattr(form.photo.data, "filename", ""):
        try:
            stored = uploads.save(form.photo.data, plugin=NAME)
        except uploads.Refused as refused:
            form.photo.errors = [str(refused)]
            valid = False
    if not valid:
        return page(
            "care/parcel_new.html",
            422,
            form=form,
            unit=unit,
            periods=_instructions(unit),
            today=clock.today(site),
        )
    parcel = CareParcel(
        site_id=site.id,
        unit_id=unit.id,
        resident_id=_resident_of(unit),
        carrier=form.carrier.data,
        tracking_number=form.tracking_number.data or "",
        shelf=form.shelf.data or "",
        photo_key=stored.key if stored else "",
        received_at=clock.now(),
        received_by_id=current_user.id,
    )
    db.session.add(parcel)
    db.session.flush()
    audit.record(
        "care.parcel.signed_in", parcel, detail={"unit_id": unit.id, "carrier": parcel.carrier}
    )
    db.session.commit()
    flash(_("The parcel for %(unit)s is signed in.", unit=unit.label), "success")
    return redirect(url_for("care.parcel", parcel_id=parcel.id), code=303)


def _parcel_page(parcel: CareParcel, status: int = 200, message: str = "", **forms):
    site = current_site()
    now = clock.now()
    return page(
        "care/parcel.html",
        status,
        parcel=parcel,
        periods=rules.away_now(site, parcel.unit_id, clock.today(site)),
        today=clock.today(site),
        too_long=parcel.handed_at is None and parcel.received_at < rules.held_since(site, now),
        tell_form=forms.get("tell_form") or TellForm(formdata=None),
        hand_form=forms.get("hand_form") or HandOverForm(formdata=None),
        message=message,
    )


@bp.route("/parcels/<int:parcel_id>")
@requires("care.view")
def parcel(parcel_id: int):
    return _parcel_page(get_or_404(CareParcel, parcel_id))


@bp.route("/parcels/<int:parcel_id>/told", methods=["POST"])
@requires("care.parcels")
def tell(parcel_id: int):
    site = current_site()
    parcel = get_or_404(CareParcel, parcel_id)
    form = TellForm()
    if not form.validate():
        return _parcel_page(parcel, 422, tell_form=form)
    try:
        rules.tell(site, parcel, form.how.data, current_user)
    except rules.Refused as refused:
        db.session.rollback()
        form.how.errors = [refused.message]
        return _parcel_page(get_or_404(CareParcel, parcel_id), 422, tell_form=form)
    audit.record("care.parcel.told", parcel, detail={"how": parcel.told_how})
    db.session.commit()
    flash(_("The resident has been told."), "success")
    return redirect(url_for("care.parcel", parcel_id=parcel.id), code=303)


@bp.route("/parcels/<int:parcel_id>/hand-over", methods=["POST"])
@requires("care.parcels")
def hand_over(parcel_id: int):
    site = current_site()
    parcel = get_or_404(CareParcel, parcel_id)
    form = HandOverForm()
    if parcel.handed_at is not None:
        return _parcel_page(parcel, 409, _("This parcel has been handed over already."))
    valid = form.validate()
    try:
        if valid:
            rules.hand_over(
                site, parcel, form.handed_to.data, form.signature.data or "", current_user
            )
        else:
            rules.signature_png(form.signature.data or "")
    except rules.Refused as refused:
        db.session.rollback()
        parcel = get_or_404(CareParcel, parcel_id)
        getattr(form, refused.field or "signature").errors = [refused.message]
        return _parcel_page(parcel, 409 if refused.conflict else 422, hand_form=form)
    if not valid:
        return _parcel_page(parcel, 422, hand_form=form)
    audit.record("care.parcel.handed_over", parcel, detail={"to": parcel.handed_to})
    db.session.commit()
    flash(_("The parcel is handed over to %(name)s.", name=parcel.handed_to), "success")
    return redirect(url_for("care.parcel", parcel_id=parcel.id), code=303)


@bp.route("/parcels/<int:parcel_id>/photo")
@requires("care.view")
def parcel_photo(parcel_id: int):
    parcel = get_or_404(CareParcel, parcel_id)
    if not parcel.photo_key:
        abort(404)
    return uploads.send(parcel.photo_key)


@bp.route("/parcels/<int:parcel_id>/signature")
@requires("care.view")
def parcel_signature(parcel_id: int):
    parcel = get_or_404(CareParcel, parcel_id)
    if not parcel.signature_key:
        abort(404)
    return uploads.send(parcel.signature_key)
