"""The application fixtures: one application per test session, a clean database per test.

``app`` is built from ``app_config(url)`` plus the ``butler_config`` fixture, which a
plugin's ``conftest.py`` overrides to load itself (``BUTLER_EXTRA_PLUGINS``) or to change
a setting for its whole suite. The database is SQLite in a temporary folder, or
PostgreSQL when ``TEST_DATABASE_URL`` is set; each test's rows are deleted after it.

On PostgreSQL the suite runs as production should: ``TEST_DATABASE_URL`` names the owner
(it builds the schema, empties the tables between tests, and is what tests that create
databases or run migrations use: ``owner_url(app)``), and the application connects as the
restricted role ``TEST_APP_ROLE`` (``butler_app`` unless set; empty: as the owner), made
and granted by ``core.dbroles.grant_app_role``. Trust authentication needs no password.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import pytest
from flask import Flask, current_app
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url

from core import create_app
from core.config import normalise_database_url
from core.database import dispose_owner_engine, migration_url, owner_engine
from core.dbroles import grant_app_role
from core.extensions import db
from core.testing.factories import Factory

_UPLOADS: str | None = None


def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if url:
        return normalise_database_url(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'butler-test.db'}"


def app_role() -> str:
    """The role the suite's application connects as on PostgreSQL ("" for the owner)."""
    return os.environ.get("TEST_APP_ROLE", "butler_app").strip()


def as_role(url: str, role: str) -> str:
    """``url`` with ``role`` as its user (no password: the test server trusts local roles)."""
    parts = make_url(url)
    return URL.create(
        parts.drivername,
        username=role,
        host=parts.host,
        port=parts.port,
        database=parts.database,
        query=parts.query,
    ).render_as_string(hide_password=False)


def owner_url(app: Flask) -> str:
    """The URL of the owner of the suite's database: for new databases and migrations."""
    return migration_url(app)


def app_config(url: str) -> dict:
    """The settings of a test application on the database at ``url``."""
    return {
        "TESTING": True,
        "BUTLER_ENV": "test",
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "BUTLER_LOAD_ENTRY_POINTS": False,
        # Logins from one test address would trip the throttle: tests that check it
        # build an application with it on.
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Cheap hashes: a suite logs in hundreds of times.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "ARGON2_PARALLELISM": 1,
        # Uploaded photos go to a folder of the test run, not to instance/.
        "BUTLER_UPLOAD_DIR": _upload_dir(),
    }


def _upload_dir() -> str:
    global _UPLOADS
    if _UPLOADS is None:
        _UPLOADS = tempfile.mkdtemp(prefix="butler-test-uploads-")
    return _UPLOADS


def empty_tables() -> None:
    """Delete every row the test wrote (inside an application context)."""
    # DELETE beats TRUNCATE on a few rows: TRUNCATE rewrites every table's files.
    # The audit log refuses deletes (core/audit_guard.py). PostgreSQL skips triggers for
    # this one transaction in the replica role (the owner is a superuser); SQLite
    # has no such switch, so its two triggers are dropped and put back around the delete,
    # in the same transaction.
    from core import audit_guard

    # Most tests fill a handful of the ~90 tables: one round trip finds which, and only
    # those are emptied (children before parents).
    db.session.rollback()
    tables = list(reversed(db.metadata.sorted_tables))
    probe = " UNION ALL ".join(
        f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for t in tables
    )
    with owner_engine(current_app).begin() as conn:
        filled = set(conn.exec_driver_sql(probe).scalars())
        if not filled:
            return
        dialect = conn.dialect.name
        guarded = dialect == "sqlite" and "audit_log" in filled
        if dialect == "postgresql":
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        elif guarded:
            for statement in audit_guard.drop_statements(dialect):
                conn.exec_driver_sql(statement)
        for table in tables:
            if table.name in filled:
                conn.execute(table.delete())
        if guarded:
            for statement in audit_guard.create_statements(dialect):
                conn.exec_driver_sql(statement)


@pytest.fixture(scope="session")
def butler_config() -> dict:
    """Settings added to ``app_config`` for the session's application: override it."""
    return {}


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory, butler_config: dict) -> Iterator[Flask]:
    url = database_url(tmp_path_factory)
    config = app_config(url)
    role = app_role()
    if role and url.startswith("postgresql"):
        config |= {
            "SQLALCHEMY_DATABASE_URI": as_role(url, role),
            "BUTLER_MIGRATION_DATABASE_URI": url,
        }
    app = create_app(config | butler_config)
    with app.app_context():
        owner = owner_engine(app)
        db.metadata.drop_all(owner)
        with owner.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.metadata.create_all(owner)
        if owner is not db.engine:
            grant_app_role(owner, role)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    dispose_owner_engine(app)


@pytest.fixture(autouse=True)
def _clean_database(app: Flask) -> Iterator[None]:
    # No application context is held during the test: each request gets its own, as in
    # production, so nothing (g, the session's identity map) leaks between requests.
    yield
    with app.app_context():
        empty_tables()
        db.session.remove()


@pytest.fixture
def make_app() -> Iterator:
    """Build extra applications (other settings, extra routes); their engines are closed after."""
    made: list[Flask] = []

    def build(config: dict) -> Flask:
        extra = create_app(config)
        made.append(extra)
        return extra

    yield build
    for extra in made:
        with extra.app_context():
            db.session.remove()
            db.engine.dispose()
        dispose_owner_engine(extra)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def make(app: Flask) -> Factory:
    return Factory(app)


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """An application context for tests that read the database directly."""
    with app.app_context():
        yield


@pytest.fixture
def csrf_on(app: Flask) -> Iterator[None]:
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False
