"""Forms of the events plugin: the event, a registration, attendance, feedback, the report."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    InputRequired,
    Length,
    Optional,
    StopValidation,
    ValidationError,
)

from core.forms import IntRange, strip, text_field
from plugins.events.labels import AUDIENCE_LABELS, CHANNEL_LABELS

MAX_CAPACITY = 10_000
MAX_PLACES = 50
MAX_PRICE = Decimal("1000000")
MAX_WEEKS = 52


def _is_text(form, field) -> None:
    """A file sent where text is expected (the report form takes files) is refused."""
    if field.data is not None and not isinstance(field.data, str):
        raise StopValidation(_l("Write text here."))


def _price(form, field) -> None:
    value = field.data
    if value is None:
        return
    if not value.is_finite() or value < 0 or value > MAX_PRICE:
        raise ValidationError(_l("Write a price from 0 up, such as 50 or 12.50."))


class EventForm(FlaskForm):
    title = text_field(_l("Title"), max=200, required=_l("Give the event a title."))
    description = text_field(_l("Description"), max=5000, rows=4)
    place = text_field(_l("Place"), max=200, required=_l("Say where it takes place."))
    day = DateField(
        _l("Date"),
        validators=[InputRequired(message=_l("Give the date."))],
        invalid_value_message=_l("Write the date as YYYY-MM-DD."),
    )
    start_time = TimeField(
        _l("Starts at"),
        validators=[InputRequired(message=_l("Give the starting time."))],
        invalid_value_message=_l("Write the time as HH:MM."),
    )
    end_time = TimeField(
        _l("Ends at"),
        validators=[InputRequired(message=_l("Give the ending time."))],
        invalid_value_message=_l("Write the time as HH:MM."),
    )
    capacity = IntegerField(
        _l("Places"),
        validators=[
            InputRequired(message=_l("Say how many people can come.")),
            IntRange(1, MAX_CAPACITY, _l("Write a number from 1 to 10,000.")),
        ],
        invalid_value_message=_l("Write a whole number."),
        render_kw={"min": 1, "inputmode": "numeric"},
    )
    audience = SelectField(
        _l("For whom"),
        choices=[SelectChoice(code, label) for code, label in AUDIENCE_LABELS.items()],
        default="site",
    )
    building_ids = SelectMultipleField(_l("Buildings"), coerce=int, validate_choice=True)
    min_age = IntegerField(
        _l("Youngest age"),
        validators=[
            Optional(),
            IntRange(0, 130, _l("Write an age from 0 to 130.")),
        ],
        invalid_value_message=_l("Write a whole number."),
        render_kw={"min": 0, "inputmode": "numeric"},
    )
    max_age = IntegerField(
        _l("Oldest age"),
        validators=[
            Optional(),
            IntRange(0, 130, _l("Write an age from 0 to 130.")),
        ],
        invalid_value_message=_l("Write a whole number."),
        render_kw={"min": 0, "inputmode": "numeric"},
    )
    opens_on = DateField(
        _l("Registration opens on"),
        validators=[Optional()],
        invalid_value_message=_l("Write the date as YYYY-MM-DD."),
    )
    closes_on = DateField(
        _l("Last day to register"),
        validators=[Optional()],
        invalid_value_message=_l("Write the date as YYYY-MM-DD."),
    )
    price = DecimalField(
        _l("Price (leave empty if free)"),
        places=2,
        validators=[Optional(), _price],
        invalid_value_message=_l("Write a price from 0 up, such as 50 or 12.50."),
        render_kw={"min": 0, "step": "0.01", "inputmode": "decimal"},
    )
    staff_id = SelectField(_l("Staff in charge"), coerce=int, validate_choice=True)
    repeat_weeks = IntegerField(
        _l("Repeat every week, how many times in all"),
        default=1,
        validators=[
            Optional(),
            IntRange(1, MAX_WEEKS, _l("Write a number from 1 to 52.")),
        ],
        invalid_value_message=_l("Write a whole number."),
        render_kw={"min": 1, "max": MAX_WEEKS, "inputmode": "numeric"},
    )
    version_id = HiddenField()

    def validate_end_time(self, field) -> None:
        if field.data and self.start_time.data and field.data <= self.start_time.data:
            raise ValidationError(_l("The event must end after it starts."))

    def validate_max_age(self, field) -> None:
        if field.data is not None and self.min_age.data is not None:
            if field.data < self.min_age.data:
                raise ValidationError(_l("The oldest age cannot be below the youngest."))

    def validate_closes_on(self, field) -> None:
        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError(_l("Registration cannot close before it opens."))
        if field.data and self.day.data and field.data > self.day.data:
            raise ValidationError(_l("Registration must close by the day of the event."))

    def validate_building_ids(self, field) -> None:
        if self.audience.data == "buildings" and not field.data:
            raise ValidationError(_l("Choose at least one building."))


class RegisterForm(FlaskForm):
    resident_id = IntegerField(
        _l("Resident"),
        validators=[InputRequired(message=_l("Choose a resident."))],
        invalid_value_message=_l("Choose a resident."),
    )
    places = IntegerField(
        _l("People coming"),
        default=1,
        validators=[
            InputRequired(message=_l("Say how many people are coming.")),
            IntRange(1, MAX_PLACES, _l("Write a number from 1 to 50.")),
        ],
        invalid_value_message=_l("Write a whole number."),
        render_kw={"min": 1, "max": MAX_PLACES, "inputmode": "numeric"},
    )
    channel = SelectField(
        _l("How they asked"),
        choices=[SelectChoice(code, label) for code, label in CHANNEL_LABELS.items()],
        default="phone",
    )


class AttendedForm(FlaskForm):
    attended = BooleanField(_l("Came"))


class FeedbackForm(FlaskForm):
    score = SelectField(
        _l("Satisfaction"),
        coerce=int,
        choices=[SelectChoice(n, str(n)) for n in range(1, 6)],
        validate_choice=True,
    )


class ReportForm(FlaskForm):
    report = TextAreaField(
        _l("What happened"),
        filters=[strip],
        validators=[_is_text, Length(max=10000, message=_l("Use at most %(max)d characters."))],
        render_kw={"rows": 6},
    )
    photo = FileField(_l("Add a photo (JPEG, PNG or WebP)"))


class ConfirmForm(FlaskForm):
    """A button that only needs its CSRF token."""
