"""The Alembic revisions build exactly the schema the models describe, on both databases."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from core.audit_guard import MESSAGE
from core.extensions import db
from core.models import (
    AuditLog,
    Building,
    Membership,
    Occupancy,
    Organization,
    Resident,
    Site,
    Unit,
    User,
)
from core.search import resident_matches
from core.search_index import include_name
from core.testing.app import app_role, as_role, owner_url
from tests.conftest import app_config


@pytest.fixture
def empty_database_url(app, tmp_path) -> Iterator[str]:
    """A brand-new empty database of the kind the suite runs on."""
    url = make_url(owner_url(app))
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    name = f"butler_mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_migrations_and_models_agree(empty_database_url, make_app):
    config = app_config(empty_database_url)
    role = app_role() if empty_database_url.startswith("postgresql") else ""
    if role:
        # As an operator runs it: the app connects as its role, migrations as the owner.
        config |= {
            "SQLALCHEMY_DATABASE_URI": as_role(empty_database_url, role),
            "BUTLER_MIGRATION_DATABASE_URI": empty_database_url,
        }
    migrated = make_app(config)
    with migrated.app_context():
        upgrade(revision="heads")
        with db.engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(
                    conn, opts={"compare_type": True, "include_name": include_name}
                ),
                db.metadata,
            )
            tables = set(inspect(conn).get_table_names())
    assert diff == []
    assert {"site", "resident", "audit_log", "alembic_version"} <= tables
    if role:
        granted = migrated.test_cli_runner().invoke(args=["butler", "db", "grant-app-role", role])
        assert granted.exit_code == 0, granted.output
        with migrated.app_context():
            with db.engine.connect() as conn:
                assert conn.exec_driver_sql("SELECT count(*) FROM resident").scalar() == 0
                assert conn.exec_driver_sql("SELECT current_user").scalar() == role
            with pytest.raises(DBAPIError, match="permission denied"):
                with db.engine.begin() as conn:
                    conn.exec_driver_sql("DELETE FROM alembic_version")


def test_the_one_current_butler_index_exists_after_migrating(empty_database_url, make_app):
    migrated = make_app(app_config(empty_database_url))
    with migrated.app_context():
        upgrade(revision="heads")
        with db.engine.connect() as conn:
            indexes = {i["name"]: i for i in inspect(conn).get_indexes("butler_assignment")}
    assert indexes["uq_butler_assignment_current"]["unique"]


# --- The audit log's guard ------------------------------------------------------------------


@pytest.mark.parametrize("built_by", ["migrations", "create_all"])
def test_a_new_database_refuses_changes_to_the_audit_log(empty_database_url, make_app, built_by):
    # compare_metadata does not see triggers: this is what proves both ways install them.
    fresh = make_app(app_config(empty_database_url))
    with fresh.app_context():
        if built_by == "migrations":
            upgrade(revision="heads")
        else:
            db.create_all()
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO audit_log (at, action, object_type, detail, ip) "
                    "VALUES (:at, 'login.success', '', '', '')"
                ).bindparams(at=datetime(2025, 3, 1, 9, 30, tzinfo=UTC))
            )
        for statement in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"):
            with pytest.raises(DBAPIError, match=MESSAGE):
                with db.engine.begin() as conn:
                    conn.exec_driver_sql(statement)
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT action FROM audit_log").scalars().all() == [
                "login.success"
            ]


# --- Data kept across upgrades ----------------------------------------------------------------

T0 = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)


def _insert(conn, table_name: str, **values) -> int:
    """Insert one row with plain SQL, as the first release would have; returns its id."""
    columns = ", ".join(values)
    placeholders = ", ".join(f":{name}" for name in values)
    statement = text(
        f"INSERT INTO {table_name} ({columns}) VALUES ({placeholders}) RETURNING id"
    ).bindparams(**values)
    return conn.execute(statement).scalar_one()


def _first_release_rows(conn) -> list[tuple[type, int, dict]]:
    """An estate as the first release stored it: every row as (model, id, values)."""
    stamps = {"created_at": T0, "updated_at": T0}
    rows: list[tuple[type, int, dict]] = []

    def add(model: type, **values) -> int:
        row_id = _insert(conn, model.__tablename__, **values)
        rows.append((model, row_id, values))
        return row_id

    org = add(Organization, slug="evergreen", name="Evergreen Property 長青物業", **stamps)
    site = add(
        Site,
        organization_id=org,
        slug="harbour-view",
        name="海景花園 Harbour View Gardens",
        kind="residential",
        timezone="Asia/Hong_Kong",
        default_locale="zh_Hant",
        currency="HKD",
        address="香港九龍紅磡海景道 8 號",
        archived_at=None,
        **stamps,
    )
    owned = {"site_id": site, **stamps}
    towers = [
        add(Building, code=code, name=name, floors=30, version_id=1, archived_at=None, **owned)
        for code, name in (("T1", "第一座 Tower 1"), ("T2", "第二座 Tower 2"))
    ]
    flat = dict(status="occupied", room_type="", version_id=1, archived_at=None, **owned)
    units = [
        add(Unit, building_id=towers[0], floor=12, number="12A", area_m2=Decimal("65.50"), **flat),
        add(Unit, building_id=towers[1], floor=3, number="3C", area_m2=None, **flat),
    ]
    person = dict(phone2="", email="", employer="", work_phone="", work_address="", hobbies="")
    residents = [
        add(
            Resident,
            ref="HV-0001",
            name="陳大文 Chan Tai Man",
            phone="91234567",
            birth_date=date(1958, 2, 14),
            emergency_contact_name="陳小明",
            emergency_contact_phone="92345678",
            notes="Prefers calls after 10:00.",
            preferred_locale="zh_Hant",
            consent_sms=True,
            consent_email=False,
            version_id=3,
            **person,
            **owned,
            archived_at=None,
        ),
        add(
            Resident,
            ref=None,
            name="Mary Wong",
            phone="",
            birth_date=None,
            emergency_contact_name="",
            emergency_contact_phone="",
            notes="",
            preferred_locale="",
            consent_sms=False,
            consent_email=True,
            version_id=1,
            **person,
            **owned,
            archived_at=datetime(2024, 6, 30, 16, 0, tzinfo=UTC),
        ),
    ]
    add(
        Occupancy,
        resident_id=residents[0],
        unit_id=units[0],
        role="owner",
        moved_in=date(2001, 8, 1),
        moved_out=None,
        is_primary_contact=True,
        **owned,
    )
    add(
        Occupancy,
        resident_id=residents[1],
        unit_id=units[1],
        role="tenant",
        moved_in=date(2022, 1, 1),
        moved_out=date(2024, 6, 30),
        is_primary_contact=False,
        **owned,
    )
    user = add(
        User,
        organization_id=org,
        username="ben",
        display_name="Ben Wong 黃家豪",
        email="ben@example.com",
        phone="93456789",
        password_hash="$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
        locale="zh_Hant",
        active=True,
        is_org_admin=False,
        last_site_id=site,
        session_epoch=2,
        password_changed_at=T0,
        last_login_at=None,
        **stamps,
    )
    add(Membership, user_id=user, role="butler", **owned)
    add(
        AuditLog,
        at=T0,
        site_id=site,
        user_id=user,
        action="resident.updated",
        object_type="Resident",
        object_id=residents[0],
        detail='{"phone": ["90000000", "91234567"]}',
        ip="203.0.113.7",
    )
    return rows


def test_upgrading_from_the_first_release_keeps_every_row(empty_database_url, make_app):
    migrated = make_app(app_config(empty_database_url))
    with migrated.app_context():
        upgrade(revision="core_0001")
        with db.engine.begin() as conn:
            rows = _first_release_rows(conn)
        upgrade(revision="heads")
        db.session.remove()
        for model, row_id, values in rows:
            found = db.session.get(model, row_id)
            assert found is not None, f"{model.__tablename__} {row_id} is gone"
            assert {name: getattr(found, name) for name in values} == values
        # Columns added since the first release hold their defaults on old rows.
        for resident in db.session.scalars(select(Resident)):
            assert resident.domestic_helper == ""
            assert resident.children_at_school == ""
            assert resident.elderly_at_home == ""
            assert resident.special_situations == ""
        user = db.session.scalars(select(User)).one()
        assert user.totp_secret is None and user.totp_enabled_at is None
        # The search indexes built by core_0019 hold the residents already there.
        site = db.session.scalars(select(Site)).one()
        chan = next(row_id for model, row_id, v in rows if v.get("ref") == "HV-0001")
        for query in ("Tai Man", "陳大", "9123", "hv-0"):
            assert db.session.scalars(resident_matches(site, query)).all() == [chan]
