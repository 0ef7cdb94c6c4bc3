"""What fees hold about a resident, for an access request, and its erasure.

Bills and payments belong to the unit, not to a person: they stay, for the estate's
accounts. What names the resident (the payer written on a payment, a note on an arrear or
a chase) on the units they lived in has the name and phone replaced by ``#<id>``.
"""

from __future__ import annotations

from core.privacy import naming, rows_of, scrub, unit_ids
from plugins.fees.models import FeesArrear, FeesChase, FeesPayment

NAMED = (
    (FeesPayment, ["payer", "reference", "cancel_reason"]),
    (FeesArrear, ["note"]),
    (FeesChase, ["note"]),
)


def rows(site, resident) -> list:
    units = unit_ids(site, resident)
    return [
        rows_of(site, model, model.unit_id.in_(units), naming(model, columns, resident))
        for model, columns in NAMED
    ]


def erase(site, resident) -> list:
    units = unit_ids(site, resident)
    return [
        scrub(site, model, columns, resident, model.unit_id.in_(units)) for model, columns in NAMED
    ]
