"""Demo data: one property company with two estates and a hotel, and a login per role.

Loading is idempotent: every row is found by its natural key (slugs, codes, unit numbers,
resident numbers, usernames) before it is created, so loading twice changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import func, select

from core import clock
from core.auth import hash_password
from core.extensions import db
from core.models import (
    Building,
    ButlerAssignment,
    Membership,
    MorningNote,
    Occupancy,
    Organization,
    Pet,
    Resident,
    Site,
    Unit,
    User,
    Vehicle,
)
from core.plugins.host import host

DEMO_PASSWORD = "butler-demo"
M = TypeVar("M")

# username, display name, role, sites (by slug), organisation admin?
DEMO_USERS: tuple[tuple[str, str, str, tuple[str, ...], bool], ...] = (
    ("admin", "Alice Lam 林愛麗", "org_admin", (), True),
    ("manager", "Michael Cheung 張明", "manager", ("harbour-view", "garden-city"), False),
    ("assistant", "Anna Ho 何安娜", "assistant", ("harbour-view",), False),
    ("butler", "Ben Wong 黃家豪", "butler", ("harbour-view",), False),
    ("frontdesk", "Fiona Chan 陳慧芬", "front_desk", ("harbour-view",), False),
    ("health", "Helen Lee 李海倫", "health_staff", ("harbour-view", "garden-city"), False),
    ("housekeeper", "Kevin Tang 鄧國偉", "exec_housekeeper", ("grand-harbour-hotel",), False),
)


@dataclass(frozen=True)
class DemoSite:
    slug: str
    name: str
    kind: str
    timezone: str
    locale: str
    currency: str
    address: str
    buildings: tuple[tuple[str, str, int, int], ...]  # code, name, floors, units per floor


DEMO_SITES = (
    DemoSite(
        "harbour-view",
        "海景花園 Harbour View Gardens",
        "residential",
        "Asia/Hong_Kong",
        "zh_Hant",
        "HKD",
        "香港九龍紅磡海景道 8 號",
        (
            ("T1", "第一座 Tower 1", 12, 4),
            ("T2", "第二座 Tower 2", 12, 4),
            ("T3", "第三座 Tower 3", 10, 3),
        ),
    ),
    DemoSite(
        "garden-city",
        "花园城 Garden City",
        "residential",
        "Asia/Shanghai",
        "zh_Hans",
        "CNY",
        "深圳市南山区花园城路 88 号",
        (("A", "A 栋", 9, 3), ("B", "B 栋", 9, 3)),
    ),
    DemoSite(
        "grand-harbour-hotel",
        "海港大酒店 Grand Harbour Hotel",
        "hotel",
        "Asia/Hong_Kong",
        "zh_Hant",
        "HKD",
        "香港灣仔港灣道 1 號",
        (("E", "東翼 East Wing", 8, 10), ("W", "西翼 West Wing", 8, 10)),
    ),
)

SURNAMES = "陳 李 張 黃 何 林 吳 劉 蔡 楊 梁 鄭 謝 郭 羅 周 王 馮 趙 徐".split()
SURNAME_ROMAN = dict(
    zip(
        SURNAMES,
        "Chan Lee Cheung Wong Ho Lam Ng Lau Choi Yeung Leung Cheng Tse Kwok Law "
        "Chow Wong Fung Chiu Tsui".split(),
        strict=True,
    )
)
GIVEN = (
    "家明 志強 美玲 慧敏 嘉欣 俊傑 詠詩 子軒 雅婷 國華 "
    "麗珍 偉文 淑儀 浩然 佩珊 建國 素芬 文傑 曉彤 啟明"
).split()
ENGLISH_GIVEN = "David Mary Peter Grace Kelvin Winnie Jason Karen Eric Joyce Vincent Cindy".split()
EMPLOYERS = (
    "香港大學",
    "滙豐銀行",
    "醫院管理局",
    "國泰航空",
    "自僱",
    "退休",
    "德勤",
    "港鐵公司",
    "",
)
HOBBIES = ("太極、行山", "烹飪", "攝影", "羽毛球", "閱讀", "園藝", "游泳", "書法", "")
PLATE_PREFIXES = ("AB", "KT", "NR", "XY")
PETS = (("dog", "旺財"), ("cat", "咪咪"), ("dog", "Lucky"), ("cat", "Tofu"))


def get_or_create(model: type[M], lookup: dict[str, Any], **defaults: Any) -> tuple[M, bool]:
    """The row matching ``lookup``, or a new one made from lookup and defaults."""
    obj = db.session.execute(select(model).filter_by(**lookup)).scalar_one_or_none()
    if obj is not None:
        return obj, False
    obj = model(**lookup, **defaults)
    db.session.add(obj)
    db.session.flush()
    return obj, True


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count(Organization.id)))


_created: dict[str, int] = {}  # what the running load() created, by kind


def _count(kind: str, is_new: bool) -> None:
    _created[kind] = _created.get(kind, 0) + int(is_new)


def load() -> dict[str, int]:
    """Load the demo organisation; return how many rows of each kind were created.

    The organisation, its sites and the logins are made here; each site's own rows come
    through ``butler_demo_data``: the core's (``load_site``, from the default plugin, called
    first) and then every first-party plugin's.
    """
    _created.clear()
    count = _count
    org, new = get_or_create(
        Organization, {"slug": "demo"}, name="常青物業 Evergreen Property Services"
    )
    count("organisations", new)
    sites = {}
    for spec in DEMO_SITES:
        site, new = get_or_create(
            Site,
            {"slug": spec.slug},
            organization_id=org.id,
            name=spec.name,
            kind=spec.kind,
            timezone=spec.timezone,
            default_locale=spec.locale,
            currency=spec.currency,
            address=spec.address,
        )
        count("sites", new)
        sites[spec.slug] = site
    _load_users(org, sites, count)
    db.session.commit()
    for site in sites.values():
        _load_plugins(site, count)
    db.session.commit()
    return dict(_created)


def load_site(site: Site) -> None:
    """The core's demo rows of ``site`` (buildings, units, residents, the butler's
    buildings); nothing for a site that is not one of the demo's."""
    spec = next((s for s in DEMO_SITES if s.slug == site.slug), None)
    if spec is None:
        return
    _load_buildings(site, spec, _count)
    if spec.kind == "residential":
        _load_residents(site, _count)
    if spec.slug == "harbour-view":
        butler = db.session.execute(
            select(User).where(User.username == "butler")
        ).scalar_one_or_none()
        if butler is not None:
            _assign_butler(site, butler, ("T1", "T2"), _count)
        _morning_note(site)


