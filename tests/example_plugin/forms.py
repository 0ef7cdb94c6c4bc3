"""The example plugin's form: a note's text."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired

from tests.example_plugin.rules import TEXT_LIMIT


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _cut(value):
    return value[:TEXT_LIMIT] if isinstance(value, str) else value


class NoteForm(FlaskForm):
    text = StringField(
        _l("Note"), filters=[_strip, _cut], validators=[DataRequired(message=_l("Write the note."))]
    )
