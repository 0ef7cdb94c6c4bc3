"""An estate with paid services on: Ben the butler sells, Mia the manager runs the catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from core.extensions import db
from core.models import Building, Resident, Site, Unit
from plugins.paid_services.models import PaidServicesService


@dataclass
class Estate:
    site: Site
    tower: Building
    flat: Unit
    chan: Resident
    cleaning: PaidServicesService
    tubes: PaidServicesService
    deep_clean: PaidServicesService
    plants: PaidServicesService

    @property
    def base(self) -> str:
        return f"/s/{self.site.slug}/paid_services"


def add_service(app, site, name, unit, price_minor, active=True) -> PaidServicesService:
    with app.app_context():
        service = PaidServicesService(
            site_id=site.id, name=name, unit_of_sale=unit, price_minor=price_minor, active=active
        )
        db.session.add(service)
        db.session.commit()
        db.session.refresh(service)
        db.session.expunge(service)
    return service


@pytest.fixture
def estate(app, make) -> Estate:
    built = make.estate(
        name="Harbour View",
        currency="HKD",
        timezone="Asia/Hong_Kong",
        plugins=["paid_services"],
        units=[{"number": "12C", "area_m2": Decimal("85.50")}],
        residents=[{"unit": 0, "name": "Chan Tai Man"}],
        staff={
            "ben": {"role": "butler", "display_name": "Ben Wong"},
            "mia": {"role": "manager", "display_name": "Mia Lau"},
            "fay": {"role": "front_desk", "display_name": "Fay Chan"},
        },
    )
    site = built.site
    return Estate(
        site=site,
        tower=built.tower,
        flat=built.unit,
        chan=built.resident,
        cleaning=add_service(app, site, "Home cleaning", "hour", 15000),
        tubes=add_service(app, site, "Fluorescent tube replacement", "visit", 12000),
        deep_clean=add_service(app, site, "Post-renovation cleaning", "m2", 1800),
        plants=add_service(app, site, "Indoor plant rental", "month", 8000),
    )
