"""The care plugin's forms: greetings, notices, special care, away periods, parcels, settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError

from core.forms import IntRange, text_field
from plugins.care.labels import (
    AUDIENCE_LABELS,
    CASE_LABELS,
    METHOD_LABELS,
    TEMPLATE_LABELS,
    TOLD_LABELS,
)

MAX_TEXT = 2000
DATE_MESSAGE = _l("Write the date as YYYY-MM-DD.")


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in labels.items()]


def _sensible_year(form, field) -> None:
    if field.data is not None and not (2000 <= field.data.year <= 2100):
        raise ValidationError(_l("Choose a date between 2000 and 2100."))


class GreetForm(FlaskForm):
    method = SelectField(_l("How"), choices=_choices(METHOD_LABELS), default="card")
    note = text_field(_l("Note (optional)"), max=300)


class OptOutForm(FlaskForm):
    opt_out = BooleanField(_l("Does not want birthday greetings"))


class NoticeForm(FlaskForm):
    template = SelectField(_l("Kind of notice"), choices=_choices(TEMPLATE_LABELS))
    day = DateField(
        _l("Day it is about"),
        validators=[InputRequired(message=_l("Give the date.")), _sensible_year],
        invalid_value_message=DATE_MESSAGE,
    )
    audience = SelectField(_l("For whom"), choices=_choices(AUDIENCE_LABELS), default="site")
    building_ids = SelectMultipleField(_l("Buildings"), coerce=int, validate_choice=True)
    unit_ids = SelectMultipleField(_l("Units"), coerce=int, validate_choice=True)
    title_en = text_field(_l("Title in English"), max=200)
    body_en = text_field(_l("Text in English"), max=MAX_TEXT, rows=4)
    title_zh_Hant = text_field(_l("Title in Traditional Chinese"), max=200)
    body_zh_Hant = text_field(_l("Text in Traditional Chinese"), max=MAX_TEXT, rows=4)
    title_zh_Hans = text_field(_l("Title in Simplified Chinese"), max=200)
    body_zh_Hans = text_field(_l("Text in Simplified Chinese"), max=MAX_TEXT, rows=4)

    def validate_building_ids(self, field) -> None:
        if self.audience.data == "buildings" and not field.data:
            raise ValidationError(_l("Choose at least one building."))

    def validate_unit_ids(self, field) -> None:
        if self.audience.data == "units" and not field.data:
            raise ValidationError(_l("Choose at least one unit."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # An empty optional field stops its own validators, so this is checked here.
        if not (self.body_en.data or self.body_zh_Hant.data or self.body_zh_Hans.data):
            self.body_en.errors = [
                *self.body_en.errors,
                _l("Write the notice in at least one language."),
            ]
            return False
        return valid


class SendForm(FlaskForm):
    """Sending a notice: nothing but the CSRF token."""


class CaseForm(FlaskForm):
    resident_id = IntegerField(
        _l("Resident"),
        validators=[
            InputRequired(message=_l("Choose the resident.")),
            IntRange(1, 2**31 - 1, _l("Choose the resident.")),
        ],
        invalid_value_message=_l("Choose the resident."),
    )
    kind = SelectField(_l("What happened"), choices=_choices(CASE_LABELS))
    happened_on = DateField(
        _l("When"),
        validators=[InputRequired(message=_l("Give the date.")), _sensible_year],
        invalid_value_message=DATE_MESSAGE,
    )
    summary = text_field(
        _l("What we know"), max=MAX_TEXT, required=_l("Write what happened."), rows=3
    )
    follow_up_on = DateField(
        _l("Follow up on"),
        validators=[Optional(), _sensible_year],
        invalid_value_message=DATE_MESSAGE,
    )


class VisitForm(FlaskForm):
    note = text_field(
        _l("How the visit went"), max=MAX_TEXT, required=_l("Write how the visit went."), rows=3
    )
    follow_up_on = DateField(
        _l("Next follow-up (optional)"),
        validators=[Optional(), _sensible_year],
        invalid_value_message=DATE_MESSAGE,
    )


class AwayForm(FlaskForm):
    unit_id = SelectField(
        _l("Unit"),
        coerce=int,
        validate_choice=True,
        validators=[InputRequired(message=_l("Choose the unit."))],
        # "—" comes first: the view asks for a unit itself ("required" would want "").
        render_kw={"required": False},
    )
    starts_on = DateField(
        _l("Away from"),
        validators=[InputRequired(message=_l("Give the date.")), _sensible_year],
        invalid_value_message=DATE_MESSAGE,
    )
    ends_on = DateField(
        _l("Back on"),
        validators=[InputRequired(message=_l("Give the date.")), _sensible_year],
        invalid_value_message=DATE_MESSAGE,
    )
    hold_parcels = BooleanField(_l("Hold parcels and letters"), default=True)
    may_enter = text_field(_l("Who may enter"), max=300)
    forward_to = text_field(_l("Forward to"), max=300)
    do_not_allow = text_field(_l("Do not allow"), max=300)
    note = text_field(_l("Other instructions"), max=MAX_TEXT, rows=2)

    def validate_ends_on(self, field) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The return cannot be before the departure."))


class ParcelForm(FlaskForm):
    unit_id = SelectField(
        _l("Unit"),
        coerce=int,
        validate_choice=True,
        validators=[InputRequired(message=_l("Choose the unit."))],
        # "—" comes first: the view asks for a unit itself ("required" would want "").
        render_kw={"required": False},
    )
    carrier = text_field(_l("Carrier"), max=80, required=_l("Name the carrier."))
    tracking_number = text_field(_l("Tracking number"), max=80)
    shelf = text_field(_l("Shelf"), max=40)
    photo = FileField(_l("Photo (JPEG, PNG or WebP)"), render_kw={"accept": "image/*"})


class TellForm(FlaskForm):
    how = SelectField(_l("How the resident was told"), choices=_choices(TOLD_LABELS))


class HandOverForm(FlaskForm):
    handed_to = text_field(
        _l("Handed to"), max=120, required=_l("Write the name of the person who takes the parcel.")
    )
    signature = HiddenField(_l("Signature"))


class SettingsForm(FlaskForm):
    elderly_age = IntegerField(
        _l("Elderly from the age of"),
        validators=[
            InputRequired(message=_l("Give an age.")),
            IntRange(40, 120, _l("Write an age from 40 to 120.")),
        ],
        invalid_value_message=_l("Write a whole number."),
        render_kw={"inputmode": "numeric"},
    )
    parcel_days = IntegerField(
        _l("A parcel is held too long after (days)"),
        validators=[
            InputRequired(message=_l("Give a number of days.")),
            IntRange(1, 365, _l("Write a number of days from 1 to 365.")),
        ],
        invalid_value_message=_l("Write a whole number."),
        render_kw={"inputmode": "numeric"},
    )
    greeting_en = text_field(_l("Birthday message in English"), max=500, rows=2)
    greeting_zh_Hant = text_field(_l("Birthday message in Traditional Chinese"), max=500, rows=2)
    greeting_zh_Hans = text_field(_l("Birthday message in Simplified Chinese"), max=500, rows=2)
