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
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from core.forms import IntRange, text_field
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
    description = text_field(
        _l("What the resident asks"), max=MAX_TEXT, required=_l("Describe the request."), rows=4
    )
    photo = FileField(_l("Photo (JPEG, PNG or WebP)"), render_kw={"accept": "image/*"})


class StepForm(FlaskForm):
    """A step of a request: carries the version the page was loaded with."""

    version_id = HiddenField()


class AcknowledgeForm(StepForm):
    reply = text_field(
        _l("Reply given to the resident"),
        max=MAX_TEXT,
        required=_l("Write the reply given to the resident."),
        rows=2,
    )


class AssignForm(StepForm):
    kind = SelectField(_l("Assign to"), choices=_choices(ASSIGNEE_KIND_LABELS), default="staff")
    assignee_id = SelectField(_l("Staff member"), coerce=int, validate_choice=True, default=0)
    contractor = text_field(_l("Contractor"), max=120)


class VisitForm(StepForm):
    visitor = text_field(_l("Who came"), max=120, required=_l("Name who came."))
    visited_at = DateTimeLocalField(
        _l("When"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[InputRequired(message=_l("Give the date and time of the visit."))],
    )
    accompanied = BooleanField(_l("The butler went along"))
    note = text_field(_l("Note"), max=MAX_TEXT, rows=2)


class DoneForm(StepForm):
    note = text_field(_l("What was done"), max=MAX_TEXT, rows=2)


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
    comment = text_field(_l("Comment"), max=MAX_TEXT, rows=2)


class EscalateForm(StepForm):
    to = SelectField(_l("Escalate to"), choices=_choices(ESCALATION_LABELS), default="assistant")
    note = text_field(
        _l("Why"), max=MAX_TEXT, required=_l("Say why the request is escalated."), rows=2
    )


class RootCauseForm(StepForm):
    root_cause = text_field(
        _l("Root cause"), max=MAX_TEXT, required=_l("Write the root cause."), rows=3
    )


class PhotoForm(FlaskForm):
    photo = FileField(_l("Photo (JPEG, PNG or WebP)"), render_kw={"accept": "image/*"})


class CategoryForm(FlaskForm):
    type = SelectField(_l("Type"), choices=_choices(TYPE_LABELS), default="repair")
    name = text_field(_l("Name"), max=80, required=_l("Name the category."))
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
