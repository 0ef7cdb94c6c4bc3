"""A hotel with one tower, a housekeeping team and the plugin on."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from core.models import Building, Site, Unit, User
from core.testing.photos import tiny_png

# A real PNG of a few pixels (a photo of a broken lamp, as far as tests go).
PNG = tiny_png()


@dataclass
class Hotel:
    site: Site
    tower: Building
    rooms: dict[str, Unit]
    staff: dict[str, User]

    def url(self, path: str = "") -> str:
        return f"/s/{self.site.slug}/housekeeping/{path}"

    def room(self, number: str) -> int:
        return self.rooms[number].id


TEAM = {
    "eva": "exec_housekeeper",
    "amy": "asst_housekeeper",
    "sam": "floor_supervisor",
    "ann": "room_attendant",
    "al": "room_attendant",
    "fay": "front_desk",
    "lin": "linen_attendant",
}


@pytest.fixture
def hotel(make) -> Hotel:
    built = make.estate(
        name="Grand Harbour Hotel",
        kind="hotel",
        slug="grand",
        plugins=["housekeeping"],
        towers=[{"code": "T1", "name": "Tower 1", "floors": 20}],
        units=[
            {"floor": floor, "number": f"{floor}{n:02d}", "room_type": "King"}
            for floor in (11, 12)
            for n in range(1, 4)
        ],
        staff={
            username: {"role": role, "display_name": username.title()}
            for username, role in TEAM.items()
        },
    )
    rooms = {unit.number: unit for unit in built.units}
    return Hotel(built.site, built.tower, rooms, built.staff)
