"""An estate with the events plugin on: two towers, residents, a manager and a butler."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.extensions import db
from core.models import Building, PluginEnablement, Resident, Site, User
from plugins.events import rules
from plugins.events.models import AudienceBuilding, Event, Registration

HONG_KONG = ZoneInfo("Asia/Hong_Kong")
# "Now" in the tests: Wednesday 25 November 2026, 10:00 in Hong Kong.
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def hk(text: str) -> datetime:
    """A Hong Kong wall-clock time ``2026-11-28T19:00`` as an aware UTC time."""
    return datetime.fromisoformat(text).replace(tzinfo=HONG_KONG).astimezone(UTC)


@dataclass
class Estate:
    site: Site
    t1: Building
    t2: Building
    manager: User
    butler: User
    residents: list[Resident]
    switch: PluginEnablement

    @property
    def url(self) -> str:
        return f"/s/{self.site.slug}/events"


@pytest.fixture(autouse=True)
def fixed_now(clock):
    clock.set(NOW)
    return NOW


@pytest.fixture
def estate(make) -> Estate:
    built = make.estate(
        name="Harbour View",
        timezone="Asia/Hong_Kong",
        plugins=["events"],
        towers=["T1", "T2"],
        units=[{"tower": 0 if n < 6 else 1, "number": f"{n + 1}A"} for n in range(8)],
        residents=[
            {"unit": n, "name": f"Resident {n:02d}", "phone": f"9100{n:04d}", "consent_sms": True}
            for n in range(8)
        ],
        staff={"mia": "manager", "ben": "butler"},
    )
    t1, t2 = built.towers
    return Estate(
        built.site, t1, t2, built.manager, built.butler, built.residents, built.switches["events"]
    )


def add_event(app, site: Site, **fields) -> Event:
    """An event on ``site`` (Saturday 28 November 2026, 19:00–21:00 Hong Kong by default)."""
    fields.setdefault("title", "Lantern evening")
    fields.setdefault("place", "Clubhouse")
    fields.setdefault("starts_at", hk("2026-11-28T19:00"))
    fields.setdefault("ends_at", fields["starts_at"] + timedelta(hours=2))
    fields.setdefault("capacity", 10)
    buildings = fields.pop("buildings", [])
    with app.app_context():
        event = Event(site_id=site.id, **fields)
        db.session.add(event)
        db.session.flush()
        for building in buildings:
            db.session.add(
                AudienceBuilding(site_id=site.id, event_id=event.id, building_id=building.id)
            )
        db.session.commit()
        db.session.refresh(event)
        db.session.expunge(event)
    return event


def register(app, event: Event, resident: Resident, places: int = 1, at=None) -> Registration:
    """Register through the rules, as a view would, and commit."""
    with app.app_context():
        e = db.session.get(Event, event.id)
        r = db.session.get(Resident, resident.id)
        registration = rules.register(e, r, places, at=at)
        db.session.commit()
        db.session.refresh(registration)
        db.session.expunge(registration)
    return registration


def statuses(app, event: Event) -> dict[str, str]:
    """Each registered resident's name and status, in the order they registered."""
    with app.app_context():
        rows = db.session.execute(
            db.select(Resident.name, Registration.status)
            .join(Registration, Registration.resident_id == Resident.id)
            .where(Registration.event_id == event.id)
            .order_by(Registration.queued_at, Registration.id)
        ).all()
    return dict(rows)
