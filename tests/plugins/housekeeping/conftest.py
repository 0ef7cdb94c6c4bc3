"""A hotel with one tower, a housekeeping team and the plugin on."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from core.models import Building, Site, Unit, User


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
    site = make.site(name="Grand Harbour Hotel", kind="hotel", slug="grand")
    tower = make.building(site, code="T1", name="Tower 1", floors=20)
    rooms = {}
    for floor in (11, 12):
        for n in range(1, 4):
            number = f"{floor}{n:02d}"
            rooms[number] = make.unit(tower, floor=floor, number=number, room_type="King")
    staff = {}
    for username, role in TEAM.items():
        staff[username] = make.user(
            role=role, site=site, username=username, display_name=username.title()
        )
    make.enable(site, "housekeeping")
    return Hotel(site, tower, rooms, staff)
