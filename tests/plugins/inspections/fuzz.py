"""The inspections plugin's forms for tests/security/test_fuzz.py."""

from __future__ import annotations

from datetime import timedelta

from core import clock as core_clock
from core.testing.walks import register_forms
from plugins.inspections.forms import (
    CheckpointForm,
    CloseForm,
    DrawingForm,
    ItemForm,
    MarkForm,
    PassForm,
    PermitForm,
    SettingsForm,
    StartForm,
    WeatherForm,
)
from tests.plugins.inspections.conftest import PNG

NAME = "inspections"


def forms(kit) -> dict:
    Form, fields_of, log_in_as = kit.Form, kit.fields_of, kit.log_in_as
    later = (core_clock.now() + timedelta(days=400)).date().isoformat()
    return {
        f"{NAME}.start": Form(
            fields_of(StartForm),
            lambda s: {"building_id": s.id("building_id"), "kind": "routine"},
            start=log_in_as("butler"),
        ),
        f"{NAME}.mark": Form(
            fields_of(MarkForm),
            lambda s: {
                "item_id": s.id("item_id", plugin=NAME),
                "result": "finding",
                "note": "Notice board glass cracked 告示板玻璃裂了",
                "owner_kind": "contractor",
                "owner_name": "Bright Glass",
                "photo": kit.File(PNG, "glass.png", "image/png"),
            },
            start=log_in_as("butler"),
            seeds=({"photo": kit.File(b"GIF89a", "glass.gif", "image/gif")},),
        ),
        f"{NAME}.complete": Form({}, start=log_in_as("butler")),
        f"{NAME}.weather": Form(
            fields_of(WeatherForm), lambda s: {"kind": "rain"}, start=log_in_as("manager")
        ),
        f"{NAME}.close": Form(
            fields_of(CloseForm),
            lambda s: {"note": "Floor cleaned 已清潔"},
            start=log_in_as("butler"),
        ),
        f"{NAME}.new_permit": Form(
            fields_of(PermitForm),
            lambda s: {
                "unit_id": s.id("unit_id"),
                "number": "RP-NEW-1",
                "starts_on": "2030-01-02",
                "ends_on": "2030-02-02",
                "contractor": "Harbour Renovation Ltd",
                "hours": "09:00-18:00",
                "deposit": "5,000.50",
                "scope": "Kitchen 廚房",
            },
            start=log_in_as("butler"),
        ),
        f"{NAME}.add_pass": Form(
            fields_of(PassForm),
            lambda s: {
                "name": "Chan Wing 陳榮",
                "expires_on": later,
                "photo": kit.File(PNG, "chan.png", "image/png"),
            },
            start=log_in_as("butler"),
        ),
        f"{NAME}.add_drawing": Form(
            fields_of(DrawingForm),
            lambda s: {"photo": kit.File(PNG, "plan.png", "image/png")},
            start=log_in_as("butler"),
        ),
        f"{NAME}.save_settings": Form(
            fields_of(SettingsForm),
            lambda s: {
                "first_round": "09:30",
                "second_round": "15:30",
                "late_minutes": "90",
                "photo_to_close": "y",
            },
            start=log_in_as("manager"),
        ),
        f"{NAME}.add_checkpoint": Form(
            fields_of(CheckpointForm),
            lambda s: {
                "building_id": s.id("building_id"),
                "name": "Podium garden 平台花園",
                "area": "greenery",
            },
            start=log_in_as("manager"),
        ),
        f"{NAME}.add_item": Form(
            fields_of(ItemForm),
            lambda s: {"text": "Benches clean", "kind": "cleaning", "condition": "always"},
            start=log_in_as("manager"),
        ),
        f"{NAME}.toggle_item": Form({}, start=log_in_as("manager")),
        f"{NAME}.default_route": Form({}, start=log_in_as("manager")),
    }


register_forms(NAME, forms)
