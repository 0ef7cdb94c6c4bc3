"""The Alembic revisions build exactly the schema the models describe, on both databases."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from core.extensions import db
from tests.conftest import app_config


@pytest.fixture
def empty_database_url(app, tmp_path) -> Iterator[str]:
    """A brand-new empty database of the kind the suite runs on."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
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
    migrated = make_app(app_config(empty_database_url))
    with migrated.app_context():
        upgrade(revision="heads")
        with db.engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata
            )
            tables = set(inspect(conn).get_table_names())
    assert diff == []
    assert {"site", "resident", "audit_log", "alembic_version"} <= tables


def test_the_one_current_butler_index_exists_after_migrating(empty_database_url, make_app):
    migrated = make_app(app_config(empty_database_url))
    with migrated.app_context():
        upgrade(revision="heads")
        with db.engine.connect() as conn:
            indexes = {i["name"]: i for i in inspect(conn).get_indexes("butler_assignment")}
    assert indexes["uq_butler_assignment_current"]["unique"]
