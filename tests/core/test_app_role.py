"""The app's PostgreSQL role reads and writes rows but cannot change the schema or the audit log.

The whole PostgreSQL half of the suite runs as that role (``core.testing.app``), which
proves it can do the app's normal work; these tests prove what it cannot do.
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from core import audit
from core.audit_guard import MESSAGE, PG_ROW_TRIGGER, REDACTED
from core.dbroles import RoleRefused, grant_statements
from core.extensions import db
from core.testing.app import app_role, as_role, owner_url
from tests.conftest import app_config


@pytest.fixture
def app_role_engine(app):
    """The suite's application engine, connected as the restricted role (PostgreSQL only)."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("SQLite has no roles: whoever can open the file can change the schema")
    if not app_role():
        pytest.skip("TEST_APP_ROLE is empty: this run connects as the owner")
    with app.app_context():
        yield db.engine


@pytest.fixture
def audited(app, make, app_role_engine) -> int:
    site = make.site()
    with app.app_context():
        row = audit.record("site.viewed", site=site)
        db.session.commit()
        return row.id


ATTEMPTS = {
    "disable-trigger": "ALTER TABLE audit_log DISABLE TRIGGER ALL",
    "disable-guard": f"ALTER TABLE audit_log DISABLE TRIGGER {PG_ROW_TRIGGER}",
    "drop-trigger": f"DROP TRIGGER {PG_ROW_TRIGGER} ON audit_log",
    "delete-audit-row": "DELETE FROM audit_log",
    "update-audit-row": "UPDATE audit_log SET action = 'nothing.happened'",
    "truncate-audit-log": "TRUNCATE audit_log",
    "drop-table": "DROP TABLE resident CASCADE",
    "alter-table": "ALTER TABLE resident ADD COLUMN note text",
    "create-table": "CREATE TABLE smuggled (id int)",
    "skip-triggers": "SET session_replication_role = replica",
}


@pytest.mark.parametrize("statement", ATTEMPTS.values(), ids=ATTEMPTS.keys())
def test_the_app_role_cannot_change_the_schema_or_the_audit_log(
    app_role_engine, audited, statement
):
    with pytest.raises(DBAPIError, match="permission denied|must be owner"):
        with app_role_engine.begin() as conn:
            conn.exec_driver_sql(statement)
    with app_role_engine.connect() as conn:
        assert conn.execute(text("SELECT id FROM audit_log")).scalars().all() == [audited]
        triggers = conn.execute(
            text(
                "SELECT tgenabled FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass "
                "AND tgname = :name"
            ),
            {"name": PG_ROW_TRIGGER},
        ).scalars()
        assert list(triggers) == ["O"]  # still there, and on


def test_the_app_role_may_only_mark_an_audit_row_erased(app_role_engine, audited):
    # The one column it may update is the detail, and the guard lets only erasure's
    # marker through there (core/privacy.py).
    with pytest.raises(DBAPIError, match=MESSAGE):
        with app_role_engine.begin() as conn:
            conn.execute(text("UPDATE audit_log SET detail = 'forged'"))
    with app_role_engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_log SET detail = :marker WHERE id = :id"),
            {"marker": REDACTED, "id": audited},
        )
    with app_role_engine.connect() as conn:
        assert conn.execute(text("SELECT detail FROM audit_log")).scalars().all() == [REDACTED]


def test_the_app_role_owns_nothing_and_is_no_superuser(app_role_engine):
    with app_role_engine.connect() as conn:
        me = conn.execute(text("SELECT current_user")).scalar_one()
        flags = conn.execute(
            text("SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = :r"),
            {"r": me},
        ).one()
        owned = conn.execute(
            text("SELECT count(*) FROM pg_class WHERE pg_get_userbyid(relowner) = :r"),
            {"r": me},
        ).scalar_one()
    assert me == app_role()
    assert tuple(flags) == (False, False, False)
    assert owned == 0


def test_granting_again_is_harmless_and_says_what_the_role_may_do(app, app_role_engine):
    result = app.test_cli_runner().invoke(args=["butler", "db", "grant-app-role", app_role()])
    assert result.exit_code == 0, result.output
    assert "cannot change the schema" in result.output
    with app_role_engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM resident")).scalar_one() == 0


def test_granting_refuses_a_superuser_and_a_role_that_owns_the_tables(app, app_role_engine):
    owner = create_engine(owner_url(app))
    try:
        with owner.connect() as conn:
            me = conn.execute(text("SELECT current_user")).scalar_one()
    finally:
        owner.dispose()
    result = app.test_cli_runner().invoke(args=["butler", "db", "grant-app-role", me])
    assert result.exit_code != 0
    assert "is a superuser: the app role must not" in result.output


def test_a_role_name_that_is_not_plain_is_refused():
    with pytest.raises(RoleRefused, match="not a plain role name"):
        grant_statements("app; DROP TABLE resident", "butler")


def test_on_sqlite_the_command_says_roles_are_for_postgresql(make_app, tmp_path):
    lite = make_app(app_config(f"sqlite:///{tmp_path / 'lite.db'}"))
    result = lite.test_cli_runner().invoke(args=["butler", "db", "grant-app-role", "butler_app"])
    assert result.exit_code != 0
    assert "PostgreSQL matter" in result.output


def test_as_role_keeps_the_host_and_database():
    url = as_role("postgresql+psycopg://postgres:secret@db.example:5432/butler", "butler_app")
    assert url == "postgresql+psycopg://butler_app@db.example:5432/butler"
