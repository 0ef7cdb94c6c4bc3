"""Forms of the personal-data pages: confirming an erasure, the site's years to wait."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

MIN_YEARS, MAX_YEARS = 1, 50


class EraseForm(FlaskForm):
    """The resident's name typed again: an erasure cannot be undone."""

    confirm_name = StringField(
        _l("Type the resident's name to confirm"),
        validators=[
            DataRequired(message=_l("Type the resident's name to confirm.")),
            Length(max=120),
        ],
        render_kw={"autocomplete": "off"},
    )


class ErasureSettingForm(FlaskForm):
    erasure_after_years = IntegerField(
        _l("Years after archiving before a resident can be erased"),
        validators=[
            InputRequired(message=_l("Enter a number of years.")),
            NumberRange(
                min=MIN_YEARS,
                max=MAX_YEARS,
                message=_l("Enter a number of years from 1 to 50."),
            ),
        ],
    )
