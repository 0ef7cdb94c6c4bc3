"""The care plugin's part of the security world: one of each of its objects."""

from __future__ import annotations

import io
from datetime import timedelta

from werkzeug.datastructures import FileStorage

from core import clock as core_clock
from core import uploads
from core.extensions import db
from core.models import PluginEnablement, Resident, Site
from core.testing.walks import register_world
from plugins.care.demo import signature_png
from plugins.care.models import (
    CareAway,
    CareCase,
    CareGreeting,
    CareNotice,
    CareNoticeTarget,
    CareParcel,
    CareSetting,
    CareVisit,
)

NAME = "care"


def fill(site: Site, ids: dict[str, int]) -> dict[str, int]:
    db.session.add(PluginEnablement(site_id=site.id, plugin=NAME, enabled=True))
    now = core_clock.now().replace(microsecond=0)
    today = core_clock.today(site)
    # The core's resident is left as it is (its birth date stays unknown): other walks
    # check that it does not change.
    resident = db.session.get(Resident, ids["resident_id"])
    staff = ids["user_id"]
    db.session.add(CareSetting(site_id=site.id, elderly_age=70, parcel_days=7))
    notice = CareNotice(
        site_id=site.id,
        template="water_cut",
        audience="buildings",
        day=today + timedelta(days=2),
        title_en="Water supply suspended",
        body_en="No water on Friday from 10:00 to 14:00.",
        title_zh_Hant="暫停供水",
        body_zh_Hant="星期五 10:00 至 14:00 暫停供水。",
        created_at=now,
        created_by_id=staff,
    )
    # Not tied to a building (its resident had no home on the site when it was written):
    # read by every holder of care.special. Cases of a building: see test_special_care.
    case = CareCase(
        site_id=site.id,
        resident_id=resident.id,
        building_id=None,
        kind="illness",
        happened_on=today - timedelta(days=3),
        summary="In hospital for an operation",
        follow_up_on=today + timedelta(days=7),
        created_at=now,
        created_by_id=staff,
    )
    away = CareAway(
        site_id=site.id,
        unit_id=ids["unit_id"],
        resident_id=resident.id,
        starts_on=today,
        ends_on=today + timedelta(days=10),
        may_enter="The cleaner on Tuesdays",
        created_at=now,
        created_by_id=staff,
    )
    photo = uploads.save(FileStorage(io.BytesIO(signature_png()), "parcel.png"), plugin=NAME)
    signature = uploads.save(FileStorage(io.BytesIO(signature_png()), "sign.png"), plugin=NAME)
    parcel = CareParcel(
        site_id=site.id,
        unit_id=ids["unit_id"],
        resident_id=resident.id,
        carrier="SF Express",
        tracking_number="SF0001",
        shelf="A1",
        photo_key=photo.key,
        received_at=now - timedelta(days=2),
        received_by_id=staff,
        told_at=now - timedelta(days=1),
        told_how="phone",
        told_by_id=staff,
        handed_at=now,
        handed_to="Chan Tai Man",
        handed_by_id=staff,
        signature_key=signature.key,
    )
    db.session.add_all([notice, case, away, parcel])
    db.session.flush()
    db.session.add_all(
        [
            CareNoticeTarget(site_id=site.id, notice_id=notice.id, building_id=ids["building_id"]),
            CareVisit(site_id=site.id, case_id=case.id, visited_at=now, by_id=staff, note="Fruit"),
            CareGreeting(
                site_id=site.id,
                resident_id=resident.id,
                year=today.year - 1,
                method="card",
                at=now - timedelta(days=365),
                by_id=staff,
            ),
        ]
    )
    db.session.flush()
    return {
        "notice_id": notice.id,
        "case_id": case.id,
        "away_id": away.id,
        "parcel_id": parcel.id,
        "resident_id": ids["resident_id"],
        "unit_id": ids["unit_id"],
    }


register_world(NAME, fill)
