"""Engine settings: SQLite pragmas and write locking.

SQLite runs with WAL, a busy timeout and foreign keys on. Transactions of requests that
may write (anything but GET/HEAD/OPTIONS) and of CLI commands start with
``BEGIN IMMEDIATE``: the write lock is taken up front, so two writers queue on the busy
timeout instead of one failing half-way with "database is locked". Reads keep a plain
deferred ``BEGIN`` and never wait for writers (WAL).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, has_request_context, request
from sqlalchemy import event
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
