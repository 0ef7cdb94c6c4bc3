"""Forms of the core's account pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from core.auth import MAX_PASSWORD, password_problems
from core.i18n import LOCALE_NAMES, LOCALES


class IntRange:
    """A whole number from ``min`` to ``max`` (inclusive), for ``IntegerField``.

    WTForms' ``NumberRange`` checks ``math.isnan`` first, which turns the number into a
    float and fails with OverflowError (a 500) on a number of 400 digits; this compares
    integers only. Same arguments as ``NumberRange``.
    """

    def __init__(self, min: int, max: int, message: object) -> None:  # noqa: A002
        self.min, self.max, self.message = min, max, message

    def __call__(self, form, field) -> None:
        value = field.data
        if value is not None and not (isinstance(value, int) and self.min <= value <= self.max):
            raise ValidationError(self.message)


def staff_choices(site) -> list[SelectChoice]:
    """ "—" and the active staff of ``site`` by name: the choices of a "who does it" field.

    With the field's ``validate_choice`` on (WTForms' default), a posted id of someone
    who does not work on the site is refused.
    """
    import sqlalchemy as sa

    from core.extensions import db
    from core.models import Membership, User

    rows = db.session.execute(
        sa.select(User.id, User.display_name)
        .where(
            User.active.is_(True),
            User.id.in_(sa.select(Membership.user_id).where(Membership.site_id == site.id)),
        )
        .order_by(User.display_name)
    ).all()
    return [SelectChoice(0, "—")] + [SelectChoice(uid, name) for uid, name in rows]


class LoginForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(message=_l("Enter your username.")), Length(max=60)],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(message=_l("Enter your password.")),
            Length(max=MAX_PASSWORD),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class SecondFactorForm(FlaskForm):
    code = StringField(
        _l("Code from your app, or a recovery code"),
        validators=[DataRequired(message=_l("Enter the code.")), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text"},
    )


class TurnOnSecondFactorForm(FlaskForm):
    code = StringField(
        _l("The 6-digit code your app shows"),
        validators=[DataRequired(message=_l("Enter the code.")), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class TurnOffSecondFactorForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(message=_l("Enter your password.")), Length(max=MAX_PASSWORD)],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(message=_l("Choose a new password."))],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(message=_l("Type the new password again.")),
            EqualTo("new_password", message=_l("The two new passwords differ.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )

    def __init__(self, *args, username: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._username = username

    def validate_new_password(self, field: PasswordField) -> None:
        problems = password_problems(field.data or "", self._username)
        if problems:
            raise ValidationError(" ".join(problems))


class LanguageForm(FlaskForm):
    locale = SelectField(
        _l("Language"),
        choices=[SelectChoice(code, LOCALE_NAMES[code]) for code in LOCALES],
        validate_choice=True,
    )
    next = HiddenField()
