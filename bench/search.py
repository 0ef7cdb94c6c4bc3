"""Search as you type on large sites: ``python -m bench.search`` (or ``run`` from the bench).

Seeds a company whose sites have ``BENCH_SEARCH_SIZES`` residents each (default 6,000 and
20,000) plus a site of the same size beside each (its residents share the names: they
must cost nothing and never show), then times, as each site's manager, the resident
list's htmx fragment searched by a Chinese name (two characters: the prefix path, and
three: the trigram path), a Latin name inside the name, a partial phone and a unit
number, and the site search. Goal: p95 ≤ 50 ms at both sizes on both databases.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
from datetime import date
from urllib.parse import quote

from sqlalchemy import insert

from bench.seed import GIVEN, PASSWORD, SURNAMES, Ids, _bulk
from bench.timing import Timing, measure, table
from core import clock as core_clock
from core import create_app
from core.auth import hash_password
from core.extensions import db
from core.models import Building, Membership, Occupancy, Organization, Resident, Site, Unit, User

SIZES = tuple(int(n) for n in os.environ.get("BENCH_SEARCH_SIZES", "6000,20000").split(","))
LATIN = "Chan Wong Lee Cheung Lau Ho Leung Lam Tsang Yip".split()
LATIN_GIVEN = "Tai Man|Siu Ming|Ka Yan|Wing Sze|Chi Keung|Mei Ling|Hoi Yan|Kwok Wai".split("|")
RUNS = int(os.environ.get("BENCH_SEARCH_RUNS", "60"))


def _seed(sizes: tuple[int, ...]) -> None:
    rng = random.Random(20261208)
    now = core_clock.now()
    stamps = {"created_at": now, "updated_at": now}
    org_id = db.session.execute(
        insert(Organization)
        .values(slug="search", name="Search", **stamps)
        .returning(Organization.id)
    ).scalar_one()
    password_hash = hash_password(PASSWORD)
    ids = Ids()
    for size in sizes:
        for twin in ("", "-twin"):
            site_id = db.session.execute(
                insert(Site)
                .values(
                    organization_id=org_id,
                    slug=f"search-{size}{twin}",
                    name=f"Search {size}{twin}",
                    kind="residential",
                    timezone="Asia/Hong_Kong",
                    default_locale="zh_Hant",
                    currency="HKD",
                    address="",
                    **stamps,
                )
                .returning(Site.id)
            ).scalar_one()
            user_id = db.session.execute(
                insert(User)
                .values(
                    organization_id=org_id,
                    username=f"manager{size}{twin}",
                    display_name="Manager",
                    email="",
                    phone="",
                    password_hash=password_hash,
                    active=True,
                    is_org_admin=False,
                    session_epoch=0,
                    **stamps,
                )
                .returning(User.id)
            ).scalar_one()
            _bulk(
                Membership, [{"site_id": site_id, "user_id": user_id, "role": "manager", **stamps}]
            )
            # About three residents a unit, as in a family estate.
            towers = max(1, size // 1_500)
            units = []
            for b in range(towers):
                building_id = db.session.execute(
                    insert(Building)
                    .values(
                        site_id=site_id,
                        code=f"T{b + 1}",
                        name=f"Tower {b + 1}",
                        floors=40,
                        version_id=1,
                        **stamps,
                    )
                    .returning(Building.id)
                ).scalar_one()
                unit_ids = iter(ids.take(Unit, 40 * 12))
                units += [
                    {
                        "id": next(unit_ids),
                        "site_id": site_id,
                        "building_id": building_id,
                        "floor": floor,
                        "number": f"{floor}{chr(65 + position)}",
                        "status": "occupied",
                        "room_type": "",
                        "version_id": 1,
                        **stamps,
                    }
                    for floor in range(1, 41)
                    for position in range(12)
                ]
            _bulk(Unit, units)
            resident_ids = ids.take(Resident, size)
            residents = []
            for n, resident_id in enumerate(resident_ids):
                if n % 3:
                    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
                else:
                    name = f"{rng.choice(LATIN)} {rng.choice(LATIN_GIVEN)}"
                residents.append(_resident(resident_id, site_id, n, name, rng, stamps))
            _bulk(Resident, residents)
            occupancy_ids = ids.take(Occupancy, size)
            _bulk(
                Occupancy,
                [
                    {
                        "id": occupancy_ids[n],
                        "site_id": site_id,
                        "resident_id": resident_id,
                        "unit_id": units[n % len(units)]["id"],
                        "role": "owner" if n < len(units) else "family",
                        "moved_in": date(2020, 1, 1),
                        "is_primary_contact": n < len(units),
                        **stamps,
                    }
                    for n, resident_id in enumerate(resident_ids)
                ],
            )
    ids.sync_sequences()
    db.session.commit()
    with db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()


def _resident(resident_id: int, site_id: int, n: int, name: str, rng, stamps) -> dict:
    blank = dict.fromkeys(
        (
            "phone2 email employer work_phone work_address hobbies emergency_contact_name "
            "emergency_contact_phone domestic_helper children_at_school elderly_at_home "
            "special_situations notes"
        ).split(),
        "",
    )
    return {
        "id": resident_id,
        "site_id": site_id,
        "ref": f"R{n:06d}",
        "name": name,
        "phone": f"9{rng.randint(1_000_000, 9_999_999)}",
        "preferred_locale": "zh_Hant",
        "consent_sms": True,
        "consent_email": False,
        "version_id": 1,
        **blank,
        **stamps,
    }


QUERIES = (
    ("Chinese name, 2 characters", "陳家"),
    ("Chinese name, 3 characters", "陳家明"),
    ("Latin name, inside", "siu ming"),
    ("partial phone", "912"),
    ("unit number", "12A"),
)


def run(url: str, database: str, sizes: tuple[int, ...] = SIZES) -> list[tuple[str, Timing]]:
    from bench.__main__ import bench_config

    app = create_app(bench_config(url))
    with app.app_context():
        db.create_all()
        _seed(sizes)
    client = app.test_client()
    partial = {"HX-Request": "true", "HX-Target": "resident-results"}
    rows = []
    for size in sizes:
        client.post("/logout")
        client.post("/login", data={"username": f"manager{size}", "password": PASSWORD})
        base = f"/s/search-{size}"
        for label, query in QUERIES:
            page = f"{base}/residents/?q={quote(query)}"
            rows.append(
                (
                    database,
                    measure(client, f"search {size:,}: {label}", page, RUNS, headers=partial),
                )
            )
        rows.append(
            (
                database,
                measure(
                    client,
                    f"search {size:,}: site search",
                    f"{base}/search?q={quote('陳家明')}",
                    RUNS,
                ),
            )
        )
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return rows


def main() -> None:
    from bench.__main__ import postgres_database

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        rows += run(f"sqlite:///{folder}/search.db", "SQLite")
    pg = postgres_database()
    if pg is not None:
        url, drop = pg
        try:
            rows += run(url, "PostgreSQL")
        finally:
            drop()
    print(table(rows))
    slow = [t for _, t in rows if t.p95 > 50]
    if slow:
        print(f"over 50 ms at p95: {', '.join(t.label for t in slow)}", file=sys.stderr)


if __name__ == "__main__":
    main()
