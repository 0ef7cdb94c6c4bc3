"""Demo care for the demo estates: a sent rainstorm notice, a typhoon draft, an away
period, parcels held (one too long) and handed over, a special-care case with its visit."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from werkzeug.datastructures import FileStorage

from core import clock, signatures, tenancy, uploads
from core.extensions import db
from core.models import Membership, Occupancy, Site, Unit, User
from plugins.care import rules
from plugins.care.models import (
    LOCALES,
    CareAway,
    CareCase,
    CareNotice,
    CareParcel,
    CareSetting,
    CareVisit,
)

DEMO_CARRIER = "SF Express 順豐"


def signature_png(width: int = 120, height: int = 40) -> bytes:
    """A small RGBA PNG with a black stroke across it: a signature for demo and tests."""
    return signatures.sample_png(width, height)


def _staff(site: Site) -> User | None:
    return db.session.scalar(
        db.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.site_id == site.id, Membership.role.in_(("butler", "manager")))
        .order_by(Membership.role, User.id)
        .limit(1)
    )


def add_demo_care(site: Site, now: datetime) -> None:
    """Add the demo rows once; a second run finds the demo parcels and adds nothing."""
    if db.session.scalar(
        tenancy.select(CareParcel, CareParcel.id, site=site).where(
            CareParcel.carrier == DEMO_CARRIER
        )
    ):
        return
    staff = _staff(site)
    homes = db.session.execute(
        tenancy.select(Occupancy, Occupancy.unit_id, Occupancy.resident_id, site=site)
        .join(Unit, Unit.id == Occupancy.unit_id)
        .where(Occupancy.moved_out.is_(None))
        .order_by(Occupancy.unit_id)
        .limit(3)
    ).all()
    if staff is None or len(homes) < 3:
        return
    today = clock.today(site)
    if db.session.scalar(tenancy.select(CareSetting, CareSetting.id, site=site)) is None:
        db.session.add(CareSetting(site_id=site.id, elderly_age=70, parcel_days=7))
    rain_day = today - timedelta(days=3)
    sent = CareNotice(
        site_id=site.id,
        template="rainstorm",
        audience="site",
        day=rain_day,
        created_at=now - timedelta(days=4),
        created_by_id=staff.id,
    )
    draft = CareNotice(
        site_id=site.id,
        template="typhoon",
        audience="site",
        day=today + timedelta(days=1),
        created_at=now,
        created_by_id=staff.id,
    )
    for notice in (sent, draft):
        for code in LOCALES:
            title, body = rules.template_text(notice.template, code, notice.day)
            setattr(notice, f"title_{code}", title)
            setattr(notice, f"body_{code}", body)
    db.session.add_all([sent, draft])
    db.session.flush()
    rules.send_notice(site, sent, staff)
    sent.sent_at = now - timedelta(days=4)
    (unit_a, resident_a), (unit_b, resident_b), (_unit_c, resident_c) = homes
    db.session.add(
        CareAway(
            site_id=site.id,
            unit_id=unit_a,
            resident_id=resident_a,
            starts_on=today - timedelta(days=2),
            ends_on=today + timedelta(days=10),
            hold_parcels=True,
            may_enter="Domestic helper Maria 瑪麗亞 (has a key)",
            forward_to="",
            do_not_allow="Any contractor without a call first",
            note="Travelling in Japan; call the daughter on 9123 4567 if urgent.",
            created_at=now - timedelta(days=3),
            created_by_id=staff.id,
        )
    )
    db.session.add_all(
        [
            CareParcel(
                site_id=site.id,
                unit_id=unit_a,
                resident_id=resident_a,
                carrier=DEMO_CARRIER,
                tracking_number="SF1234567890",
                shelf="A2",
                received_at=now - timedelta(days=9),
                received_by_id=staff.id,
            ),
            CareParcel(
                site_id=site.id,
                unit_id=unit_a,
                resident_id=resident_a,
                carrier="Hongkong Post 香港郵政",
                tracking_number="RR123456789HK",
                shelf="A3",
                received_at=now - timedelta(hours=5),
                received_by_id=staff.id,
            ),
        ]
    )
    stored = uploads.save(FileStorage(io.BytesIO(signature_png()), "signature.png"), plugin="care")
    db.session.add(
        CareParcel(
            site_id=site.id,
            unit_id=unit_b,
            resident_id=resident_b,
            carrier="DHL",
            tracking_number="JD0146000012345",
            shelf="B1",
            received_at=now - timedelta(days=2),
            received_by_id=staff.id,
            told_at=now - timedelta(days=2),
            told_how="phone",
            told_by_id=staff.id,
            handed_at=now - timedelta(days=1),
            handed_to="Lee Siu Ming 李小明",
            handed_by_id=staff.id,
            signature_key=stored.key,
        )
    )
    unit_c = db.session.get(Unit, _unit_c)
    case = CareCase(
        site_id=site.id,
        resident_id=resident_c,
        building_id=unit_c.building_id if unit_c else None,
        kind="hospital",
        happened_on=today - timedelta(days=5),
        summary="In Queen Mary Hospital after a fall; home next week.",
        follow_up_on=today + timedelta(days=7),
        created_at=now - timedelta(days=4),
        created_by_id=staff.id,
    )
    db.session.add(case)
    db.session.flush()
    db.session.add(
        CareVisit(
            site_id=site.id,
            case_id=case.id,
            visited_at=now - timedelta(days=1),
            by_id=staff.id,
            note="Brought fruit from the service centre; the family thanked us.",
        )
    )
    db.session.flush()
