"""The core's forms, and the fields and validators that plugins' forms share.

``core.forms.account`` holds the account pages' forms, ``core.forms.residents`` the
resident pages', ``core.forms.staff`` the staff pages'. What a plugin's form may use is
here: ``IntRange`` for whole numbers and ``staff_choices`` for a "who does it" field.
"""

from __future__ import annotations

import sqlalchemy as sa
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from core import tenancy
from core.extensions import db
from core.models import Membership, User

__all__ = ["IntRange", "staff_choices"]


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
