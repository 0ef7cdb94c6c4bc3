"""What paid services hold about a resident, for an access request, and its erasure.

Erasure: orders, their lines and payments stay, for the money taken and the services sold;
the notes written about the order and the resident's comments are blanked, and the name of
whoever accepted the work is replaced by ``#<id>`` where it was the resident's.
"""

from __future__ import annotations

import sqlalchemy as sa

from core.privacy import blank_rows, rows_of, scrub
from plugins.paid_services.models import PaidServicesLine, PaidServicesOrder, PaidServicesPayment

NOTES = {"note": "", "delivery_note": "", "satisfaction_note": "", "cancel_reason": ""}


def _orders(site, resident):
    return sa.select(PaidServicesOrder.id).where(
        PaidServicesOrder.site_id == site.id, PaidServicesOrder.resident_id == resident.id
    )


def rows(site, resident) -> list:
    return [
        rows_of(site, PaidServicesOrder, PaidServicesOrder.resident_id == resident.id),
        rows_of(site, PaidServicesLine, PaidServicesLine.order_id.in_(_orders(site, resident))),
        rows_of(
            site, PaidServicesPayment, PaidServicesPayment.order_id.in_(_orders(site, resident))
        ),
    ]


def erase(site, resident) -> list:
    mine = PaidServicesOrder.resident_id == resident.id
    return [
        scrub(
            site,
            PaidServicesPayment,
            ["reference", "reason"],
            resident,
            PaidServicesPayment.order_id.in_(_orders(site, resident)),
        ),
        scrub(site, PaidServicesOrder, ["accepted_by_name"], resident, mine),
        blank_rows(site, PaidServicesOrder, mine, values=NOTES),
    ]
