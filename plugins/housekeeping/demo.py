"""Demo rows for a hotel: a housekeeping team, today's rooms shared out, master keys.

Idempotent: staff are found by username, keys by code, the day's rooms by (day, room).
The team logs in with the demo password (core/demo.py).
"""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from core import clock, tenancy
from core.auth import hash_password
from core.demo import DEMO_PASSWORD
from core.extensions import db
from core.models import Membership, Site, Unit, User
from plugins.housekeeping.models import (
    CREDITS,
    HousekeepingArea,
    HousekeepingAssignment,
    HousekeepingCleaningCycle,
    HousekeepingFunction,
    HousekeepingGrade,
    HousekeepingInspection,
    HousekeepingKey,
    HousekeepingKeyIssue,
    HousekeepingLinenItem,
    HousekeepingLinenPar,
    HousekeepingLostItem,
    HousekeepingMachine,
    HousekeepingRoom,
    HousekeepingSupply,
    HousekeepingWorkOrder,
)
from plugins.housekeeping.rules import Load, fair_split, shift_end

TEAM = (
    ("hk.assistant", "Grace Wong 王嘉儀", "asst_housekeeper"),
    ("hk.supervisor", "Peter Lau 劉志強", "floor_supervisor"),
    ("hk.attendant1", "Mei Chan 陳美玲", "room_attendant"),
    ("hk.attendant2", "Ah Fai Lee 李輝", "room_attendant"),
    ("hk.attendant3", "Siu Ying Ho 何小英", "room_attendant"),
    ("hk.linen", "Kam Po Yip 葉金寶", "linen_attendant"),
)
KEYS = (("MK-01", "Floors 1–3"), ("MK-02", "Floors 4–6"), ("MK-03", "Floors 7–9"), ("GM-01", "All"))
LINEN = (
    ("Bath towel 浴巾", 420, 300, 120, 3),
    ("Hand towel 手巾", 380, 300, 100, 2),
    ("King sheet 大床床單", 160, 120, 60, 2),
    ("Pillowcase 枕袋", 500, 320, 150, 4),
)
SUPPLIES = (
    ("Shampoo 洗髮露 30 ml", "guest", 820, 1200),
    ("Toothbrush kit 牙刷套裝", "guest", 640, 900),
    ("Glass cleaner 玻璃清潔劑", "cleaning", 18, 24),
    ("Toilet cleaner 潔廁劑", "cleaning", 30, 24),
)
MACHINES = (("V-01", "Vacuum 吸塵機", "11/F pantry"), ("CX-01", "Carpet extractor 洗地毯機", "B1"))
CYCLES = (("carpet", 90), ("curtains", 180), ("furniture", 120))
PATTERN = ("departure", "stayover", "stayover", "arrival", "departure", "stayover")


def _team(site: Site) -> dict[str, User]:
    people: dict[str, User] = {}
    password_hash = None
    for username, name, role in TEAM:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            password_hash = password_hash or hash_password(DEMO_PASSWORD)
            user = User(
                organization_id=site.organization_id,
                username=username,
                display_name=name,
                password_hash=password_hash,
            )
            db.session.add(user)
            db.session.flush()
        held = db.session.scalar(
            tenancy.select(Membership, site=site).where(
                Membership.user_id == user.id,
                Membership.role == role,
            )
        )
        if held is None:
            db.session.add(Membership(site_id=site.id, user_id=user.id, role=role))
        people[role if role != "room_attendant" else username] = user
    return people


def load(site: Site) -> None:
    if not site.is_hotel:
        return
    people = _team(site)
    load_stores(site)
    load_extras(site, people)
    today = clock.today(site)
    units = list(
        db.session.scalars(
            tenancy.select(Unit, site=site)
            .where(Unit.archived_at.is_(None))
            .order_by(Unit.floor, Unit.number)
            .limit(36)
        )
    )
    done = db.session.scalar(
        tenancy.select(HousekeepingAssignment, HousekeepingAssignment.id, site=site).where(
            HousekeepingAssignment.day == today
        )
    )
    if units and done is None:
        rows = []
        for n, unit in enumerate(units):
            movement = PATTERN[n % len(PATTERN)]
            vip = n % 11 == 3
            row = HousekeepingAssignment(
                site_id=site.id,
                day=today,
                unit_id=unit.id,
                movement=movement,
                vip=vip,
                credits=CREDITS[movement],
            )
            rows.append((row, unit))
            status = {"departure": "vacant_dirty", "stayover": "occupied_dirty"}.get(
                movement, "inspected"
            )
            room = db.session.scalar(
                tenancy.select(HousekeepingRoom, site=site).where(
                    HousekeepingRoom.unit_id == unit.id
                )
            )
            if room is None:
                db.session.add(
                    HousekeepingRoom(site_id=site.id, unit_id=unit.id, status=status, vip=vip)
                )
        db.session.add_all(row for row, _unit in rows)
        db.session.flush()
        attendants = [people[f"hk.attendant{i}"].id for i in (1, 2, 3)]
        split = fair_split(
            [Load(row.id, unit.floor, unit.number, row.credits) for row, unit in rows], attendants
        )
        for row, _unit in rows:
            row.attendant_id = split[row.id]
        # A room already cleaned and inspected, and one that failed.
        first, second = rows[0][1], rows[4][1]
        db.session.add_all(
            [
                HousekeepingInspection(
                    site_id=site.id,
                    unit_id=first.id,
                    inspector_id=people["floor_supervisor"].id,
                    inspected_at=clock.now() - timedelta(days=1),
                    passed=True,
                ),
                HousekeepingInspection(
                    site_id=site.id,
                    unit_id=second.id,
                    inspector_id=people["floor_supervisor"].id,
                    inspected_at=clock.now() - timedelta(days=1),
                    passed=False,
                    failed_items="bathroom,supplies",
                    note="Hair in the shower",
                ),
            ]
        )
    for code, opens in KEYS:
        key = db.session.scalar(
            tenancy.select(HousekeepingKey, site=site).where(HousekeepingKey.code == code)
        )
        if key is None:
            key = HousekeepingKey(site_id=site.id, code=code, opens=opens)
            db.session.add(key)
            db.session.flush()
            if code == "MK-01":
                db.session.add(
                    HousekeepingKeyIssue(
                        site_id=site.id,
                        key_id=key.id,
                        holder_id=people["hk.attendant1"].id,
                        issued_by_id=people["floor_supervisor"].id,
                        issued_at=clock.now(),
                        shift_ends_at=shift_end(site, "morning"),
                    )
                )
            if code == "MK-03":
                # Yesterday's night shift never brought it back: red on the dashboard.
                db.session.add(
                    HousekeepingKeyIssue(
                        site_id=site.id,
                        key_id=key.id,
                        holder_id=people["hk.attendant3"].id,
                        issued_by_id=people["floor_supervisor"].id,
                        issued_at=clock.now() - timedelta(hours=20),
                        shift_ends_at=clock.now() - timedelta(hours=12),
                    )
                )


