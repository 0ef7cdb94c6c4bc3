"""The visits plugin's forms: the visit with its form, the week's plan, the site's targets."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from core import clock
from core.forms.residents import HomeVisitForm
from core.tenancy import current_site
from plugins.visits.labels import KIND_LABELS, OUTCOME_LABELS

PERCENT = re.compile(r"^\d{1,3}(\.\d)?$")


def _not_future(form, field) -> None:
    if field.data and field.data > clock.today(current_site()):
        raise ValidationError(_l("A visit cannot be recorded for a day still to come."))


def _not_too_old(form, field) -> None:
    if field.data and field.data.year < 2000:
        raise ValidationError(_l("Give a date after 2000."))


class VisitForm(HomeVisitForm):
    """A visit and the household's visit form (《管家家訪信息表》), pre-filled from the
    resident's profile; ``version_id`` is the profile's version it was loaded from."""

    VISIT_FIELDS = ["visited_on", "visited_time", "kind", "outcome", "companions", "visit_notes"]

    visited_on = DateField(
        _l("Day of the visit"),
        validators=[DataRequired(_l("Give the day of the visit.")), _not_future, _not_too_old],
    )
    visited_time = TimeField(_l("Time of the visit"), validators=[Optional()])
    kind = SelectField(
        _l("Kind of visit"), choices=[SelectChoice(c, label) for c, label in KIND_LABELS.items()]
    )
    outcome = SelectField(
        _l("Outcome"), choices=[SelectChoice(c, label) for c, label in OUTCOME_LABELS.items()]
    )
    companions = StringField(_l("Who came along"), validators=[Length(max=200)])
    visit_notes = TextAreaField(_l("What was said and done"), validators=[Length(max=4000)])


class PlanForm(FlaskForm):
    households = SelectMultipleField(_l("Households to visit"), validate_choice=False)


class MovePlanForm(FlaskForm):
    planned_on = DateField(
        _l("Visit on"), validators=[DataRequired(_l("Give the day of the visit.")), _not_too_old]
    )


def _percent(form, field) -> None:
    value = (field.data or "").strip()
    if not PERCENT.match(value) or not 0 < float(value) <= 100:
        raise ValidationError(_l("Give a share from 0.1 to 100, for example 33.3."))


class TargetForm(FlaskForm):
    month_percent = StringField(_l("Households visited every month (%)"), validators=[_percent])
    quarter_percent = StringField(_l("Households visited every quarter (%)"), validators=[_percent])
