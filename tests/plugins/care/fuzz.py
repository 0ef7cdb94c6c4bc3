"""The care plugin's forms for tests/security/test_fuzz.py."""

from __future__ import annotations

import base64
from datetime import timedelta

from core import clock as core_clock
from core.extensions import db
from core.testing.walks import register_forms
from plugins.care.demo import signature_png
from plugins.care.forms import (
    AwayForm,
    CaseForm,
    GreetForm,
    HandOverForm,
    NoticeForm,
    OptOutForm,
    ParcelForm,
    SettingsForm,
    TellForm,
    VisitForm,
)
from plugins.care.models import CareNotice, CareParcel

NAME = "care"
SIGNATURE = "data:image/png;base64," + base64.b64encode(signature_png()).decode()


def _parcel_held(kit, role: str = "front_desk"):
    """Put site A's parcel back on the shelf (not told, not handed over), then log in."""

    def start(s, client) -> None:
        with s.app.app_context():
            parcel = db.session.get(CareParcel, int(s.id("parcel_id", plugin=NAME)))
            parcel.told_at = parcel.told_how = parcel.told_by_id = None
            parcel.handed_at = parcel.handed_by_id = None
            parcel.handed_to = parcel.signature_key = ""
            db.session.commit()
        kit.log_in_as(role)(s, client)

    return start


def _notice_unsent(kit):
    def start(s, client) -> None:
        with s.app.app_context():
            notice = db.session.get(CareNotice, int(s.id("notice_id", plugin=NAME)))
            notice.sent_at = notice.sent_by_id = None
            db.session.commit()
        kit.log_in_as("butler")(s, client)

    return start


def _day(days: int = 2) -> str:
    return (core_clock.now() + timedelta(days=days)).strftime("%Y-%m-%d")


def forms(kit) -> dict:
    fields = kit.fields_of
    return {
        f"{NAME}.greet": kit.Form(fields(GreetForm), lambda s: {"method": "card", "note": "花"}),
        f"{NAME}.opt_out": kit.Form(fields(OptOutForm), lambda s: {"opt_out": "y"}),
        f"{NAME}.new_notice": kit.Form(
            fields(NoticeForm),
            lambda s: {
                "template": "typhoon",
                "day": _day(),
                "audience": "buildings",
                "building_ids": s.id("building_id"),
                "title_en": "Typhoon warning",
                "body_en": "Close your windows.",
                "title_zh_Hant": "颱風警告",
                "body_zh_Hant": "請關好窗戶。",
            },
            start=kit.log_in_as("butler"),
        ),
        f"{NAME}.send_notice": kit.Form({}, lambda s: {}, start=_notice_unsent(kit)),
        f"{NAME}.new_case": kit.Form(
            fields(CaseForm),
            lambda s: {
                "resident_id": s.id("resident_id"),
                "kind": "bereavement",
                "happened_on": _day(-1),
                "summary": "Her husband passed away",
                "follow_up_on": _day(7),
            },
            start=kit.log_in_as("manager"),
        ),
        f"{NAME}.add_visit": kit.Form(
            fields(VisitForm),
            lambda s: {"note": "Brought flowers", "follow_up_on": _day(14)},
            start=kit.log_in_as("assistant"),
        ),
        f"{NAME}.add_away": kit.Form(
            fields(AwayForm),
            lambda s: {
                "unit_id": s.id("unit_id"),
                "starts_on": _day(1),
                "ends_on": _day(9),
                "hold_parcels": "y",
                "may_enter": "Domestic helper",
                "forward_to": "",
                "do_not_allow": "Contractors",
                "note": "Call the son",
            },
            start=kit.log_in_as("front_desk"),
        ),
        f"{NAME}.end_away": kit.Form({}, lambda s: {}, start=kit.log_in_as("front_desk")),
        f"{NAME}.new_parcel": kit.Form(
            fields(ParcelForm),
            lambda s: {
                "unit_id": s.id("unit_id"),
                "carrier": "DHL",
                "tracking_number": "JD01",
                "shelf": "B2",
                "photo": kit.File(signature_png(), "parcel.png", "image/png"),
            },
            start=kit.log_in_as("front_desk"),
            seeds=({"photo": kit.File(b"GIF89a", "parcel.gif", "image/gif")},),
        ),
        f"{NAME}.tell": kit.Form(
            fields(TellForm), lambda s: {"how": "phone"}, start=_parcel_held(kit)
        ),
        f"{NAME}.hand_over": kit.Form(
            fields(HandOverForm),
            lambda s: {"handed_to": "Chan Tai Man", "signature": SIGNATURE},
            start=_parcel_held(kit),
            seeds=({"signature": "data:image/png;base64,AAAA"}, {"signature": ""}),
        ),
        f"{NAME}.settings": kit.Form(
            fields(SettingsForm),
            lambda s: {
                "elderly_age": "75",
                "parcel_days": "5",
                "greeting_en": "Happy birthday, {name}!",
                "greeting_zh_Hant": "{name}，生日快樂！",
                "greeting_zh_Hans": "{name}，生日快乐！",
            },
            start=kit.log_in_as("manager"),
        ),
    }


register_forms(NAME, forms)
