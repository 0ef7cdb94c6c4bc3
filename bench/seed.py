"""Seeding a large company fast: Core bulk inserts, no ORM objects.

``seed(scale)`` writes organisations, sites, buildings, units, residents (with their
occupancies), staff and butler assignments, and returns the row counts. Names and phone
numbers are made up from fixed lists with a seeded random generator, so every run seeds
the same data.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date
from operator import itemgetter

from sqlalchemy import event, insert, text

from core import clock as core_clock
from core.auth import hash_password
from core.extensions import db
from core.models import (
    Building,
    ButlerAssignment,
    Membership,
    Occupancy,
    Organization,
    PluginEnablement,
    Resident,
    Site,
    Unit,
    User,
)
from core.models.base import UTCDateTime

SURNAMES = "陳 李 張 黃 何 林 吳 劉 蔡 楊 梁 鄭 謝 郭 羅 周 王 馮 趙 徐".split()
GIVEN = "家明 志強 美玲 慧敏 嘉欣 俊傑 詠詩 子軒 雅婷 國華 麗珍 偉文 淑儀 浩然 佩珊".split()
BATCH = 5_000
PASSWORD = "bench-password"


@dataclass(frozen=True)
class Scale:
    """A company of ``residents`` residents in estates of ``site_residents`` each (the
    last fewer): a larger company has more estates, each of them the same size, so that
    the pages of one estate show what the company's size alone costs. A company smaller
    than one estate is one estate of that many residents."""

    residents: int = 100_000
    site_residents: int = 2_000
    buildings_per_site: int = 4
    floors: int = 25
    units_per_floor: int = 6

    @classmethod
    def from_environment(cls, residents: int | None = None) -> Scale:
        """``BENCH_RESIDENTS`` residents (default 100,000), or ``residents``."""
        if residents is None:
            residents = int(os.environ.get("BENCH_RESIDENTS", "100000"))
        if residents < 1:
            raise ValueError("BENCH_RESIDENTS must be at least 1")
        return cls(residents=residents)

    @property
    def sites(self) -> int:
        return -(-self.residents // self.site_residents)

    def residents_of(self, n: int) -> int:
        """How many residents the ``n``-th estate (from 0) has."""
        return min(self.site_residents, self.residents - n * self.site_residents)


def _bulk(model, rows: list[dict]) -> None:
    """Insert ``rows`` (dicts with the same keys): COPY on PostgreSQL, the driver's
    ``executemany`` of plain tuples elsewhere (no ORM bulk insert, which cuts a batch
    wherever a row's None values differ from the last one's and builds every row's
    parameters again)."""
    if not rows:
        return
    connection = db.session.connection()
    table = model.__table__
    columns = list(rows[0])
    # Columns a row leaves out get their Python-side default once for the whole batch
    # (the server's defaults apply by themselves).
    extra = {
        c.key: c.default.arg(None) if c.default.is_callable else c.default.arg
        for c in table.columns
        if c.key not in rows[0]
        and c.default is not None
        and not (c.default.is_sequence or c.default.is_clause_element)
    }
    quoted = ", ".join(f'"{c}"' for c in (*columns, *extra))
    raw = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        tail = list(extra.values())
        with raw.cursor() as cursor:
            with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row([*(row[c] for c in columns), *tail])
        return
    dialect = connection.dialect
    convert = [(n, _converter(table.c[c].type, dialect)) for n, c in enumerate(columns)]
    convert = [(n, f) for n, f in convert if f is not _same]
    tail = tuple(_converter(table.c[c].type, dialect)(v) for c, v in extra.items())
    marks = ", ".join("?" * (len(columns) + len(extra)))
    sql = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})'
    values = itemgetter(*columns) if len(columns) > 1 else lambda row: (row[columns[0]],)
    cursor = raw.cursor()
    try:
        for start in range(0, len(rows), BATCH):
            batch = [values(row) for row in rows[start : start + BATCH]]
            if convert:
                batch = [_convert(list(row), convert) for row in batch]
            if tail:
                batch = [(*row, *tail) for row in batch]
            cursor.executemany(sql, batch)
    finally:
        cursor.close()


def _convert(row: list, convert: list) -> list:
    for n, f in convert:
        row[n] = f(row[n])
    return row


def _converter(column_type, dialect):
    """What the driver is given for a value of ``column_type``: its SQLAlchemy bind
    processing, with a fast path for Butler's UTC timestamps and for plain values."""
    if isinstance(column_type, UTCDateTime):
        return _sqlite_utc
    process = column_type._cached_bind_processor(dialect)
    if process is None:
        return _same
    return process


