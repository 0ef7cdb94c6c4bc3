"""The maintenance plugin's forms: contractors, contracts and their plan, the work log
with its photo, the butler's check, the monthly evaluation, reopening it, the settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage, MultiDict
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from core import clock, money
from core.forms import IntRange, text_field
from core.tenancy import current_site
from plugins.maintenance.labels import CHECK_LABELS, SERVICE_LABELS, SPAN_LABELS

DATE_MESSAGE = _l("Write a date as YYYY-MM-DD.")
TIME_MESSAGE = _l("Write a time as HH:MM.")
SCORE_MESSAGE = _l("Give a score from 0 to 100.")


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in labels.items()]


class TextOnly:
    """Mixin for fields of a form sent with a file: a file posted in a text's place reads
    as bad input, not as a crash."""

    bad_input = DATE_MESSAGE

    def process_formdata(self, valuelist) -> None:
        if any(not isinstance(value, str) for value in valuelist):
            self.data = None
            raise ValueError(self.bad_input)
        super().process_formdata(valuelist)


class DayField(TextOnly, DateField):
    pass


class AtField(TextOnly, TimeField):
    bad_input = TIME_MESSAGE


class FilesForm(FlaskForm):
    """A form sent with a file: files posted for any other field are left out."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            data = super().wrap_formdata(form, formdata)
            if data is None:
                return None
            files = {name for name, f in form._fields.items() if isinstance(f, FileField)}
            kept = MultiDict()
            for key, value in data.items(multi=True):
                if not isinstance(value, FileStorage) or key in files:
                    kept.add(key, value)
            return kept


def _in_range(form, field) -> None:
    if field.data and not 2000 <= field.data.year <= 2100:
        raise ValidationError(_l("Give a date between 2000 and 2100."))


def _not_future(form, field) -> None:
    if field.data and field.data > clock.today(current_site()):
        raise ValidationError(_l("Work cannot be logged for a day still to come."))


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class WholeNumber(IntegerField):
    """A whole number whose bad input is told in the field's own words."""

    def __init__(self, label, message, low: int, high: int, **kwargs):
        self.message = message
        validators = [InputRequired(message), IntRange(low, high, message)]
        super().__init__(label, validators=validators, **kwargs)

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.message) from None


class ContractorForm(FlaskForm):
    company = text_field(_l("Company"), max=120, required=_l("Write the company's name."))
    services = Checkboxes(_l("Services"), choices=_choices(SERVICE_LABELS))
    contact_name = text_field(_l("Contact person"), max=120)
    phone = text_field(_l("Phone"), max=40)
    email = text_field(_l("E-mail"), max=200)
    notes = text_field(_l("Notes"), max=2000, rows=2)

    def validate_services(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one service."))


class ContractForm(FilesForm):
    title = text_field(_l("Contract"), max=120, required=_l("Name the contract."))
    starts_on = DayField(
        _l("Starts on"),
        validators=[InputRequired(_l("Give the first day of the contract.")), _in_range],
    )
    ends_on = DayField(
        _l("Ends on"),
        validators=[InputRequired(_l("Give the last day of the contract.")), _in_range],
    )
    value = text_field(_l("Value of the contract"), max=20, inputmode="decimal")
    document = FileField(_l("Scan of the signed contract (photo)"), render_kw={"accept": "image/*"})
    default_plan = BooleanField(_l("Start from the default plan for its services"), default=True)

    def validate_value(self, field) -> None:
        field.minor = 0
        if field.data:
            try:
                field.minor = money.parse(field.data, current_site().currency, allow_zero=True)
            except money.MoneyError as error:
                raise ValidationError(str(error)) from None

    def validate_ends_on(self, field) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The contract must end after it starts."))


class TaskForm(FlaskForm):
    name = text_field(_l("Task"), max=120, required=_l("Name the task."))
    service = SelectField(_l("Service"), choices=_choices(SERVICE_LABELS))
    times = WholeNumber(
        _l("How many times"),
        _l("Give a number from 1 to 31."),
        1,
        31,
        default=1,
    )
    span = SelectField(_l("In"), choices=_choices(SPAN_LABELS))
    building_id = SelectField(_l("Where"), coerce=int, validate_choice=True, default=0)


class ChangeTaskForm(FlaskForm):
    times = WholeNumber(
        _l("How many times"),
        _l("Give a number from 1 to 31."),
        1,
        31,
    )
    span = SelectField(_l("In"), choices=_choices(SPAN_LABELS))


class WorkForm(FilesForm):
    done_on = DayField(
        _l("Done on"),
        validators=[InputRequired(_l("Give the day the work was done.")), _in_range, _not_future],
    )
    done_time = AtField(_l("At"), validators=[Optional()])
    who = text_field(_l("Who did it"), max=120, required=_l("Write who did the work."))
    note = text_field(_l("Note"), max=2000, rows=2)
    photo = FileField(_l("Photo (JPEG, PNG or WebP)"), render_kw={"accept": "image/*"})


class CheckForm(FlaskForm):
    result = SelectField(_l("Your check"), choices=_choices(CHECK_LABELS))
    note = text_field(_l("What you saw"), max=2000, rows=2)


def _score_field(label) -> IntegerField:
    return WholeNumber(label, SCORE_MESSAGE, 0, 100)


class EvaluationForm(FlaskForm):
    quality = _score_field(_l("Quality"))
    punctuality = _score_field(_l("Punctuality"))
    attitude = _score_field(_l("Attitude"))
    comments = text_field(_l("Comments"), max=4000, rows=3)


class ReopenForm(FlaskForm):
    reason = text_field(
        _l("Why it is reopened"), max=2000, rows=2, required=_l("Write why it is reopened.")
    )


class SettingsForm(FlaskForm):
    threshold = WholeNumber(
        _l("Warn when a score is below"), _l("Give a score from 1 to 100."), 1, 100
    )
