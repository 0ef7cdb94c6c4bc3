"""Forms of the health programme. Messages stand next to the field they are about."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from core.forms import IntRange
from plugins.health.labels import RANGE_SEX_LABELS, SEX_LABELS
from plugins.health.rules import HOUSEHOLDS


def choices_of(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


def _sane_date(form, field) -> None:
    if field.data and not date(1900, 1, 1) <= field.data <= date(2200, 12, 31):
        raise ValidationError(_l("Give a date between 1900 and 2200."))


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CampaignForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Give the health check a name.")), Length(max=120)],
    )
    place = StringField(_l("Place"), validators=[Length(max=200)])
    starts_on = DateField(
        _l("First day"),
        validators=[InputRequired(_l("Give the first day.")), _sane_date],
    )
    ends_on = DateField(
        _l("Last day"), validators=[InputRequired(_l("Give the last day.")), _sane_date]
    )
    checks = CheckboxesField(
        _l("Checks offered"), coerce=int, validators=[DataRequired(_l("Choose at least one."))]
    )
    notes = TextAreaField(_l("Notes for residents"), validators=[Length(max=2000)])

    def validate_ends_on(self, field) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot come before the first."))


class SlotForm(FlaskForm):
    day = DateField(_l("Day"), validators=[InputRequired(_l("Give the day.")), _sane_date])
    time = StringField(
        _l("Time (HH:MM)"),
        validators=[InputRequired(_l("Give the time, such as 09:30.")), Length(max=5)],
    )
    capacity = IntegerField(
        _l("Places"),
        validators=[
            InputRequired(_l("Give the number of places.")),
            IntRange(1, 500, _l("Give a number from 1 to 500.")),
        ],
    )


class InviteForm(FlaskForm):
    age_min = IntegerField(
        _l("From age"),
        default=0,
        validators=[Optional(), IntRange(0, 150, _l("Give an age from 0 to 150."))],
    )
    age_max = IntegerField(
        _l("To age"),
        default=150,
        validators=[Optional(), IntRange(0, 150, _l("Give an age from 0 to 150."))],
    )
    household = SelectField(
        _l("Household type"), choices=choices_of(HOUSEHOLDS), default="any", validate_choice=True
    )

    def validate_age_max(self, field) -> None:
        low = self.age_min.data if self.age_min.data is not None else 0
        if field.data is not None and field.data < low:
            raise ValidationError(_l("The upper age cannot be below the lower."))


class BookForm(FlaskForm):
    slot_id = SelectField(_l("Time"), coerce=int, validate_choice=True)


ATTENDANCE = {"attended": _l("Came"), "missed": _l("Did not come"), "declined": _l("Declined")}


class AttendanceForm(FlaskForm):
    status = SelectField(_l("Attendance"), choices=choices_of(ATTENDANCE), validate_choice=True)

    @staticmethod
    def status_choices() -> list[SelectChoice]:
        return choices_of(ATTENDANCE)


class ProfileForm(FlaskForm):
    sex = SelectField(_l("Sex"), choices=choices_of(SEX_LABELS), validate_choice=True)
    birth_date = DateField(
        _l("Date of birth (when the resident's page has none)"),
        validators=[Optional(), _sane_date],
    )
    consent = BooleanField(_l("The resident agrees that we keep a health record"))


class AssessmentForm(FlaskForm):
    assessment = TextAreaField(
        _l("Assessment"), validators=[Length(max=5000, message=_l("Keep it under 5000 letters."))]
    )


class CheckForm(FlaskForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Give the check a name.")), Length(max=80)]
    )
    unit = StringField(_l("Unit of measure"), validators=[Length(max=20)])
    decimals = SelectField(
        _l("Decimals"), choices=[SelectChoice(n, n) for n in "012"], validate_choice=True
    )
    plausible_min = StringField(
        _l("Lowest plausible value"),
        validators=[InputRequired(_l("Give the lowest value a person can have.")), Length(max=12)],
    )
    plausible_max = StringField(
        _l("Highest plausible value"),
        validators=[InputRequired(_l("Give the highest value a person can have.")), Length(max=12)],
    )


class RangeForm(FlaskForm):
    check_id = SelectField(_l("Check"), coerce=int, validate_choice=True)
    sex = SelectField(_l("For"), choices=choices_of(RANGE_SEX_LABELS), validate_choice=True)
    age_min = IntegerField(
        _l("From age"),
        default=0,
        validators=[InputRequired(_l("Give an age.")), IntRange(0, 150, _l("0 to 150."))],
    )
    age_max = IntegerField(
        _l("To age"),
        default=150,
        validators=[InputRequired(_l("Give an age.")), IntRange(0, 150, _l("0 to 150."))],
    )
    low = StringField(
        _l("Normal from"), validators=[InputRequired(_l("Give a value.")), Length(max=12)]
    )
    high = StringField(
        _l("Normal to"), validators=[InputRequired(_l("Give a value.")), Length(max=12)]
    )

    def validate_age_max(self, field) -> None:
        if self.age_min.data is not None and field.data is not None:
            if field.data < self.age_min.data:
                raise ValidationError(_l("The upper age cannot be below the lower."))


class EraseForm(FlaskForm):
    confirm = BooleanField(
        _l("I understand that the values are deleted for good"),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )


class ResultsBase(FlaskForm):
    measured_on = DateField(
        _l("Measured on"), validators=[InputRequired(_l("Give the day.")), _sane_date]
    )


def results_form_class(checks) -> type[ResultsBase]:
    """A form with one field per check (two for a blood pressure) of the campaign."""
    fields = {}
    for check in checks:
        fields[check.code] = StringField(
            check.id, validators=[Optional(), Length(max=12)], render_kw={"inputmode": "decimal"}
        )
        if check.kind == "pair":
            fields[f"{check.code}_2"] = StringField(
                check.id,
                validators=[Optional(), Length(max=12)],
                render_kw={"inputmode": "decimal"},
            )
    return type("ResultsForm", (ResultsBase,), fields)