def _same(value):
    return value


def _sqlite_utc(value):
    # What UTCDateTime and SQLite's DATETIME store: the UTC time, "YYYY-MM-DD HH:MM:SS.ffffff".
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetimes are not stored; give a timezone-aware value")
    return value.astimezone(UTC).isoformat(" ", "microseconds")[:26]  # without "+00:00"


@contextmanager
def _fast_sqlite() -> Iterator[None]:
    """While seeding the bench's SQLite file (thrown away after the run): no waiting for
    the disk at each commit, and a large page cache for building the indexes. The
    pragmas need connections of their own; those the pages are then timed on are new.
    On PostgreSQL, a superuser's seeding skips the foreign keys' row triggers."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        connection = db.session.connection()
        if connection.exec_driver_sql(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
        ).scalar():
            connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
        yield
        return
    if engine.dialect.name != "sqlite":
        yield
        return

    def pragmas(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-262144")  # 256 MB
        cursor.execute("PRAGMA temp_store=MEMORY")
        # The seeded rows point at rows seeded before them: no lookup of every parent.
        cursor.execute("PRAGMA foreign_keys=OFF")
        cursor.close()

    db.session.remove()
    engine.dispose()
    event.listen(engine, "connect", pragmas)
    try:
        yield
    finally:
        event.remove(engine, "connect", pragmas)
        db.session.remove()
        engine.dispose()


class Ids:
    """Hands out ids for rows inserted with explicit keys (no RETURNING round trips)."""

    def __init__(self) -> None:
        self.next: dict[type, int] = {}

    def take(self, model, count: int) -> range:
        start = self.next.get(model, 1)
        self.next[model] = start + count
        return range(start, start + count)

    def sync_sequences(self) -> None:
        connection = db.session.connection()
        if connection.dialect.name != "postgresql":
            return
        for model, following in self.next.items():
            table = model.__tablename__
            db.session.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), :last)"),
                {"last": following - 1},
            )


def seed(scale: Scale = Scale()) -> dict[str, int]:
    """Write a large company into the empty database of the current app context."""
    with _fast_sqlite():
        return _seed(scale)


def _seed(scale: Scale) -> dict[str, int]:
    rng = random.Random(20261128)
    now = core_clock.now()
    stamps = {"created_at": now, "updated_at": now}
    org_id = db.session.execute(
        insert(Organization)
        .values(slug="bench", name="Bench Property", **stamps)
        .returning(Organization.id)
    ).scalar_one()
    password_hash = hash_password(PASSWORD)

    sites = [
        {
            "organization_id": org_id,
            "slug": f"estate-{n:02d}",
            "name": f"Estate {n:02d}",
            "kind": "residential",
            "timezone": "Asia/Hong_Kong",
            "default_locale": "zh_Hant",
            "currency": "HKD",
            "address": "",
            **stamps,
        }
        for n in range(scale.sites)
    ]
    site_ids = list(db.session.execute(insert(Site).returning(Site.id), sites).scalars())

    users, buildings = [], []
    for n, site_id in enumerate(site_ids):
        for role in ("butler", "manager"):
            users.append(
                {
                    "organization_id": org_id,
                    "username": f"{role}{n:02d}",
                    "display_name": f"{role.title()} {n:02d}",
                    "email": "",
                    "phone": "",
                    "password_hash": password_hash,
                    "active": True,
                    "is_org_admin": False,
                    "session_epoch": 0,
                    **stamps,
                }
            )
        for b in range(scale.buildings_per_site):
            buildings.append(
                {
                    "site_id": site_id,
                    "code": f"T{b + 1}",
                    "name": f"Tower {b + 1}",
                    "floors": scale.floors,
                    "version_id": 1,
                    **stamps,
                }
            )
    user_ids = list(db.session.execute(insert(User).returning(User.id), users).scalars())
    building_rows = db.session.execute(
        insert(Building).returning(Building.id, Building.site_id), buildings
    ).all()

    memberships, assignments = [], []
    for n, site_id in enumerate(site_ids):
        butler_id, manager_id = user_ids[2 * n], user_ids[2 * n + 1]
        memberships += [
            {"site_id": site_id, "user_id": butler_id, "role": "butler", **stamps},
            {"site_id": site_id, "user_id": manager_id, "role": "manager", **stamps},
        ]
    first_building = {}
    for building_id, site_id in building_rows:
        first_building.setdefault(site_id, building_id)
    for n, site_id in enumerate(site_ids):
        assignments.append(
            {
                "site_id": site_id,
                "building_id": first_building[site_id],
                "user_id": user_ids[2 * n],
                "starts_on": date(2024, 1, 1),
                **stamps,
            }
        )
    _bulk(Membership, memberships)
    _bulk(ButlerAssignment, assignments)

    ids = Ids()
    per_building = scale.floors * scale.units_per_floor
    units = []
    units_by_site: dict[int, list[int]] = {}
    for building_id, site_id in building_rows:
        unit_ids = iter(ids.take(Unit, per_building))
        for floor in range(1, scale.floors + 1):
            for position in range(scale.units_per_floor):
                unit_id = next(unit_ids)
                units_by_site.setdefault(site_id, []).append(unit_id)
                units.append(
                    {
                        "id": unit_id,
                        "site_id": site_id,
                        "building_id": building_id,
                        "floor": floor,
                        "number": f"{floor}{chr(65 + position)}",
                        "status": "occupied",
                        "room_type": "",
                        "version_id": 1,
                        **stamps,
                    }
                )
    _bulk(Unit, units)
    unit_rows = units

    resident_count = 0
    occupancies = 0
    residents_by_site: dict[int, list[int]] = {}
    for index, site_id in enumerate(site_ids):
        site_units = units_by_site[site_id]
        residents = []
        resident_ids = ids.take(Resident, scale.residents_of(index))
        for n in range(len(resident_ids)):
            residents.append(
                {
                    "id": resident_ids[n],
                    "site_id": site_id,
                    "ref": f"R{n:06d}",
                    "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
                    "phone": f"9{rng.randint(1_000_000, 9_999_999)}",
                    "phone2": "",
                    "email": "",
                    "employer": "",
                    "work_phone": "",
                    "work_address": "",
                    "hobbies": "",
                    "emergency_contact_name": "",
                    "emergency_contact_phone": "",
                    "domestic_helper": "",
                    "children_at_school": "",
                    "elderly_at_home": "",
                    "special_situations": "",
                    "notes": "",
                    "preferred_locale": "zh_Hant",
                    "consent_sms": True,
                    "consent_email": False,
                    "version_id": 1,
                    **stamps,
                }
            )
        _bulk(Resident, residents)
        residents_by_site[site_id] = list(resident_ids)
        occupancy_ids = ids.take(Occupancy, len(resident_ids))
        rows = [
            {
                "id": occupancy_ids[n],
                "site_id": site_id,
                "resident_id": resident_id,
                "unit_id": site_units[n % len(site_units)],
                "role": "owner" if n < len(site_units) else "family",
                "moved_in": date(2020, 1, 1),
                "is_primary_contact": n < len(site_units),
                **stamps,
            }
            for n, resident_id in enumerate(resident_ids)
        ]
        _bulk(Occupancy, rows)
        resident_count += len(resident_ids)
        occupancies += len(rows)

    staff_by_site = {
        site_id: [user_ids[2 * n], user_ids[2 * n + 1]] for n, site_id in enumerate(site_ids)
    }
    buildings_by_site: dict[int, list[int]] = {}
    for building_id, site_id in building_rows:
        buildings_by_site.setdefault(site_id, []).append(building_id)
    plugin_counts = _seed_plugins(
        org_id,
        site_ids,
        {
            "ids": ids,
            "rng": rng,
            "now": now,
            "stamps": stamps,
            "password_hash": password_hash,
            "residents": residents_by_site,
            "units": units_by_site,
            "buildings": buildings_by_site,
            "staff": staff_by_site,
        },
    )
    ids.sync_sequences()
    db.session.commit()
    # Fresh statistics, as a database in service would have, so the planner picks indexes.
    with db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    return {
        "sites": len(site_ids),
        "buildings": len(building_rows),
        "units": len(unit_rows),
        "residents": resident_count,
        "occupancies": occupancies,
        "users": len(user_ids),
        **plugin_counts,
    }


def _seed_plugins(org_id: int, site_ids: list[int], shared: dict) -> dict[str, int]:
    """Turn every first-party plugin on and let each seed its rows (bench/plugins/)."""
    from bench.plugins import modules

    counts: dict[str, int] = {}
    plugins = modules()
    hotel_id = None
    if any(getattr(module, "KIND", "residential") == "hotel" for _, module in plugins):
        hotel_id = _hotel(org_id, shared)
    enablements = []
    for name, module in plugins:
        kind = getattr(module, "KIND", "residential")
        sites = site_ids if kind == "residential" else [hotel_id]
        enablements += [
            {"site_id": site_id, "plugin": name, "enabled": True, "changed_at": shared["now"]}
            for site_id in sites
        ]
        # Every estate has the plugins on; the first few carry a year of their work (the
        # measured estate among them): enough rows to find a missing index, and a bench
        # that still runs in minutes. A module's SITES asks for more (the figure).
        for site_id in sites[: max(PLUGIN_SITES, getattr(module, "SITES", 0))]:
            ctx = {
                "ids": shared["ids"],
                "rng": shared["rng"],
                "now": shared["now"],
                "resident_ids": shared["residents"].get(site_id, []),
                "unit_ids": shared["units"][site_id],
                "building_ids": shared["buildings"][site_id],
                "staff_ids": shared["staff"][site_id],
                # The estate (or hotel) whose pages are timed: seeded first, in each run.
                "measured": site_id == sites[0],
            }
            for table, count in module.seed(site_id, ctx).items():
                counts[f"{name}.{table}"] = counts.get(f"{name}.{table}", 0) + count
    _bulk(PluginEnablement, enablements)
    return counts


PLUGIN_SITES = int(os.environ.get("BENCH_PLUGIN_SITES", "5"))
HOTEL_FLOORS, ROOMS_PER_FLOOR = 20, 30
HOTEL_STAFF = (("housekeeper00", "exec_housekeeper"), ("supervisor00", "floor_supervisor")) + tuple(
    (f"attendant{n:02d}", "room_attendant") for n in range(12)
)


def _hotel(org_id: int, shared: dict) -> int:
    """A 600-room hotel with its housekeeping staff, for the hotel plugins."""
    stamps, ids = shared["stamps"], shared["ids"]
    hotel_id = db.session.execute(
        insert(Site)
        .values(
            organization_id=org_id,
            slug="hotel-00",
            name="Bench Hotel",
            kind="hotel",
            timezone="Asia/Hong_Kong",
            default_locale="zh_Hant",
            currency="HKD",
            address="",
            **stamps,
        )
        .returning(Site.id)
    ).scalar_one()
    building_id = db.session.execute(
        insert(Building)
        .values(
            site_id=hotel_id,
            code="M",
            name="Main Tower",
            floors=HOTEL_FLOORS,
            version_id=1,
            **stamps,
        )
        .returning(Building.id)
    ).scalar_one()
    room_ids = ids.take(Unit, HOTEL_FLOORS * ROOMS_PER_FLOOR)
    rooms = []
    for n, room_id in enumerate(room_ids):
        floor, position = divmod(n, ROOMS_PER_FLOOR)
        rooms.append(
            {
                "id": room_id,
                "site_id": hotel_id,
                "building_id": building_id,
                "floor": floor + 1,
                "number": f"{floor + 1}{position + 1:02d}",
                "status": "occupied",
                "room_type": (
                    "suite" if position >= 28 else "deluxe" if position >= 20 else "standard"
                ),
                "version_id": 1,
                **stamps,
            }
        )
    _bulk(Unit, rooms)
    staff = []
    for username, role in HOTEL_STAFF:
        user_id = db.session.execute(
            insert(User)
            .values(
                organization_id=org_id,
                username=username,
                display_name=username.title(),
                email="",
                phone="",
                password_hash=shared["password_hash"],
                active=True,
                is_org_admin=False,
                session_epoch=0,
                **stamps,
            )
            .returning(User.id)
        ).scalar_one()
        db.session.execute(
            insert(Membership).values(site_id=hotel_id, user_id=user_id, role=role, **stamps)
        )
        staff.append(user_id)
    shared["units"][hotel_id] = list(room_ids)
    shared["buildings"][hotel_id] = [building_id]
    shared["staff"][hotel_id] = staff
    return hotel_id
