"""An estate with the handover plugin on: two towers of new units, a manager, an
assistant, a butler for the first tower and the front desk; helpers that open slots and
book owners."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from core import clock as core_clock
from core.extensions import db
from core.models import Building, PluginEnablement, Site, Unit, User
from plugins.handover import rules
from plugins.handover.models import HandoverBooking, HandoverSlot


@dataclass
class Estate:
    site: Site
    t1: Building
    t2: Building
    units: list[Unit]
    staff: dict[str, User]
    switch: PluginEnablement

    @property
    def url(self) -> str:
        return f"/s/{self.site.slug}/handover"


@pytest.fixture
def estate(app, make, clock) -> Estate:
    built = make.estate(
        name="Harbour View",
        timezone="Asia/Hong_Kong",
        default_locale="en",
        plugins=["handover"],
        towers=["T1", "T2"],
        units=[
            {"tower": 0, "number": "1A"},
            {"tower": 0, "number": "2A"},
            {"tower": 1, "number": "9A"},
        ],
        staff={
            "mia": "manager",
            "amy": "assistant",
            "ben": {"role": "butler", "towers": [0]},
            "fay": "front_desk",
        },
    )
    return Estate(built.site, *built.towers, built.units, built.staff, built.switches["handover"])


def open_slot(app, site: Site, days: int = 1, hour: int = 10, capacity: int = 4) -> int:
    """The slot ``days`` from the site's today at ``hour`` (opened if need be); its id."""
    with app.app_context():
        site = db.session.get(Site, site.id)
        day = core_clock.today(site) + timedelta(days=days)
        at = datetime.combine(day, time(hour), tzinfo=core_clock.zone(site))
        slot = db.session.scalar(
            select(HandoverSlot).where(
                HandoverSlot.site_id == site.id, HandoverSlot.starts_at == at
            )
        ) or rules.add_slot(site, at, 60, capacity)
        db.session.commit()
        return slot.id


def book(
    app,
    site: Site,
    unit: Unit,
    owner: str = "Lam Ka Yan",
    slot_id: int | None = None,
    email: str = "lam@example.com",
) -> int:
    """An owner booked for ``unit`` (in a new slot unless one is given); the booking's id."""
    slot_id = slot_id or open_slot(app, site)
    with app.app_context():
        site = db.session.get(Site, site.id)
        user = db.session.scalar(db.select(User).where(User.username == "fay"))
        booking = rules.book(
            site,
            db.session.get(HandoverSlot, slot_id),
            db.session.get(Unit, unit.id),
            owner,
            user,
            email=email,
        )
        db.session.commit()
        return booking.id


def room_ids(app, booking_id: int) -> list[int]:
    with app.app_context():
        return [r.id for r in db.session.get(HandoverBooking, booking_id).rooms]
