"""The service desk's forms for tests/security/test_fuzz.py: each step from the state it needs."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from core import clock as core_clock
from core.extensions import db
from core.models import Site
from core.testing.photos import tiny_png
from core.testing.walks import register_forms
from plugins.service_desk.forms import (
    AcknowledgeForm,
    AssignForm,
    CallbackForm,
    CategoryForm,
    DoneForm,
    EscalateForm,
    IntakeForm,
    PhotoForm,
    RootCauseForm,
    StepForm,
    VisitForm,
)
from plugins.service_desk.models import ServiceDeskRequest

NAME = "service_desk"
PNG = tiny_png()


def _in_state(kit, status: str, **fields):
    """Put site A's request in ``status`` (with ``fields``), then log in as the org admin."""

    def start(s, client) -> None:
        now = core_clock.now()
        defaults = {
            "acknowledged": {"acknowledged_at": now},
            "assigned": {"acknowledged_at": now, "assigned_at": now, "assignee_kind": "front_desk"},
            "done": {"acknowledged_at": now, "done_at": now, "callback_due_at": now},
            "called_back": {"acknowledged_at": now, "done_at": now, "called_back_at": now},
        }.get(status, {})
        with s.app.app_context():
            request = db.session.get(ServiceDeskRequest, int(s.id("request_id", plugin=NAME)))
            for name, value in {"status": status, **defaults, **fields}.items():
                setattr(request, name, value)
            db.session.commit()
        kit.log_in_as("org_admin")(s, client)

    return start


def _version(s) -> str:
    return s.version(ServiceDeskRequest, "request_id", plugin=NAME)


def _local_now(s) -> str:
    with s.app.app_context():
        zone = ZoneInfo(db.session.get(Site, s.world.a.site.id).timezone)
    return (core_clock.now().astimezone(zone) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")


def forms(kit) -> dict:
    fields = kit.fields_of
    step = {"version_id": kit.TEXT}
    return {
        f"{NAME}.new": kit.Form(
            fields(IntakeForm) | {"q": kit.TEXT},
            lambda s: {
                "resident_id": s.id("resident_id"),
                "category_id": s.id("category_id", plugin=NAME),
                "channel": "wechat",
                "description": "水龍頭漏水 Kitchen tap leaks",
                "photo": kit.File(PNG, "tap.png", "image/png"),
            },
            seeds=({"photo": kit.File(b"GIF89a", "tap.gif", "image/gif")},),
        ),
        f"{NAME}.acknowledge": kit.Form(
            fields(AcknowledgeForm),
            lambda s: {"reply": "We will call at 3 pm", "version_id": _version(s)},
        ),
        f"{NAME}.assign": kit.Form(
            fields(AssignForm),
            lambda s: {
                "kind": "contractor",
                "assignee_id": "0",
                "contractor": "Ace Plumbing",
                "version_id": _version(s),
            },
            start=_in_state(kit, "acknowledged"),
        ),
        f"{NAME}.add_visit": kit.Form(
            fields(VisitForm),
            lambda s: {
                "visitor": "李師傅",
                "visited_at": _local_now(s),
                "accompanied": "y",
                "note": "Checked the ceiling",
                "version_id": _version(s),
            },
            start=_in_state(kit, "assigned"),
        ),
        f"{NAME}.done": kit.Form(
            fields(DoneForm),
            lambda s: {"note": "Talked to the neighbour", "version_id": _version(s)},
            start=_in_state(kit, "assigned"),
        ),
        f"{NAME}.callback": kit.Form(
            fields(CallbackForm),
            lambda s: {
                "method": "call",
                "satisfaction": "dissatisfied",
                "comment": "Still noisy",
                "version_id": _version(s),
            },
            start=_in_state(kit, "done"),
        ),
        f"{NAME}.close": kit.Form(
            fields(StepForm),
            lambda s: {"version_id": _version(s)},
            start=_in_state(
                kit, "called_back", root_cause="Drilling", signed_off_at=core_clock.now()
            ),
        ),
        f"{NAME}.escalate": kit.Form(
            fields(EscalateForm),
            lambda s: {"to": "manager", "note": "Needs a manager", "version_id": _version(s)},
        ),
        f"{NAME}.root_cause": kit.Form(
            fields(RootCauseForm),
            lambda s: {"root_cause": "Renovation after hours", "version_id": _version(s)},
        ),
        f"{NAME}.sign_off": kit.Form(
            step,
            lambda s: {"version_id": _version(s)},
            start=_in_state(kit, "done", root_cause="Renovation after hours"),
        ),
        f"{NAME}.add_photo": kit.Form(
            fields(PhotoForm),
            lambda s: {"photo": kit.File(PNG, "ceiling.png", "image/png")},
        ),
        f"{NAME}.categories": kit.Form(
            fields(CategoryForm),
            lambda s: {
                "type": "repair",
                "name": "電梯 Lift",
                "reply_minutes": "15",
                "complete_hours": "24",
                "active": "y",
            },
        ),
        f"{NAME}.edit_category": kit.Form(
            fields(CategoryForm),
            lambda s: {"name": "Noise at night", "reply_minutes": "20", "complete_hours": "48"},
        ),
    }


register_forms(NAME, forms)
