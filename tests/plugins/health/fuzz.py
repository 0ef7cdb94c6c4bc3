"""The health plugin's forms for tests/security/test_fuzz.py."""

from __future__ import annotations

from core.testing.walks import register_forms
from plugins.health.forms import (
    AssessmentForm,
    AttendanceForm,
    BookForm,
    CampaignForm,
    CheckForm,
    EraseForm,
    InviteForm,
    ProfileForm,
    RangeForm,
    SlotForm,
)

NAME = "health"


def forms(kit) -> dict:
    Form, fields_of, log_in_as = kit.Form, kit.fields_of, kit.log_in_as
    staff, manager = log_in_as("health_staff"), log_in_as("manager")

    def check_ids(s) -> list[str]:
        from sqlalchemy import select

        from core.extensions import db
        from plugins.health.models import HealthCheck

        with s.app.app_context():
            return [
                str(i)
                for i in db.session.scalars(
                    select(HealthCheck.id).where(HealthCheck.site_id == s.world.a.site.id)
                )
            ]

    return {
        "health.new_campaign": Form(
            fields_of(CampaignForm),
            lambda s: {
                "name": "Autumn check 秋季健康檢測",
                "place": "會所 Clubhouse",
                "starts_on": "2030-09-01",
                "ends_on": "2030-09-02",
                "checks": check_ids(s)[:3],
                "notes": "Fasting from 10 pm.",
            },
            start=staff,
        ),
        "health.add_slot": Form(
            fields_of(SlotForm),
            lambda s: {"day": "2030-06-03", "time": "14:00", "capacity": "8"},
            start=staff,
        ),
        "health.invite": Form(
            fields_of(InviteForm),
            lambda s: {"age_min": "60", "age_max": "150", "household": "elderly"},
            start=staff,
        ),
        "health.book": Form(
            fields_of(BookForm),
            lambda s: {"slot_id": s.id("slot_id", plugin=NAME)},
            start=staff,
        ),
        "health.attendance": Form(
            fields_of(AttendanceForm), lambda s: {"status": "missed"}, start=staff
        ),
        "health.results": Form(
            {
                "measured_on": kit.DATE,
                "blood_pressure": kit.TEXT,
                "blood_pressure_2": kit.TEXT,
                "blood_glucose": kit.TEXT,
                "heart_rate": kit.TEXT,
                "bone_density": kit.TEXT,
            },
            lambda s: {
                "measured_on": "2030-06-03",
                "blood_pressure": "135",
                "blood_pressure_2": "85",
                "blood_glucose": "5.4",
                "heart_rate": "68",
                "bone_density": "-1.5",
            },
            start=staff,
        ),
        "health.save_assessment": Form(
            fields_of(AssessmentForm),
            lambda s: {"assessment": "Blood pressure a little high; recheck in 3 months."},
            start=staff,
        ),
        "health.save_profile": Form(
            fields_of(ProfileForm),
            lambda s: {"sex": "M", "birth_date": "1948-02-29", "consent": "y"},
            start=staff,
        ),
        "health.erase": Form(fields_of(EraseForm), lambda s: {"confirm": "y"}, start=manager),
        "health.add_check": Form(
            fields_of(CheckForm),
            lambda s: {
                "name": "Haemoglobin",
                "unit": "g/L",
                "decimals": "0",
                "plausible_min": "30",
                "plausible_max": "250",
            },
            start=staff,
        ),
        "health.add_range": Form(
            fields_of(RangeForm),
            lambda s: {
                "check_id": s.id("check_id", plugin=NAME),
                "sex": "F",
                "age_min": "65",
                "age_max": "150",
                "low": "55",
                "high": "95",
            },
            start=staff,
        ),
    }


register_forms(NAME, forms)
