"""An estate with the service desk on, a butler responsible for its tower, a resident."""

from __future__ import annotations

from dataclasses import dataclass

from core.extensions import db
from core.models import Building, Resident, Site, Unit, User
from plugins.service_desk.models import ServiceDeskCategory

NAME = "service_desk"


@dataclass
class Estate:
    site: Site
    tower: Building
    unit: Unit
    resident: Resident
    butler: User
    manager: User
    plumbing: ServiceDeskCategory
    noise: ServiceDeskCategory

    @property
    def base(self) -> str:
        return f"/s/{self.site.slug}/service_desk"


def build_estate(app, make, timezone: str = "Asia/Hong_Kong") -> Estate:
    built = make.estate(
        timezone=timezone,
        plugins=[NAME],
        units=[{"number": "12A", "floor": 12}],
        residents=[{"unit": 0, "name": "Chan Tai Man", "phone": "91234567"}],
        staff=[
            {"role": "butler", "display_name": "Ben Wong", "towers": [0]},
            {"role": "manager", "display_name": "Michael Cheung"},
        ],
    )
    site, tower, unit, resident = built.site, built.tower, built.unit, built.resident
    butler, manager = built.butler, built.manager
    with app.app_context():
        plumbing = ServiceDeskCategory(
            site_id=site.id, type="repair", name="Plumbing", reply_minutes=30, complete_hours=48
        )
        noise = ServiceDeskCategory(
            site_id=site.id, type="complaint", name="Noise", reply_minutes=30, complete_hours=72
        )
        db.session.add_all([plumbing, noise])
        db.session.commit()
        db.session.refresh(plumbing)
        db.session.refresh(noise)
        db.session.expunge_all()
    return Estate(site, tower, unit, resident, butler, manager, plumbing, noise)
