"""The core's forms, and the fields and validators that plugins' forms share.

``core.forms.account`` holds the account pages' forms, ``core.forms.residents`` the
resident pages', ``core.forms.staff`` the staff pages'. What a plugin's form may use is
here: ``text_field`` for a line or a box of text, ``IntRange`` for whole numbers and
``staff_choices`` for a "who does it" field.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from core import tenancy
from core.extensions import db
from core.models import Membership, User

__all__ = ["IntRange", "staff_choices", "strip", "text_field"]


def strip(value: Any) -> Any:
    """A filter: text without the spaces around it (anything else as it came)."""
    return value.strip() if isinstance(value, str) else value


def text_field(
    label: object,
    *,
    max: int,  # noqa: A002
    required: object | None = None,
    rows: int | None = None,
    **render_kw: Any,
) -> StringField:
    """A line of text (or, with ``rows``, a box) of at most ``max`` characters, stripped.

    ``required`` is the message shown next to it when it is left empty; without it the
    field may stay empty. Too long a text is refused with "Use at most N characters.".
    """
    too_long = Length(max=max, message=_l("Use at most %(max)d characters."))
    validators = [DataRequired(message=required), too_long] if required else [Optional(), too_long]
    kind = TextAreaField if rows else StringField
    attributes = {"rows": rows} if rows else {"maxlength": max}
    return kind(
        label, filters=[strip], validators=validators, render_kw={**attributes, **render_kw}
    )


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
    rows = db.session.execute(
        sa.select(User.id, User.display_name)
        .where(
            User.active.is_(True),
            User.id.in_(tenancy.select(Membership, Membership.user_id, site=site)),
        )
        .order_by(User.display_name)
    ).all()
    return [SelectChoice(0, "—")] + [SelectChoice(uid, name) for uid, name in rows]
