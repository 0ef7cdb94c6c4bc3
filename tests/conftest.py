"""Fixtures: one application per test session, a clean database for every test.

The suite runs on SQLite by default and on PostgreSQL when ``TEST_DATABASE_URL`` is set
(``make test`` does both).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from core import create_app
from core.config import normalise_database_url
from core.extensions import db
from tests.factories import Factory

pytest_plugins = ["core.testing"]


def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if url:
        return normalise_database_url(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'butler-test.db'}"


def app_config(url: str) -> dict:
    return {
        "TESTING": True,
        "BUTLER_ENV": "test",
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "BUTLER_LOAD_ENTRY_POINTS": False,
        # The example plugin implements every hook; the suite always runs with it.
        "BUTLER_EXTRA_PLUGINS": ["tests.example_plugin"],
        # Logins from one test address would trip the throttle: tests that check it
        # build an application with it on.
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Cheap hashes: the suite logs in hundreds of times.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "ARGON2_PARALLELISM": 1,
        # Uploaded photos go to a folder of the test run, not to instance/.
        "BUTLER_UPLOAD_DIR": _upload_dir(),
    }


def _upload_dir() -> str:
    import tempfile

    global _UPLOADS
    if _UPLOADS is None:
        _UPLOADS = tempfile.mkdtemp(prefix="butler-test-uploads-")
    return _UPLOADS


_UPLOADS: str | None = None


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = create_app(app_config(database_url(tmp_path_factory)))
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _empty_tables() -> None:
    # DELETE beats TRUNCATE on a few rows: TRUNCATE rewrites every table's files.
    # The audit log refuses deletes (core/audit_guard.py). PostgreSQL skips triggers for
    # this one transaction in the replica role (the suite connects as a superuser); SQLite
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
    with db.engine.begin() as conn:
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


@pytest.fixture(autouse=True)
def _clean_database(app: Flask) -> Iterator[None]:
    # No application context is held during the test: each request gets its own, as in
    # production, so nothing (g, the session's identity map) leaks between requests.
    yield
    with app.app_context():
        _empty_tables()
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


def login(client: FlaskClient, username: str, password: str = "correct-horse-battery"):
    """Log ``username`` in through the login form; returns the response."""
    return client.post("/login", data={"username": username, "password": password})


@pytest.fixture(autouse=True)
def _forget_example_calls() -> Iterator[None]:
    from tests import example_plugin

    example_plugin.CALLS.clear()
    example_plugin.DELIVERED.clear()
    yield
