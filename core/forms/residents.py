"""Forms of the resident pages: each section of the resident's page is its own form."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from core import clock
from core.i18n import LOCALE_NAMES, LOCALES
from core.tenancy import current_site

ROLE_LABELS = {
    "owner": _l("Owner"),
    "tenant": _l("Tenant"),
    "family": _l("Family member"),
    "domestic_helper": _l("Domestic helper"),
}
CONTACT_KIND_LABELS = {
    "call": _l("Call"),
    "visit": _l("Visit"),
    "message": _l("Message"),
    "note": _l("Note"),
}
PHONE_CHARS = set("0123456789 +-()")


def _phone(form, field) -> None:
    value = (field.data or "").strip()
    if value and (not set(value) <= PHONE_CHARS or sum(c.isdigit() for c in value) < 6):
        raise ValidationError(_l("Write a phone number with digits, spaces, + or -."))


EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _email(form, field) -> None:
    if field.data and not EMAIL.match(field.data.strip()):
        raise ValidationError(_l("This is not an e-mail address."))


def _not_future(form, field) -> None:
    if field.data and field.data > clock.today(current_site()):
        raise ValidationError(_l("This date is in the future."))


def _not_too_old(form, field) -> None:
    if field.data and field.data.year < 1900:
        raise ValidationError(_l("Give a date after 1900."))


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in ROLE_LABELS.items()]


class VersionedForm(FlaskForm):
    """Carries the version of the record the form was loaded from (see core/conflicts.py)."""

    version_id = HiddenField()


class ContactDetailsForm(VersionedForm):
    FIELDS = [
        "name",
        "ref",
        "phone",
        "phone2",
        "email",
        "preferred_locale",
        "consent_sms",
        "consent_email",
    ]

    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Enter the resident's name.")), Length(max=120)]
    )
    ref = StringField(_l("Resident number"), validators=[Optional(), Length(max=40)])
    phone = StringField(_l("Phone"), validators=[Length(max=40), _phone])
    phone2 = StringField(_l("Second phone"), validators=[Length(max=40), _phone])
    email = StringField(
        _l("E-mail"),
        validators=[Optional(), Length(max=200), _email],
    )
    preferred_locale = SelectField(
        _l("Preferred language"),
        choices=[SelectChoice("", _l("Not known"))]
        + [SelectChoice(code, LOCALE_NAMES[code]) for code in LOCALES],
    )
    consent_sms = BooleanField(_l("Agrees to receive SMS"))
    consent_email = BooleanField(_l("Agrees to receive e-mail"))


class HomeVisitForm(VersionedForm):
    """The fields of the butler's home-visit form (《管家家訪信息表》)."""

    FIELDS = [
        "birth_date",
        "employer",
        "work_phone",
        "work_address",
        "hobbies",
        "emergency_contact_name",
        "emergency_contact_phone",
        "domestic_helper",
        "children_at_school",
        "elderly_at_home",
        "special_situations",
        "notes",
    ]

    birth_date = DateField(_l("Birth date"), validators=[Optional(), _not_future, _not_too_old])
    employer = StringField(_l("Employer"), validators=[Length(max=200)])
    work_phone = StringField(_l("Work phone"), validators=[Length(max=40), _phone])
    work_address = StringField(_l("Work address"), validators=[Length(max=300)])
    hobbies = StringField(_l("Hobbies"), validators=[Length(max=300)])
    emergency_contact_name = StringField(_l("Emergency contact"), validators=[Length(max=120)])
    emergency_contact_phone = StringField(
        _l("Emergency contact's phone"), validators=[Length(max=40), _phone]
    )
    domestic_helper = StringField(_l("Domestic helper"), validators=[Length(max=200)])
    children_at_school = StringField(_l("Children at school"), validators=[Length(max=300)])
    elderly_at_home = StringField(_l("Elderly at home"), validators=[Length(max=300)])
    special_situations = TextAreaField(
        _l("Other special situations"), validators=[Length(max=4000)]
    )
    notes = TextAreaField(_l("Notes"), validators=[Length(max=4000)])


SECTIONS = {"contact": ContactDetailsForm, "home_visit": HomeVisitForm}
SECTION_TITLES = {"contact": _l("Contact details"), "home_visit": _l("Home-visit form")}


class NewResidentForm(ContactDetailsForm):
    building_id = SelectField(_l("Building"), coerce=int, validate_choice=False)
    unit_number = StringField(_l("Unit"), validators=[Length(max=20)])
    role = SelectField(_l("Lives there as"), choices=role_choices())
    moved_in = DateField(_l("Moved in on"), validators=[Optional(), _not_too_old])


class MoveInForm(FlaskForm):
    building_id = SelectField(_l("Building"), coerce=int, validate_choice=False)
    unit_number = StringField(
        _l("Unit"), validators=[DataRequired(_l("Enter the unit number.")), Length(max=20)]
    )
    role = SelectField(_l("Lives there as"), choices=role_choices())
    moved_in = DateField(
        _l("Moved in on"),
        validators=[DataRequired(_l("Give the date of moving in.")), _not_too_old],
    )
    is_primary_contact = BooleanField(_l("Main contact of the household"))


class MoveOutForm(FlaskForm):
    moved_out = DateField(
        _l("Moved out on"),
        validators=[DataRequired(_l("Give the date of moving out.")), _not_too_old],
    )


class ContactForm(FlaskForm):
    kind = SelectField(
        _l("Kind"), choices=[SelectChoice(c, label) for c, label in CONTACT_KIND_LABELS.items()]
    )
    summary = TextAreaField(
        _l("What was said or done"),
        validators=[DataRequired(_l("Write what was said or done.")), Length(max=4000)],
    )


class VehicleForm(FlaskForm):
    plate = StringField(
        _l("Plate"), validators=[DataRequired(_l("Enter the plate number.")), Length(max=20)]
    )
    description = StringField(_l("Car"), validators=[Length(max=120)])
    parking_space = StringField(_l("Parking space"), validators=[Length(max=20)])


class PetForm(FlaskForm):
    species = StringField(
        _l("Animal"), validators=[DataRequired(_l("Say what animal it is.")), Length(max=40)]
    )
    name = StringField(_l("Pet's name"), validators=[Length(max=60)])
    notes = StringField(_l("Notes"), validators=[Length(max=300)])
