"""The visits plugin's forms for tests/security/test_fuzz.py."""

from __future__ import annotations

from core.testing.walks import register_forms
from plugins.visits.forms import MovePlanForm, PlanForm, TargetForm, VisitForm

NAME = "visits"


def _butler_with_a_building(kit):
    """Give the world's butler a building of their own with one household, then log in."""

    def start(s, client) -> None:
        from datetime import date

        from core.extensions import db
        from core.models import Building, ButlerAssignment, Occupancy, Resident, Unit

        with s.app.app_context():
            site_id = s.world.a.site.id
            building = Building(site_id=site_id, code="T8", name="Tower 8", floors=5)
            db.session.add(building)
            db.session.flush()
            unit = Unit(
                site_id=site_id, building_id=building.id, floor=2, number="2B", status="occupied"
            )
            resident = Resident(site_id=site_id, name="陳大文", phone="91234567")
            db.session.add_all([unit, resident])
            db.session.flush()
            db.session.add_all(
                [
                    Occupancy(
                        site_id=site_id,
                        resident_id=resident.id,
                        unit_id=unit.id,
                        moved_in=date(2020, 1, 1),
                        is_primary_contact=True,
                    ),
                    ButlerAssignment(
                        site_id=site_id,
                        building_id=building.id,
                        user_id=s.world.users["butler"].id,
                        starts_on=date(2024, 1, 1),
                    ),
                ]
            )
            db.session.commit()
            s.notes["household"] = f"{unit.id}-{resident.id}"
        kit.log_in_as("butler")(s, client)

    return start


def forms(kit) -> dict:
    from core.models import Resident

    Form, fields_of, log_in_as = kit.Form, kit.fields_of, kit.log_in_as
    return {
        "visits.record": Form(
            fields_of(VisitForm),
            lambda s: {
                "version_id": s.version(Resident, "resident_id"),
                "visited_on": "2020-06-01",
                "visited_time": "10:30",
                "kind": "routine",
                "outcome": "met",
                "companions": "Mr Lee 李先生",
                "visit_notes": "Tea with the family.",
                "employer": "Harbour Bank",
                "hobbies": "行山",
            },
            start=log_in_as("butler"),
        ),
        "visits.accept_plan": Form(
            fields_of(PlanForm),
            lambda s: {"households": [s.notes["household"]]},
            start=_butler_with_a_building(kit),
        ),
        "visits.move_plan": Form(
            fields_of(MovePlanForm),
            lambda s: {"planned_on": "2030-01-02"},
            start=log_in_as("manager"),
        ),
        "visits.remove_plan": Form({}, start=log_in_as("manager")),
        "visits.targets": Form(
            fields_of(TargetForm),
            lambda s: {"month_percent": "33.3", "quarter_percent": "98"},
            start=log_in_as("manager"),
        ),
    }


register_forms(NAME, forms)
