"""The site's settings form: how many days the daily purge keeps each kind of record."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired, ValidationError

from core.retention import LIMITS, Limit


def _within(limit: Limit):
    """A range check that stays quiet when the value did not parse (that has its message)."""

    def check(form: FlaskForm, field: IntegerField) -> None:
        if field.data is not None and not limit.low <= field.data <= limit.high:
            raise ValidationError(
                _l("Give from %(low)s to %(high)s days.", low=limit.low, high=limit.high)
            )

    return check


def _days_field(limit: Limit) -> IntegerField:
    return IntegerField(
        limit.label,
        validators=[InputRequired(message=_l("Give a number of days.")), _within(limit)],
        invalid_value_message=_l("Write a whole number."),
        render_kw={"min": limit.low, "max": limit.high, "inputmode": "numeric"},
    )


class RetentionForm(FlaskForm):
    """One whole number of days per ``core.retention.LIMITS`` entry, named by its column."""

    FIELDS = [limit.column for limit in LIMITS]


for _limit in LIMITS:
    setattr(RetentionForm, _limit.column, _days_field(_limit))
