"""Forms of the surveys plugin: a new wave, a question, the butler's channel.

The answers themselves are read by ``rules.parse_answers``: their fields are the
survey's questions, not a fixed form.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError

from core.forms import IntRange, text_field
from plugins.surveys.labels import CHANNEL_LABELS, KIND_LABELS, TARGET_LABELS

MAX_SAMPLE = 100_000
MAX_OPTIONS = 12


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in labels.items()]


class WaveForm(FlaskForm):
    template_id = SelectField(
        _l("Template"), coerce=int, validate_choice=True, render_kw={"required": False}
    )
    opens_on = DateField(
        _l("Opens on"),
        validators=[InputRequired(message=_l("Give the date."))],
        invalid_value_message=_l("Write the date as YYYY-MM-DD."),
    )
    closes_on = DateField(
        _l("Links expire after"),
        validators=[InputRequired(message=_l("Give the date."))],
        invalid_value_message=_l("Write the date as YYYY-MM-DD."),
    )
    target = SelectField(_l("Who is asked"), choices=_choices(TARGET_LABELS), default="site")
    building_ids = SelectMultipleField(_l("Buildings"), coerce=int, validate_choice=True)
    sample_size = IntegerField(
        _l("Households in the sample"),
        validators=[
            Optional(),
            IntRange(1, MAX_SAMPLE, message=_l("Give a number from 1 to %(max)d.", max=MAX_SAMPLE)),
        ],
    )
    anonymous = BooleanField(_l("Anonymous: answers are never linked to a household"))

    def validate_closes_on(self, field) -> None:
        if self.opens_on.data and field.data and field.data < self.opens_on.data:
            raise ValidationError(_l("The links cannot expire before the survey opens."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Checked once every field has its own errors (each field's check clears them).
        if self.target.data == "buildings" and not self.building_ids.data:
            self.building_ids.errors.append(_l("Choose at least one building."))
            valid = False
        if (
            self.target.data == "sample"
            and not self.sample_size.errors
            and not self.sample_size.data
        ):
            self.sample_size.errors.append(_l("Say how many households to ask."))
            valid = False
        return valid


class QuestionForm(FlaskForm):
    kind = SelectField(_l("Kind of answer"), choices=_choices(KIND_LABELS), default="rating")
    text_en = text_field(_l("Question in English"), max=300, required=_l("Write the question."))
    text_zh_hant = text_field(_l("Question in Traditional Chinese"), max=300)
    text_zh_hans = text_field(_l("Question in Simplified Chinese"), max=300)
    options = text_field(
        _l("Choices, one a line: English | 繁體 | 简体"),
        max=2000,
        rows=4,
    )

    def parsed_options(self) -> list[tuple[str, str, str]]:
        lines = [line.strip() for line in (self.options.data or "").splitlines() if line.strip()]
        parsed = []
        for line in lines:
            parts = [p.strip() for p in line.split("|")] + ["", ""]
            parsed.append((parts[0], parts[1] or parts[0], parts[2] or parts[1] or parts[0]))
        return parsed

    def validate_options(self, field) -> None:
        options = self.parsed_options()
        if self.kind.data in ("single", "multiple"):
            if len(options) < 2:
                raise ValidationError(_l("Give at least two choices, one a line."))
            if len(options) > MAX_OPTIONS:
                raise ValidationError(_l("Give at most %(max)d choices.", max=MAX_OPTIONS))
            if any(not en or len(en) > 100 for en, _hant, _hans in options):
                raise ValidationError(
                    _l("Each choice needs English words, at most 100 characters.")
                )


class RecordForm(FlaskForm):
    """The butler's answers taken with the household: how they were taken."""

    channel = SelectField(
        _l("How the answers were taken"),
        choices=[SelectChoice(k, v) for k, v in CHANNEL_LABELS.items() if k != "link"],
        default="visit",
    )
