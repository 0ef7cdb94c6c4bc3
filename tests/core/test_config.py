"""Start-up configuration from the environment."""

from __future__ import annotations

import pytest

from core.config import ConfigError, from_environment, normalise_database_url


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
