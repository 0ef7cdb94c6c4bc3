"""The handover plugin's forms: slots, bookings, the inspection, the hand-over itself,
defects and their closure, and the unit's next step."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from core.forms import IntRange, text_field
from plugins.handover.labels import ITEM_LABELS, SEVERITY_LABELS, STEP_LABELS

DATE_MESSAGE = _l("Write the date as YYYY-MM-DD.")
EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Write an e-mail address."))
METER = Regexp(r"^[0-9]{0,12}([.][0-9]{1,3})?$", message=_l("Write the reading in figures."))


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in labels.items()]


def _sensible_year(form, field) -> None:
    if field.data is not None and not (2000 <= field.data.year <= 2100):
        raise ValidationError(_l("Choose a date between 2000 and 2100."))


def _whole(label, low: int, high: int, message) -> IntegerField:
    return IntegerField(
        label,
        validators=[InputRequired(message=message), IntRange(low, high, message)],
        invalid_value_message=_l("Write a whole number."),
        render_kw={"inputmode": "numeric"},
    )


class SlotForm(FlaskForm):
    day = DateField(
        _l("Day"),
        validators=[InputRequired(message=_l("Give the date.")), _sensible_year],
        invalid_value_message=DATE_MESSAGE,
    )
    at = TimeField(
        _l("Time"),
        validators=[InputRequired(message=_l("Give the time."))],
        invalid_value_message=_l("Write the time as HH:MM."),
    )
    minutes = _whole(_l("Minutes"), 15, 480, _l("Write a number of minutes from 15 to 480."))
    capacity = _whole(_l("Owners in the slot"), 1, 50, _l("Write a number from 1 to 50."))


class BookingForm(FlaskForm):
    slot_id = SelectField(
        _l("Time slot"),
        coerce=int,
        validate_choice=True,
        validators=[InputRequired(message=_l("Choose a time slot."))],
        # "—" comes first: the view asks for a slot itself ("required" would want "").
        render_kw={"required": False},
    )
    unit_id = SelectField(
        _l("Unit"),
        coerce=int,
        validate_choice=True,
        validators=[InputRequired(message=_l("Choose the unit."))],
        render_kw={"required": False},
    )
    owner_name = text_field(_l("Owner"), max=120, required=_l("Write the owner's name."))
    owner_phone = text_field(_l("Phone"), max=40)
    owner_email = text_field(_l("E-mail (for the copy of the report)"), max=200)

    def validate_owner_email(self, field) -> None:
        if field.data:
            EMAIL(self, field)


class RoomForm(FlaskForm):
    passed = SelectMultipleField(
        _l("In order"),
        choices=_choices(ITEM_LABELS),
        validate_choice=True,
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
    note = text_field(_l("Note"), max=300)


class AddRoomForm(FlaskForm):
    name = text_field(_l("Room"), max=60, required=_l("Name the room."))


class DefectForm(FlaskForm):
    room_id = SelectField(_l("Room"), coerce=int, validate_choice=True)
    kind = SelectField(_l("What"), choices=_choices(ITEM_LABELS))
    severity = SelectField(_l("Severity"), choices=_choices(SEVERITY_LABELS), default="minor")
    place = text_field(_l("Where exactly"), max=120, required=_l("Say where the defect is."))
    description = text_field(_l("Description"), max=500, rows=2)
    photo = FileField(_l("Photo (JPEG, PNG or WebP)"), render_kw={"accept": "image/*"})
    contractor = text_field(_l("Contractor"), max=120)
    due_on = DateField(
        _l("To be put right by"),
        validators=[Optional(), _sensible_year],
        invalid_value_message=DATE_MESSAGE,
    )


class HandOverForm(FlaskForm):
    has_id = BooleanField(_l("Identity card"))
    has_contract = BooleanField(_l("Purchase contract"))
    has_payment = BooleanField(_l("Proof of payment"))
    keys_count = _whole(_l("Keys handed over"), 1, 99, _l("Count the keys handed over."))
    meter_electricity = text_field(_l("Electricity meter"), max=20, inputmode="decimal")
    meter_water = text_field(_l("Water meter"), max=20, inputmode="decimal")
    meter_gas = text_field(_l("Gas meter"), max=20, inputmode="decimal")
    signed_by = text_field(
        _l("Owner who signs"), max=120, required=_l("Write the name of the owner who signs.")
    )
    signature = HiddenField(_l("Signature"))

    def validate_meter_electricity(self, field) -> None:
        METER(self, field)

    def validate_meter_water(self, field) -> None:
        METER(self, field)

    def validate_meter_gas(self, field) -> None:
        METER(self, field)


class AssignForm(FlaskForm):
    contractor = text_field(_l("Contractor"), max=120, required=_l("Name the contractor."))
    due_on = DateField(
        _l("To be put right by"),
        validators=[InputRequired(message=_l("Give the date.")), _sensible_year],
        invalid_value_message=DATE_MESSAGE,
    )


class ReinspectForm(FlaskForm):
    put_right = RadioField(
        _l("Found at the re-inspection"),
        choices=[SelectChoice("yes", _l("Put right")), SelectChoice("no", _l("Not put right yet"))],
        validators=[InputRequired(message=_l("Say what the re-inspection found."))],
    )
    note = text_field(_l("Note"), max=300)


class ConfirmForm(FlaskForm):
    confirmed_by = text_field(
        _l("Owner who confirms"), max=120, required=_l("Write the name of the owner who confirms.")
    )


class StepForm(FlaskForm):
    step = SelectField(
        _l("The unit is now"),
        choices=[SelectChoice(c, label) for c, label in STEP_LABELS.items() if c != "handed_over"],
    )


class PlainForm(FlaskForm):
    """A button and its CSRF token (cancel a booking)."""
