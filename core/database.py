"""Engine settings: SQLite pragmas and write locking.

SQLite runs with WAL, a busy timeout and foreign keys on. Transactions of requests that
may write (anything but GET/HEAD/OPTIONS) and of CLI commands start with
``BEGIN IMMEDIATE``: the write lock is taken up front, so two writers queue on the busy
timeout instead of one failing half-way with "database is locked". Reads keep a plain
deferred ``BEGIN`` and never wait for writers (WAL).

On PostgreSQL the app may connect as a restricted role (``DATABASE_URL``) while migrations
connect as the owner of the tables (``MIGRATION_DATABASE_URL``): ``owner_engine`` is the
latter (``core/dbroles.py``, ``docs/security.md``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, has_request_context, request
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from core.extensions import db

SQLITE_BUSY_TIMEOUT_MS = 10_000
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def engine_options(config: Mapping[str, Any]) -> dict[str, Any]:
    """SQLAlchemy engine options for the configured database, from the ``BUTLER_DB_*``
    settings (``core.config``). SQLite keeps SQLAlchemy's defaults: it has no server to
    lose a connection to, and one writer at a time."""
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    url = str(config.get("SQLALCHEMY_DATABASE_URI") or "")
    if not url.startswith("postgresql"):
        return options
    options.setdefault("pool_pre_ping", config.get("BUTLER_DB_PRE_PING", True))
    options.setdefault("pool_size", config.get("BUTLER_DB_POOL_SIZE", 5))
    options.setdefault("max_overflow", config.get("BUTLER_DB_MAX_OVERFLOW", 10))
    options.setdefault("pool_recycle", config.get("BUTLER_DB_POOL_RECYCLE") or -1)
    options.setdefault("pool_timeout", config.get("BUTLER_DB_POOL_TIMEOUT", 30))
    if config.get("BUTLER_DB_PGBOUNCER"):
        # psycopg 3 prepares a statement run five times on that server connection;
        # PgBouncer (transaction mode) may hand the next transaction another one.
        options["connect_args"] = {**options.get("connect_args", {}), "prepare_threshold": None}
    return options


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        if has_request_context() and request.method in READ_METHODS:
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


OWNER_ENGINE = "butler.owner_engine"


def migration_url(app: Flask) -> str:
    """The URL migrations connect with: ``MIGRATION_DATABASE_URL``, else the app's own."""
    return app.config.get("BUTLER_MIGRATION_DATABASE_URI") or app.config["SQLALCHEMY_DATABASE_URI"]


def owner_engine(app: Flask) -> Engine:
    """An engine connected as the owner of the tables (migrations, restores, grants).

    The app's own engine when both URLs are the same; otherwise one engine, made on first
    use and kept with the application.
    """
    url = migration_url(app)
    if url == app.config["SQLALCHEMY_DATABASE_URI"]:
        with app.app_context():
            return db.engine
    engine = app.extensions.get(OWNER_ENGINE)
    if engine is None:
        engine = create_engine(url, pool_pre_ping=True)
        if engine.dialect.name == "sqlite":
            _configure_sqlite(engine)
        app.extensions[OWNER_ENGINE] = engine
    return engine


def dispose_owner_engine(app: Flask) -> None:
    """Close the owner engine's connections, if one was made."""
    engine = app.extensions.pop(OWNER_ENGINE, None)
    if engine is not None:
        engine.dispose()
