"""Start-up configuration from the environment."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.config import ConfigError, from_environment, normalise_database_url
from core.database import engine_options


def test_production_without_secret_key_stops_with_a_clear_message(monkeypatch, tmp_path):
    monkeypatch.setenv("BUTLER_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        from_environment(tmp_path)


def test_development_generates_a_key_once_and_keeps_it(monkeypatch, tmp_path):
    monkeypatch.setenv("BUTLER_ENV", "development")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = from_environment(tmp_path)["SECRET_KEY"]
    second = from_environment(tmp_path)["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    monkeypatch.setenv("BUTLER_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    config = from_environment(tmp_path)
    assert config["SESSION_COOKIE_SECURE"] and config["SESSION_COOKIE_HTTPONLY"]
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_database_defaults_to_sqlite_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("BUTLER_ENV", "development")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    url = from_environment(tmp_path)["SQLALCHEMY_DATABASE_URI"]
    assert url == f"sqlite:///{tmp_path / 'butler.db'}"


def test_an_unknown_environment_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("BUTLER_ENV", "staging")
    with pytest.raises(ConfigError, match="BUTLER_ENV must be one of"):
        from_environment(tmp_path)


@pytest.mark.parametrize(
    "url", ["postgres://u@h/db", "postgresql://u@h/db", "postgresql+psycopg://u@h/db"]
)
def test_postgres_urls_use_psycopg_3(url):
    assert normalise_database_url(url) == "postgresql+psycopg://u@h/db"


def test_behind_a_proxy_the_clients_address_is_used(app, make_app, make):
    from sqlalchemy import select

    from core.extensions import db
    from core.models import AuditLog
    from tests.conftest import login

    proxied = make_app({**app.config, "BUTLER_PROXY_HOPS": 1})
    make.user(username="ben")
    client = proxied.test_client()
    login(client, "ben", "wrong-password")
    client.post(
        "/login",
        data={"username": "ben", "password": "x"},
        headers={"X-Forwarded-For": "203.0.113.7"},
    )
    with proxied.app_context():
        addresses = db.session.scalars(select(AuditLog.ip).order_by(AuditLog.id)).all()
    assert addresses == ["127.0.0.1", "203.0.113.7"]


# --- The PostgreSQL connection pool ----------------------------------------------------

PG_URL = "postgresql+psycopg://butler@db.internal/butler"


def test_pool_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("BUTLER_ENV", "development")
    monkeypatch.setenv("BUTLER_DB_POOL_SIZE", "12")
    monkeypatch.setenv("BUTLER_DB_MAX_OVERFLOW", "0")
    monkeypatch.setenv("BUTLER_DB_POOL_RECYCLE", "1800")
    monkeypatch.setenv("BUTLER_DB_PRE_PING", "off")
    monkeypatch.setenv("BUTLER_DB_PGBOUNCER", "yes")
    config = {**from_environment(tmp_path), "SQLALCHEMY_DATABASE_URI": PG_URL}

    options = engine_options(config)
    engine = sa.create_engine(PG_URL, **options)  # no connection is made

    assert options["pool_pre_ping"] is False
    assert options["connect_args"] == {"prepare_threshold": None}
    assert (engine.pool.size(), engine.pool._max_overflow, engine.pool._recycle) == (12, 0, 1800)
    engine.dispose()


def test_pool_defaults_check_connections_and_keep_prepared_statements(monkeypatch, tmp_path):
    for name in ("POOL_SIZE", "MAX_OVERFLOW", "POOL_RECYCLE", "PRE_PING", "PGBOUNCER"):
        monkeypatch.delenv(f"BUTLER_DB_{name}", raising=False)
    config = {**from_environment(tmp_path), "SQLALCHEMY_DATABASE_URI": PG_URL}
    options = engine_options(config)
    assert options["pool_pre_ping"] is True
    assert (options["pool_size"], options["max_overflow"], options["pool_recycle"]) == (5, 10, -1)
    assert "connect_args" not in options
    sqlite = {**config, "SQLALCHEMY_DATABASE_URI": "sqlite:///butler.db"}
    assert engine_options(sqlite) == {}  # SQLite keeps SQLAlchemy's own pool


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("BUTLER_DB_POOL_SIZE", "ten", "BUTLER_DB_POOL_SIZE must be a whole number, not 'ten'."),
        ("BUTLER_DB_POOL_SIZE", "0", "BUTLER_DB_POOL_SIZE must be above zero."),
        ("BUTLER_DB_MAX_OVERFLOW", "-1", "BUTLER_DB_MAX_OVERFLOW must be zero or more."),
        ("BUTLER_DB_PGBOUNCER", "maybe", "BUTLER_DB_PGBOUNCER must be true or false"),
    ],
)
def test_a_bad_pool_setting_stops_start_up_with_its_name(
    monkeypatch, tmp_path, name, value, message
):
    monkeypatch.setenv("BUTLER_ENV", "development")
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as refused:
        from_environment(tmp_path)
    assert str(refused.value).startswith(message)


def test_behind_pgbouncer_no_statement_is_prepared_on_the_server(app):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL")
    options = engine_options({**app.config, "BUTLER_DB_PGBOUNCER": True})
    engine = sa.create_engine(url, **options)
    try:
        with engine.connect() as connection:
            for _ in range(8):  # more than psycopg's five runs before it prepares
                connection.execute(sa.text("SELECT 1 WHERE 1 = :one"), {"one": 1})
            prepared = connection.execute(sa.text("SELECT count(*) FROM pg_prepared_statements"))
            assert prepared.scalar() == 0
    finally:
        engine.dispose()


def test_outbox_workers_need_rq_named_and_a_redis(monkeypatch, tmp_path):
    monkeypatch.setenv("BUTLER_ENV", "development")
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("BUTLER_OUTBOX_WORKERS", "celery")
    with pytest.raises(ConfigError, match="BUTLER_OUTBOX_WORKERS must be rq or empty"):
        from_environment(tmp_path)
    monkeypatch.setenv("BUTLER_OUTBOX_WORKERS", "rq")
    with pytest.raises(ConfigError, match="needs REDIS_URL"):
        from_environment(tmp_path)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    assert from_environment(tmp_path)["BUTLER_OUTBOX_WORKERS"] == "rq"
