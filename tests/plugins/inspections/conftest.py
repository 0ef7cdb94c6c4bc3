"""An estate with rounds on: two towers, a vacant unit, a butler of tower 1, an assistant,
a manager and the front desk; the clock at 09:10 of today on the site's wall clock."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, time

import pytest

from core import clock as core_clock
from core.extensions import db
from core.models import Building, Site, Unit, User
from core.testing.photos import tiny_png

PNG = tiny_png()


def png(name: str = "leak.png"):
    return (io.BytesIO(PNG), name)


@dataclass
class Estate:
    site: Site
    t1: Building
    t2: Building
    vacant: Unit
    home: Unit
    butler: User
    assistant: User
    manager: User
    front_desk: User
    day: date
    switches: dict

    @property
    def url(self) -> str:
        return f"/s/{self.site.slug}/inspections"


@pytest.fixture
def estate(make, clock) -> Estate:
    built = make.estate(
        name="Harbour View",
        timezone="Asia/Hong_Kong",
        plugins=["inspections"],
        towers=["T1", "T2"],
        units=[
            {"tower": 0, "floor": 3, "number": "3A", "status": "vacant"},
            {"tower": 0, "floor": 5, "number": "5B", "status": "occupied"},
        ],
        staff={
            "ben": {"role": "butler", "towers": [0], "display_name": "Ben Lau"},
            "amy": {"role": "assistant", "display_name": "Amy Ho", "email": "amy@example.com"},
            "mia": "manager",
            "fay": "front_desk",
        },
    )
    day = core_clock.today(built.site)
    clock.at_local(built.site, day, time(9, 10))
    return Estate(
        site=built.site,
        t1=built.towers[0],
        t2=built.towers[1],
        vacant=built.units[0],
        home=built.units[1],
        butler=built.staff["ben"],
        assistant=built.staff["amy"],
        manager=built.staff["mia"],
        front_desk=built.staff["fay"],
        day=day,
        switches=built.switches,
    )


def reload(obj):
    """The row again, in the current session."""
    return db.session.get(type(obj), obj.id)
