"""An estate with the health programme on: Helen (health staff), Mia (manager), Ben (butler)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from core.extensions import db
from core.models import Site
from plugins.health.rules import ensure_standard_checks


@dataclass
class Estate:
    site: Site
    building: object
    unit: object

    @property
    def base(self) -> str:
        return f"/s/{self.site.slug}/health"


def turn_on(app, make, site) -> None:
    make.enable(site, "health")
    with app.app_context():
        ensure_standard_checks(db.session.get(Site, site.id))
        db.session.commit()


@pytest.fixture
def estate(app, make) -> Estate:
    site = make.site(name="Harbour View", timezone="Asia/Hong_Kong")
    turn_on(app, make, site)
    building = make.building(site, code="T1")
    unit = make.unit(building, number="3A")
    make.user(role="health_staff", site=site, username="helen", display_name="Helen Lee")
    make.user(role="manager", site=site, username="mia", display_name="Mia Manager")
    ben = make.user(role="butler", site=site, username="ben", display_name="Ben Butler")
    make.assignment(ben, building)
    return Estate(site=site, building=building, unit=unit)


@pytest.fixture
def elder(make, estate):
    """Mrs Chan, 70, living in 3A, who agreed to SMS."""
    return make.resident(
        estate.site,
        estate.unit,
        name="Chan Mei Ling",
        birth_date=date(1956, 3, 1),
        phone="91234567",
        consent_sms=True,
    )
