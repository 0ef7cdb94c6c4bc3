"""The forms of paid services. Amounts are typed as text and read by ``money.parse``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from core import money
from core.tenancy import current_site
from plugins.paid_services.labels import HOW_LABELS, METHOD_LABELS, SCORES, UNIT_LABELS
from plugins.paid_services.models import ACCEPTED_HOW, PAYMENT_METHODS, UNITS_OF_SALE


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class Amount:
    """Reads the field as money of the site's currency; the minor units go to ``field.minor``."""

    def __call__(self, form: FlaskForm, field: StringField) -> None:
        try:
            field.minor = money.parse(field.data, current_site().currency)
        except money.MoneyError as error:
            field.minor = None
            raise ValidationError(str(error)) from None


class Price(Amount):
    def __call__(self, form: FlaskForm, field: StringField) -> None:
        try:
            field.minor = money.parse(field.data, current_site().currency, allow_zero=True)
        except money.MoneyError as error:
            field.minor = None
            raise ValidationError(str(error)) from None


class Quantity:
    """Reads the quantity in hundredths into ``field.hundredths``; left empty, it is None
    (a per-m² service then takes the unit's area)."""

    def __call__(self, form: FlaskForm, field: StringField) -> None:
        field.hundredths = None
        if not (field.data or "").strip():
            return
        try:
            field.hundredths = money.parse_quantity(field.data)
        except money.MoneyError as error:
            field.hundredths = None
            raise ValidationError(str(error)) from None


class ServiceForm(FlaskForm):
    name = StringField(
        _l("Service"),
        filters=[_strip],
        validators=[DataRequired(message=_l("Name the service.")), Length(max=120)],
    )
    description = TextAreaField(
        _l("Description"), filters=[_strip], validators=[Optional(), Length(max=2000)]
    )
    unit_of_sale = SelectField(
        _l("Sold"), choices=[SelectChoice(code, UNIT_LABELS[code]) for code in UNITS_OF_SALE]
    )
    price = StringField(
        _l("Price"), validators=[Price()], render_kw={"inputmode": "decimal", "autocomplete": "off"}
    )
    active = BooleanField(_l("Offered to residents"), default=True)


class LineForm(FlaskForm):
    # A choice outside the site's active services is refused as "Not a valid choice".
    service_id = SelectField(_l("Service"), coerce=int)
    quantity = StringField(
        _l("Quantity"),
        default="1",
        validators=[Quantity()],
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )


class NewOrderForm(LineForm):
    unit_id = SelectField(_l("Unit"), coerce=int, default=0)
    note = TextAreaField(_l("Notes"), filters=[_strip], validators=[Optional(), Length(max=2000)])


class AcceptForm(FlaskForm):
    who = StringField(
        _l("Accepted by"),
        filters=[_strip],
        validators=[DataRequired(message=_l("Write who accepted the quote.")), Length(max=120)],
    )
    how = SelectField(
        _l("How"), choices=[SelectChoice(code, HOW_LABELS[code]) for code in ACCEPTED_HOW]
    )


class ScheduleForm(FlaskForm):
    scheduled_on = DateField(_l("Date"), validators=[Optional()], format="%Y-%m-%d")
    assigned_user_id = SelectField(_l("Staff"), coerce=int, default=0)
    contractor = StringField(
        _l("Or contractor"), filters=[_strip], validators=[Optional(), Length(max=120)]
    )


class DeliverForm(FlaskForm):
    delivered_on = DateField(
        _l("Delivered on"),
        validators=[InputRequired(message=_l("Give the date of delivery."))],
        format="%Y-%m-%d",
    )
    note = TextAreaField(
        _l("What was done"), filters=[_strip], validators=[Optional(), Length(max=2000)]
    )


class SatisfactionForm(FlaskForm):
    """Prefixed: the order's page also has the delivery form, with its own note."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "satisfaction")
        super().__init__(*args, **kwargs)

    score = SelectField(_l("Satisfaction"), coerce=int, choices=SCORES)
    note = TextAreaField(
        _l("What the resident said"), filters=[_strip], validators=[Optional(), Length(max=2000)]
    )


class CancelForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        filters=[_strip],
        validators=[DataRequired(message=_l("Say why the order is cancelled.")), Length(max=1000)],
    )


class PaymentForm(FlaskForm):
    amount = StringField(
        _l("Amount"),
        validators=[Amount()],
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    method = SelectField(
        _l("Paid by"), choices=[SelectChoice(code, METHOD_LABELS[code]) for code in PAYMENT_METHODS]
    )
    reference = StringField(
        _l("Reference (receipt or transaction number)"),
        filters=[_strip],
        validators=[Optional(), Length(max=100)],
    )


class RefundForm(FlaskForm):
    """Prefixed: the order's page also has the payment and cancel forms (amount, reason)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "refund")
        super().__init__(*args, **kwargs)

    amount = StringField(
        _l("Amount to give back"),
        validators=[Amount()],
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    method = SelectField(
        _l("Given back by"),
        choices=[SelectChoice(code, METHOD_LABELS[code]) for code in PAYMENT_METHODS],
    )
    reason = TextAreaField(
        _l("Reason"),
        filters=[_strip],
        validators=[DataRequired(message=_l("Say why the money is given back.")), Length(max=1000)],
    )


class EndRentalForm(FlaskForm):
    ended_on = DateField(
        _l("Rental ends on"),
        validators=[InputRequired(message=_l("Give the last day of the rental."))],
        format="%Y-%m-%d",
    )