def _find(model, site: Site, **key):
    return db.session.scalar(select(model).filter_by(site_id=site.id, **key))


def load_stores(site: Site) -> None:
    """Linen, supplies, machines and deep-cleaning cycles, each found by its name first."""
    room_types = [
        t
        for t in db.session.scalars(tenancy.select(Unit, Unit.room_type, site=site).distinct())
        if t
    ]
    for name, store, floors, laundry, par in LINEN:
        item = _find(HousekeepingLinenItem, site, name=name)
        if item is None:
            item = HousekeepingLinenItem(
                site_id=site.id, name=name, in_store=store, on_floors=floors, in_laundry=laundry
            )
            db.session.add(item)
            db.session.flush()
            db.session.add_all(
                HousekeepingLinenPar(site_id=site.id, item_id=item.id, room_type=t, par=par)
                for t in room_types
            )
    for name, kind, stock, par in SUPPLIES:
        if _find(HousekeepingSupply, site, name=name) is None:
            db.session.add(
                HousekeepingSupply(site_id=site.id, name=name, kind=kind, in_stock=stock, par=par)
            )
    for code, name, location in MACHINES:
        if _find(HousekeepingMachine, site, code=code) is None:
            db.session.add(
                HousekeepingMachine(
                    site_id=site.id, code=code, name=name, location=location, condition="working"
                )
            )
    for kind, days in CYCLES:
        if _find(HousekeepingCleaningCycle, site, kind=kind) is None:
            db.session.add(
                HousekeepingCleaningCycle(
                    site_id=site.id, kind=kind, every_days=days, starts_on=clock.today(site)
                )
            )


AREAS = (
    ("Lobby 大堂", "lobby", "Floor polished\nSofas and tables tidy\nGlass doors clean"),
    ("Grand Ballroom 宴會廳", "banquet", "Carpet vacuumed\nChairs wiped\nNo rubbish left"),
    ("Lobby toilets 大堂洗手間", "toilet", "Floor dry\nSoap and paper filled\nBins emptied"),
)
GRADES = (("Room attendant I 一級服務員", 5250), ("Room attendant II 二級服務員", 6000))


def load_extras(site: Site, people: dict[str, User]) -> None:
    """Public areas with today's wedding lunch, wage grades, a repair and a found item."""
    for name, kind, checklist in AREAS:
        if _find(HousekeepingArea, site, name=name) is None:
            db.session.add(
                HousekeepingArea(site_id=site.id, name=name, kind=kind, checklist=checklist)
            )
    for name, rate in GRADES:
        if _find(HousekeepingGrade, site, name=name) is None:
            db.session.add(HousekeepingGrade(site_id=site.id, name=name, hourly_rate=rate))
    db.session.flush()
    today = clock.today(site)
    ballroom = _find(HousekeepingArea, site, name=AREAS[1][0])
    if _find(HousekeepingFunction, site, day=today, area_id=ballroom.id) is None:
        db.session.add(
            HousekeepingFunction(
                site_id=site.id,
                day=today,
                area_id=ballroom.id,
                name="Wedding lunch 婚宴午宴",
                starts_at=time(12),
                ends_at=time(15),
                covers=240,
            )
        )
    problem = "Flickering chandelier 水晶燈閃爍"
    if _find(HousekeepingWorkOrder, site, problem=problem) is None:
        db.session.add(
            HousekeepingWorkOrder(
                site_id=site.id,
                place=AREAS[0][0],
                problem=problem,
                priority="normal",
                reported_by_id=people["floor_supervisor"].id,
            )
        )
    item = "Black umbrella 黑色雨傘"
    if _find(HousekeepingLostItem, site, item=item) is None:
        db.session.add(
            HousekeepingLostItem(
                site_id=site.id,
                item=item,
                found_where=AREAS[0][0],
                found_by=people["hk.attendant1"].display_name,
                found_on=today,
                kept_at="Housekeeping office 房務部辦公室",
            )
        )
