"""The service desk's forms: intake, each step of a request, and categories."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from core.forms import IntRange
from plugins.service_desk.labels import (
    ASSIGNEE_KIND_LABELS,
    CALLBACK_METHOD_LABELS,
    CHANNEL_LABELS,
    ESCALATION_LABELS,
    SATISFACTION_LABELS,
    TYPE_LABELS,
)

MAX_TEXT = 2000


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in labels.items()]


class IntakeForm(FlaskForm):
    resident_id = IntegerField(
        _l("Resident"),
        validators=[InputRequired(message=_l("Choose the resident."))],
    )
    category_id = SelectField(
        _l("Category"),
        coerce=int,
        validators=[InputRequired(message=_l("Choose a category."))],
        validate_choice=True,
        # The first category is chosen already: "required" would ask for an empty choice.
        render_kw={"required": False},
    )
    channel = SelectField(_l("Received by"), choices=_choices(CHANNEL_LABELS), default="phone")
    description = TextAreaField(
        _l("What the resident asks"),
        validators=[
            DataRequired(message=_l("Describe the request.")),
            Length(max=MAX_TEXT, message=_l("At most 2000 characters.")),
        ],
        render_kw={"rows": 4},
    )
    photo = FileField(_l("Photo (JPEG, PNG or WebP)"), render_kw={"accept": "image/*"})


class StepForm(FlaskForm):
    """A step of a request: carries the version the page was loaded with."""

    version_id = HiddenField()


class AcknowledgeForm(StepForm):
    reply = TextAreaField(
        _l("Reply given to the resident"),
        validators=[
            DataRequired(message=_l("Write the reply given to the resident.")),
            Length(max=MAX_TEXT, message=_l("At most 2000 characters.")),
        ],
        render_kw={"rows": 2},
    )


class AssignForm(StepForm):
    kind = SelectField(_l("Assign to"), choices=_choices(ASSIGNEE_KIND_LABELS), default="staff")
    assignee_id = SelectField(_l("Staff member"), coerce=int, validate_choice=True, default=0)
    contractor = StringField(
        _l("Contractor"),
        validators=[Optional(), Length(max=120, message=_l("At most 120 characters."))],
    )


class VisitForm(StepForm):
    visitor = StringField(
        _l("Who came"),
        validators=[
            DataRequired(message=_l("Name who came.")),
            Length(max=120, message=_l("At most 120 characters.")),
        ],
    )
    visited_at = DateTimeLocalField(
        _l("When"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[InputRequired(message=_l("Give the date and time of the visit."))],
    )
    accompanied = BooleanField(_l("The butler went along"))
    note = TextAreaField(
        _l("Note"),
        validators=[Length(max=MAX_TEXT, message=_l("At most 2000 characters."))],
        render_kw={"rows": 2},
    )


class DoneForm(StepForm):
    note = TextAreaField(
        _l("What was done"),
        validators=[Length(max=MAX_TEXT, message=_l("At most 2000 characters."))],
        render_kw={"rows": 2},
    )


class CallbackForm(StepForm):
    method = RadioField(
        _l("How"),
        choices=_choices(CALLBACK_METHOD_LABELS),
        default="call",
        validators=[InputRequired(message=_l("Choose how the resident was reached."))],
    )
    satisfaction = RadioField(
        _l("The resident is"),
        choices=_choices(SATISFACTION_LABELS),
        validators=[InputRequired(message=_l("Choose how satisfied the resident is."))],
    )
    comment = TextAreaField(
        _l("Comment"),
        validators=[Length(max=MAX_TEXT, message=_l("At most 2000 characters."))],
        render_kw={"rows": 2},
    )


class EscalateForm(StepForm):
    to = SelectField(_l("Escalate to"), choices=_choices(ESCALATION_LABELS), default="assistant")
    note = TextAreaField(
        _l("Why"),
        validators=[
            DataRequired(message=_l("Say why the request is escalated.")),
            Length(max=MAX_TEXT, message=_l("At most 2000 characters.")),
        ],
        render_kw={"rows": 2},
    )


class RootCauseForm(StepForm):
    root_cause = TextAreaField(
        _l("Root cause"),
        validators=[
            DataRequired(message=_l("Write the root cause.")),
            Length(max=MAX_TEXT, message=_l("At most 2000 characters.")),
        ],
        render_kw={"rows": 3},
    )


class PhotoForm(FlaskForm):
    photo = FileField(_l("Photo (JPEG, PNG or WebP)"), render_kw={"accept": "image/*"})


class CategoryForm(FlaskForm):
    type = SelectField(_l("Type"), choices=_choices(TYPE_LABELS), default="repair")
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(message=_l("Name the category.")),
            Length(max=80, message=_l("At most 80 characters.")),
        ],
    )
    reply_minutes = IntegerField(
        _l("Reply within (minutes)"),
        validators=[
            InputRequired(message=_l("Give the promised reply time.")),
            IntRange(min=1, max=10_080, message=_l("From 1 minute to 7 days.")),
        ],
        default=30,
    )
    complete_hours = IntegerField(
        _l("Complete within (hours)"),
        validators=[
            InputRequired(message=_l("Give the promised completion time.")),
            IntRange(min=1, max=2_160, message=_l("From 1 hour to 90 days.")),
        ],
        default=48,
    )
    active = BooleanField(_l("In use"), default=True)
