"""An estate with home visits on: two towers in Hong Kong, households, a butler per tower."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from core.extensions import db
from core.models import Resident, Site, Unit, User
from plugins.visits.models import VisitsVisit

HONG_KONG = ZoneInfo("Asia/Hong_Kong")
# "Now" in most tests: Wednesday 18 November 2026, 10:00 in Hong Kong (Q4, week of 16th).
NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)


def hk(day: date, at: time = time(10)) -> datetime:
    return datetime.combine(day, at, tzinfo=HONG_KONG).astimezone(UTC)


@pytest.fixture(autouse=True)
def fixed_now(clock):
    clock.set(NOW)
    return NOW


@pytest.fixture
def estate(make):
    """Tower 1 (Ben's): six households on floors 1-3 and a vacant unit; tower 2 (Amy's):
    three households."""
    built = make.estate(
        name="Harbour View",
        timezone="Asia/Hong_Kong",
        plugins=["visits"],
        towers=["T1", "T2"],
        units=[
            *[
                {"tower": 0, "number": f"{f}{c}", "floor": f, "status": "occupied"}
                for f in (1, 2, 3)
                for c in "AB"
            ],
            {"tower": 0, "number": "4A", "floor": 4, "status": "vacant"},
            *[{"tower": 1, "number": f"{n}A", "floor": n, "status": "occupied"} for n in (1, 2, 3)],
        ],
        residents=[
            *[{"unit": n, "name": f"Chan {n}", "phone": f"9100{n:04d}"} for n in range(6)],
            *[{"unit": 7 + n, "name": f"Wong {n}", "phone": f"9200{n:04d}"} for n in range(3)],
        ],
        staff={
            "ben": {"role": "butler", "towers": [0], "display_name": "Ben Lee"},
            "amy": {"role": "butler", "towers": [1], "display_name": "Amy Ho"},
            "mia": "manager",
            "fay": "front_desk",
        },
    )
    return built


def visit(app, site: Site, unit: Unit, resident: Resident, butler: User, day: date, **fields):
    """A visit recorded directly (the view is tested on its own)."""
    with app.app_context():
        unit = db.session.get(Unit, unit.id)
        row = VisitsVisit(
            site_id=site.id,
            unit_id=unit.id,
            resident_id=resident.id,
            building_id=unit.building_id,
            visited_at=fields.pop("at", hk(day)),
            visited_on=day,
            kind=fields.pop("kind", "routine"),
            outcome=fields.pop("outcome", "met"),
            butler_id=butler.id,
            form={},
            changed=[],
            **fields,
        )
        db.session.add(row)
        db.session.commit()
        return row.id
