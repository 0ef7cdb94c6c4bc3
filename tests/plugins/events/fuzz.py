"""The events plugin's forms for tests/security/test_fuzz.py."""

from __future__ import annotations

from core.testing.walks import register_forms
from plugins.events.forms import (
    AttendedForm,
    EventForm,
    FeedbackForm,
    RegisterForm,
    ReportForm,
)
from plugins.events.models import Event

NAME = "events"


def _newcomer(kit):
    """Log the front desk in after a second resident moves into site A's unit."""

    def start(s, client) -> None:
        from datetime import date

        from core.extensions import db
        from core.models import Occupancy, Resident

        with s.app.app_context():
            resident = Resident(site_id=s.world.a.site.id, name="陳大文", phone="91234567")
            db.session.add(resident)
            db.session.flush()
            db.session.add(
                Occupancy(
                    site_id=resident.site_id,
                    resident_id=resident.id,
                    unit_id=int(s.id("unit_id")),
                    role="family",
                    moved_in=date(2020, 1, 1),
                )
            )
            db.session.commit()
            s.notes["resident_id"] = str(resident.id)
        kit.log_in_as("front_desk")(s, client)

    return start


def forms(kit) -> dict:
    Form, fields_of, log_in_as = kit.Form, kit.fields_of, kit.log_in_as
    event_fields = fields_of(EventForm)
    valid_event = {
        "title": "Calligraphy class 書法班",
        "description": "Brushes provided.",
        "place": "Clubhouse room 2",
        "day": "2030-12-05",
        "start_time": "14:30",
        "end_time": "16:00",
        "capacity": "12",
        "audience": "site",
        "price": "80.50",
        "staff_id": "0",
        "repeat_weeks": "2",
        "opens_on": "2030-11-01",
        "closes_on": "2030-12-04",
        "min_age": "6",
        "max_age": "90",
    }
    edit_fields = {k: v for k, v in event_fields.items() if k != "repeat_weeks"}
    return {
        "events.create": Form(event_fields, lambda s: valid_event, start=log_in_as("manager")),
        "events.edit": Form(
            edit_fields,
            lambda s: (
                {k: v for k, v in valid_event.items() if k != "repeat_weeks"}
                | {
                    "audience": "buildings",
                    "building_ids": [s.id("building_id")],
                    "version_id": s.version(Event, "event_id", plugin=NAME),
                }
            ),
            start=log_in_as("manager"),
        ),
        "events.cancel_event": Form({}, start=log_in_as("manager")),
        "events.register": Form(
            fields_of(RegisterForm),
            lambda s: {"resident_id": s.notes["resident_id"], "places": "1", "channel": "walk_in"},
            start=_newcomer(kit),
        ),
        "events.cancel_registration": Form({}, start=log_in_as("butler")),
        "events.send_invitations": Form({}, start=log_in_as("manager")),
        "events.mark_attended": Form(
            fields_of(AttendedForm), lambda s: {"attended": "y"}, start=log_in_as("butler")
        ),
        "events.feedback": Form(
            fields_of(FeedbackForm), lambda s: {"score": "5"}, start=log_in_as("butler")
        ),
        "events.save_report": Form(
            fields_of(ReportForm),
            lambda s: {"report": "Forty lanterns lit. 四十盞燈籠。"},
            start=log_in_as("manager"),
        ),
    }


register_forms(NAME, forms)
