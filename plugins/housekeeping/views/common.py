"""What the housekeeping pages share: rooms looked up or created, the site's staff."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select

from core import clock, htmx, tenancy, uploads
from core.extensions import db
from core.models import Membership, Unit, User
from core.security import can
from plugins.housekeeping.labels import BLOCK_LABELS, MOVEMENT_LABELS, STATUS_COLOURS, STATUS_LABELS
from plugins.housekeeping.models import DEFAULT_STATUS, HousekeepingRoom
from plugins.housekeeping.rules import CLEANED


def room_of(unit: Unit) -> HousekeepingRoom | None:
    return db.session.scalar(
        tenancy.select(HousekeepingRoom).where(HousekeepingRoom.unit_id == unit.id)
    )


def room_for_write(unit: Unit) -> HousekeepingRoom:
    """The room's housekeeping row, created (unflushed) the first time it is written."""
    room = room_of(unit)
    if room is None:
        room = tenancy.new(HousekeepingRoom, unit_id=unit.id, status=DEFAULT_STATUS, vip=False)
        room.unit = unit
    return room


def change_status(room: HousekeepingRoom, status: str) -> None:
    """Set the status; a room that changes is no longer released to the front desk."""
    if room.status != status:
        room.status = status
        room.released_at = None
    if status not in CLEANED:  # cleaned (or blocked): no longer a rush
        room.rush_at = None
        room.rush_by_id = None
    room.changed_at = clock.now()
    room.changed_by_id = current_user.id


def members() -> list[User]:
    """The active staff of the site, by name (each once, whatever roles they hold)."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.active.is_(True),
                User.id.in_(tenancy.select(Membership, Membership.user_id)),
            )
            .order_by(User.display_name, User.id)
        )
    )


def role_holders(roles: frozenset[str]) -> set[int]:
    """The ids of the site's users holding one of ``roles``."""
    return set(
        db.session.scalars(
            tenancy.select(Membership, Membership.user_id).where(Membership.role.in_(roles))
        )
    )


def keep_photo(field) -> str | None:
    """Keep the photo posted in ``field`` (``core.uploads``) and give its key; None when
    none was chosen. A refused file puts its message on the field and raises
    ``uploads.Refused``."""
    data = field.data
    if not data or not getattr(data, "filename", ""):
        return None
    try:
        return uploads.save(data, plugin="housekeeping").key
    except uploads.Refused as refused:
        field.errors = [str(refused)]
        raise


def send_photo(key: str | None):
    """The photo of ``key`` to a viewer already allowed to see it; 404 when there is none."""
    if not key:
        abort(404)
    return uploads.send(key)


def parse_day(text: str | None, default: date) -> date:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return default


ID = 999_999_999_999  # stands for a room's id in the kit's URLs


def kit(may: dict[str, bool]) -> SimpleNamespace:
    """What every room card needs, worked out once per page: URLs with ``__ID__`` for the
    room's id, labels in the user's language, the CSRF token, the user's permissions.

    A namespace rather than a dict: Jinja looks attributes up first, and a board of 600
    rooms makes thousands of lookups."""

    def pattern(endpoint: str) -> str:
        return url_for(endpoint, unit_id=ID).replace(str(ID), "__ID__")

    return SimpleNamespace(
        room=pattern("housekeeping.room"),
        status=pattern("housekeeping.set_status"),
        inspect=pattern("housekeeping.inspect"),
        release=pattern("housekeeping.release"),
        csrf=generate_csrf(),
        may=SimpleNamespace(**may),
        cleaned=CLEANED,
        labels={code: str(label) for code, label in STATUS_LABELS.items()},
        colours=STATUS_COLOURS,
        t={
            "clean": _("Cleaned"),
            "service": _("Needs service"),
            "inspect": _("Inspect"),
            "release": _("Release"),
            "vip": _("VIP"),
            "released": _("Released"),
            "rush": _("Rush"),
        },
    )


def render(template: str, status: int = 200, **context):
    """Render with the labels every housekeeping page uses and the user's permissions."""
    may = {
        name: can(current_user, f"housekeeping.{name}")
        for name in (
            "clean",
            "status",
            "inspect",
            "assign",
            "keys",
            "keys_manage",
            "linen",
            "linen_manage",
            "evaluate",
            "work_orders",
            "close_orders",
            "rush",
            "guests",
            "lost_found",
            "lost_dispose",
            "labour",
            "areas",
            "spot_check",
            "briefing",
            "staff_records",
        )
    }
    return (
        render_template(
            template,
            status_labels=STATUS_LABELS,
            status_colours=STATUS_COLOURS,
            movement_labels=MOVEMENT_LABELS,
            block_labels=BLOCK_LABELS,
            cleaned=CLEANED,
            may=may,
            kit=kit(may),
            partial=htmx.wants_partial(),
            **context,
        ),
        status,
    )
