"""Configuration read from the environment.

Three variables matter: ``BUTLER_ENV`` (development, test or production),
``DATABASE_URL`` (SQLite under ``instance/`` when unset) and ``SECRET_KEY``. On
PostgreSQL, ``MIGRATION_DATABASE_URL`` names the owner role that migrations connect as,
when the app itself connects as a restricted one (``DATABASE_URL`` is used when unset).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ENVIRONMENTS = ("development", "test", "production")


class ConfigError(RuntimeError):
    """The environment does not allow the application to start."""


def _secret_key(env: str, instance_path: Path) -> str:
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    if env == "production":
        raise ConfigError(
            "SECRET_KEY is not set. In production Butler needs a long random SECRET_KEY "
            "in its environment, e.g. `export SECRET_KEY=$(python -c "
            "'import secrets; print(secrets.token_hex(32))')`."
        )
    # Development: keep one generated key so sessions survive a restart.
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _int_env(name: str, default: int, allow_zero: bool = False) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError as error:
        raise ConfigError(f"{name} must be a whole number, not {value!r}.") from error
    if number < 0 or (number == 0 and not allow_zero):
        raise ConfigError(f"{name} must be {'zero or more' if allow_zero else 'above zero'}.")
    return number


def from_environment(instance_path: Path) -> dict:
    """Return the settings for this process, taken from environment variables."""
    env = os.environ.get("BUTLER_ENV", "development").strip() or "development"
    if env not in ENVIRONMENTS:
        raise ConfigError(f"BUTLER_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}.")
    database_url = os.environ.get("DATABASE_URL", "").strip()
    if not database_url:
        database_url = f"sqlite:///{instance_path / 'butler.db'}"
    production = env == "production"
    return {
        "BUTLER_ENV": env,
        "SECRET_KEY": _secret_key(env, instance_path),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        # Empty: migrations use SQLALCHEMY_DATABASE_URI (core.database.migration_url).
        "BUTLER_MIGRATION_DATABASE_URI": normalise_database_url(
            os.environ.get("MIGRATION_DATABASE_URL", "").strip()
        ),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
        "BUTLER_LOAD_ENTRY_POINTS": True,
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL", "").strip() or "memory://",
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STRATEGY": "moving-window",
        # Sessions end after this long without a request, and after this long in any case.
        "BUTLER_SESSION_IDLE_MINUTES": _int_env("BUTLER_SESSION_IDLE_MINUTES", 120),
        "BUTLER_SESSION_ABSOLUTE_HOURS": _int_env("BUTLER_SESSION_ABSOLUTE_HOURS", 12),
        # How many proxies in front of the app set X-Forwarded-For/-Proto (0: none).
        "BUTLER_PROXY_HOPS": _int_env("BUTLER_PROXY_HOPS", 0, allow_zero=True),
        # Uploaded photos: a folder outside static/, and the largest file accepted.
        "BUTLER_UPLOAD_DIR": os.environ.get("BUTLER_UPLOAD_DIR", "").strip()
        or str(instance_path / "uploads"),
        "BUTLER_UPLOAD_MAX_BYTES": _int_env("BUTLER_UPLOAD_MAX_BYTES", 5 * 1024 * 1024),
        # Photos of more pixels are refused; larger ones are scaled to this longer edge.
        "BUTLER_UPLOAD_MAX_PIXELS": _int_env("BUTLER_UPLOAD_MAX_PIXELS", 40_000_000),
        "BUTLER_UPLOAD_MAX_EDGE": _int_env("BUTLER_UPLOAD_MAX_EDGE", 2048),
        # "module:factory" of a core.uploads.Storage shared by several servers.
        "BUTLER_UPLOAD_STORAGE": os.environ.get("BUTLER_UPLOAD_STORAGE", "").strip(),
        **_mail_settings(),
        **_pool_settings(),
        "BUTLER_LOG_LEVEL": _log_level(),
        "BUTLER_OUTBOX_WORKERS": _outbox_workers(),
        "BUTLER_OUTBOX_QUEUE": os.environ.get("BUTLER_OUTBOX_QUEUE", "").strip() or "butler-outbox",
    }


def _outbox_workers() -> str:
    """``rq`` when delivery is handed to RQ workers, else empty (``jobs run`` delivers)."""
    value = os.environ.get("BUTLER_OUTBOX_WORKERS", "").strip().lower()
    if value not in ("", "rq"):
        raise ConfigError(f"BUTLER_OUTBOX_WORKERS must be rq or empty, not {value!r}.")
    if value and not os.environ.get("REDIS_URL", "").strip():
        raise ConfigError("BUTLER_OUTBOX_WORKERS=rq needs REDIS_URL, the workers' Redis.")
    return value


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def _log_level() -> str:
    level = os.environ.get("BUTLER_LOG_LEVEL", "").strip().upper() or "INFO"
    if level not in LOG_LEVELS:
        choices = ", ".join(LOG_LEVELS)
        raise ConfigError(f"BUTLER_LOG_LEVEL must be one of {choices}, not {level!r}.")
    return level


def _bool_env(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ConfigError(f"{name} must be true or false (1/0, yes/no, on/off), not {value!r}.")


TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def _pool_settings() -> dict:
    """How the PostgreSQL connection pool behaves (``core.database.engine_options``)."""
    return {
        # Test a pooled connection before use: a database or PgBouncer restart then
        # costs a reconnect, not an error page.
        "BUTLER_DB_PRE_PING": _bool_env("BUTLER_DB_PRE_PING", True),
        "BUTLER_DB_POOL_SIZE": _int_env("BUTLER_DB_POOL_SIZE", 5),
        "BUTLER_DB_MAX_OVERFLOW": _int_env("BUTLER_DB_MAX_OVERFLOW", 10, allow_zero=True),
        # Seconds after which a connection is replaced; 0 keeps it as long as it works.
        "BUTLER_DB_POOL_RECYCLE": _int_env("BUTLER_DB_POOL_RECYCLE", 0, allow_zero=True),
        "BUTLER_DB_POOL_TIMEOUT": _int_env("BUTLER_DB_POOL_TIMEOUT", 30),
        # Behind PgBouncer in transaction mode, server-side prepared statements break.
        "BUTLER_DB_PGBOUNCER": _bool_env("BUTLER_DB_PGBOUNCER", False),
    }


def _mail_settings() -> dict:
    """SMTP settings of the outbox's e-mail channel, from variables of the same names."""
    port = os.environ.get("SMTP_PORT", "").strip() or "25"
    if not port.isdigit():
        raise ConfigError(f"SMTP_PORT must be a port number, not {port!r}.")
    starttls = os.environ.get("SMTP_STARTTLS", "").strip().lower()
    return {
        "SMTP_HOST": os.environ.get("SMTP_HOST", "").strip() or "localhost",
        "SMTP_PORT": int(port),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME", "").strip(),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": starttls in ("1", "true", "yes", "on"),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "").strip() or "butler@localhost",
    }


def normalise_database_url(url: str) -> str:
    """Make PostgreSQL URLs use psycopg 3, whatever spelling the operator used."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