def _morning_note(site: Site) -> None:
    """Today's morning-meeting note from the manager, for every butler of the site."""
    manager = db.session.execute(
        select(User).where(User.username == "manager")
    ).scalar_one_or_none()
    today = clock.today(site)
    exists = db.session.scalar(
        select(MorningNote.id).where(MorningNote.site_id == site.id, MorningNote.day == today)
    )
    if manager is None or exists is not None:
        return
    db.session.add(
        MorningNote(
            site_id=site.id,
            day=today,
            body=(
                "Water stop in Tower 1 on Friday, 10:00 to 14:00: tell the residents of your "
                "floors today. Lift 2 of Tower 2 is serviced this morning."
            ),
            author_id=manager.id,
        )
    )


def _load_plugins(site: Site, count) -> None:
    """Turn on every first-party plugin that serves the site, then let each add its demo."""
    plugins = host()
    first_party = {
        p.info.name for p in plugins.plugins.values() if p.module.__name__ in plugins.first_party
    }
    pending = [n for n in first_party if plugins.plugins[n].info.serves(site.kind)]
    # Required plugins first: keep going round until nothing more can be turned on.
    while pending:
        ready = [n for n in pending if plugins.refusal_to_enable(site, n) is None]
        if not ready:
            break
        for name in ready:
            if not plugins.is_enabled(site, name):
                plugins.set_enabled(site, name, True)
                count("plugins turned on", True)
            pending.remove(name)
    plugins.hooks_for(site).butler_demo_data(site=site)


def _load_buildings(site: Site, spec: DemoSite, count) -> None:
    rng = random.Random(f"units-{site.slug}")
    room_types = ("Standard King", "Standard Twin", "Deluxe Harbour", "Suite")
    for code, name, floors, per_floor in spec.buildings:
        building, new = get_or_create(
            Building, {"site_id": site.id, "code": code}, name=name, floors=floors
        )
        count("buildings", new)
        for floor in range(1, floors + 1):
            for position in range(1, per_floor + 1):
                if site.is_hotel:
                    number = f"{code}{floor:02d}{position:02d}"
                    extra = {
                        "room_type": room_types[(position - 1) % len(room_types)],
                        "area_m2": Decimal("32.00"),
                        "status": "vacant",
                    }
                else:
                    number = f"{floor}{chr(ord('A') + position - 1)}"
                    extra = {
                        "area_m2": Decimal(rng.choice(("58.50", "72.30", "86.00", "105.40"))),
                        "status": "vacant",
                    }
                _, new = get_or_create(
                    Unit,
                    {"site_id": site.id, "building_id": building.id, "number": number},
                    floor=floor,
                    **extra,
                )
                count("units", new)


def _load_users(org: Organization, sites: dict[str, Site], count) -> dict[str, User]:
    users = {}
    password_hash = None
    for username, display, role, site_slugs, org_admin in DEMO_USERS:
        existing = db.session.execute(
            select(User).where(User.username == username)
        ).scalar_one_or_none()
        if existing is None:
            password_hash = password_hash or hash_password(DEMO_PASSWORD)
            existing = User(
                organization_id=org.id,
                username=username,
                display_name=display,
                password_hash=password_hash,
                is_org_admin=org_admin,
            )
            db.session.add(existing)
            db.session.flush()
            count("users", True)
        users[username] = existing
        for slug in site_slugs:
            _, new = get_or_create(
                Membership, {"site_id": sites[slug].id, "user_id": existing.id, "role": role}
            )
            count("memberships", new)
    return users


