"""The forms of fees. Amounts are typed as text and read by ``money.parse``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from core import money
from core.forms import IntRange
from core.tenancy import current_site
from plugins.fees.labels import (
    BASIS_LABELS,
    CHASE_LABELS,
    FREQUENCY_LABELS,
    KIND_LABELS,
    METHOD_LABELS,
    REASON_LABELS,
)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _choices(labels):
    return [SelectChoice(code, label) for code, label in labels.items()]


class Amount:
    """Reads the field as money of the site's currency into ``field.minor`` (None when
    left empty and the field is optional)."""

    def __init__(self, optional: bool = False) -> None:
        self.optional = optional

    def __call__(self, form: FlaskForm, field: StringField) -> None:
        field.minor = None
        if self.optional and not (field.data or "").strip():
            return
        try:
            field.minor = money.parse(field.data, current_site().currency)
        except money.MoneyError as error:
            raise ValidationError(str(error)) from None


class FeeForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[DataRequired(message=_l("Name the fee.")), Length(max=120)],
    )
    kind = SelectField(_l("Kind"), choices=_choices(KIND_LABELS), default="management")
    basis = SelectField(_l("Charged"), choices=_choices(BASIS_LABELS), default="fixed")
    rate = StringField(
        _l("Amount per unit, or per m²"),
        validators=[Amount()],
        description=_l("For each billing period."),
    )
    frequency = SelectField(_l("Billed"), choices=_choices(FREQUENCY_LABELS), default="monthly")
    due_day = IntegerField(
        _l("Due on day of the month"),
        default=15,
        validators=[
            InputRequired(message=_l("Give a day from 1 to 28.")),
            IntRange(1, 28, message=_l("Give a day from 1 to 28.")),
        ],
    )


class GenerateForm(FlaskForm):
    month = StringField(
        _l("Month"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Give the month as YYYY-MM.")),
            Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", message=_l("Give the month as YYYY-MM.")),
        ],
    )


class PaymentForm(FlaskForm):
    amount = StringField(_l("Amount received"), validators=[Amount()])
    method = SelectField(_l("How"), choices=_choices(METHOD_LABELS), default="cash")
    reference = StringField(
        _l("Reference (cheque or transfer number)"),
        filters=[_strip],
        validators=[Optional(), Length(max=100)],
    )
    payer = StringField(_l("Paid by"), filters=[_strip], validators=[Optional(), Length(max=120)])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Optional() ends the field's own checks when it is empty, so this one is here.
        if self.method.data in ("cheque", "transfer") and not self.reference.data:
            self.reference.errors = [
                *self.reference.errors,
                _l("Give the cheque or transfer number."),
            ]
            return False
        return valid


class CancelPaymentForm(FlaskForm):
    action = SelectField(
        _l("What happened"),
        choices=[
            SelectChoice("voided", _l("Void: taken in error")),
            SelectChoice("refunded", _l("Refund: money given back")),
        ],
        default="voided",
    )
    reason = TextAreaField(
        _l("Why"),
        filters=[_strip],
        validators=[DataRequired(message=_l("Say why.")), Length(max=500)],
    )


class ReasonForm(FlaskForm):
    reason = SelectField(_l("Why the unit owes"), choices=_choices(REASON_LABELS))
    note = TextAreaField(_l("Note"), filters=[_strip], validators=[Optional(), Length(max=500)])


class ChaseForm(FlaskForm):
    kind = SelectField(_l("Contact"), choices=_choices(CHASE_LABELS), default="call")
    note = TextAreaField(
        _l("What was said"), filters=[_strip], validators=[Optional(), Length(max=1000)]
    )
    promise_on = DateField(_l("Promised to pay on"), validators=[Optional()])
    promise_amount = StringField(_l("Promised amount"), validators=[Amount(optional=True)])

    def validate_promise_amount(self, field) -> None:
        if (self.promise_on.data is None) != (
            getattr(field, "minor", None) is None
        ) and not field.errors:
            raise ValidationError(_l("A promise to pay needs both a date and an amount."))
