"""The maintenance plugin's forms for tests/security/test_fuzz.py."""

from __future__ import annotations

from core import clock as core_clock
from core.testing.walks import register_forms
from plugins.maintenance.forms import (
    ChangeTaskForm,
    CheckForm,
    ContractForm,
    ContractorForm,
    EvaluationForm,
    ReopenForm,
    SettingsForm,
    TaskForm,
    WorkForm,
)
from tests.plugins.maintenance.conftest import PNG

NAME = "maintenance"


def _today(s) -> str:
    from core.extensions import db
    from core.models import Site

    with s.app.app_context():
        return core_clock.today(db.session.get(Site, s.world.a.site.id)).isoformat()


def _reopened_then(kit, role: str):
    """Reopen the world's evaluation (locked since November 2026), then log in."""

    def start(s, client) -> None:
        from core.extensions import db
        from plugins.maintenance.models import MaintenanceEvaluation

        with s.app.app_context():
            row = db.session.get(MaintenanceEvaluation, int(s.id("evaluation_id", plugin=NAME)))
            row.reopened_at = core_clock.now()
            row.reopen_reason = "Scores to correct"
            db.session.commit()
        kit.log_in_as(role)(s, client)

    return start


def forms(kit) -> dict:
    Form, fields_of, log_in_as = kit.Form, kit.fields_of, kit.log_in_as
    photo = kit.File(PNG, "work.png", "image/png")
    gif = {"photo": kit.File(b"GIF89a", "work.gif", "image/gif")}
    return {
        f"{NAME}.add_contractor": Form(
            fields_of(ContractorForm),
            lambda s: {
                "company": "Bright Greening 綠化",
                "services": ["greening", "pest_control"],
                "contact_name": "陳小姐",
                "phone": "21234567",
                "email": "info@bright.example",
                "notes": "Night shift",
            },
            start=log_in_as("manager"),
        ),
        f"{NAME}.edit_contractor": Form(
            fields_of(ContractorForm),
            lambda s: {
                "company": "Sparkle Cleaning 潔美",
                "services": ["cleaning"],
                "contact_name": "Mr Lee",
                "phone": "29876543",
                "email": "",
                "notes": "",
            },
            start=log_in_as("manager"),
        ),
        f"{NAME}.add_contract": Form(
            fields_of(ContractForm),
            lambda s: {
                "title": "Greening 2027",
                "starts_on": "2027-01-01",
                "ends_on": "2027-12-31",
                "value": "36,000.50",
                "default_plan": "y",
                "document": kit.File(PNG, "contract.png", "image/png"),
            },
            start=log_in_as("manager"),
            seeds=({"document": kit.File(b"GIF89a", "c.gif", "image/gif")},),
        ),
        f"{NAME}.add_task": Form(
            fields_of(TaskForm),
            lambda s: {
                "name": "Window washing 洗窗",
                "service": "cleaning",
                "times": "3",
                "span": "quarter",
                "building_id": "0",
            },
            start=log_in_as("manager"),
        ),
        f"{NAME}.change_task": Form(
            fields_of(ChangeTaskForm),
            lambda s: {"times": "3", "span": "month"},
            start=log_in_as("manager"),
        ),
        f"{NAME}.remove_task": Form({}, start=log_in_as("manager")),
        f"{NAME}.archive_contractor": Form({}, start=log_in_as("manager")),
        f"{NAME}.copy_contract": Form({}, start=log_in_as("manager")),
        f"{NAME}.log": Form(
            fields_of(WorkForm),
            lambda s: {
                "done_on": _today(s),
                "done_time": "09:30",
                "who": "Sparkle Cleaning 潔美",
                "note": "Car park washed",
                "photo": photo,
            },
            start=log_in_as("butler"),
            seeds=(gif,),
        ),
        f"{NAME}.check": Form(
            fields_of(CheckForm),
            lambda s: {"result": "redo", "note": "Corners left dirty"},
            start=log_in_as("butler"),
        ),
        f"{NAME}.score": Form(
            fields_of(EvaluationForm),
            lambda s: {"quality": "80", "punctuality": "75", "attitude": "90", "comments": "OK"},
            start=_reopened_then(kit, "butler"),
        ),
        f"{NAME}.reopen": Form(
            fields_of(ReopenForm),
            lambda s: {"reason": "The contractor's report came late"},
            start=log_in_as("manager"),
        ),
        f"{NAME}.settings": Form(
            fields_of(SettingsForm), lambda s: {"threshold": "70"}, start=log_in_as("manager")
        ),
    }


register_forms(NAME, forms)