def _phone(rng: random.Random, site: Site) -> str:
    if site.currency == "CNY":
        return f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"
    return f"{rng.choice('569')}{rng.randint(1_000_000, 9_999_999)}"


def _person(rng: random.Random, simplified: bool) -> str:
    surname, given = rng.choice(SURNAMES), rng.choice(GIVEN)
    if rng.random() < 0.25:
        return f"{rng.choice(ENGLISH_GIVEN)} {SURNAME_ROMAN[surname]} {surname}{given}"
    name = surname + given
    return _to_simplified(name) if simplified else name


_SIMPLIFY = str.maketrans(
    "陳張黃劉楊鄭謝郭羅馮趙徐傑詠軒國華麗偉儀淑曉啟珊誠",
    "陈张黄刘杨郑谢郭罗冯赵徐杰咏轩国华丽伟仪淑晓启珊诚",
)


def _to_simplified(text: str) -> str:
    return text.translate(_SIMPLIFY)


def _load_residents(site: Site, count) -> None:
    rng = random.Random(f"residents-{site.slug}")
    simplified = site.default_locale == "zh_Hans"
    units = db.session.scalars(
        select(Unit)
        .where(Unit.site_id == site.id)
        .order_by(Unit.building_id, Unit.floor, Unit.number)
    ).all()
    today = clock.today(site)
    serial = 0
    prefix = site.slug.split("-")[0][:2].upper()
    for unit in units:
        roll = rng.random()
        if roll < 0.12:
            continue  # vacant
        household_roles = ["owner"] if roll < 0.8 else ["tenant"]
        household_roles += ["family"] * rng.choice((0, 0, 1, 1, 2))
        if rng.random() < 0.1:
            household_roles.append("domestic_helper")
        unit.status = "let" if household_roles[0] == "tenant" else "occupied"
        if rng.random() < 0.04:
            unit.status = "renovating"
        moved_in = today - timedelta(days=rng.randint(60, 4000))
        for position, role in enumerate(household_roles):
            serial += 1
            ref = f"{prefix}-{serial:05d}"
            name = (
                _person(rng, simplified)
                if role != "domestic_helper"
                else rng.choice(("Maria Santos", "Siti Rahayu", "Joy Dela Cruz", "Dewi Lestari"))
            )
            born = today - timedelta(days=rng.randint(8 * 365, 85 * 365))
            resident, new = get_or_create(
                Resident,
                {"site_id": site.id, "ref": ref},
                name=name,
                phone=_phone(rng, site),
                email=f"resident{serial}@example.com" if rng.random() < 0.5 else "",
                birth_date=born,
                employer=rng.choice(EMPLOYERS),
                hobbies=rng.choice(HOBBIES),
                emergency_contact_name=_person(rng, simplified) if position == 0 else "",
                emergency_contact_phone=_phone(rng, site) if position == 0 else "",
                preferred_locale=site.default_locale,
                consent_sms=rng.random() < 0.7,
                consent_email=rng.random() < 0.4,
            )
            count("residents", new)
            # Draw every random value whether or not the row is new, so that a second
            # load walks the same sequence and finds the same rows.
            vehicle = None
            if position == 0 and rng.random() < 0.3:
                vehicle = Vehicle(
                    site_id=site.id,
                    resident_id=resident.id,
                    plate=f"{rng.choice(PLATE_PREFIXES)}{rng.randint(100, 9999)}-{serial}",
                    description=rng.choice(("Toyota Alphard", "Tesla Model 3", "Honda Jazz")),
                    parking_space=f"B1-{rng.randint(1, 300):03d}",
                )
            pet = None
            if position == 0 and rng.random() < 0.15:
                species, pet_name = rng.choice(PETS)
                pet = Pet(site_id=site.id, resident_id=resident.id, species=species, name=pet_name)
            if new:
                db.session.add(
                    Occupancy(
                        site_id=site.id,
                        resident_id=resident.id,
                        unit_id=unit.id,
                        role=role,
                        moved_in=moved_in,
                        is_primary_contact=position == 0,
                    )
                )
                db.session.add_all([row for row in (vehicle, pet) if row is not None])


def _assign_butler(site: Site, butler: User, codes: tuple[str, ...], count) -> None:
    buildings = db.session.scalars(
        select(Building).where(Building.site_id == site.id, Building.code.in_(codes))
    ).all()
    for building in buildings:
        current = db.session.execute(
            select(ButlerAssignment).where(
                ButlerAssignment.site_id == site.id,
                ButlerAssignment.building_id == building.id,
                ButlerAssignment.ends_on.is_(None),
            )
        ).scalar_one_or_none()
        if current is None:
            db.session.add(
                ButlerAssignment(
                    site_id=site.id,
                    building_id=building.id,
                    user_id=butler.id,
                    starts_on=clock.today(site) - timedelta(days=365),
                )
            )
            count("butler assignments", True)
