"""An estate with the care plugin on: two towers, residents with birthdays around today,
a manager, an assistant, a butler for each tower and the front desk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from core import clock as core_clock
from core.extensions import db
from core.models import Building, PluginEnablement, Resident, Site, Unit


def born(day: date, age: int) -> date:
    """A birth date ``age`` years before ``day`` with the same month and day (a leap
    year when ``day`` is 29 February)."""
    year = day.year - age
    if (day.month, day.day) == (2, 29):
        while not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
            year -= 1
    return day.replace(year=year)


@dataclass
class Estate:
    site: Site
    t1: Building
    t2: Building
    units: list[Unit]
    residents: dict[str, Resident]
    switch: PluginEnablement
    today: date

    @property
    def url(self) -> str:
        return f"/s/{self.site.slug}/care"


@pytest.fixture
def estate(app, make, clock) -> Estate:
    with app.app_context():
        today = core_clock.today(Site(timezone="Asia/Hong_Kong"))
    soon = today + timedelta(days=3)
    built = make.estate(
        name="Harbour View",
        timezone="Asia/Hong_Kong",
        default_locale="en",
        plugins=["care"],
        towers=["T1", "T2"],
        units=[
            {"tower": 0, "number": "1A"},
            {"tower": 0, "number": "2A"},
            {"tower": 1, "number": "9A"},
        ],
        residents=[
            {
                "unit": 0,
                "name": "Chan Tai Man",
                "birth_date": born(today, 42),
                "phone": "91000001",
                "consent_sms": True,
                "preferred_locale": "en",
            },
            {
                "unit": 1,
                "name": "陳婆婆",
                "birth_date": born(soon, 82),
                "phone": "91000002",
                "email": "granny@example.com",
                "consent_email": True,
                "preferred_locale": "zh_Hans",
            },
            {
                "unit": 1,
                "name": "Lee Opted Out",
                "birth_date": born(today, 30),
                "phone": "91000003",
                "consent_sms": True,
            },
            {"unit": 0, "name": "No Consent", "birth_date": born(soon, 50), "phone": "91000004"},
            {
                "unit": 2,
                "name": "Wong Tower Two",
                "birth_date": born(today, 35),
                "phone": "91000005",
                "consent_sms": True,
            },
        ],
        staff={
            "mia": "manager",
            "amy": "assistant",
            "ben": {"role": "butler", "towers": [0]},
            "bea": {"role": "butler", "towers": [1]},
            "fay": "front_desk",
        },
    )
    residents = {r.name: r for r in built.residents}
    return Estate(built.site, *built.towers, built.units, residents, built.switches["care"], today)


@pytest.fixture
def opted_out(app, estate):
    from plugins.care.models import CareOptOut

    with app.app_context():
        db.session.add(
            CareOptOut(
                site_id=estate.site.id,
                resident_id=estate.residents["Lee Opted Out"].id,
                recorded_at=core_clock.now(),
            )
        )
        db.session.commit()
