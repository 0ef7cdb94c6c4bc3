"""Forms of the core's account pages: logging in, the second factor, password, language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from core.auth import MAX_PASSWORD, password_problems
from core.i18n import LOCALE_NAMES, LOCALES


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


class NewPasswordFields:
    """A new password typed twice, checked by the password rules (``password_problems``)."""

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


class ForgotPasswordForm(FlaskForm):
    # Named like the login's field, so that the login's per-account throttle counts it.
    username = StringField(
        _l("Your e-mail address or username"),
        validators=[
            DataRequired(message=_l("Enter your e-mail address or username.")),
            Length(max=200),
        ],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )


class ResetPasswordForm(NewPasswordFields, FlaskForm):
    pass


class ChangePasswordForm(NewPasswordFields, FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )


class LanguageForm(FlaskForm):
    locale = SelectField(
        _l("Language"),
        choices=[SelectChoice(code, LOCALE_NAMES[code]) for code in LOCALES],
        validate_choice=True,
    )
    next = HiddenField()
