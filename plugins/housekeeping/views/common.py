"""What the housekeeping pages share: rooms looked up or created, the site's staff."""

from __future__ import annotations

from datetime import date

from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from core import htmx, tenancy
from core.extensions import db
from core.models import Membership, Unit, User
from core.security import can
from core.tenancy import current_site
from plugins.housekeeping import logic
from plugins.housekeeping.logic import (
    BLOCK_LABELS,
    CLEANED,
    MOVEMENT_LABELS,
    STATUS_COLOURS,
    STATUS_LABELS,
)
from plugins.housekeeping.models import DEFAULT_STATUS, HousekeepingRoom


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
    room.changed_at = logic.now()
    room.changed_by_id = current_user.id


def members() -> list[User]:
    """The active staff of the site, by name (each once, whatever roles they hold)."""
    site = current_site()
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.active.is_(True),
                User.id.in_(select(Membership.user_id).where(Membership.site_id == site.id)),
            )
            .order_by(User.display_name, User.id)
        )
    )


def role_holders(role: str) -> set[int]:
    site = current_site()
    return set(
        db.session.scalars(
            select(Membership.user_id).where(Membership.site_id == site.id, Membership.role == role)
        )
    )


def parse_day(text: str | None, default: date) -> date:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return default


def render(template: str, status: int = 200, **context):
    """Render with the labels every housekeeping page uses and the user's permissions."""
    return (
        render_template(
            template,
            status_labels=STATUS_LABELS,
            status_colours=STATUS_COLOURS,
            movement_labels=MOVEMENT_LABELS,
            block_labels=BLOCK_LABELS,
            cleaned=CLEANED,
            may={
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
                )
            },
            partial=htmx.wants_partial(),
            **context,
        ),
        status,
    )
