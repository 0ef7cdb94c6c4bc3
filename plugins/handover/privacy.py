"""What handover holds about a resident, for an access request, and its erasure.

A booking is the owner's, on a unit: the bookings of the units the resident lived in that
carry their name, phone or e-mail are theirs. Erasure keeps the bookings (the handover
figures count them) with the owner's name replaced by ``#<id>``, the phone and e-mail
blank, and the drawn signature's file deleted; defects keep their place and kind.
"""

from __future__ import annotations

import sqlalchemy as sa

from core.extensions import db
from core.privacy import blank_rows, forget_signatures, label_of, naming, rows_of, scrub, unit_ids
from plugins.handover.models import HandoverBooking, HandoverDefect

OWNER = ["owner_name", "owner_phone", "owner_email", "signed_by"]


def _bookings(site, resident) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(HandoverBooking.id).where(
                HandoverBooking.site_id == site.id,
                HandoverBooking.unit_id.in_(unit_ids(site, resident)),
                naming(HandoverBooking, OWNER, resident),
            )
        )
    )


def rows(site, resident) -> list:
    ids = _bookings(site, resident)
    return [
        rows_of(site, HandoverBooking, HandoverBooking.id.in_(ids)),
        rows_of(site, HandoverDefect, HandoverDefect.booking_id.in_(ids)),
    ]


def erase(site, resident) -> list:
    ids = _bookings(site, resident)
    mine = HandoverBooking.id.in_(ids)
    return [
        scrub(
            site,
            HandoverDefect,
            ["confirmed_by", "description"],
            resident,
            HandoverDefect.booking_id.in_(ids),
        ),
        scrub(site, HandoverBooking, ["signed_by"], resident, mine),
        forget_signatures(site, HandoverBooking, mine),
        blank_rows(
            site,
            HandoverBooking,
            mine,
            values={"owner_name": label_of(resident), "owner_phone": "", "owner_email": ""},
        ),
    ]
