"""Forms of the rounds: start a round, mark an item, close a finding, permits and passes,
the site's settings and its route."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage, MultiDict
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError

from core.forms import IntRange, text_field
from core.tenancy import MAX_ID
from plugins.inspections.labels import (
    AREA_LABELS,
    CONDITION_LABELS,
    KIND_LABELS,
    OWNER_LABELS,
    RESULT_LABELS,
    ROUND_KIND_LABELS,
    UNIT_CHECK_LABELS,
)

DATE_MESSAGE = _l("Write a date as YYYY-MM-DD.")
TIME_MESSAGE = _l("Write a time as HH:MM.")


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in labels.items()]


class DayField(DateField):
    """A date typed as YYYY-MM-DD; a file posted in its place is refused like bad text."""

    def process_formdata(self, valuelist) -> None:
        if any(not isinstance(value, str) for value in valuelist):
            self.data = None
            raise ValueError(DATE_MESSAGE)
        super().process_formdata(valuelist)


class ClockField(TimeField):
    """A time typed as HH:MM; a file posted in its place is refused like bad text."""

    def process_formdata(self, valuelist) -> None:
        if any(not isinstance(value, str) for value in valuelist):
            self.data = None
            raise ValueError(TIME_MESSAGE)
        super().process_formdata(valuelist)


class WithPhotoForm(FlaskForm):
    """A form posted with a photo: a file sent in place of a text, date or choice field is
    dropped, so that the field reads as left empty (and says so) instead of failing."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            data = super().wrap_formdata(form, formdata)
            if data is None:
                return None
            files = {name for name, f in form._fields.items() if isinstance(f, FileField)}
            kept = MultiDict()
            for key, value in data.items(multi=True):
                if isinstance(value, FileStorage) and key not in files:
                    continue
                kept.add(key, value)
            return kept


def _photo_field(label=None) -> FileField:
    return FileField(label or _l("Photo (JPEG, PNG or WebP)"), render_kw={"accept": "image/*"})


class StartForm(FlaskForm):
    building_id = SelectField(
        _l("Building"),
        coerce=int,
        validators=[InputRequired(message=_l("Choose the building."))],
        render_kw={"required": False},
    )
    kind = SelectField(_l("Kind of round"), choices=_choices(ROUND_KIND_LABELS), default="routine")
    participants = text_field(_l("Walking with (the cleaning and greening leads)"), max=300)
    checkpoint_id = IntegerField(
        validators=[Optional(), IntRange(1, MAX_ID, message=_l("Choose the checkpoint."))]
    )


class MarkForm(WithPhotoForm):
    """One item (or a unit's check) marked ok, or a finding raised with it."""

    item_id = IntegerField(
        validators=[Optional(), IntRange(1, MAX_ID, message=_l("Choose the item."))]
    )
    unit_id = IntegerField(
        validators=[Optional(), IntRange(1, MAX_ID, message=_l("Choose the unit."))]
    )
    unit_check = SelectField(
        choices=[SelectChoice("", ""), *_choices(UNIT_CHECK_LABELS)],
        validators=[Optional()],
        default="",
    )
    result = SelectField(_l("Result"), choices=_choices(RESULT_LABELS), default="ok")
    note = text_field(_l("What is wrong"), max=1000, rows=2)
    owner_kind = SelectField(
        _l("Who puts it right"), choices=_choices(OWNER_LABELS), default="butler"
    )
    owner_name = text_field(_l("Contractor's name"), max=120)
    due_on = DayField(_l("Due by"), validators=[Optional()], format="%Y-%m-%d")
    photo = _photo_field()


class CloseForm(WithPhotoForm):
    note = text_field(_l("How it was put right"), max=1000, rows=3)
    photo = _photo_field(_l("Photo of the result (JPEG, PNG or WebP)"))


class PermitForm(FlaskForm):
    unit_id = SelectField(
        _l("Unit"),
        coerce=int,
        validators=[InputRequired(message=_l("Choose the unit."))],
        render_kw={"required": False},
    )
    number = text_field(_l("Permit number"), max=40, required=_l("Give the permit's number."))
    starts_on = DayField(
        _l("From"),
        validators=[InputRequired(message=DATE_MESSAGE)],
        format="%Y-%m-%d",
    )
    ends_on = DayField(
        _l("Until"),
        validators=[InputRequired(message=DATE_MESSAGE)],
        format="%Y-%m-%d",
    )
    contractor = text_field(_l("Contractor"), max=120, required=_l("Name the contractor."))
    hours = text_field(_l("Permitted hours"), max=60, placeholder="09:00-18:00")
    deposit = StringField(_l("Deposit"), validators=[Optional()])
    scope = text_field(_l("Works permitted"), max=2000, rows=3)

    def validate_ends_on(self, field) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The permit cannot end before it starts."))


class PassForm(WithPhotoForm):
    name = text_field(_l("Worker's name"), max=120, required=_l("Give the worker's name."))
    expires_on = DayField(
        _l("Pass valid until"),
        validators=[InputRequired(message=DATE_MESSAGE)],
        format="%Y-%m-%d",
    )
    photo = _photo_field(_l("Worker's photo (JPEG, PNG or WebP)"))


class DrawingForm(WithPhotoForm):
    photo = _photo_field(_l("Scan of the approved drawing (JPEG, PNG or WebP)"))


class SettingsForm(FlaskForm):
    first_round = ClockField(
        _l("First round at"), validators=[InputRequired(message=TIME_MESSAGE)], format="%H:%M"
    )
    second_round = ClockField(
        _l("Second round at"), validators=[InputRequired(message=TIME_MESSAGE)], format="%H:%M"
    )
    late_minutes = IntegerField(
        _l("A round is late after (minutes)"),
        validators=[
            InputRequired(message=_l("Give the minutes a round may take.")),
            IntRange(0, 600, message=_l("From 0 to 600 minutes.")),
        ],
    )
    photo_to_close = BooleanField(_l("Closing a finding needs a photo"))

    def validate_second_round(self, field) -> None:
        if self.first_round.data and field.data and field.data <= self.first_round.data:
            raise ValidationError(_l("The second round comes after the first."))


class CheckpointForm(FlaskForm):
    building_id = SelectField(
        _l("Building"),
        coerce=int,
        validators=[InputRequired(message=_l("Choose the building."))],
        render_kw={"required": False},
    )
    name = text_field(_l("Checkpoint"), max=120, required=_l("Name the checkpoint."))
    area = SelectField(
        _l("Part of the building"), choices=_choices(AREA_LABELS), default="corridor"
    )


class ItemForm(FlaskForm):
    text = text_field(_l("What to check"), max=200, required=_l("Write what to check."))
    kind = SelectField(_l("Kind of check"), choices=_choices(KIND_LABELS), default="public_area")
    condition = SelectField(_l("When"), choices=_choices(CONDITION_LABELS), default="always")


class WeatherForm(FlaskForm):
    kind = SelectField(
        _l("Today's weather"),
        choices=[
            SelectChoice("", _l("Fair")),
            SelectChoice("rain", _l("Rainy day")),
            SelectChoice("typhoon", _l("Typhoon day")),
        ],
        default="",
    )
