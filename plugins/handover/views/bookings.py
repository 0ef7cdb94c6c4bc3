"""Slots and bookings, the inspection room by room, the hand-over against the owner's
drawn signature, and the printable report (with its copy by e-mail)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms.fields.choices import SelectChoice

from core import audit, clock, tenancy, uploads
from core.extensions import db
from core.formdata import takes_files
from core.models import Building, Unit
from core.security import requires
from core.tenancy import current_site, get_or_404
from plugins.handover import rules
from plugins.handover.forms import (
    AddRoomForm,
    BookingForm,
    DefectForm,
    HandOverForm,
    PlainForm,
    RoomForm,
    SlotForm,
)
from plugins.handover.models import HandoverBooking, HandoverDefect, HandoverRoom, HandoverSlot
from plugins.handover.views.base import NAME, bp, page

UPCOMING_LIMIT = 30  # the next owners booked, soonest first
SLOTS_LIMIT = 20
RECENT_LIMIT = 10  # handed over lately
RECENT_DAYS = 30


def _slot_label(slot: HandoverSlot) -> str:
    site = current_site()
    start = slot.starts_at.astimezone(clock.zone(site))
    left = slot.capacity - slot.booked
    return _("%(when)s (%(left)d left)", when=start.strftime("%Y-%m-%d %H:%M"), left=left)


def _booking_choices(form: BookingForm) -> None:
    site = current_site()
    form.slot_id.choices = [SelectChoice(0, "—")] + [
        SelectChoice(s.id, _slot_label(s)) for s in rules.open_slots(site, clock.now())
    ]
    rows = db.session.execute(
        tenancy.select(Unit, Unit.id, Building.code, Unit.number)
        .join(Building, Building.id == Unit.building_id)
        .where(Unit.archived_at.is_(None))
        .order_by(Building.code, Unit.number)
    ).all()
    form.unit_id.choices = [SelectChoice(0, "—")] + [
        SelectChoice(i, f"{c}-{n}") for i, c, n in rows
    ]


def _index(status: int = 200, slot_form: SlotForm | None = None):
    site = current_site()
    now = clock.now()
    start, _end = clock.day_bounds(site, clock.today(site))
    booked = db.session.scalars(
        tenancy.select(HandoverBooking)
        .join(HandoverSlot, HandoverSlot.id == HandoverBooking.slot_id)
        .where(HandoverBooking.status == "booked")
        .options(
            selectinload(HandoverBooking.slot),
            selectinload(HandoverBooking.unit).selectinload(Unit.building),
        )
        .order_by(HandoverSlot.starts_at, HandoverBooking.id)
        .limit(UPCOMING_LIMIT)
    ).all()
    handed = db.session.scalars(
        tenancy.select(HandoverBooking)
        .where(HandoverBooking.handed_over_at >= now - timedelta(days=RECENT_DAYS))
        .options(selectinload(HandoverBooking.unit).selectinload(Unit.building))
        .order_by(HandoverBooking.handed_over_at.desc(), HandoverBooking.id.desc())
        .limit(RECENT_LIMIT)
    ).all()
    slots = db.session.scalars(
        tenancy.select(HandoverSlot)
        .where(HandoverSlot.starts_at >= start)
        .order_by(HandoverSlot.starts_at)
        .limit(SLOTS_LIMIT)
    ).all()
    if slot_form is None:
        slot_form = SlotForm(formdata=None, day=clock.today(site), minutes=60, capacity=4)
    return page(
        "handover/index.html",
        status,
        booked=booked,
        handed=handed,
        slots=slots,
        slot_form=slot_form,
        start_of_today=start,
    )


@bp.route("/")
@requires("handover.view")
def index():
    return _index()


@bp.route("/slots", methods=["POST"])
@requires("handover.slots")
def add_slot():
    site = current_site()
    form = SlotForm()
    if not form.validate():
        return _index(422, slot_form=form)
    starts_at = datetime.combine(form.day.data, form.at.data, tzinfo=clock.zone(site))
    try:
        slot = rules.add_slot(site, starts_at, form.minutes.data, form.capacity.data)
    except rules.Refused as refused:
        db.session.rollback()
        form.day.errors = [str(refused)]
        return _index(422, slot_form=form)
    audit.record("handover.slot.added", slot, detail={"capacity": slot.capacity})
    db.session.commit()
    flash(_("The slot is open for bookings."), "success")
    return redirect(url_for("handover.index"), code=303)


def _new_page(form: BookingForm, status: int = 200):
    _booking_choices(form)
    return page("handover/booking_new.html", status, form=form)


@bp.route("/bookings/new")
@requires("handover.book")
def booking_form():
    raw = request.args.get("unit_id", "")
    unit_id = int(raw) if raw.isdigit() and len(raw) < 10 else 0
    return _new_page(BookingForm(formdata=None, unit_id=unit_id))


@bp.route("/bookings", methods=["POST"])
@requires("handover.book")
def new_booking():
    site = current_site()
    form = BookingForm()
    _booking_choices(form)
    valid = form.validate()
    for name in ("slot_id", "unit_id"):
        if valid and not getattr(form, name).data:
            getattr(form, name).errors = [
                _("Choose a time slot.") if name == "slot_id" else _("Choose the unit.")
            ]
            valid = False
    if not valid:
        return _new_page(form, 422)
    slot = get_or_404(HandoverSlot, form.slot_id.data)
    unit = get_or_404(Unit, form.unit_id.data)
    try:
        booking = rules.book(
            site,
            slot,
            unit,
            form.owner_name.data,
            current_user,
            phone=form.owner_phone.data or "",
            email=form.owner_email.data or "",
        )
    except rules.Refused as refused:
        db.session.rollback()
        getattr(form, refused.field).errors = [str(refused)]
        return _new_page(form, 422)
    audit.record("handover.booked", booking, detail={"unit_id": unit.id, "slot_id": slot.id})
    db.session.commit()
    flash(
        _("%(owner)s is booked for %(unit)s.", owner=booking.owner_name, unit=unit.label), "success"
    )
    return redirect(url_for("handover.booking", booking_id=booking.id), code=303)


def _room_choices(rooms: list[HandoverRoom]) -> list[SelectChoice]:
    return [SelectChoice(0, "—")] + [SelectChoice(r.id, r.name) for r in rooms]


def _defects_of(booking: HandoverBooking) -> list[HandoverDefect]:
    return list(
        db.session.scalars(
            tenancy.select(HandoverDefect)
            .where(HandoverDefect.booking_id == booking.id)
            .options(selectinload(HandoverDefect.room))
            .order_by(HandoverDefect.id)
        )
    )


def _booking_page(booking: HandoverBooking, status: int = 200, **forms):
    site = current_site()
    rooms = list(booking.rooms)
    defect_form = forms.get("defect_form") or DefectForm(formdata=None)
    defect_form.room_id.choices = _room_choices(rooms)
    room_forms = {r.id: RoomForm(formdata=None, passed=r.passed_items, note=r.note) for r in rooms}
    if "room_form" in forms:
        room_forms[forms["room_id"]] = forms["room_form"]
    return page(
        "handover/booking.html",
        status,
        booking=booking,
        rooms=rooms,
        room_forms=room_forms,
        defects=_defects_of(booking),
        defect_form=defect_form,
        room_form=forms.get("add_room_form") or AddRoomForm(formdata=None),
        hand_form=forms.get("hand_form")
        or HandOverForm(formdata=None, signed_by=booking.owner_name),
        cancel_form=PlainForm(formdata=None),
        today=clock.today(site),
    )


@bp.route("/bookings/<int:booking_id>")
@requires("handover.view")
def booking(booking_id: int):
    return _booking_page(get_or_404(HandoverBooking, booking_id))


@bp.route("/bookings/<int:booking_id>/cancel", methods=["POST"])
@requires("handover.book")
def cancel(booking_id: int):
    site = current_site()
    booking = get_or_404(HandoverBooking, booking_id)
    if not PlainForm().validate():
        return _booking_page(booking, 422)
    try:
        rules.cancel(site, booking)
    except rules.Refused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return _booking_page(get_or_404(HandoverBooking, booking_id), 409)
    audit.record("handover.cancelled", booking, detail={"slot_id": booking.slot_id})
    db.session.commit()
    flash(_("The booking is cancelled; its place is free again."), "success")
    return redirect(url_for("handover.index"), code=303)


@bp.route("/bookings/<int:booking_id>/rooms", methods=["POST"])
@requires("handover.inspect")
def add_room(booking_id: int):
    site = current_site()
    booking = get_or_404(HandoverBooking, booking_id)
    form = AddRoomForm()
    if not form.validate():
        return _booking_page(booking, 422, add_room_form=form)
    if booking.status != "booked":
        form.name.errors = [_("This unit is handed over; its inspection is closed.")]
        return _booking_page(booking, 409, add_room_form=form)
    room = rules.add_room(site, booking, form.name.data)
    audit.record("handover.room.added", room, detail={"booking_id": booking.id})
    db.session.commit()
    return redirect(
        url_for("handover.booking", booking_id=booking.id, _anchor=f"room-{room.id}"), code=303
    )


@bp.route("/rooms/<int:room_id>", methods=["POST"])
@requires("handover.inspect")
def check_room(room_id: int):
    room = get_or_404(HandoverRoom, room_id)
    form = RoomForm()
    if not form.validate():
        return _booking_page(room.booking, 422, room_form=form, room_id=room.id)
    try:
        rules.check_room(room, form.passed.data or [], form.note.data or "", current_user)
    except rules.Refused as refused:
        db.session.rollback()
        room = get_or_404(HandoverRoom, room_id)
        form.passed.errors = [str(refused)]
        return _booking_page(room.booking, 409, room_form=form, room_id=room.id)
    audit.record("handover.room.inspected", room, detail={"passed": room.passed})
    db.session.commit()
    flash(_("%(room)s is inspected.", room=room.name), "success")
    return redirect(
        url_for("handover.booking", booking_id=room.booking_id, _anchor=f"room-{room.id}"), code=303
    )


@bp.route("/bookings/<int:booking_id>/defects", methods=["POST"])
@takes_files
@requires("handover.inspect")
def add_defect(booking_id: int):
    site = current_site()
    booking = get_or_404(HandoverBooking, booking_id)
    # Only the photo may be a file: a file posted in place of a text field is ignored.
    photo = MultiDict([("photo", f) for f in request.files.getlist("photo")[:1]])
    form = DefectForm(formdata=CombinedMultiDict([photo, request.form]))
    rooms = list(booking.rooms)
    form.room_id.choices = _room_choices(rooms)
    valid = form.validate()
    stored = None
    if valid and form.photo.data and getattr(form.photo.data, "filename", ""):
        try:
            stored = uploads.save(form.photo.data, plugin=NAME)
        except uploads.Refused as refused:
            form.photo.errors = [str(refused)]
            valid = False
    if not valid:
        return _booking_page(booking, 422, defect_form=form)
    room = next((r for r in rooms if r.id == form.room_id.data), None)
    try:
        defect = rules.add_defect(
            site,
            booking,
            current_user,
            kind=form.kind.data,
            severity=form.severity.data,
            place=form.place.data,
            description=form.description.data or "",
            room=room,
            photo_key=stored.key if stored else "",
            contractor=form.contractor.data or "",
            due_on=form.due_on.data,
        )
    except rules.Refused as refused:
        db.session.rollback()
        form.place.errors = [str(refused)]
        return _booking_page(get_or_404(HandoverBooking, booking_id), 409, defect_form=form)
    audit.record("handover.defect.found", defect, detail={"kind": defect.kind})
    db.session.commit()
    flash(_("The defect is written down."), "success")
    return redirect(url_for("handover.booking", booking_id=booking.id, _anchor="defects"), code=303)


def _report_url(booking: HandoverBooking) -> str:
    return url_for("handover.report", booking_id=booking.id, _external=True)


@bp.route("/bookings/<int:booking_id>/hand-over", methods=["POST"])
@requires("handover.inspect")
def hand_over(booking_id: int):
    site = current_site()
    booking = get_or_404(HandoverBooking, booking_id)
    form = HandOverForm()
    if booking.status != "booked":
        form.signed_by.errors = [_("This unit is handed over already.")]
        return _booking_page(booking, 409, hand_form=form)
    if not form.validate():
        return _booking_page(booking, 422, hand_form=form)
    try:
        rules.hand_over(
            site,
            booking,
            current_user,
            documents=(form.has_id.data, form.has_contract.data, form.has_payment.data),
            keys_count=form.keys_count.data,
            meters=(form.meter_electricity.data, form.meter_water.data, form.meter_gas.data),
            signed_by=form.signed_by.data,
            signature=form.signature.data or "",
        )
    except rules.Refused as refused:
        db.session.rollback()
        booking = get_or_404(HandoverBooking, booking_id)
        getattr(form, refused.field).errors = [str(refused)]
        return _booking_page(booking, 422, hand_form=form)
    rules.email_copy(site, booking, _report_url(booking), _defects_of(booking))
    audit.record("handover.handed_over", booking, detail={"keys": booking.keys_count})
    db.session.commit()
    flash(_("The keys of %(unit)s are handed over.", unit=booking.unit.label), "success")
    return redirect(url_for("handover.report", booking_id=booking.id), code=303)


@bp.route("/bookings/<int:booking_id>/report")
@requires("handover.view")
def report(booking_id: int):
    booking = get_or_404(HandoverBooking, booking_id)
    return page(
        "handover/handover_report.html",
        booking=booking,
        rooms=list(booking.rooms),
        defects=_defects_of(booking),
    )


@bp.route("/bookings/<int:booking_id>/signature")
@requires("handover.view")
def signature(booking_id: int):
    booking = get_or_404(HandoverBooking, booking_id)
    if not booking.signature_key:
        abort(404)
    return uploads.send(booking.signature_key)


@bp.route("/defects/<int:defect_id>/photo")
@requires("handover.view")
def defect_photo(defect_id: int):
    defect = get_or_404(HandoverDefect, defect_id)
    if not defect.photo_key:
        abort(404)
    return uploads.send(defect.photo_key)
