"""Forms of the staff pages: new staff, roles on a site, butlers of buildings.

The forms name exactly the fields a page may change; anything else posted with them
(``site_id``, ``is_org_admin``, ``active``…) is never read.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from core.extensions import db
from core.models import Site, User
from core.roles import ROLE_BY_CODE, ROLES, Role

USERNAME_MIN = 3
USERNAME_MAX = 60
USERNAME_PATTERN = r"^[a-z0-9._-]+$"
# Deliberately loose: one @, something on both sides, a dot in the domain, no spaces.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
PHONE_PATTERN = r"^\+?[0-9][0-9 ()-]*$"


def _clean(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _clean_username(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def roles_for(site: Site) -> list[Role]:
    """The roles that may be given on ``site``: hotel roles on hotels, the others elsewhere.

    ``org_admin`` is never among them: it belongs to the account, not to a site.
    """
    return [r for r in ROLES if r.code != "org_admin" and r.hotel == site.is_hotel]


def role_problems(codes: list[str], site: Site) -> list[str]:
    """Why some of ``codes`` cannot be given on ``site`` (empty when all can)."""
    problems = []
    for code in dict.fromkeys(codes):
        role = ROLE_BY_CODE.get(code)
        if role is None:
            problems.append(_("Choose roles from the list."))
        elif code == "org_admin":
            problems.append(
                _("Organisation admins are named for the whole company, not given per site.")
            )
        elif role.hotel and not site.is_hotel:
            problems.append(
                _(
                    "%(role)s is a hotel role: it cannot be given on a residential estate.",
                    role=role.label,
                )
            )
        elif not role.hotel and site.is_hotel:
            problems.append(
                _(
                    "%(role)s is a role of residential estates: it cannot be given on a hotel.",
                    role=role.label,
                )
            )
    return list(dict.fromkeys(problems))


class RolesField(SelectMultipleField):
    """Roles on the current site, shown as checkboxes; checked against the site's kind."""

    def __init__(self, label=None, validators=None, **kwargs: Any) -> None:
        super().__init__(label, validators, validate_choice=False, **kwargs)


class _SiteForm(FlaskForm):
    """A form that knows the site it is used on (for the roles it may give)."""

    def __init__(self, *args: Any, site: Site, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.site = site
        if hasattr(self, "roles"):
            self.roles.choices = [(r.code, r.label) for r in roles_for(site)]

    def _check_roles(self, field: RolesField, *, required: bool) -> None:
        chosen = field.data or []
        problems = role_problems(chosen, self.site)
        if problems:
            raise ValidationError(" ".join(problems))
        if required and not chosen:
            raise ValidationError(_("Choose at least one role."))
        # Keep the order of the list of roles, without repeats.
        field.data = [r.code for r in roles_for(self.site) if r.code in chosen]


class NewStaffForm(_SiteForm):
    username = StringField(
        _l("Username"),
        filters=[_clean_username],
        validators=[
            DataRequired(message=_l("Choose a username.")),
            Length(
                min=USERNAME_MIN,
                max=USERNAME_MAX,
                message=_l(
                    "Use %(min)d to %(max)d characters.", min=USERNAME_MIN, max=USERNAME_MAX
                ),
            ),
            Regexp(
                USERNAME_PATTERN,
                message=_l("Use only letters, digits, dots, hyphens and underscores."),
            ),
        ],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )
    display_name = StringField(
        _l("Name"),
        filters=[_clean],
        validators=[
            DataRequired(message=_l("Enter the name colleagues know them by.")),
            Length(max=120),
        ],
        render_kw={"autocomplete": "off"},
    )
    email = StringField(
        _l("E-mail (optional)"),
        filters=[_clean],
        validators=[
            Optional(),
            Length(max=200),
            Regexp(EMAIL_PATTERN, message=_l("This does not look like an e-mail address.")),
        ],
        render_kw={"type": "email", "autocomplete": "off"},
    )
    phone = StringField(
        _l("Phone (optional)"),
        filters=[_clean],
        validators=[
            Optional(),
            Length(max=40),
            Regexp(PHONE_PATTERN, message=_l("Use digits, spaces and a leading + only.")),
        ],
        render_kw={"type": "tel", "autocomplete": "off"},
    )
    roles = RolesField(_l("Roles on this site"))

    def validate_username(self, field: StringField) -> None:
        taken = db.session.scalar(
            select(func.count(User.id)).where(func.lower(User.username) == field.data)
        )
        if taken:
            raise ValidationError(_("This username is taken. Choose another."))

    def validate_roles(self, field: RolesField) -> None:
        self._check_roles(field, required=True)


class ExistingStaffForm(_SiteForm):
    """Bring someone who already has an account in the organisation onto this site."""

    username = StringField(
        _l("Username"),
        filters=[_clean_username],
        validators=[DataRequired(message=_l("Enter their username.")), Length(max=USERNAME_MAX)],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )
    roles = RolesField(_l("Roles on this site"))

    def validate_roles(self, field: RolesField) -> None:
        self._check_roles(field, required=True)


class RolesForm(_SiteForm):
    roles = RolesField(_l("Roles on this site"))

    def validate_roles(self, field: RolesField) -> None:
        self._check_roles(field, required=False)


class SecondFactorRolesForm(FlaskForm):
    """The roles, on any site of the organisation, whose holders must use a second factor."""

    roles = RolesField(_l("Roles that must log in with a second step"))

    def validate_roles(self, field: RolesField) -> None:
        if any(code not in ROLE_BY_CODE for code in field.data or []):
            raise ValidationError(_("Choose roles from the list."))


class AssignForm(FlaskForm):
    # The user id of the butler chosen, or "" for nobody. Checked in the view against the
    # butlers of the site, so that a refusal can say why.
    butler = SelectField(_l("Responsible butler"), validate_choice=False)
    # The butler shown when the page was loaded ("" for nobody): a change made meanwhile
    # by someone else is refused instead of being overwritten.
    expected = HiddenField()
