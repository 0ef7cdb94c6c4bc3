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
    built = make.estate(
        name="Harbour View",
        timezone="Asia/Hong_Kong",
        towers=[{"code": "T1"}],
        units=[{"number": "3A"}],
        staff={
            "helen": {"role": "health_staff", "display_name": "Helen Lee"},
            "mia": {"role": "manager", "display_name": "Mia Manager"},
            "ben": {"role": "butler", "display_name": "Ben Butler", "towers": [0]},
        },
    )
    turn_on(app, make, built.site)
    return Estate(site=built.site, building=built.tower, unit=built.unit)


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
